import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { GatewayError } from '../errors/gateway-error';

/** What each role may do: a viewer reads, an operator also replays and resolves, an admin also manages tokens. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** A role includes every role ranked below it. */
export function roleAllows(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

export const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Recognisable in a log or a leaked file (secret scanners match prefixes), 256 random bits after it. */
export const TOKEN_PREFIX = 'edig_';

export function newTokenSecret(): string {
  return TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface ApiTokenInfo {
  name: string;
  role: Role;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The stored form the authenticator compares against: never the token itself. */
export interface ApiTokenHash {
  name: string;
  role: Role;
  sha256: string;
}

const INFO = ['name', 'role', 'created_at as createdAt', 'last_used_at as lastUsedAt', 'revoked_at as revokedAt'];

/** Creates a token; returns it (the only time it exists outside the caller) with its facts. */
export async function createToken(db: Knex, name: string, role: Role): Promise<{ token: string; info: ApiTokenInfo }> {
  if (!TOKEN_NAME.test(name)) {
    throw new GatewayError('USAGE', `token name '${name}': use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  if (!isRole(role)) throw new GatewayError('USAGE', `role '${String(role)}': expected one of ${ROLES.join(', ')}`);
  const token = newTokenSecret();
  const [row] = await db('api_tokens').insert({ name, role, token_sha256: hashToken(token) }).onConflict('name').ignore().returning(INFO);
  if (!row) {
    const existing = await db('api_tokens').where({ name }).first('revoked_at');
    throw new GatewayError('TOKEN_NAME_TAKEN', `a token named '${name}' exists${existing?.revoked_at ? ' (revoked; names are not reused)' : ''}: choose another name`);
  }
  return { token, info: row };
}

export async function listTokens(db: Knex): Promise<ApiTokenInfo[]> {
  return db('api_tokens').orderBy('id').select(INFO);
}

/** Revokes a token by name; revoking a revoked token changes nothing and says when it was. */
export async function revokeToken(db: Knex, name: string): Promise<ApiTokenInfo> {
  const [row] = await db('api_tokens').where({ name }).whereNull('revoked_at').update({ revoked_at: db.fn.now() }).returning(INFO);
  if (row) return row;
  const existing = await db('api_tokens').where({ name }).first(INFO);
  if (!existing) throw new GatewayError('TOKEN_NOT_FOUND', `no token is named '${name}' (tokens list shows them)`);
  return existing;
}

/** The tokens that may still be used. A handful of rows: read whole. */
export async function activeTokenHashes(db: Knex): Promise<ApiTokenHash[]> {
  return db('api_tokens').whereNull('revoked_at').select('name', 'role', 'token_sha256 as sha256');
}

/** Notes a use, at most once a minute per token whatever the number of processes. */
export async function touchToken(db: Knex, name: string): Promise<void> {
  await db('api_tokens').where({ name })
    .where((q) => q.whereNull('last_used_at').orWhere('last_used_at', '<', db.raw("now() - interval '1 minute'")))
    .update({ last_used_at: db.fn.now() });
}
