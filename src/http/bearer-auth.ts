import crypto from 'node:crypto';

/** Routes that authenticate otherwise: AS2 by signature, the health check by being harmless. */
const OPEN = [/^\/as2\/?$/, /^\/healthz\/?$/];

export function isOpenRoute(url: string): boolean {
  const pathOnly = url.split('?')[0];
  return OPEN.some((r) => r.test(pathOnly));
}

/**
 * Compares `Authorization: Bearer <token>` with the configured token in constant time (over
 * digests, so the length does not leak either).
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const a = crypto.createHash('sha256').update(m[1]).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b);
}
