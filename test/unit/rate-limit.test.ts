import { FixedWindowLimiter } from '../../src/http/rate-limit';
import { roleAllows } from '../../src/store/api-tokens.repo';

describe('FixedWindowLimiter', () => {
  it('lets `limit` hits through per key and window, then says how many seconds are left', () => {
    let now = 1_000_000;
    const l = new FixedWindowLimiter({ limit: 2, now: () => now });
    expect([l.hit('a'), l.hit('a')]).toEqual([0, 0]);
    expect(l.blockedFor('a')).toBe(60);
    now += 15_500;
    expect(l.hit('a')).toBe(45); // 44.5 s left, rounded up
    expect(l.hit('b')).toBe(0); // keys are apart
    now += 44_500;
    expect(l.blockedFor('a')).toBe(0);
    expect(l.hit('a')).toBe(0); // a new window
  });

  it('is off with a limit of 0, and forgets finished windows when it holds too many keys', () => {
    const off = new FixedWindowLimiter({ limit: 0 });
    for (let i = 0; i < 100; i++) expect(off.hit('k')).toBe(0);
    let now = 0;
    const l = new FixedWindowLimiter({ limit: 1, now: () => now, maxKeys: 10 });
    for (let i = 0; i < 10; i++) l.hit(`ip${i}`);
    now = 61_000;
    l.hit('new');
    expect(l.size).toBe(1);
    // All live: the oldest half goes rather than growing without bound.
    for (let i = 0; i < 20; i++) l.hit(`live${i}`);
    expect(l.size).toBeLessThanOrEqual(10);
  });
});

describe('roles', () => {
  it('rank viewer < operator < admin', () => {
    expect(roleAllows('admin', 'operator')).toBe(true);
    expect(roleAllows('operator', 'operator')).toBe(true);
    expect(roleAllows('viewer', 'operator')).toBe(false);
    expect(roleAllows('operator', 'admin')).toBe(false);
  });
});
