import type { Knex } from 'knex';

/** The store reads behind the operations views (dashboard overview and partners, reconciliation's unread messages): plain SQL, PGlite and PostgreSQL alike. */

export interface Volume { partnerId: string | null; direction: 'in' | 'out'; docType: string | null; messages: number; exceptions: number }

export async function volumesSince(db: Knex, since: Date): Promise<Volume[]> {
  // A message without documents (an acknowledgment, a refused order) is named by its X12 set or
  // EDIFACT message type, read from the start of its bytes.
  const { rows } = await db.raw(
    `SELECT v."partnerId", v.direction, v."docType", count(DISTINCT v.id) AS messages,
            count(DISTINCT v.id) FILTER (WHERE v.status = 'exception') AS exceptions
       FROM (SELECT m.id, m.partner_id AS "partnerId", m.direction, s.status, coalesce(d.type,
               'X12 ' || substring(encode(substring(m.content from 1 for 4096), 'escape') from '[^A-Za-z]ST[^A-Za-z0-9 ]([0-9]{3})[^0-9]'),
               'EDIFACT ' || substring(encode(substring(m.content from 1 for 4096), 'escape') from 'UNH[+][^+]*[+]([A-Z]{6})')) AS "docType"
               FROM messages m JOIN message_state s ON s.message_id = m.id
               LEFT JOIN (SELECT DISTINCT message_id, type FROM documents) d ON d.message_id = m.id
              WHERE m.created_at >= ?) v
      GROUP BY v."partnerId", v.direction, v."docType" ORDER BY 1, 2, 3`, [since]);
  return rows.map((r: any) => ({ ...r, messages: Number(r.messages), exceptions: Number(r.exceptions) }));
}

export interface ExceptionReason { errorCode: string | null; stage: string; count: number; oldest: Date }

export async function exceptionsByReason(db: Knex): Promise<ExceptionReason[]> {
  const { rows } = await db.raw(
    `SELECT error_code AS "errorCode", stage, count(*) AS count, min(updated_at) AS oldest FROM message_state
      WHERE status = 'exception' GROUP BY error_code, stage ORDER BY count(*) DESC, error_code`);
  return rows.map((r: any) => ({ ...r, count: Number(r.count), oldest: new Date(r.oldest) }));
}

export interface HourBucket { hour: Date; in: number; out: number }

/** Messages stored per hour over the last `hours`, oldest first, empty hours included. */
export async function throughput(db: Knex, now: Date, hours = 24): Promise<HourBucket[]> {
  const HOUR = 3_600_000;
  const first = Math.floor(now.getTime() / HOUR) - hours + 1;
  const { rows } = await db.raw(
    `SELECT floor(extract(epoch FROM created_at) / 3600) AS h, direction, count(*) AS n FROM messages
      WHERE created_at >= ? GROUP BY 1, 2`, [new Date(first * HOUR)]);
  const buckets = Array.from({ length: hours }, (_, i) => ({ hour: new Date((first + i) * HOUR), in: 0, out: 0 }));
  for (const r of rows) {
    const b = buckets[Number(r.h) - first];
    if (b) b[r.direction as 'in' | 'out'] += Number(r.n);
  }
  return buckets;
}

export interface StuckMessage { id: number; partnerId: string | null; direction: string; status: string; stage: string; since: Date; filename: string | null }

/**
 * Messages still in the pipeline (received, processing, retrying) with nothing in their trail for
 * `minutes`: a big file whose stage reports progress is working, not stuck. `since` is the last sign of life.
 */
export async function stuckMessages(db: Knex, now: Date, minutes = 15): Promise<StuckMessage[]> {
  const before = new Date(now.getTime() - minutes * 60_000);
  const { rows } = await db.raw(
    `SELECT m.id, m.partner_id AS "partnerId", m.direction, s.status, s.stage, l.at AS since, m.filename
       FROM messages m JOIN message_state s ON s.message_id = m.id
       JOIN LATERAL (SELECT greatest(s.updated_at, max(e.at)) AS at FROM message_events e WHERE e.message_id = s.message_id) l ON true
      WHERE s.status IN ('received', 'processing', 'retrying') AND s.updated_at < ? AND l.at < ? ORDER BY l.at LIMIT 200`,
  [before, before]);
  return rows.map((r: any) => ({ ...r, id: Number(r.id), since: new Date(r.since) }));
}

/** Open messages that belong to no partner with a profile: nobody's queue will pick them up. */
export async function orphanedMessages(db: Knex, known: string[]): Promise<StuckMessage[]> {
  const { rows } = await db.raw(
    `SELECT m.id, m.partner_id AS "partnerId", m.direction, s.status, s.stage, m.created_at AS since, m.filename
       FROM messages m JOIN message_state s ON s.message_id = m.id
      WHERE s.status NOT IN ('done', 'resolved', 'duplicate')
        AND (m.partner_id IS NULL${known.length ? ` OR m.partner_id NOT IN (${known.map(() => '?').join(', ')})` : ''})
      ORDER BY m.id LIMIT 200`, known);
  return rows.map((r: any) => ({ ...r, id: Number(r.id), since: new Date(r.since) }));
}

/** Per partner: messages waiting in the pipeline. */
export async function queueDepths(db: Knex): Promise<Map<string, number>> {
  const { rows } = await db.raw(
    `SELECT m.partner_id, count(*) AS n FROM messages m JOIN message_state s ON s.message_id = m.id
      WHERE s.status IN ('received', 'processing', 'retrying') AND m.partner_id IS NOT NULL GROUP BY m.partner_id`);
  return new Map(rows.map((r: any) => [r.partner_id, Number(r.n)]));
}

export interface AckDeadline { partnerId: string; pending: number; overdue: number; nextDue: Date | null }

/** Acknowledgments partners owe us: how many, how many late, the next one due. */
export async function ackDeadlines(db: Knex, now: Date): Promise<Map<string, AckDeadline>> {
  const { rows } = await db.raw(
    `SELECT partner_id, count(*) AS pending, count(*) FILTER (WHERE ack_due_at < ?) AS overdue,
            min(ack_due_at) FILTER (WHERE ack_due_at >= ?) AS next_due
       FROM outbound_groups WHERE ack_expected IS NOT NULL AND ack_status IS NULL GROUP BY partner_id`, [now, now]);
  return new Map(rows.map((r: any) => [r.partner_id, { partnerId: r.partner_id, pending: Number(r.pending), overdue: Number(r.overdue),
    nextDue: r.next_due ? new Date(r.next_due) : null }]));
}

export interface UnreadMessage { id: number; partnerId: string | null; createdAt: Date; errorCode: string | null; errorMessage: string | null; filename: string | null }

/**
 * Inbound messages of a range that are exceptions without any document: an order refused before
 * it became one (an unknown item, a bad envelope) has no reconciliation row, so it is listed apart.
 */
export async function unreadInbound(db: Knex, q: { from: Date; to: Date; partnerId?: string }): Promise<UnreadMessage[]> {
  const { rows } = await db.raw(
    `SELECT m.id, m.partner_id AS "partnerId", m.created_at AS "createdAt", s.error_code AS "errorCode", s.error_message AS "errorMessage", m.filename
       FROM messages m JOIN message_state s ON s.message_id = m.id
      WHERE m.direction = 'in' AND s.status = 'exception' AND m.created_at >= ? AND m.created_at < ?${q.partnerId ? ' AND m.partner_id = ?' : ''}
        AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.message_id = m.id)
      ORDER BY m.id DESC LIMIT 200`, [q.from, q.to, ...(q.partnerId ? [q.partnerId] : [])]);
  return rows.map((r: any) => ({ ...r, id: Number(r.id) }));
}
