import type { Knex } from 'knex';
import { GroupCalls, groupsPer } from '../lib/group-calls';
import type { CanonicalDocument } from '../canonical';

export interface StoredDocument {
  id: number;
  messageId: number;
  ordinal: number;
  partnerId: string;
  type: string;
  businessKey: string | null;
  sourceControl: string;
  body: CanonicalDocument;
  odooModel: string | null;
  odooId: number | null;
}

/** The key a person looks a document up by. */
export function businessKey(doc: CanonicalDocument): string | undefined {
  switch (doc.type) {
    case 'order': case 'order_ack': return doc.poNumber;
    case 'shipment': return doc.shipmentId;
    case 'invoice': return doc.invoiceNumber;
    case 'warehouse_order': case 'warehouse_advice': return doc.orderNumber;
    case 'functional_ack': return doc.groups.map((g) => g.controlNumber).join(',') || doc.interchangeControl;
    default: return undefined;
  }
}

/**
 * Saves a message's documents. Run again (a retry, a replay) it rewrites their bodies in place
 * and leaves the Odoo link alone, so nothing is doubled and nothing already written is forgotten.
 * Given the knex itself rather than a transaction, it opens one only when it takes more than one
 * statement (a one-order file is one INSERT, atomic on its own).
 */
export async function saveDocuments(db: Knex | Knex.Transaction, messageId: number,
  docs: { ordinal: number; sourceControl: string; document: CanonicalDocument }[]): Promise<void> {
  if (!docs.length) return;
  if (db.isTransaction) return insertDocuments(db, docs.map((d) => ({ messageId, ...d })));
  if (docs.length > SAVE_ROWS) return (db as Knex).transaction((trx) => saveDocuments(trx, messageId, docs));
  // A few documents (a one-order file's): with those of the messages translated at about the same time, in one statement.
  await documentSaves(db as Knex).call(docs.map((d) => ({ messageId, ...d })));
}

type NewDocument = { messageId: number; ordinal: number; sourceControl: string; document: CanonicalDocument };

/** Several rows a statement: a file of 88,000 orders is a few hundred statements, not 88,000. */
async function insertDocuments(db: Knex | Knex.Transaction, docs: readonly NewDocument[]): Promise<void> {
  for (let i = 0; i < docs.length; i += SAVE_ROWS) {
    const chunk = docs.slice(i, i + SAVE_ROWS);
    await db.raw(
      `INSERT INTO documents (message_id, ordinal, partner_id, type, business_key, source_control, body)
       VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?::jsonb)').join(', ')}
       ON CONFLICT (message_id, ordinal) DO UPDATE SET partner_id = EXCLUDED.partner_id, type = EXCLUDED.type,
         business_key = EXCLUDED.business_key, source_control = EXCLUDED.source_control, body = EXCLUDED.body, updated_at = clock_timestamp()`,
      chunk.flatMap((d) => [d.messageId, d.ordinal, d.document.partnerId, d.document.type, businessKey(d.document) ?? null, d.sourceControl, JSON.stringify(d.document)]));
  }
}

const SAVE_ROWS = 200;

/**
 * Saves of a few documents each, grouped (GroupCalls): a statement per SAVE_ROWS rows, in one
 * transaction when there are more (the group is all or nothing, so a failed one is run again
 * message by message).
 */
const documentSaves = groupsPer((db: Knex) => new GroupCalls<NewDocument[], void>(async (saves) => {
  const all = saves.flat();
  if (all.length <= SAVE_ROWS) await insertDocuments(db, all);
  else await db.transaction((trx) => insertDocuments(trx, all));
  return saves.map(() => undefined);
}));

/** A message's documents in order; with `limit`, the first so many (a file of 88,000 orders is viewed, not sent whole). */
export async function listDocuments(db: Knex, messageId: number, limit?: number): Promise<StoredDocument[]> {
  const q = db('documents').where({ message_id: messageId }).orderBy('ordinal');
  if (limit !== undefined) q.limit(limit);
  return (await q).map(documentFromRow);
}

/**
 * The first `limit` documents of a message among `types`, in order: what the Odoo stage reads
 * first. The reads of messages at that stage at about the same time go in one statement (GroupCalls).
 */
export function firstDocuments(db: Knex, messageId: number, types: readonly string[], limit: number): Promise<StoredDocument[]> {
  return firstPages(db).call({ messageId, types, limit });
}

type PageRead = { messageId: number; types: readonly string[]; limit: number };

const firstPages = groupsPer((db: Knex) => new GroupCalls<PageRead, StoredDocument[]>(async (reads) => {
  const { rows } = await db.raw(
    `SELECT d.* FROM (VALUES ${reads.map(() => '(?::bigint, ?::text[], ?::int)').join(', ')}) AS r (message_id, types, lim)
       JOIN LATERAL (SELECT * FROM documents d WHERE d.message_id = r.message_id AND d.type = ANY(r.types) ORDER BY d.ordinal LIMIT r.lim) d ON true`,
    reads.flatMap((r) => [r.messageId, `{${r.types.map((t) => `"${t}"`).join(',')}}`, r.limit]));
  const docs = [...new Map((rows as Record<string, unknown>[]).map((row) => [Number(row.id), documentFromRow(row)])).values()];
  // Ordinals in order within each message, whatever order the rows came in (a message read twice in a group, once).
  return reads.map((r) => docs.filter((d) => d.messageId === r.messageId && r.types.includes(d.type)).sort((a, b) => a.ordinal - b.ordinal).slice(0, r.limit));
}));

export async function countDocuments(db: Knex, messageId: number): Promise<number> {
  const [{ n }] = await db('documents').where({ message_id: messageId }).count('* as n');
  return Number(n);
}

/** A documents row as a StoredDocument. */
export function documentFromRow(r: Record<string, any>): StoredDocument {
  return {
    id: Number(r.id), messageId: Number(r.message_id), ordinal: r.ordinal, partnerId: r.partner_id, type: r.type,
    businessKey: r.business_key, sourceControl: r.source_control, body: typeof r.body === 'string' ? JSON.parse(r.body) : r.body,
    odooModel: r.odoo_model, odooId: r.odoo_id === null ? null : Number(r.odoo_id),
  };
}

/** Records the Odoo record a document became: the store's half of the idempotency key. */
export async function setOdooLink(db: Knex | Knex.Transaction, documentId: number, odoo: { model: string; id: number }): Promise<void> {
  await db('documents').where({ id: documentId }).update({ odoo_model: odoo.model, odoo_id: odoo.id, updated_at: db.raw('clock_timestamp()') });
}

/** setOdooLink for many documents, all of a page's links or none: one statement, or a transaction of several. */
export async function setOdooLinks(db: Knex, links: { id: number; model: string; odooId: number }[]): Promise<void> {
  if (!links.length) return;
  const write = (q: Knex | Knex.Transaction) => writeLinks(q, links);
  if (db.isTransaction) await write(db);
  // A few links (a one-order file's): with those of the messages written at about the same time, in one statement.
  else if (links.length <= SAVE_ROWS) await linkWrites(db).call(links);
  else await db.transaction(write);
}

/** One statement per SAVE_ROWS links, all in one transaction when there are more: all or nothing. */
async function writeLinks(db: Knex | Knex.Transaction, links: readonly { id: number; model: string; odooId: number }[]): Promise<void> {
  for (let i = 0; i < links.length; i += SAVE_ROWS) {
    const chunk = links.slice(i, i + SAVE_ROWS);
    await db.raw(
      `UPDATE documents d SET odoo_model = v.model, odoo_id = v.odoo_id, updated_at = clock_timestamp()
       FROM (VALUES ${chunk.map(() => '(?::bigint, ?::text, ?::bigint)').join(', ')}) AS v (id, model, odoo_id) WHERE d.id = v.id`,
      chunk.flatMap((l) => [l.id, l.model, l.odooId]));
  }
}

const linkWrites = groupsPer((db: Knex) => new GroupCalls<{ id: number; model: string; odooId: number }[], void>(async (calls) => {
  const all = calls.flat();
  if (all.length <= SAVE_ROWS) await writeLinks(db, all);
  else await db.transaction((trx) => writeLinks(trx, all));
  return calls.map(() => undefined);
}));

/** The stored document that became an Odoo record (the Order behind a sale order), newest first. */
export async function documentForOdoo(db: Knex | Knex.Transaction, odoo: { model: string; id: number }, type?: string): Promise<StoredDocument | undefined> {
  const q = db('documents').where({ odoo_model: odoo.model, odoo_id: odoo.id });
  if (type) q.andWhere({ type });
  const r = await q.orderBy('id', 'desc').first();
  if (!r) return undefined;
  return { id: Number(r.id), messageId: Number(r.message_id), ordinal: r.ordinal, partnerId: r.partner_id, type: r.type,
    businessKey: r.business_key, sourceControl: r.source_control, body: typeof r.body === 'string' ? JSON.parse(r.body) : r.body,
    odooModel: r.odoo_model, odooId: r.odoo_id === null ? null : Number(r.odoo_id) };
}

/** An order of the same PO that another message holds and has not yet written to Odoo. */
export interface PendingOriginal {
  poNumber: string;
  messageId: number;
  status: string;
  /** 'original', or the purpose of an earlier message's change ('change', 'replace', 'cancel'). */
  purpose: string;
}

/**
 * What a change or cancel of these POs must wait for: the original that another message of the
 * partner carries, and any change an earlier-received message carries, while those messages are
 * still working on them (received, processing or retrying, and not yet linked to an Odoo record).
 * Otherwise a change could be written before its original (and the original then found already
 * there), or a later change before an earlier one (and the earlier then undo it). Only later
 * messages wait for earlier ones, so no two ever wait for each other.
 */
export async function pendingOriginals(db: Knex, partnerId: string, poNumbers: readonly string[], exceptMessageId: number): Promise<Map<string, PendingOriginal>> {
  const out = new Map<string, PendingOriginal>();
  if (!poNumbers.length) return out;
  const rows = await db('documents as d').join('message_state as s', 's.message_id', 'd.message_id')
    .where({ 'd.partner_id': partnerId, 'd.type': 'order' }).whereIn('d.business_key', [...new Set(poNumbers)])
    .whereNot('d.message_id', exceptMessageId).whereNull('d.odoo_id')
    .whereRaw("(d.body->>'purpose' = 'original' OR d.message_id < ?)", [exceptMessageId]).whereIn('s.status', ['received', 'processing', 'retrying'])
    .orderByRaw("(d.body->>'purpose' = 'original') DESC, d.message_id").select('d.business_key', 'd.message_id', 's.status', db.raw("d.body->>'purpose' AS purpose"));
  for (const r of rows) if (!out.has(r.business_key)) out.set(r.business_key, { poNumber: r.business_key, messageId: Number(r.message_id), status: r.status, purpose: r.purpose });
  return out;
}
