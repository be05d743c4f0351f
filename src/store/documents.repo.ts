import type { Knex } from 'knex';
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
 */
export async function saveDocuments(db: Knex | Knex.Transaction, messageId: number,
  docs: { ordinal: number; sourceControl: string; document: CanonicalDocument }[]): Promise<void> {
  for (const d of docs) {
    await db.raw(
      `INSERT INTO documents (message_id, ordinal, partner_id, type, business_key, source_control, body)
       VALUES (?, ?, ?, ?, ?, ?, ?::jsonb)
       ON CONFLICT (message_id, ordinal) DO UPDATE SET partner_id = EXCLUDED.partner_id, type = EXCLUDED.type,
         business_key = EXCLUDED.business_key, source_control = EXCLUDED.source_control, body = EXCLUDED.body, updated_at = clock_timestamp()`,
      [messageId, d.ordinal, d.document.partnerId, d.document.type, businessKey(d.document) ?? null, d.sourceControl, JSON.stringify(d.document)]);
  }
}

export async function listDocuments(db: Knex, messageId: number): Promise<StoredDocument[]> {
  const rows = await db('documents').where({ message_id: messageId }).orderBy('ordinal');
  return rows.map((r) => ({
    id: Number(r.id), messageId: Number(r.message_id), ordinal: r.ordinal, partnerId: r.partner_id, type: r.type,
    businessKey: r.business_key, sourceControl: r.source_control, body: typeof r.body === 'string' ? JSON.parse(r.body) : r.body,
    odooModel: r.odoo_model, odooId: r.odoo_id === null ? null : Number(r.odoo_id),
  }));
}
