import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../daemon/runtime';

export type DashboardRole = 'viewer' | 'operator' | 'admin';
export interface DashboardUser { role: DashboardRole; name: string }

export const SESSION_COOKIE = 'edi_gw_session';
const FLASH_COOKIE = 'edi_gw_flash';

/** Constant-time, over digests so the length does not leak either (as bearer-auth.ts does). */
function sameSecret(given: string, token: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b);
}

/** What checks a token: the API's TokenAuthenticator (the environment's token and the stored ones, with their roles). */
export interface TokenChecker {
  authenticate(token: string | undefined): Promise<{ name: string; role: DashboardRole } | undefined>;
}

/**
 * Who a token is, or undefined: the same tokens and roles as the API (src/http/token-auth.ts).
 * Without a checker (a caller that has none), EDI_GATEWAY_API_TOKEN alone, as an admin.
 */
export async function userForToken(token: string | undefined, rt: Pick<Runtime, 'config' | 'store'>, auth?: TokenChecker): Promise<DashboardUser | undefined> {
  if (auth) {
    const caller = await auth.authenticate(token);
    return caller ? { role: caller.role, name: caller.name } : undefined;
  }
  const configured = rt.config.http.apiToken;
  if (!token || !configured) return undefined;
  return sameSecret(token, configured) ? { role: 'admin', name: 'api token' } : undefined;
}

/**
 * The signed-in user of a request. The cookie holds the token itself (HttpOnly, so no script
 * reads it) and it is checked again on every request: a revoked token ends its sessions at once.
 */
export async function dashboardUser(req: FastifyRequest, rt: Pick<Runtime, 'config' | 'store'>, auth?: TokenChecker): Promise<DashboardUser | undefined> {
  return userForToken(cookies(req)[SESSION_COOKIE], rt, auth);
}

export function canOperate(user: DashboardUser): boolean {
  return user.role === 'operator' || user.role === 'admin';
}

export function cookies(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    try { out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim()); } catch { /* a malformed cookie is no cookie */ }
  }
  return out;
}

/** Behind a TLS-terminating proxy the request is https by X-Forwarded-Proto. */
function isHttps(req: FastifyRequest): boolean {
  return req.protocol === 'https' || String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim() === 'https';
}

function cookie(req: FastifyRequest, name: string, value: string, maxAgeSeconds?: number): string {
  return [`${name}=${encodeURIComponent(value)}`, 'Path=/dashboard', 'HttpOnly', 'SameSite=Strict',
    ...(maxAgeSeconds !== undefined ? [`Max-Age=${maxAgeSeconds}`] : []), ...(isHttps(req) ? ['Secure'] : [])].join('; ');
}

export function setSession(req: FastifyRequest, reply: FastifyReply, token: string): void {
  appendCookie(reply, cookie(req, SESSION_COOKIE, token, 12 * 3600));
}

export function clearSession(req: FastifyRequest, reply: FastifyReply): void {
  appendCookie(reply, cookie(req, SESSION_COOKIE, '', 0));
}

/** A one-time message for the page a POST redirects to. */
export function setFlash(req: FastifyRequest, reply: FastifyReply, text: string): void {
  appendCookie(reply, cookie(req, FLASH_COOKIE, text.slice(0, 500), 60));
}

/** The flash message, if any, cleared as it is read. */
export function takeFlash(req: FastifyRequest, reply: FastifyReply): string | undefined {
  const text = cookies(req)[FLASH_COOKIE];
  if (text === undefined) return undefined;
  appendCookie(reply, cookie(req, FLASH_COOKIE, '', 0));
  return text || undefined;
}

function appendCookie(reply: FastifyReply, value: string): void {
  const prev = reply.getHeader('set-cookie');
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  reply.header('set-cookie', [...list, value]);
}

/**
 * CSRF: the session cookie is SameSite=Strict, and a POST must also come from a page of this
 * host (Origin, or Referer when a browser sends no Origin). Either missing or foreign: refused.
 */
export function sameOrigin(req: FastifyRequest): boolean {
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  const from = req.headers.origin ?? req.headers.referer;
  if (!host || !from || from === 'null') return false;
  try {
    return new URL(String(from)).host === String(host).split(',')[0].trim();
  } catch {
    return false;
  }
}
