import crypto from 'node:crypto';
import { GatewayError } from '../../errors/gateway-error';
import type { Logger } from '../../log/logger';
import type { AmazonProfile } from './amazon.schema';
import { LwaTokens, lwaCredentials } from './lwa';
import { backoffMs, parseRateLimitHeader, TokenBucket, USAGE_PLANS, type Operation } from './rate-limiter';

/**
 * The only code that speaks SP-API. Plain fetch, not Amazon's SDKs: we call five operations, and
 * the SDKs bring their own HTTP stack, retry policy and token cache that would hide exactly what
 * this file must control (our buckets, our backoff, which failure is retryable).
 */
export interface SpApiRequest {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
}

export interface SpApiResponse<T> {
  status: number;
  body: T;
}

export interface SpApiDeps {
  fetch?: typeof fetch;
  log?: Logger;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  env?: NodeJS.ProcessEnv;
}

/** What Amazon says in its `errors` array, one line. */
export function describeErrors(body: unknown): string {
  const errors = (body as { errors?: { code?: string; message?: string; details?: string }[] } | undefined)?.errors;
  if (!Array.isArray(errors) || !errors.length) return '';
  return errors.map((e) => [e.code, e.message, e.details].filter(Boolean).join(': ')).join('; ');
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new GatewayError('TRANSPORT_UNAVAILABLE', 'stopped')); return; }
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(new GatewayError('TRANSPORT_UNAVAILABLE', 'stopped')); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Buckets and tokens are the seller's (per application), not a task's: one set per process, shared by the pull, pushes and deliveries. */
const buckets = new Map<string, Map<Operation, TokenBucket>>();
const tokens = new Map<string, LwaTokens>();

export class SpApiClient {
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly lwa: LwaTokens;
  private readonly buckets: Map<Operation, TokenBucket>;

  constructor(readonly amazon: AmazonProfile, private readonly deps: SpApiDeps = {}) {
    this.fetch = deps.fetch ?? globalThis.fetch;
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? abortableSleep;
    const creds = lwaCredentials(amazon, deps.env);
    // Keyed by a hash: a rotated secret gets a fresh token, and no secret sits in a map key.
    const tokenKey = crypto.createHash('sha256').update([creds.tokenUrl, creds.clientId, creds.clientSecret, creds.refreshToken].join('\0')).digest('hex');
    const custom = deps.now !== undefined || deps.fetch !== undefined;
    // Injected clocks or fetches (tests) get state of their own.
    this.lwa = (custom ? undefined : tokens.get(tokenKey)) ?? new LwaTokens(creds, { fetch: this.fetch, now: this.now });
    if (!custom) tokens.set(tokenKey, this.lwa);
    const bucketKey = `${amazon.endpoint}|${amazon.sellerId}`;
    this.buckets = (custom ? undefined : buckets.get(bucketKey)) ?? new Map();
    if (!custom) buckets.set(bucketKey, this.buckets);
  }

  bucket(op: Operation): TokenBucket {
    let b = this.buckets.get(op);
    if (!b) this.buckets.set(op, (b = new TokenBucket(USAGE_PLANS[op], this.now())));
    return b;
  }

  private url(r: SpApiRequest): string {
    const u = new URL(r.path, this.amazon.endpoint.endsWith('/') ? this.amazon.endpoint : `${this.amazon.endpoint}/`);
    for (const [k, v] of Object.entries(r.query ?? {})) if (v !== undefined) u.searchParams.set(k, v);
    return u.toString();
  }

  /** Waits for the operation's bucket to hold a token. */
  private async admit(op: Operation, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = this.bucket(op).take(this.now());
      if (!wait) return;
      this.deps.log?.debug({ operation: op, waitMs: wait }, 'SP-API rate limit: waiting for a token');
      await this.sleep(wait, signal);
    }
  }

  /**
   * One SP-API operation. Waits for its bucket; 429, 5xx and network failures back off and try
   * again up to retry.attempts, then throw a retryable GatewayError; a 401/403 refreshes the
   * access token once; any other 4xx throws PARTNER_REJECTED with Amazon's errors.
   */
  async call<T>(op: Operation, r: SpApiRequest, o: { signal?: AbortSignal } = {}): Promise<SpApiResponse<T>> {
    const { attempts, baseMs, maxMs } = this.amazon.retry;
    const url = this.url(r);
    let refreshed = false;
    let last = '';
    for (let attempt = 0; attempt < attempts;) {
      await this.admit(op, o.signal);
      const token = await this.lwa.accessToken();
      let res: Response;
      try {
        res = await this.fetch(url, {
          method: r.method, signal: o.signal,
          headers: { 'x-amz-access-token': token, accept: 'application/json', 'user-agent': 'edi-gateway (Language=TypeScript)', ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body: r.body !== undefined ? JSON.stringify(r.body) : undefined,
        });
      } catch (err) {
        if (o.signal?.aborted) throw new GatewayError('TRANSPORT_UNAVAILABLE', 'stopped');
        last = `network: ${(err as Error).message}`;
        const delay = backoffMs(attempt++, baseMs, maxMs, this.deps.random);
        if (attempt < attempts) await this.sleep(delay, o.signal);
        continue;
      }
      const limit = parseRateLimitHeader(res.headers.get('x-amzn-ratelimit-limit'));
      if (limit) this.bucket(op).setRate(limit, this.now());
      const text = await res.text();
      let body: unknown;
      try { body = text ? JSON.parse(text) : undefined; } catch { body = undefined; }
      if ((res.status === 401 || res.status === 403) && !refreshed) {
        // Expired or revoked access token: one fresh token, once, does not count as an attempt.
        refreshed = true;
        this.lwa.invalidate(token);
        this.deps.log?.info({ operation: op, status: res.status }, 'SP-API refused the access token: refreshing it');
        continue;
      }
      if (res.status === 401 || res.status === 403) {
        throw new GatewayError('CONFIG_INVALID', `SP-API ${op} answered ${res.status} with a fresh access token (${describeErrors(body) || 'Unauthorized'}): `
          + `the seller's authorization or the application's roles do not allow it`, { status: res.status });
      }
      if (res.status === 429 || res.status >= 500) {
        if (res.status === 429) this.bucket(op).drain(this.now());
        last = `HTTP ${res.status}${describeErrors(body) ? ` ${describeErrors(body)}` : ''}`;
        const delay = backoffMs(attempt++, baseMs, maxMs, this.deps.random);
        this.deps.log?.warn({ operation: op, status: res.status, attempt, delayMs: delay }, res.status === 429 ? 'SP-API throttled: backing off' : 'SP-API server error: backing off');
        if (attempt < attempts) await this.sleep(delay, o.signal);
        continue;
      }
      if (res.status >= 400) {
        throw new GatewayError('PARTNER_REJECTED', `SP-API ${op} refused the request: HTTP ${res.status}${describeErrors(body) ? ` ${describeErrors(body)}` : ''}`, { status: res.status, errors: (body as { errors?: unknown })?.errors });
      }
      if (text && body === undefined) {
        // A 2xx whose body is not JSON: a proxy's page, a truncated answer. Worth another try later.
        throw new GatewayError('TRANSPORT_UNAVAILABLE', `SP-API ${op} answered ${res.status} with a body that is not JSON (${JSON.stringify(text.slice(0, 60))})`);
      }
      return { status: res.status, body: body as T };
    }
    throw new GatewayError('TRANSPORT_UNAVAILABLE', `SP-API ${op}: no success after ${attempts} attempt(s); last ${last}`);
  }
}
