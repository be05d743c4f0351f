import type { Knex } from 'knex';
import { MESSAGE_COLUMNS, type MessageRow, type MessageStatus } from './messages.repo';

export interface MessageSearch {
  po?: string;
  partnerId?: string;
  status?: MessageStatus;
  direction?: 'in' | 'out';
  type?: string;
  from?: Date;
  to?: Date;
  /** Only messages with a smaller id: the next page. */
  beforeId?: number;
  limit?: number;
}

export interface FoundMessage extends MessageRow { types: string | null; keys: string | null }

/**
 * Messages by partner, status, direction, document type, date and business number (PO, shipment,
 * invoice). A number is found in the stored documents; an inbound message that never became a
 * document (an order rejected in translation) is found by the number in its raw bytes.
 */
export async function searchMessages(db: Knex, q: MessageSearch): Promise<FoundMessage[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.status) { where.push('s.status = ?'); args.push(q.status); }
  if (q.partnerId) { where.push('m.partner_id = ?'); args.push(q.partnerId); }
  if (q.direction) { where.push('m.direction = ?'); args.push(q.direction); }
  if (q.from) { where.push('m.created_at >= ?'); args.push(q.from); }
  if (q.to) { where.push('m.created_at < ?'); args.push(q.to); }
  if (q.beforeId) { where.push('m.id < ?'); args.push(q.beforeId); }
  if (q.type) { where.push('EXISTS (SELECT 1 FROM documents d WHERE d.message_id = m.id AND d.type = ?)'); args.push(q.type); }
  if (q.po) {
    const rawIds = await rawMatches(db, q.po);
    where.push(`(EXISTS (SELECT 1 FROM documents d WHERE d.message_id = m.id AND (d.business_key = ? OR d.body->>'poNumber' = ?
        OR d.body->'orders' @> jsonb_build_array(jsonb_build_object('poNumber', ?::text))))${rawIds.length ? ` OR m.id IN (${rawIds.map(() => '?').join(', ')})` : ''})`);
    args.push(q.po, q.po, q.po, ...rawIds);
  }
  args.push(Math.min(Math.max(q.limit ?? 100, 1), 500));
  const { rows } = await db.raw(
    `SELECT ${MESSAGE_COLUMNS},
       (SELECT string_agg(DISTINCT d.type, ', ') FROM documents d WHERE d.message_id = m.id) AS types,
       (SELECT string_agg(DISTINCT d.business_key, ', ') FROM documents d WHERE d.message_id = m.id) AS keys
       FROM messages m JOIN message_state s ON s.message_id = m.id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY m.id DESC LIMIT ?`, args as Knex.RawBinding[]);
  return rows;
}

const RAW_SEARCH_DAYS = 90;

/** Inbound messages of the last 90 days without documents whose bytes hold `po` as a whole value. */
async function rawMatches(db: Knex, po: string): Promise<number[]> {
  if (po.length < 3) return [];
  const since = new Date(Date.now() - RAW_SEARCH_DAYS * 86_400_000);
  const { rows } = await db.raw(
    `SELECT m.id, m.content FROM messages m
      WHERE m.direction = 'in' AND m.content IS NOT NULL AND m.created_at >= ? AND position(?::bytea in m.content) > 0
        AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.message_id = m.id)
      ORDER BY m.id DESC LIMIT 50`, [since, Buffer.from(po, 'latin1')]);
  const whole = new RegExp(`(^|[^A-Za-z0-9])${po.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9]|$)`);
  return rows.filter((r: { content: Buffer }) => whole.test(Buffer.from(r.content).toString('latin1'))).map((r: { id: unknown }) => Number(r.id));
}
