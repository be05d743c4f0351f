import type { OverdueAck } from '../store/outbound-acks.repo';
import type { ExpiryWarning } from '../transports/as2/certificates';
import type { NewAlert } from './alert';

/**
 * What deserves an alert, from what the store and the profiles say now. Pure: the watcher reads,
 * these decide, the store's unique key makes each alert once however often they are asked.
 */

export interface ExceptionFact {
  messageId: number;
  partnerId: string | null;
  direction: 'in' | 'out';
  stage: string;
  errorCode: string | null;
  errorMessage: string | null;
  filename: string | null;
  /** When it became an exception: a replay that fails again is a new occurrence. */
  updatedAt: Date;
}

const who = (partnerId: string | null) => partnerId ?? 'an unknown sender';

/** A new exception; a partner's acknowledgment that refused what we sent is an ack_rejected. */
export function exceptionAlerts(rows: readonly ExceptionFact[]): NewAlert[] {
  // An ACK_OVERDUE exception is the overdue acknowledgment, alerted as such (overdueAckAlerts).
  return rows.filter((r) => r.errorCode !== 'ACK_OVERDUE').map((r) => {
    const rejected = r.errorCode === 'PARTNER_REJECTED';
    const kind = rejected ? 'ack_rejected' : 'exception';
    const file = r.filename ? ` (${r.filename})` : '';
    return {
      key: `${kind}:${r.messageId}:${r.updatedAt.getTime()}`,
      kind, severity: 'critical', partnerId: r.partnerId, messageId: r.messageId,
      title: rejected
        ? `${who(r.partnerId)} rejected message ${r.messageId} we sent`
        : `Exception: message ${r.messageId} ${r.direction === 'in' ? 'from' : 'to'} ${who(r.partnerId)}${r.errorCode ? ` (${r.errorCode})` : ''}`,
      detail: `${r.errorMessage ?? 'no detail recorded'} [stage ${r.stage}${file}]`,
    };
  });
}


/** One alert per group (X12) or interchange (EDIFACT) whose acknowledgment is past due. */
export function overdueAckAlerts(rows: readonly OverdueAck[]): NewAlert[] {
  return rows.map((r) => ({
    key: `ack_overdue:${r.messageId}:${r.functionalId}:${r.controlNumber}`,
    kind: 'ack_overdue', severity: 'warning', partnerId: r.partnerId, messageId: r.messageId,
    title: `${r.partnerId}'s ${r.ackExpected} for message ${r.messageId} is overdue`,
    detail: `${r.ackExpected} for ${r.ackExpected === 'CONTRL' ? r.functionalId : `group ${r.functionalId}`} ${r.controlNumber} was due ${r.dueAt.toISOString()}`,
  }));
}

export interface PartnerTraffic {
  partnerId: string;
  /** The profile's alerts.silentAfterHours; undefined: the partner is not watched. */
  silentAfterHours: number | undefined;
  lastInboundAt: Date | null;
}

/**
 * A partner that has sent nothing for longer than its window. Once per silence: the key is the
 * last message's time, so the next silence after new traffic alerts again. A partner that never
 * sent anything is onboarding, not silent.
 */
export function silentPartnerAlerts(partners: readonly PartnerTraffic[], now: Date): NewAlert[] {
  const out: NewAlert[] = [];
  for (const p of partners) {
    if (!p.silentAfterHours || !p.lastInboundAt) continue;
    const hours = (now.getTime() - p.lastInboundAt.getTime()) / 3_600_000;
    if (hours <= p.silentAfterHours) continue;
    out.push({
      key: `partner_silent:${p.partnerId}:${p.lastInboundAt.getTime()}`,
      kind: 'partner_silent', severity: 'warning', partnerId: p.partnerId, messageId: null,
      title: `${p.partnerId} has sent nothing for ${Math.floor(hours)} hours`,
      detail: `last inbound message ${p.lastInboundAt.toISOString()}; the profile expects traffic within ${p.silentAfterHours} hours (alerts.silentAfterHours)`,
    });
  }
  return out;
}

/**
 * A certificate near expiry, once at each threshold it crosses: the configured warning days, a
 * week, a day, and expired.
 */
export function certificateAlerts(warnings: readonly ExpiryWarning[], warningDays: number): NewAlert[] {
  const thresholds = [...new Set([warningDays, 7, 1, 0])].sort((a, b) => b - a);
  return warnings.map((w) => {
    const crossed = thresholds.filter((t) => w.daysLeft < t).at(-1) ?? warningDays;
    const expired = w.daysLeft < 0;
    const whose = w.partnerId ? `${w.partnerId}'s AS2 certificate` : 'Our AS2 certificate';
    return {
      key: `certificate_expiry:${w.fingerprint}:${crossed}`,
      kind: 'certificate_expiry', severity: expired || w.daysLeft < 7 ? 'critical' : 'warning', partnerId: w.partnerId ?? null, messageId: null,
      title: expired ? `${whose} has expired` : `${whose} expires in ${w.daysLeft} day${w.daysLeft === 1 ? '' : 's'}`,
      detail: `${w.subject}, valid until ${w.notAfter.toISOString()} (SHA-256 ${w.fingerprint})`,
    };
  });
}
