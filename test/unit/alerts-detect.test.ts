import { batchSubject, batchSummary, batchText } from '../../src/alerts/alert-text';
import { retryDelayMs } from '../../src/alerts/alert-watch';
import { certificateAlerts, exceptionAlerts, overdueAckAlerts, silentPartnerAlerts } from '../../src/alerts/detect';
import { signWebhookBody } from '../../src/alerts/send-webhook';
import { smtpOptions } from '../../src/alerts/send-email';
import type { Alert } from '../../src/alerts/alert';
import { createHmac } from 'node:crypto';

const t0 = new Date('2026-12-01T10:00:00Z');
const hours = (n: number) => new Date(t0.getTime() + n * 3_600_000);

describe('what deserves an alert', () => {
  test('an exception alerts once per occurrence; a partner rejection is its own kind', () => {
    const base = { messageId: 7, partnerId: 'acme-retail', direction: 'in' as const, stage: 'validate', errorCode: 'X12_SEGMENT', errorMessage: 'N1*ST: N104 missing', filename: '850.edi', updatedAt: t0 };
    const [a] = exceptionAlerts([base]);
    expect(a).toMatchObject({ kind: 'exception', severity: 'critical', partnerId: 'acme-retail', messageId: 7 });
    expect(a.title).toBe('Exception: message 7 from acme-retail (X12_SEGMENT)');
    expect(a.detail).toContain('N104 missing');
    expect(a.detail).toContain('850.edi');
    // The same exception again is the same key; failing again after a replay is a new one.
    expect(exceptionAlerts([base])[0].key).toBe(a.key);
    expect(exceptionAlerts([{ ...base, updatedAt: hours(1) }])[0].key).not.toBe(a.key);
    const [r] = exceptionAlerts([{ ...base, direction: 'out', errorCode: 'PARTNER_REJECTED', errorMessage: "the partner's 997 rejected group IN 12" }]);
    expect(r.kind).toBe('ack_rejected');
    expect(r.title).toBe('acme-retail rejected message 7 we sent');
    expect(exceptionAlerts([{ ...base, partnerId: null }])[0].title).toContain('from an unknown sender');
  });

  test('an overdue acknowledgment names the group, or the EDIFACT message type', () => {
    const [x12, contrl] = overdueAckAlerts([
      { messageId: 3, partnerId: 'acme-retail', functionalId: 'IN', controlNumber: '501', ackExpected: '997', dueAt: t0 },
      { messageId: 4, partnerId: 'nordmart', functionalId: 'INVOIC', controlNumber: '77', ackExpected: 'CONTRL', dueAt: t0 },
    ]);
    expect(x12.title).toBe("acme-retail's 997 for message 3 is overdue");
    expect(x12.detail).toBe('997 for group IN 501 was due 2026-12-01T10:00:00.000Z');
    expect(contrl.detail).toBe('CONTRL for INVOIC 77 was due 2026-12-01T10:00:00.000Z');
    expect(x12.key).not.toBe(contrl.key);
  });

  test('a watched partner is silent past its window, once per silence; unwatched or never-heard partners are not', () => {
    const partners = [
      { partnerId: 'acme-retail', silentAfterHours: 26, lastInboundAt: t0 },
      { partnerId: 'nordmart', silentAfterHours: undefined, lastInboundAt: t0 },
      { partnerId: 'new-one', silentAfterHours: 1, lastInboundAt: null },
    ];
    expect(silentPartnerAlerts(partners, hours(25))).toEqual([]);
    const [a] = silentPartnerAlerts(partners, hours(30));
    expect(a).toMatchObject({ kind: 'partner_silent', partnerId: 'acme-retail', title: 'acme-retail has sent nothing for 30 hours' });
    expect(silentPartnerAlerts(partners, hours(50))[0].key).toBe(a.key);
    expect(silentPartnerAlerts([{ ...partners[0], lastInboundAt: hours(1) }], hours(50))[0].key).not.toBe(a.key);
  });

  test('a certificate alerts once at each threshold: the warning days, a week, a day, expired', () => {
    const w = (daysLeft: number) => ({ partnerId: 'p', subject: 'CN=p', fingerprint: 'AA:BB', notAfter: t0, daysLeft });
    const keys = [25, 20, 6, 3, 0, -1, -30].map((d) => certificateAlerts([w(d)], 30)[0].key);
    expect(new Set(keys).size).toBe(4);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).toBe(keys[3]);
    expect(keys[5]).toBe(keys[6]);
    expect(certificateAlerts([w(25)], 30)[0]).toMatchObject({ severity: 'warning', title: "p's AS2 certificate expires in 25 days" });
    expect(certificateAlerts([w(-1)], 30)[0]).toMatchObject({ severity: 'critical', title: "p's AS2 certificate has expired" });
    expect(certificateAlerts([{ ...w(1), partnerId: undefined }], 30)[0].title).toBe('Our AS2 certificate expires in 1 day');
  });
});

describe('how alerts are said', () => {
  const alert = (id: number, kind: Alert['kind'], messageId: number | null): Alert => ({
    id, key: `k${id}`, kind, severity: 'critical', partnerId: 'acme-retail', messageId, title: `title ${id}`, detail: `detail ${id}`,
    raisedAt: t0, delivery: 'pending', webhookSentAt: null, emailSentAt: null, attempts: 0, lastError: null,
  });

  test('a batch is summed up by kind; each alert links to its message when the dashboard address is known', () => {
    const batch = [alert(1, 'exception', 11), alert(2, 'exception', 12), alert(3, 'ack_overdue', 13), alert(4, 'partner_silent', null)];
    expect(batchSummary(batch)).toBe('2 exceptions, 1 overdue acknowledgment, 1 silent partner');
    expect(batchSubject(batch)).toBe('[edi-gateway] 4 alerts: 2 exceptions, 1 overdue acknowledgment, 1 silent partner');
    expect(batchSubject([alert(1, 'exception', 11)])).toBe('[edi-gateway] title 1');
    const text = batchText(batch, 'https://edi.example.com/');
    expect(text).toContain('https://edi.example.com/dashboard/messages/12');
    expect(text).toContain('https://edi.example.com/dashboard/partners');
    expect(batchText(batch, undefined)).not.toContain('http');
  });

  test('the webhook signature is an HMAC of the time and the body', () => {
    const sig = signWebhookBody('{"a":1}', 'a-secret-of-16-chars', new Date(1_700_000_000_000));
    expect(sig).toBe(`t=1700000000,sha256=${createHmac('sha256', 'a-secret-of-16-chars').update('1700000000.{"a":1}').digest('hex')}`);
  });

  test('an SMTP URL gives host, port, TLS and URL-decoded credentials', () => {
    expect(smtpOptions('smtp://mailer%40acme:p%3Aw@mail.example.com')).toMatchObject({ host: 'mail.example.com', port: 587, secure: false, auth: { user: 'mailer@acme', pass: 'p:w' } });
    expect(smtpOptions('smtps://mail.example.com')).toMatchObject({ port: 465, secure: true, auth: undefined });
    expect(smtpOptions('smtp://127.0.0.1:2525')).toMatchObject({ host: '127.0.0.1', port: 2525 });
  });

  test('retries back off, with jitter, up to two hours', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(3, () => 0.5)).toBe(120_000);
    expect(retryDelayMs(20, () => 0.5)).toBe(7_200_000);
    expect(retryDelayMs(1, () => 0)).toBe(24_000);
    expect(retryDelayMs(1, () => 1)).toBe(36_000);
  });
});
