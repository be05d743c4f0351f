/**
 * Routes that authenticate otherwise: AS2 by signature, cXML by the buyer's shared secret, the health check by being harmless,
 * the dashboard (and `/`, its redirect) by its session cookie (src/dashboard/session.ts).
 */
const OPEN = [/^\/as2\/?$/, /^\/healthz\/?$/, /^\/cxml\/[^/]+\/?$/, /^\/shopify\/[^/]+\/webhooks\/?$/, /^\/(dashboard(\/.*)?)?$/];
/** Readiness, like health, says nothing a caller could use (an orchestrator asks it without a token). */
const PROBES = [/^\/readyz\/?$/];

export function isOpenRoute(url: string): boolean {
  const pathOnly = url.split('?')[0];
  return OPEN.some((r) => r.test(pathOnly)) || PROBES.some((r) => r.test(pathOnly));
}

/**
 * Odoo's "Send Webhook Notification" action cannot set a header (ODOO-NOTES §7.1): for the
 * webhook route alone the token may come as `?token=`. Everything else needs the header.
 */
export function queryToken(url: string): string | undefined {
  const [pathOnly, query = ''] = url.split('?');
  if (!/^\/api\/odoo\/webhook\/?$/.test(pathOnly)) return undefined;
  return new URLSearchParams(query).get('token') ?? undefined;
}
