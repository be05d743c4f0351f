import { KIND_TEXT, type Alert, type AlertKind } from './alert';

/** Where a person looks at an alert's message, when the dashboard's address is known. */
export function alertLink(a: Pick<Alert, 'messageId' | 'partnerId'>, dashboardUrl: string | undefined): string | undefined {
  if (!dashboardUrl) return undefined;
  const base = dashboardUrl.replace(/\/+$/, '');
  if (a.messageId) return `${base}/dashboard/messages/${a.messageId}`;
  return a.partnerId ? `${base}/dashboard/partners` : `${base}/dashboard`;
}

/** "2 exceptions, 1 overdue acknowledgment": what a batch holds, for a subject line. */
export function batchSummary(alerts: readonly Pick<Alert, 'kind'>[]): string {
  const counts = new Map<AlertKind, number>();
  for (const a of alerts) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${KIND_TEXT[kind][n === 1 ? 0 : 1]}`).join(', ');
}

/** The subject of an e-mail (and the first line of a chat message) for one batch. */
export function batchSubject(alerts: readonly Alert[]): string {
  if (alerts.length === 1) return `[edi-gateway] ${alerts[0].severity === 'critical' ? '' : 'Warning: '}${alerts[0].title}`;
  return `[edi-gateway] ${alerts.length} alerts: ${batchSummary(alerts)}`;
}

/** Plain text, one block per alert: what happened, why, when, and where to look. */
export function batchText(alerts: readonly Alert[], dashboardUrl: string | undefined): string {
  const blocks = alerts.map((a) => {
    const link = alertLink(a, dashboardUrl);
    return [`* ${a.title}`, `  ${a.detail}`, `  raised ${a.raisedAt.toISOString()}${a.partnerId ? `, partner ${a.partnerId}` : ''}`, ...(link ? [`  ${link}`] : [])].join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

/** An alert as the webhook's JSON carries it. */
export function alertJson(a: Alert, dashboardUrl: string | undefined) {
  return {
    id: a.id, kind: a.kind, severity: a.severity, partnerId: a.partnerId, messageId: a.messageId,
    title: a.title, detail: a.detail, raisedAt: a.raisedAt.toISOString(), link: alertLink(a, dashboardUrl) ?? null,
  };
}
