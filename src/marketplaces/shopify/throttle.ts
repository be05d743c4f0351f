/**
 * Shopify's GraphQL Admin API is limited by calculated query cost: a leaky bucket per app and
 * store that holds `maximumAvailable` points and refills at `restoreRate` points a second; a
 * query needs its `requestedQueryCost` in the bucket to run. Every answer reports the bucket in
 * extensions.cost.throttleStatus. Pure arithmetic on those numbers: how long to wait.
 */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

/** Never wait longer than this for the bucket (a misreported restore rate must not hang a task). */
export const MAX_WAIT_MS = 60_000;

/** The extensions.cost of an answer, when it has a well-formed one. */
export function costOf(body: unknown): QueryCost | undefined {
  const cost = (body as { extensions?: { cost?: Partial<QueryCost> } } | null)?.extensions?.cost;
  const t = cost?.throttleStatus;
  if (!cost || !t || typeof cost.requestedQueryCost !== 'number' || typeof t.currentlyAvailable !== 'number'
    || typeof t.restoreRate !== 'number' || typeof t.maximumAvailable !== 'number') return undefined;
  return { requestedQueryCost: cost.requestedQueryCost, actualQueryCost: cost.actualQueryCost ?? null, throttleStatus: t };
}

/**
 * Milliseconds to wait before a query that may cost `need` points, the bucket having been seen as
 * `seen` `elapsedMs` ago: 0 when it already holds enough (it refills while we wait), else the time
 * the restore rate takes to make up the difference. A query costlier than the whole bucket waits
 * for a full bucket (Shopify would refuse it anyway; it is the caller's to make it smaller).
 */
export function waitBeforeQuery(need: number, seen: ThrottleStatus, elapsedMs: number): number {
  if (!(seen.restoreRate > 0)) return 0;
  const target = Math.min(need, seen.maximumAvailable);
  const now = Math.min(seen.maximumAvailable, seen.currentlyAvailable + seen.restoreRate * Math.max(0, elapsedMs) / 1000);
  if (now >= target) return 0;
  return Math.min(MAX_WAIT_MS, Math.ceil(((target - now) / seen.restoreRate) * 1000));
}

/** A THROTTLED answer: the time until the bucket holds the query's requested cost again. */
export function waitAfterThrottled(cost: QueryCost | undefined): number {
  if (!cost) return 1000;
  return Math.max(1, waitBeforeQuery(cost.requestedQueryCost, cost.throttleStatus, 0));
}

/**
 * HTTP Retry-After (RFC 9110): delay-seconds or an HTTP date. Milliseconds; undefined when absent
 * or unreadable (the caller picks its own wait).
 */
export function retryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const v = header.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.min(MAX_WAIT_MS, Math.ceil(Number(v) * 1000));
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.min(MAX_WAIT_MS, Math.max(0, at - now));
}
