import { createHmac } from 'node:crypto';
import type { Alert } from './alert';
import { alertJson, batchSubject, batchText } from './alert-text';

export interface WebhookTarget {
  url: string;
  /** Signs the body (HMAC-SHA256), so the receiver can tell the gateway from anyone who learnt the URL. */
  secret?: string;
  dashboardUrl?: string;
  timeoutMs?: number;
}

/**
 * X-Edi-Gateway-Signature: `t=<unix seconds>,sha256=<hex HMAC of "<t>.<body>">`. The time is
 * signed with the body, so a receiver that refuses old times refuses a captured request replayed.
 */
export function signWebhookBody(body: string, secret: string, at = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},sha256=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** The parts of a webhook URL that may be its key: the path and query, each segment and value, a password. */
function urlSecrets(url: URL): string[] {
  return [`${url.pathname}${url.search}`, ...url.pathname.split('/'), ...url.searchParams.values(), url.password].filter((p) => p.length >= 8);
}

/**
 * POSTs one batch: `{ text, alerts }`. `text` is what chat webhooks (Slack, Mattermost, Teams
 * workflows) show; `alerts` is for programs. Any answer but 2xx is a failure, retried later.
 */
export async function sendWebhook(target: WebhookTarget, alerts: readonly Alert[]): Promise<void> {
  const body = JSON.stringify({
    text: `${batchSubject(alerts)}\n${batchText(alerts, target.dashboardUrl)}`,
    alerts: alerts.map((a) => alertJson(a, target.dashboardUrl)),
  });
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'edi-gateway-alerts' };
  if (target.secret) headers['x-edi-gateway-signature'] = signWebhookBody(body, target.secret);
  // The URL is a secret (chat webhooks carry their key in it): errors name its host only.
  const host = new URL(target.url).host;
  let res: Response;
  try {
    res = await fetch(target.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(target.timeoutMs ?? 10_000), redirect: 'error' });
  } catch (err) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, a certificate, "bad port") is its cause.
    const e = err as Error & { cause?: { code?: string; message?: string } };
    throw new Error(`webhook ${host}: ${e.name === 'TimeoutError' ? 'no answer in time' : e.cause?.code ?? e.cause?.message ?? e.message}`);
  }
  if (res.status < 200 || res.status > 299) {
    // Nor in what the server answers: a 404 page (Express's "Cannot POST /hooks/<key>") repeats the path.
    const text = urlSecrets(new URL(target.url)).reduce((t, part) => t.split(part).join('[redacted]'), await res.text().catch(() => ''))
      .slice(0, 200).replace(/\s+/g, ' ');
    throw new Error(`webhook ${host}: HTTP ${res.status}${text ? ` ${text}` : ''}`);
  }
  await res.body?.cancel().catch(() => undefined);
}
