import { GatewayError } from '../../errors/gateway-error';
import type { AmazonProfile } from './amazon.schema';

/** An access token is renewed this long before Amazon says it expires, so a call never carries a dying one. */
export const EXPIRY_MARGIN_MS = 60_000;

export interface LwaCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** The environment variables they came from, to name in errors (never their values). */
  env: { clientId: string; clientSecret: string; refreshToken: string };
}

/** The LWA credentials from the environment variables the profile names; a missing one is a configuration error naming it. */
export function lwaCredentials(a: AmazonProfile, env: NodeJS.ProcessEnv = process.env): LwaCredentials {
  const names = { clientId: a.clientIdEnv, clientSecret: a.clientSecretEnv, refreshToken: a.refreshTokenEnv };
  const missing = Object.values(names).filter((n) => !env[n]);
  if (missing.length) throw new GatewayError('CONFIG_INVALID', `Amazon seller ${a.sellerId}: environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not set (Login with Amazon credentials)`);
  return { tokenUrl: a.tokenUrl, clientId: env[names.clientId]!, clientSecret: env[names.clientSecret]!, refreshToken: env[names.refreshToken]!, env: names };
}

/**
 * Login with Amazon access tokens for one seller: the refresh token is exchanged for an access
 * token (grant_type=refresh_token, form-encoded), which is kept until shortly before it expires
 * and shared by every call of the process. Concurrent callers share one refresh.
 */
export class LwaTokens {
  private token?: { value: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(private readonly creds: LwaCredentials, private readonly deps: { fetch: typeof fetch; now?: () => number }) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.expiresAt - EXPIRY_MARGIN_MS) return this.token.value;
    this.pending ??= this.refresh().finally(() => { this.pending = undefined; });
    return this.pending;
  }

  /** Forgets the token (SP-API said it is expired or unknown): the next call refreshes. */
  invalidate(token?: string): void {
    if (!token || this.token?.value === token) this.token = undefined;
  }

  private async refresh(): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'refresh_token', refresh_token: this.creds.refreshToken, client_id: this.creds.clientId, client_secret: this.creds.clientSecret,
    });
    let res: Response;
    try {
      res = await this.deps.fetch(this.creds.tokenUrl, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' }, body,
      });
    } catch (err) {
      throw new GatewayError('TRANSPORT_UNAVAILABLE', `Login with Amazon (${this.creds.tokenUrl}) unreachable: ${(err as Error).message}`, undefined, { cause: err });
    }
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try { json = JSON.parse(text) as Record<string, unknown>; } catch { /* judged by status below */ }
    if (res.status === 429 || res.status >= 500) {
      throw new GatewayError('TRANSPORT_UNAVAILABLE', `Login with Amazon answered ${res.status}: try again later`);
    }
    if (!res.ok) {
      // invalid_grant: the refresh token is wrong, revoked or of another app; invalid_client: the id or secret.
      const error = typeof json.error === 'string' ? json.error : `HTTP ${res.status}`;
      const which = error === 'invalid_grant' ? this.creds.env.refreshToken
        : error === 'invalid_client' || error === 'unauthorized_client' ? `${this.creds.env.clientId} / ${this.creds.env.clientSecret}`
          : `${this.creds.env.clientId}, ${this.creds.env.clientSecret}, ${this.creds.env.refreshToken}`;
      const description = typeof json.error_description === 'string' ? `: ${json.error_description}` : '';
      throw new GatewayError('CONFIG_INVALID', `Login with Amazon refused the credentials (${error}${description}): check ${which}`);
    }
    const value = json.access_token;
    const expiresIn = Number(json.expires_in);
    if (typeof value !== 'string' || !value || !(expiresIn > 0)) {
      throw new GatewayError('TRANSPORT_UNAVAILABLE', 'Login with Amazon answered without access_token and expires_in');
    }
    this.token = { value, expiresAt: this.now() + expiresIn * 1000 };
    return value;
  }
}
