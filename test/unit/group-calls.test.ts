import { GroupCalls } from '../../src/lib/group-calls';

/** A runMany that records each group it was given and answers after a round trip; items named in `bad` make a group fail. */
function recorder(bad = new Set<number>()) {
  const groups: number[][] = [];
  const run = async (items: number[]) => {
    groups.push([...items]);
    await new Promise((r) => setImmediate(r));
    if (items.some((i) => bad.has(i))) throw new Error(`bad item in ${items.join(',')}`);
    return items.map((i) => i * 10);
  };
  return { groups, run };
}

describe('GroupCalls', () => {
  it('runs the calls made together as one group, each caller getting its own answer', async () => {
    const r = recorder();
    const g = new GroupCalls(r.run);
    expect(await Promise.all([1, 2, 3].map((i) => g.call(i)))).toEqual([10, 20, 30]);
    expect(r.groups).toEqual([[1, 2, 3]]);
  });

  it('gathers the calls made while a group is on its way into the next group', async () => {
    const r = recorder();
    const g = new GroupCalls(r.run);
    const first = g.call(1);
    await new Promise((res) => setImmediate(res)); // the first group has left
    const later = [2, 3, 4].map((i) => g.call(i));
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 40]);
    expect(r.groups).toEqual([[1], [2, 3, 4]]);
  });

  it('a call alone still goes, and a quiet spell after it changes nothing', async () => {
    const r = recorder();
    const g = new GroupCalls(r.run);
    expect(await g.call(7)).toBe(70);
    expect(await g.call(8)).toBe(80);
    expect(r.groups).toEqual([[7], [8]]);
  });

  it('keeps groups to maxItems', async () => {
    const r = recorder();
    const g = new GroupCalls(r.run, 2);
    expect(await Promise.all([1, 2, 3, 4, 5].map((i) => g.call(i)))).toEqual([10, 20, 30, 40, 50]);
    expect(r.groups).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('runs a failed group again one call at a time: only the call at fault fails', async () => {
    const r = recorder(new Set([2]));
    const g = new GroupCalls(r.run);
    const out = await Promise.allSettled([1, 2, 3].map((i) => g.call(i)));
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((out[1] as PromiseRejectedResult).reason.message).toBe('bad item in 2');
    expect(r.groups).toEqual([[1, 2, 3], [1], [2], [3]]);
    // And the next calls group again.
    expect(await Promise.all([4, 5].map((i) => g.call(i)))).toEqual([40, 50]);
    expect(r.groups.at(-1)).toEqual([4, 5]);
  });
});
