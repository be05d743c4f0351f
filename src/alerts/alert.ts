/**
 * An alert: something a person should look at, raised once (its key says what "once" means for
 * its kind) and kept in the store whether or not it could be sent.
 */
export const ALERT_KINDS = ['exception', 'ack_rejected', 'ack_overdue', 'partner_silent', 'certificate_expiry'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type AlertSeverity = 'critical' | 'warning';

export interface NewAlert {
  /** Unique per occurrence: the same exception, overdue group or expiry threshold never alerts twice. */
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  partnerId: string | null;
  messageId: number | null;
  title: string;
  detail: string;
}

export type AlertDelivery = 'pending' | 'sent' | 'failed' | 'none';

export interface Alert extends NewAlert {
  id: number;
  raisedAt: Date;
  /** pending: a channel still owes it; none: no channel was configured when it was raised. */
  delivery: AlertDelivery;
  webhookSentAt: Date | null;
  emailSentAt: Date | null;
  attempts: number;
  lastError: string | null;
}

export const KIND_TEXT: Record<AlertKind, [one: string, many: string]> = {
  exception: ['exception', 'exceptions'],
  ack_rejected: ['rejected document', 'rejected documents'],
  ack_overdue: ['overdue acknowledgment', 'overdue acknowledgments'],
  partner_silent: ['silent partner', 'silent partners'],
  certificate_expiry: ['certificate expiring', 'certificates expiring'],
};
