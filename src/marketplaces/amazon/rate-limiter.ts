/**
 * SP-API throttles each operation with a token bucket (rate = tokens per second, burst = bucket
 * size; "Usage Plans and Rate Limits in the SP-API"). We keep the same bucket on our side, so we
 * wait instead of being answered 429. Pure arithmetic over a clock the caller passes.
 */
export interface UsagePlan {
  /** Requests per second added to the bucket. */
  rate: number;
  /** The bucket's size. */
  burst: number;
}

/** The documented default plans of the operations the channel calls. */
export const USAGE_PLANS = {
  getOrders: { rate: 0.0167, burst: 20 },
  getOrderItems: { rate: 0.5, burst: 30 },
  getOrder: { rate: 0.5, burst: 30 },
  confirmShipment: { rate: 2, burst: 10 },
  patchListingsItem: { rate: 5, burst: 5 },
} as const satisfies Record<string, UsagePlan>;

export type Operation = keyof typeof USAGE_PLANS;

export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(private plan: UsagePlan, now: number) {
    this.tokens = plan.burst;
    this.at = now;
  }

  get rate(): number {
    return this.plan.rate;
  }

  private refill(now: number): void {
    if (now > this.at) this.tokens = Math.min(this.plan.burst, this.tokens + ((now - this.at) / 1000) * this.plan.rate);
    this.at = Math.max(this.at, now);
  }

  /**
   * Takes a token if one is there (0 returned), else says how many ms until one will be. A taken
   * token is gone even if the caller then waits for nothing: call again after the wait.
   */
  take(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.plan.rate) * 1000);
  }

  /** Tokens in the bucket now (for tests and logs). */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /**
   * The x-amzn-RateLimit-Limit header: the rate Amazon actually applies to this seller and
   * application (dynamic plans may be higher or lower than the documented default).
   */
  setRate(rate: number, now: number): void {
    if (!(rate > 0) || rate === this.plan.rate) return;
    this.refill(now);
    this.plan = { ...this.plan, rate };
  }

  /** A 429: Amazon's bucket is empty, whatever ours says. */
  drain(now: number): void {
    this.refill(now);
    this.tokens = 0;
  }
}

/** The x-amzn-RateLimit-Limit value (requests per second, e.g. "0.0167"), or undefined when absent or not a positive number. */
export function parseRateLimitHeader(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Exponential backoff with full jitter: attempt 0 waits up to base, then 2x, 4x ... capped at max. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  // Never less than half the ceiling: a jitter of ~0 would retry at once and be throttled again.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
