import type { LeasedJob } from '../../src/queue/leases';
import { QueueWorker, type JobLeases } from '../../src/queue/queue-worker';
import { silentLog } from '../helpers';

/** A queue in memory: what the worker fetched, when, and how much of it had started by then. */
function memoryQueue(total: number) {
  const ready = Array.from({ length: total }, (_, i) => `job-${i}`);
  const fetches: { asked: number; got: number; handedOut: number; started: number }[] = [];
  const completed = new Set<string>();
  let handedOut = 0;
  const state = { started: 0 };
  const leases: JobLeases = {
    async fetch<T>(_name: string, batchSize: number) {
      const startedThen = state.started;
      await new Promise((r) => setImmediate(r)); // a round trip
      const ids = ready.splice(0, batchSize);
      fetches.push({ asked: batchSize, got: ids.length, handedOut, started: startedThen });
      handedOut += ids.length;
      return ids.map((id) => ({ id, data: { id } as T, retryCount: 0, retryLimit: 3, output: null })) as LeasedJob<T>[];
    },
    async complete(_name, ids) { ids.forEach((id) => completed.add(id)); return ids; },
    async fail() { return true; },
    async release(_name, ids) { ready.unshift(...ids); return ids; },
  };
  return { leases, fetches, completed, state };
}

describe('QueueWorker fetching', () => {
  it('fetches in batches and ahead of the lanes running dry, so short jobs make few round trips', async () => {
    const q = memoryQueue(1000);
    let done = 0;
    let finish!: () => void;
    const all = new Promise<void>((r) => { finish = r; });
    const worker = new QueueWorker<{ id: string }>(q.leases, 'test', async () => {
      q.state.started++;
      await new Promise((r) => setImmediate(r));
      if (++done === 1000) finish();
    }, { log: silentLog, pollIntervalMs: 20, batchSize: 100, concurrency: 4, stopGraceMs: 1000 });
    worker.start();
    await all;
    await worker.stop();
    expect(q.completed.size).toBe(1000);
    const fetching = q.fetches.filter((f) => f.got > 0);
    // pg-boss sorts the whole backlog on each fetch: 1,000 short jobs must not cost hundreds of fetches.
    expect(fetching.length).toBeLessThanOrEqual(1000 / 50);
    expect(Math.max(...fetching.map((f) => f.asked))).toBe(100);
    // Most fetches went out while jobs fetched before were still in hand, not yet started.
    const ahead = fetching.slice(1).filter((f) => f.started < f.handedOut);
    expect(ahead.length).toBeGreaterThan(fetching.length / 2);
  });
});
