import type { AckState, DocumentState, ReconciliationRow } from './reconcile';

/** The report's columns, one row per (partner, PO); the JSON rows carry the lines and documents in full. */
const COLUMNS: [string, (r: ReconciliationRow) => string | number | null][] = [
  ['partner', (r) => r.partnerId],
  ['po_number', (r) => r.poNumber],
  ['po_date', (r) => r.poDate],
  ['purpose', (r) => r.purpose],
  ['received_at', (r) => r.receivedAt],
  ['order_messages', (r) => r.orderMessageIds.join(' ')],
  ['order_status', (r) => r.orderStatus],
  ['odoo_sale_order_id', (r) => r.odoo.saleOrderId],
  ['odoo_sale_order', (r) => r.odoo.saleOrderName],
  ['ordered_lines', (r) => r.ordered.lines],
  ['ordered_qty', (r) => r.ordered.quantity],
  ['ordered_amount', (r) => r.ordered.amount],
  ['currency', (r) => r.currency],
  ['ack_type', (r) => r.acknowledged?.type ?? null],
  ['acknowledged_qty', (r) => r.acknowledged?.quantity ?? null],
  ['asn_shipped_qty', (r) => r.shipped.quantity],
  ['shipments', (r) => r.shipped.shipments.join(' ')],
  ['warehouse_advised_qty', (r) => r.shipped.advisedQuantity],
  ['invoiced_qty', (r) => r.invoiced?.quantity ?? null],
  ['invoiced_amount', (r) => r.invoiced?.amount ?? null],
  ['invoices', (r) => r.invoiced?.invoices.join(' ') ?? null],
  ['order_ack_fa', (r) => worst(r.documents, 'order_ack')],
  ['shipment_fa', (r) => worst(r.documents, 'shipment')],
  ['invoice_fa', (r) => worst(r.documents, 'invoice')],
  ['flags', (r) => r.flags.map((f) => f.code).join(' ')],
  ['flag_details', (r) => r.flags.map((f) => f.message).join('; ')],
];

const RANK: AckState[] = ['not_expected', 'accepted', 'pending', 'overdue', 'rejected'];

/** The worst acknowledgment state among the documents of a type, or empty when none was sent. */
function worst(docs: DocumentState[], type: DocumentState['type']): string | null {
  const states = docs.filter((d) => d.type === type).map((d) => d.ack);
  return states.length ? states.reduce((a, b) => (RANK.indexOf(b) > RANK.indexOf(a) ? b : a)) : null;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function reconciliationCsv(rows: ReconciliationRow[]): string {
  const lines = [COLUMNS.map(([h]) => h), ...rows.map((r) => COLUMNS.map(([, get]) => get(r)))];
  return lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
}
