import type { Knex } from 'knex';
import type { Alert, AlertDelivery, NewAlert } from '../alerts/alert';
import type { ExceptionFact } from '../alerts/detect';

const COLUMNS = `id, key, kind, severity, partner_id AS "partnerId", message_id AS "messageId", title, detail, raised_at AS "raisedAt",
  delivery, webhook_sent_at AS "webhookSentAt", email_sent_at AS "emailSentAt", attempts, last_error AS "lastError"`;

const toAlert = (r: Alert): Alert => ({ ...r, messageId: r.messageId === null ? null : Number(r.messageId), id: Number(r.id) });

/**
 * Records alerts not raised before (the key decides, so two processes raising the same one at
 * once keep one row). Returns the new ones. `delivery` is 'pending' when a channel will send them.
 */
export async function raiseAlerts(db: Knex, alerts: readonly NewAlert[], delivery: 'pending' | 'none'): Promise<Alert[]> {
  if (!alerts.length) return [];
  const rows = alerts.map((a) => ({ key: a.key, kind: a.kind, severity: a.severity, partner_id: a.partnerId, message_id: a.messageId,
    title: a.title, detail: a.detail, delivery }));
  const out: Alert[] = [];
  // In slices: one INSERT's bindings stay well under PostgreSQL's 65535.
  for (let i = 0; i < rows.length; i += 500) {
    const { rows: inserted } = await db.raw(`${db('alerts').insert(rows.slice(i, i + 500)).toQuery()} ON CONFLICT (key) DO NOTHING RETURNING ${COLUMNS}`);
    out.push(...inserted.map(toAlert));
  }
  return out;
}

/** The keys of these alerts already raised: so a scan need not offer the same ones again. */
export async function knownAlertKeys(db: Knex, keys: readonly string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await db('alerts').whereIn('key', keys).select('key');
  return new Set(rows.map((r: { key: string }) => r.key));
}

/**
 * Takes up to `limit` alerts due for sending, for `leaseSeconds`: another process looking at the
 * same time takes others (SKIP LOCKED), and one that died holding them frees them when the lease ends.
 */
export async function claimPendingAlerts(db: Knex, limit: number, leaseSeconds: number): Promise<Alert[]> {
  const { rows } = await db.raw(
    `UPDATE alerts SET claimed_until = now() + make_interval(secs => ?)
      WHERE id IN (SELECT id FROM alerts
                    WHERE delivery = 'pending' AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
                    ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
      RETURNING ${COLUMNS}`, [leaseSeconds, limit]);
  return rows.map(toAlert).sort((a: Alert, b: Alert) => a.id - b.id);
}

export interface DeliveryOutcome {
  /** Channels that took the alerts this time. */
  webhookSent: boolean;
  emailSent: boolean;
  /** Channels still owed (configured and not yet sent). */
  stillOwed: boolean;
  error?: string;
  /** When to try again, if still owed and attempts remain; undefined: give up (delivery 'failed'). */
  retryAt?: Date;
}

/** Writes what one delivery attempt of these alerts achieved, and frees their claim. */
export async function recordDelivery(db: Knex, ids: readonly number[], o: DeliveryOutcome): Promise<void> {
  if (!ids.length) return;
  const delivery: AlertDelivery = !o.stillOwed ? 'sent' : o.retryAt ? 'pending' : 'failed';
  await db('alerts').whereIn('id', ids).update({
    ...(o.webhookSent ? { webhook_sent_at: db.raw('coalesce(webhook_sent_at, now())') } : {}),
    ...(o.emailSent ? { email_sent_at: db.raw('coalesce(email_sent_at, now())') } : {}),
    delivery,
    attempts: db.raw('attempts + 1'),
    next_attempt_at: o.retryAt ?? db.raw('next_attempt_at'),
    last_error: o.error ?? null,
    claimed_until: null,
  });
}

export interface AlertFilter { kind?: string; partnerId?: string; delivery?: AlertDelivery; limit?: number; beforeId?: number }

/** The alerts raised, newest first. */
export async function listAlerts(db: Knex, f: AlertFilter = {}): Promise<Alert[]> {
  const q = db('alerts').orderBy('id', 'desc').limit(Math.min(f.limit ?? 100, 1000)).select(db.raw(COLUMNS));
  if (f.kind) q.where({ kind: f.kind });
  if (f.partnerId) q.where({ partner_id: f.partnerId });
  if (f.delivery) q.where({ delivery: f.delivery });
  if (f.beforeId) q.where('id', '<', f.beforeId);
  return (await q).map(toAlert);
}

/** Messages that became exceptions at or after `since`, oldest first, at most `limit`. */
export async function exceptionsSince(db: Knex, since: Date, limit: number): Promise<ExceptionFact[]> {
  const { rows } = await db.raw(
    `SELECT m.id AS "messageId", m.partner_id AS "partnerId", m.direction, s.stage, s.error_code AS "errorCode",
            s.error_message AS "errorMessage", m.filename, s.updated_at AS "updatedAt"
       FROM message_state s JOIN messages m ON m.id = s.message_id
      WHERE s.status = 'exception' AND s.updated_at >= ?
      ORDER BY s.updated_at, m.id LIMIT ?`, [since, limit]);
  return rows.map((r: ExceptionFact) => ({ ...r, messageId: Number(r.messageId), updatedAt: new Date(r.updatedAt) }));
}

/** Alerts by kind and delivery state, for /metrics. */
export async function alertCounts(db: Knex): Promise<{ kind: string; delivery: string; n: number }[]> {
  const { rows } = await db.raw(`SELECT kind, delivery, count(*)::int AS n FROM alerts GROUP BY 1, 2 ORDER BY 1, 2`);
  return rows;
}
