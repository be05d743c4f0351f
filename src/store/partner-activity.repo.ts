import type { Knex } from 'knex';

export interface PartnerActivity {
  partnerId: string;
  lastInboundAt: Date | null;
  lastOutboundAt: Date | null;
  messages24h: number;
  messages7d: number;
  /** Messages of the last 7 days that became exceptions (resolved since or not). */
  errors7d: number;
  exceptionsOpen: number;
  /** Acknowledgments the partner owes us and is still within time for; and those it is late with. */
  acksExpected: number;
  acksOverdue: number;
}

const HOUR_MS = 3_600_000;

/**
 * Each partner's traffic as the store has it: last message each way, volumes, errors and open
 * exceptions, acknowledgments owed. One pass over messages (a partner's last message is read by its
 * (partner_id, created_at) index) and one over the acknowledgments still owed.
 */
export async function partnerActivity(db: Knex, now = new Date()): Promise<Map<string, PartnerActivity>> {
  const day = new Date(now.getTime() - 24 * HOUR_MS);
  const week = new Date(now.getTime() - 7 * 24 * HOUR_MS);
  const { rows } = await db.raw(
    `SELECT m.partner_id,
            max(m.created_at) FILTER (WHERE m.direction = 'in') AS last_in,
            max(m.created_at) FILTER (WHERE m.direction = 'out') AS last_out,
            count(*) FILTER (WHERE m.created_at >= ?) AS day,
            count(*) FILTER (WHERE m.created_at >= ?) AS week,
            count(*) FILTER (WHERE m.created_at >= ? AND (s.status IN ('exception', 'resolved'))) AS week_errors,
            count(*) FILTER (WHERE s.status = 'exception') AS open
       FROM messages m LEFT JOIN message_state s ON s.message_id = m.id
      WHERE m.partner_id IS NOT NULL
      GROUP BY m.partner_id`, [day, week, week]);
  const { rows: acks } = await db.raw(
    `SELECT partner_id, count(*) FILTER (WHERE ack_due_at >= ?) AS expected, count(*) FILTER (WHERE ack_due_at < ?) AS overdue
       FROM outbound_groups WHERE ack_expected IS NOT NULL AND ack_status IS NULL GROUP BY partner_id`, [now, now]);
  const out = new Map<string, PartnerActivity>();
  const blank = (partnerId: string): PartnerActivity => ({ partnerId, lastInboundAt: null, lastOutboundAt: null, messages24h: 0, messages7d: 0,
    errors7d: 0, exceptionsOpen: 0, acksExpected: 0, acksOverdue: 0 });
  for (const r of rows) {
    out.set(r.partner_id, { ...blank(r.partner_id), lastInboundAt: r.last_in ? new Date(r.last_in) : null, lastOutboundAt: r.last_out ? new Date(r.last_out) : null,
      messages24h: Number(r.day), messages7d: Number(r.week), errors7d: Number(r.week_errors), exceptionsOpen: Number(r.open) });
  }
  for (const r of acks) {
    const a = out.get(r.partner_id) ?? blank(r.partner_id);
    out.set(r.partner_id, { ...a, acksExpected: Number(r.expected), acksOverdue: Number(r.overdue) });
  }
  return out;
}
