import { GatewayError } from '../../errors/gateway-error';
import type { Logger } from '../../log/logger';
import { graphqlUrl, type ShopifyProfile } from './shopify.schema';
import { costOf, retryAfterMs, waitAfterThrottled, waitBeforeQuery, type QueryCost, type ThrottleStatus } from './throttle';

export interface ShopifyClientDeps {
  log: Logger;
  fetch?: typeof fetch;
  /** Waits (tests record the waits instead of sleeping). */
  sleep?: (ms: number) => Promise<void>;
  /** The environment the access token is read from. */
  env?: NodeJS.ProcessEnv;
  /**
   * A scheduled run's: once aborted, a throttle or backoff wait ends at once (TRANSPORT_UNAVAILABLE),
   * so a stopping gateway is not held for a minute; a request in hand still gets its answer.
   */
  signal?: AbortSignal;
}

export interface GraphqlResult<T> {
  data: T;
  cost?: QueryCost;
}

interface Bucket {
  status: ThrottleStatus;
  at: number;
}

/**
 * The bucket as last seen, per endpoint and process: the order pull, the inventory push and the
 * outbound sender of one store share Shopify's one bucket for our app, so they share what they know
 * of it and none of them fires into an empty bucket.
 */
const BUCKETS = new Map<string, Bucket>();
/** Requested cost last reported per query text: the estimate for the next run of the same query. */
const LAST_COST = new Map<string, number>();

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `sleep`, cut short with an error when the signal is aborted. */
function abortable(sleep: (ms: number) => Promise<void>, signal: AbortSignal, shop: string): (ms: number) => Promise<void> {
  const stopped = () => new GatewayError('TRANSPORT_UNAVAILABLE', `Shopify ${shop}: stopped while waiting`);
  return (ms) => new Promise<void>((resolve, reject) => {
    if (signal.aborted) { reject(stopped()); return; }
    const onAbort = () => reject(stopped());
    signal.addEventListener('abort', onAbort, { once: true });
    sleep(ms).then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The access token from the environment variable the profile names; a clear error when unset. */
export function accessToken(s: ShopifyProfile, env: NodeJS.ProcessEnv = process.env): string {
  const token = env[s.accessTokenEnv];
  if (!token) throw new GatewayError('CHANNEL_AUTH', `Shopify ${s.shop}: the access token's environment variable ${s.accessTokenEnv} is not set`, { env: s.accessTokenEnv });
  return token;
}

/**
 * One Shopify store's Admin GraphQL API at the pinned version. Cost-based throttling is respected:
 * before a query it waits until the bucket (as last reported) holds the query's expected cost; a
 * THROTTLED answer is retried after the time the bucket takes to refill, a 429 after its
 * Retry-After, a 5xx after a growing pause, each up to the profile's maxAttempts; then the error
 * is retryable (TRANSPORT_UNAVAILABLE) for the caller's schedule or queue. 401/403 and
 * ACCESS_DENIED are CHANNEL_AUTH, naming the token's environment variable; other GraphQL errors
 * CHANNEL_REFUSED. userErrors are the caller's to read (they belong to a mutation's payload).
 */
export class ShopifyClient {
  private readonly url: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetch: typeof fetch;

  constructor(readonly settings: ShopifyProfile, private readonly deps: ShopifyClientDeps) {
    this.url = graphqlUrl(settings);
    this.sleep = deps.signal ? abortable(deps.sleep ?? realSleep, deps.signal, settings.shop) : deps.sleep ?? realSleep;
    this.fetch = deps.fetch ?? globalThis.fetch;
  }

  async query<T>(query: string, variables: Record<string, unknown> = {}, o: { expectedCost?: number } = {}): Promise<GraphqlResult<T>> {
    const s = this.settings;
    const token = accessToken(s, this.deps.env);
    const log = this.deps.log;
    let lastProblem = '';
    let waited = false;
    for (let attempt = 1; attempt <= s.maxAttempts; attempt++) {
      const bucket = BUCKETS.get(this.url);
      const need = LAST_COST.get(query) ?? o.expectedCost ?? 10;
      // Right after waiting the advertised time, go: the bucket as last seen predates that wait.
      const pause = bucket && !waited ? waitBeforeQuery(need, bucket.status, Date.now() - bucket.at) : 0;
      waited = false;
      if (pause > 0) {
        log.debug({ shop: s.shop, waitMs: pause, need, available: bucket?.status.currentlyAvailable }, 'Shopify bucket low: waiting before the query');
        await this.sleep(pause);
      }
      let res: Response;
      try {
        res = await this.fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'x-shopify-access-token': token },
          body: JSON.stringify({ query, variables }),
        });
      } catch (err) {
        throw new GatewayError('TRANSPORT_UNAVAILABLE', `Shopify ${s.shop} unreachable: ${(err as Error).message}`, { url: this.url }, { cause: err });
      }
      const text = await res.text();
      let body: { data?: T; errors?: unknown } | undefined;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      const cost = costOf(body);
      if (cost) {
        BUCKETS.set(this.url, { status: cost.throttleStatus, at: Date.now() });
        LAST_COST.set(query, cost.requestedQueryCost);
      }
      if (res.status === 401 || res.status === 403) {
        throw new GatewayError('CHANNEL_AUTH', `Shopify ${s.shop} refused the access token in ${s.accessTokenEnv} (HTTP ${res.status}${errorText(body) ? `: ${errorText(body)}` : ''}); `
          + 'check the token and the app\'s access scopes', { env: s.accessTokenEnv, status: res.status });
      }
      if (res.status === 429) {
        const wait = retryAfterMs(res.headers.get('retry-after')) ?? waitAfterThrottled(cost);
        lastProblem = `HTTP 429 (Retry-After ${res.headers.get('retry-after') ?? 'not given'})`;
        log.info({ shop: s.shop, attempt, waitMs: wait }, 'Shopify answered 429: waiting the advertised time');
        if (attempt < s.maxAttempts) { await this.sleep(wait); waited = true; }
        continue;
      }
      if (res.status >= 500) {
        lastProblem = `HTTP ${res.status}`;
        const wait = retryAfterMs(res.headers.get('retry-after')) ?? Math.min(30_000, 500 * 2 ** (attempt - 1));
        log.warn({ shop: s.shop, attempt, status: res.status, waitMs: wait }, 'Shopify server error: retrying');
        if (attempt < s.maxAttempts) { await this.sleep(wait); waited = true; }
        continue;
      }
      if (res.status >= 400 || !body) {
        throw new GatewayError('CHANNEL_REFUSED', `Shopify ${s.shop} answered HTTP ${res.status}${errorText(body) ? `: ${errorText(body)}` : body ? '' : ' without a JSON body'}`, { status: res.status });
      }
      const errors = Array.isArray(body.errors) ? body.errors as { message?: string; extensions?: { code?: string } }[] : [];
      if (errors.some((e) => e.extensions?.code === 'THROTTLED')) {
        const wait = waitAfterThrottled(cost);
        lastProblem = `THROTTLED (requested ${cost?.requestedQueryCost ?? '?'}, available ${cost?.throttleStatus.currentlyAvailable ?? '?'})`;
        log.info({ shop: s.shop, attempt, waitMs: wait, requested: cost?.requestedQueryCost, available: cost?.throttleStatus.currentlyAvailable }, 'Shopify throttled the query: waiting for the bucket');
        if (attempt < s.maxAttempts) { await this.sleep(wait); waited = true; }
        continue;
      }
      if (errors.some((e) => e.extensions?.code === 'ACCESS_DENIED')) {
        throw new GatewayError('CHANNEL_AUTH', `Shopify ${s.shop}: the token in ${s.accessTokenEnv} lacks an access scope: ${errorText(body)}`, { env: s.accessTokenEnv });
      }
      if (errors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')) {
        lastProblem = errorText(body);
        if (attempt < s.maxAttempts) { await this.sleep(Math.min(30_000, 500 * 2 ** (attempt - 1))); waited = true; }
        continue;
      }
      if (errors.length || typeof body.errors === 'string') {
        throw new GatewayError('CHANNEL_REFUSED', `Shopify ${s.shop} refused the query: ${errorText(body)}`);
      }
      if (body.data === undefined || body.data === null) throw new GatewayError('CHANNEL_REFUSED', `Shopify ${s.shop} answered without data`);
      return { data: body.data, cost };
    }
    throw new GatewayError('TRANSPORT_UNAVAILABLE', `Shopify ${s.shop}: still ${lastProblem} after ${s.maxAttempts} attempt(s); the next run tries again`, { shop: s.shop });
  }
}

/** What an error answer says, in a line: GraphQL errors' messages, or REST's `errors` string. */
function errorText(body: unknown): string {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (typeof errors === 'string') return errors;
  if (Array.isArray(errors)) return errors.map((e) => (e as { message?: string }).message ?? JSON.stringify(e)).join('; ').slice(0, 500);
  if (errors && typeof errors === 'object') return JSON.stringify(errors).slice(0, 500);
  return '';
}

/** Forgets what is known of every bucket (tests start each store afresh). */
export function forgetBuckets(): void {
  BUCKETS.clear();
  LAST_COST.clear();
}
