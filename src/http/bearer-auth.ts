import crypto from 'node:crypto';

/**
 * Routes that authenticate otherwise: AS2 by signature, cXML by the buyer's shared secret, the health check by being harmless,
 * the dashboard (and `/`, its redirect) by its session cookie (src/dashboard/session.ts).
 */
const OPEN = [/^\/as2\/?$/, /^\/healthz\/?$/, /^\/cxml\/[^/]+\/?$/, /^\/shopify\/[^/]+\/webhooks\/?$/, /^\/(dashboard(\/.*)?)?$/];

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
  return !!m && sameSecret(m[1], token);
}

function sameSecret(given: string, token: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * Odoo's "Send Webhook Notification" action cannot set a header (ODOO-NOTES §7.1): for the
 * webhook route alone the token may come as `?token=`. Everything else needs the header.
 */
export function queryTokenMatches(url: string, token: string): boolean {
  const [pathOnly, query = ''] = url.split('?');
  if (!/^\/api\/odoo\/webhook\/?$/.test(pathOnly)) return false;
  const given = new URLSearchParams(query).get('token');
  return given !== null && sameSecret(given, token);
}
