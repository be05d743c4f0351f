import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from '../log/logger';
import { activeTokenHashes, hashToken, touchToken, type ApiTokenHash, type Role } from '../store/api-tokens.repo';

/** Who is calling: a stored token by name, or the environment's token (EDI_GATEWAY_API_TOKEN), an admin. */
export interface Caller {
  name: string;
  role: Role;
  source: 'store' | 'env';
}

export const ENV_TOKEN_NAME = 'EDI_GATEWAY_API_TOKEN';

export interface TokenAuthOptions {
  knex: Knex;
  envToken?: string;
  log: Logger;
  /** How long the stored tokens are read from memory: a revoke (in any process) takes effect within it. */
  cacheMs?: number;
  /** last_used_at is written at most this often per token. */
  touchEveryMs?: number;
  now?: () => number;
}

/**
 * Checks bearer tokens against the environment's token and the stored ones. The stored hashes
 * are read from the shared store at most once a second (a few rows), so a token revoked by the CLI
 * of another process stops working within that second; a revoke in this process clears the cache.
 * The presented token is hashed and compared with every candidate in constant time.
 */
export class TokenAuthenticator {
  private cache?: { at: number; tokens: ApiTokenHash[] };
  private loading?: Promise<ApiTokenHash[]>;
  private readonly touched = new Map<string, number>();
  private readonly envHash?: Buffer;

  constructor(private readonly options: TokenAuthOptions) {
    if (options.envToken) this.envHash = Buffer.from(hashToken(options.envToken), 'hex');
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  private async stored(): Promise<ApiTokenHash[]> {
    const c = this.cache;
    if (c && this.now() - c.at < (this.options.cacheMs ?? 1000)) return c.tokens;
    this.loading ??= activeTokenHashes(this.options.knex)
      .then((tokens) => { this.cache = { at: this.now(), tokens }; return tokens; })
      .finally(() => { this.loading = undefined; });
    return this.loading;
  }

  /** Forget the stored tokens read (after a create or revoke here). */
  invalidate(): void {
    this.cache = undefined;
  }

  /** The API is served when there is a token to serve it to: the environment's, or one stored and not revoked. */
  async isOn(): Promise<boolean> {
    return !!this.envHash || (await this.stored()).length > 0;
  }

  async authenticate(presented: string | undefined): Promise<Caller | undefined> {
    if (!presented) return undefined;
    const given = Buffer.from(hashToken(presented), 'hex');
    let found: Caller | undefined;
    // Every candidate is compared, whichever matches: the time taken says nothing about which.
    if (this.envHash && crypto.timingSafeEqual(given, this.envHash)) found = { name: ENV_TOKEN_NAME, role: 'admin', source: 'env' };
    for (const t of await this.stored()) {
      if (crypto.timingSafeEqual(given, Buffer.from(t.sha256, 'hex')) && !found) found = { name: t.name, role: t.role, source: 'store' };
    }
    if (found?.source === 'store') this.noteUse(found.name);
    return found;
  }

  private noteUse(name: string): void {
    const now = this.now();
    if (now - (this.touched.get(name) ?? -Infinity) < (this.options.touchEveryMs ?? 60_000)) return;
    this.touched.set(name, now);
    touchToken(this.options.knex, name).catch((err) => this.options.log.warn({ err: err.message, token: name }, 'could not note the token\'s last use'));
  }
}

/** The token in `Authorization: Bearer <token>`, if that is what the header holds. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}
