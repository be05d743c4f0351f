import type { Invoice } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import type { OdooWriter } from './writer';
import { findPurchaseOrder } from './purchase-lookup';
import { resolveProducts } from './lookups';

/**
 * A supplier's invoice (810 / INVOIC in) -> a draft vendor bill (account.move in_invoice) for
 * the supplier of our purchase order, its lines linked to the order's lines, left in draft for
 * accounts payable to check and post. Idempotent: the bill's reference is the supplier's invoice
 * number, and a bill with that reference for that supplier is this invoice already written.
 */
export const writeSupplierInvoice: OdooWriter<Invoice> = async (doc, { client, profile }) => {
  const what = `invoice ${doc.invoiceNumber}`;
  const po = await findPurchaseOrder(client, doc.poNumber, what);
  const vendor = po.partner_id ? po.partner_id[0] : undefined;
  if (!vendor) throw new GatewayError('ODOO_RECORD_NOT_FOUND', `${what}: purchase order ${po.name} has no vendor`);
  const type = doc.invoiceType === 'credit_note' ? 'in_refund' : 'in_invoice';
  const existing = await client.searchRead<{ id: number; name: string; state: string }>('account.move',
    [['move_type', '=', type], ['partner_id', '=', vendor], ['ref', '=', doc.invoiceNumber]], ['name', 'state'], { limit: 1 });
  if (existing[0]) return { model: 'account.move', id: existing[0].id, note: `vendor bill for ${doc.invoiceNumber} already in Odoo (${existing[0].state})` };

  const products = await resolveProducts(client, profile, doc.lines);
  const poLines = await client.searchRead<{ id: number; product_id: [number, string] | false }>('purchase.order.line', [['order_id', '=', po.id]], ['product_id'], { order: 'id asc' });
  const lineOf = new Map(poLines.filter((l) => l.product_id).map((l) => [(l.product_id as [number, string])[0], l.id]));
  const lines = doc.lines.map((l, i) => {
    const product = products.get(i)!;
    return [0, 0, { product_id: product, quantity: l.quantity, price_unit: l.unitPrice, name: l.description ?? `line ${l.lineNumber}`,
      ...(lineOf.has(product) ? { purchase_line_id: lineOf.get(product) } : {}) }];
  });
  const id = await client.create('account.move', {
    move_type: type, partner_id: vendor, ref: doc.invoiceNumber, invoice_date: doc.invoiceDate, invoice_origin: po.name,
    ...(doc.terms?.netDueDate ? { invoice_date_due: doc.terms.netDueDate } : {}), invoice_line_ids: lines,
  });
  return { model: 'account.move', id, note: `draft vendor bill for ${doc.invoiceNumber} (${po.name}, total ${doc.totalAmount} ${doc.currency ?? ''})`.trim() };
};
