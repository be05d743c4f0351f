import type { Knex } from 'knex';
import type { AdviceDocRow, OrderDocRow, OutboundAckRow, OutboundDocRow, ReconcileInput } from './reconcile';

export interface ReconcileQuery {
  /** Orders received from this instant (inclusive) ... */
  from: Date;
  /** ... to this one (exclusive). */
  to: Date;
  partnerId?: string;
}

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
const date = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));

/** The message columns every read below shares (messages m, message_state s). */
const FACTS = `d.id AS "documentId", d.message_id AS "messageId", d.partner_id AS "partnerId", d.body, m.created_at AS at,
  s.status, s.error_code AS "errorCode", s.error_message AS "errorMessage"`;

/** The orders in range, by the partner and PO they name: the set every other read is joined to. */
function ordersInRange(q: ReconcileQuery): { sql: string; args: (Date | string)[] } {
  return {
    sql: `SELECT d.id, d.partner_id, d.business_key AS po FROM documents d JOIN messages m ON m.id = d.message_id
           WHERE d.type = 'order' AND m.direction = 'in' AND m.created_at >= ? AND m.created_at < ?${q.partnerId ? ' AND d.partner_id = ?' : ''}`,
    args: [q.from, q.to, ...(q.partnerId ? [q.partnerId] : [])],
  };
}

function facts<T extends { messageId: unknown; documentId: unknown; at: unknown; body: unknown }>(r: T) {
  return { ...r, messageId: Number(r.messageId), documentId: Number(r.documentId), at: date(r.at), body: json(r.body) };
}

/**
 * What the store knows about the orders received in a date range: the orders, the 855 / 856 /
 * 810 documents we rendered for their POs (outbound documents are kept with their messages since
 * render-outbound saves them), the acknowledgment state of each of those messages, and the 945s
 * that name those POs (or no PO: the picking then matches them). Plain SQL, PGlite and PostgreSQL alike;
 * everything is bounded by the range (what answers an order comes after it).
 */
export async function readReconciliation(db: Knex, q: ReconcileQuery): Promise<ReconcileInput> {
  const inRange = ordersInRange(q);
  const { rows: orderRows } = await db.raw(
    `SELECT ${FACTS}, d.odoo_model AS "odooModel", d.odoo_id AS "odooId"
       FROM documents d JOIN messages m ON m.id = d.message_id LEFT JOIN message_state s ON s.message_id = m.id
      WHERE d.id IN (SELECT id FROM (${inRange.sql}) o) ORDER BY d.id`, inRange.args);
  const orders: OrderDocRow[] = orderRows.map((r: any) => ({ ...facts(r), odooId: r.odooId === null ? null : Number(r.odooId) }));
  if (!orders.length) return { orders, outbound: [], advices: [] };

  const { rows: outRows } = await db.raw(
    `WITH o AS (${inRange.sql})
     SELECT ${FACTS} FROM documents d JOIN messages m ON m.id = d.message_id LEFT JOIN message_state s ON s.message_id = m.id
      WHERE d.type IN ('order_ack', 'shipment', 'invoice') AND m.direction = 'out' AND m.created_at >= ?
        AND EXISTS (SELECT 1 FROM o WHERE o.partner_id = d.partner_id
          AND (o.po = d.body->>'poNumber' OR d.body->'orders' @> jsonb_build_array(jsonb_build_object('poNumber', o.po))))
      ORDER BY d.id`, [...inRange.args, q.from]);
  const acks = await readAcks(db, outRows.map((r: any) => Number(r.messageId)));
  const mdns = await readMdns(db, outRows.map((r: any) => Number(r.messageId)));
  const outbound: OutboundDocRow[] = outRows.map((r: any) => {
    const f = facts(r);
    return { ...f, acks: acks.get(f.messageId) ?? [], mdn: mdns.get(f.messageId) ?? null };
  });

  const { rows: adviceRows } = await db.raw(
    `WITH o AS (${inRange.sql})
     SELECT ${FACTS} FROM documents d JOIN messages m ON m.id = d.message_id LEFT JOIN message_state s ON s.message_id = m.id
      WHERE d.type = 'warehouse_advice' AND m.direction = 'in' AND m.created_at >= ?
        AND (d.body->>'poNumber' IS NULL OR EXISTS (SELECT 1 FROM o WHERE o.po = d.body->>'poNumber'))
      ORDER BY d.id`, [...inRange.args, q.from]);
  const advices: AdviceDocRow[] = adviceRows.map(facts);
  return { orders, outbound, advices };
}

/** In pieces, so a month of documents is never one statement with a million parameters. */
async function inChunks<T>(ids: number[], read: (chunk: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 1000) out.push(...(await read(unique.slice(i, i + 1000))));
  return out;
}

async function readAcks(db: Knex, messageIds: number[]): Promise<Map<number, OutboundAckRow[]>> {
  const rows = await inChunks(messageIds, (chunk) => db('outbound_groups as g')
    .join('interchanges as i', 'i.id', 'g.interchange_id')
    .leftJoin('outbound_sets as s', 's.group_id', 'g.id')
    .whereIn('g.message_id', chunk)
    .select('g.message_id', 'g.ack_expected', 'g.ack_due_at', 'g.ack_status', 'g.ack_codes', 'i.ta1_status',
      's.ack_status as set_status', 's.ack_detail as set_detail'));
  const out = new Map<number, OutboundAckRow[]>();
  for (const r of rows) {
    const id = Number(r.message_id);
    out.set(id, [...(out.get(id) ?? []), {
      expected: r.ack_expected, dueAt: r.ack_due_at ? date(r.ack_due_at) : null, groupStatus: r.ack_status, groupCodes: r.ack_codes,
      setStatus: r.set_status ?? null, setDetail: r.set_detail ?? null, interchangeStatus: r.ta1_status,
    }]);
  }
  return out;
}

async function readMdns(db: Knex, messageIds: number[]): Promise<Map<number, { ok: boolean; code: string | null }>> {
  const rows = await inChunks(messageIds, async (chunk) => (await db.raw(
    `SELECT DISTINCT ON (message_id) message_id, outcome, code FROM message_events
      WHERE stage = 'mdn' AND message_id IN (${chunk.map(() => '?').join(', ')}) ORDER BY message_id, id DESC`, chunk)).rows as any[]);
  return new Map(rows.map((r) => [Number(r.message_id), { ok: r.outcome === 'ok', code: r.code }]));
}
