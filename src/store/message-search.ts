import type { Knex } from 'knex';
import { MESSAGE_COLUMNS, type MessageRow, type MessageStatus } from './messages.repo';

export interface MessageSearch {
  po?: string;
  /** An interchange (ISA13, UNB 0020) or group (GS06, UNG 0048) control number, either way. */
  control?: string;
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
 * Messages by partner, status, direction, document type, date, business number (PO, shipment,
 * invoice) and control number. A business number is found in the stored documents; an inbound
 * message that never became a document (an order rejected in translation) is found by the number
 * in its raw bytes.
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
  if (q.control) {
    const c = q.control.trim();
    // Partners and people write X12 control numbers with or without their leading zeros.
    const digits = /^\d+$/.test(c) ? c.replace(/^0+(?=\d)/, '') : undefined;
    const same = (col: string) => (digits !== undefined ? `ltrim(${col}, '0') = ?` : `${col} = ?`);
    const value = digits === '0' ? '' : digits ?? c;
    where.push(`(EXISTS (SELECT 1 FROM interchanges i WHERE i.message_id = m.id AND ${same('i.control_number')})
        OR EXISTS (SELECT 1 FROM outbound_groups g WHERE g.message_id = m.id AND ${same('g.control_number')})
        OR EXISTS (SELECT 1 FROM documents d WHERE d.message_id = m.id AND ${same("(d.body->'source'->>'groupControl')")}))`);
    args.push(value, value, value);
  }
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
  const needle = Buffer.from(po, 'latin1');
  const { rows } = await db.raw(
    `SELECT m.id, m.content FROM messages m
      WHERE m.direction = 'in' AND m.content IS NOT NULL AND m.created_at >= ? AND position(?::bytea in m.content) > 0
        AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.message_id = m.id)
      ORDER BY m.id DESC LIMIT 50`, [since, needle]);
  const whole = new RegExp(`(^|[^A-Za-z0-9])${escapeRegExp(po)}([^A-Za-z0-9]|$)`);
  const ids = rows.filter((r: { content: Buffer }) => whole.test(Buffer.from(r.content).toString('latin1'))).map((r: { id: unknown }) => Number(r.id));
  return [...ids, ...await partsMatches(db, po, since)].sort((a, b) => b - a);
}

/**
 * rawMatches for big messages, whose bytes are stored in 1 MiB parts: each part is read with the
 * last byte of the one before and the start of the one after, so a number cut by a part's end is
 * found once, whole, by PostgreSQL. `encode(..., 'escape')` turns bytes above 0x7f into `\nnn`,
 * which the whole-value test treats like any other character.
 */
async function partsMatches(db: Knex, po: string, since: Date): Promise<number[]> {
  const whole = `(^|[^A-Za-z0-9])${escapeRegExp(po.replace(/\\/g, '\\\\'))}([^A-Za-z0-9]|$)`;
  const { rows } = await db.raw(
    `SELECT m.id FROM messages m
      WHERE m.direction = 'in' AND m.content IS NULL AND m.content_parts IS NOT NULL AND m.created_at >= ?
        AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.message_id = m.id)
        AND EXISTS (SELECT 1 FROM message_content_parts p WHERE p.message_id = m.id AND encode(
              coalesce((SELECT substring(b.bytes from length(b.bytes) for 1) FROM message_content_parts b WHERE b.message_id = p.message_id AND b.seq = p.seq - 1), ''::bytea)
              || p.bytes
              || coalesce((SELECT substring(a.bytes from 1 for ?) FROM message_content_parts a WHERE a.message_id = p.message_id AND a.seq = p.seq + 1), ''::bytea),
            'escape') ~ ?)
      ORDER BY m.id DESC LIMIT 50`, [since, Buffer.byteLength(po, 'latin1') + 1, whole]);
  return rows.map((r: { id: unknown }) => Number(r.id));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
