/**
 * A fixed-window counter per key (a token's name, a client's address), in memory: each process
 * limits what it serves, which is what protects it. A window is a minute; a key over its limit is
 * told how many seconds are left (Retry-After).
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly options: { limit: number; windowMs?: number; now?: () => number; maxKeys?: number }) {}

  private get windowMs(): number {
    return this.options.windowMs ?? 60_000;
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  private current(key: string): { start: number; count: number } {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (!w && this.windows.size >= (this.options.maxKeys ?? 10_000)) this.sweep(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  /** Seconds until `key` may try again, or 0 when it is under its limit now. Counts nothing. */
  blockedFor(key: string): number {
    if (this.options.limit <= 0) return 0;
    const w = this.windows.get(key);
    if (!w || this.now() - w.start >= this.windowMs || w.count < this.options.limit) return 0;
    return Math.max(1, Math.ceil((w.start + this.windowMs - this.now()) / 1000));
  }

  /** Counts one hit for `key`; the seconds to wait when it is over the limit (0: go ahead). A limit of 0 is no limit. */
  hit(key: string): number {
    if (this.options.limit <= 0) return 0;
    const w = this.current(key);
    w.count++;
    return w.count > this.options.limit ? Math.max(1, Math.ceil((w.start + this.windowMs - this.now()) / 1000)) : 0;
  }

  /** Drops finished windows; if every key is live (a flood of addresses), the oldest half goes. */
  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
    if (this.windows.size >= (this.options.maxKeys ?? 10_000)) {
      const keys = [...this.windows.keys()];
      for (const k of keys.slice(0, Math.ceil(keys.length / 2))) this.windows.delete(k);
    }
  }

  get size(): number {
    return this.windows.size;
  }
}
