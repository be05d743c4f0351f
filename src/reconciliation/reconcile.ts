import type { Invoice, Order, OrderAck, Shipment, WarehouseAdvice } from '../canonical';
import { FLAG_TEXT, type FlagCode } from './flags';

/**
 * The order-lifecycle reconciliation, pure: the rows the store holds about a set of purchase
 * orders -> one row per (partner, PO) with what was ordered, acknowledged, written to Odoo,
 * shipped, invoiced, what the partner's functional acknowledgments said, and what is wrong.
 * Quantities are compared in our unit (the profile's uom map: 6 CA of 12 are 72 EA), so a case
 * order shipped in eaches is not a mismatch.
 */

/** What the partner's 997 / 999 / CONTRL (and AS2 MDN) said about one outbound document. */
export type AckState = 'accepted' | 'rejected' | 'overdue' | 'pending' | 'not_expected';

export interface MessageFacts {
  messageId: number;
  partnerId: string;
  /** When the message was stored (received, or rendered for sending). */
  at: Date;
  status: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface OrderDocRow extends MessageFacts {
  documentId: number;
  odooModel: string | null;
  odooId: number | null;
  body: Order;
}

/** One acknowledgment expectation of an outbound message: a group (and its set) of outbound_groups / outbound_sets. */
export interface OutboundAckRow {
  expected: string | null;
  dueAt: Date | null;
  groupStatus: string | null;
  groupCodes: string | null;
  setStatus: string | null;
  setDetail: string | null;
  /** The TA1 / CONTRL UCI answer on the whole interchange. */
  interchangeStatus: string | null;
}

export interface OutboundDocRow extends MessageFacts {
  documentId: number;
  body: OrderAck | Shipment | Invoice;
  acks: OutboundAckRow[];
  /** The last AS2 MDN recorded for the message, if it went by AS2. */
  mdn: { ok: boolean; code: string | null } | null;
}

export interface AdviceDocRow extends MessageFacts {
  documentId: number;
  body: WarehouseAdvice;
}

export interface ReconcileInput {
  orders: OrderDocRow[];
  outbound: OutboundDocRow[];
  advices: AdviceDocRow[];
}

/** What the reconciliation needs of a partner's profile (src/reconciliation/policy.ts builds it). */
export interface PartnerPolicy {
  name?: string;
  shipWithinDays: number;
  invoiceWithinDays: number;
  /** Which outbound documents the partner takes (855, 856, 810 or their EDIFACT / channel forms). */
  expects: { orderAck: boolean; shipment: boolean; invoice: boolean };
  /** The partner's units -> ours (mapping.uom). */
  units: Record<string, { uom: string; factor: number }>;
}

export interface ReconcileOptions {
  now: Date;
  policy(partnerId: string): PartnerPolicy;
  /** Off, orders never reach Odoo by design: NOT_IN_ODOO is not raised. */
  odooEnabled: boolean;
}

export interface Flag {
  code: FlagCode;
  message: string;
}

export interface LineRow {
  key: string;
  lineNumber: string | null;
  productCode: string | null;
  unit: string;
  ordered: number;
  acknowledged: number | null;
  shipped: number | null;
  advised: number | null;
  invoiced: number | null;
}

export interface DocumentState {
  type: 'order_ack' | 'shipment' | 'invoice';
  /** The document's own number: the PO for an 855, the shipment id, the invoice number. */
  key: string;
  messageId: number;
  at: string;
  status: string | null;
  ack: AckState;
  ackDetail: string | null;
  mdn: 'ok' | 'failed' | null;
}

export interface ReconciliationRow {
  partnerId: string;
  partnerName: string | null;
  poNumber: string;
  poDate: string | null;
  purpose: string;
  receivedAt: string;
  orderMessageIds: number[];
  orderStatus: string | null;
  currency: string | null;
  odoo: { saleOrderId: number | null; saleOrderName: string | null };
  ordered: { lines: number; quantity: number; amount: number | null };
  acknowledged: { type: 'accept' | 'change' | 'reject'; quantity: number; at: string; messageId: number } | null;
  shipped: { quantity: number | null; shipments: string[]; advisedQuantity: number | null; advices: number[]; lastAt: string | null };
  invoiced: { quantity: number; amount: number; invoices: string[] } | null;
  lines: LineRow[];
  documents: DocumentState[];
  flags: Flag[];
}

const DAY_MS = 86_400_000;
const round = (n: number) => Math.round(n * 1e6) / 1e6;
const money = (n: number) => Math.round(n * 100) / 100;

/** A quantity in our unit: a mapped partner unit is multiplied out (6 CA -> 72 EA), any other stays. */
export function inOurUnit(quantity: number, uom: string, units: PartnerPolicy['units']): { quantity: number; unit: string } {
  const rule = units[uom];
  return rule && rule.uom !== uom ? { quantity: round(quantity * rule.factor), unit: rule.uom } : { quantity, unit: uom };
}

/** How lines of different documents find each other: our product code, else the partner's item id, else the line number. */
function lineKey(l: { productCode?: string; ids?: { vendorItem?: string; sku?: string; upc?: string; gtin?: string; ean?: string }; lineNumber?: string }): string {
  return l.productCode ?? l.ids?.vendorItem ?? l.ids?.sku ?? l.ids?.upc ?? l.ids?.gtin ?? l.ids?.ean ?? `#${l.lineNumber ?? '?'}`;
}

const REJECTED = new Set(['R', 'M', 'W', 'X', '4']);
const ACCEPTED = new Set(['A', 'E', '7', '8']);
const RANK: Record<AckState, number> = { rejected: 4, overdue: 3, pending: 2, accepted: 1, not_expected: 0 };

/** One outbound document's acknowledgment state: the worst of its groups', and why. */
export function ackStateOf(doc: Pick<OutboundDocRow, 'acks' | 'status' | 'errorCode' | 'errorMessage' | 'mdn'>, now: Date): { state: AckState; detail: string | null } {
  let state: AckState = 'not_expected';
  let detail: string | null = null;
  const worse = (s: AckState, d: string | null) => {
    if (RANK[s] > RANK[state]) { state = s; detail = d; }
  };
  for (const a of doc.acks) {
    if (a.interchangeStatus && REJECTED.has(a.interchangeStatus)) worse('rejected', `interchange rejected (${a.interchangeStatus})`);
    if (a.setDetail?.startsWith('APERAK rejected')) worse('rejected', a.setDetail);
    const status = a.setStatus ?? a.groupStatus;
    if (status && (REJECTED.has(status) || (status === 'P' && !a.setStatus))) {
      worse('rejected', [`${a.expected ?? 'acknowledgment'} ${status}`, a.groupCodes ? `codes ${a.groupCodes}` : '', a.setDetail ?? ''].filter(Boolean).join('; '));
    } else if (status && (ACCEPTED.has(status) || status === 'P')) worse('accepted', `${a.expected ?? 'acknowledgment'} ${status}`);
    else if (a.expected && !a.groupStatus) {
      if (a.dueAt && a.dueAt.getTime() < now.getTime()) worse('overdue', `${a.expected} due ${a.dueAt.toISOString()}`);
      else worse('pending', a.dueAt ? `${a.expected} due ${a.dueAt.toISOString()}` : a.expected);
    }
  }
  // The pipeline marks our message PARTNER_REJECTED when an acknowledgment refuses it: that stands even if the tables say less.
  if (doc.status === 'exception' && doc.errorCode === 'PARTNER_REJECTED') worse('rejected', doc.errorMessage);
  return { state, detail };
}

/** The PO numbers an outbound document speaks for. */
export function poNumbersOf(body: OrderAck | Shipment | Invoice): string[] {
  if (body.type === 'shipment') return body.orders.map((o) => o.poNumber);
  return body.poNumber ? [body.poNumber] : [];
}

const rowKey = (partnerId: string, po: string) => `${partnerId}\u0000${po}`;
const iso = (d: Date) => d.toISOString();

/** Builds the reconciliation rows, newest order first. */
export function reconcile(input: ReconcileInput, options: ReconcileOptions): ReconciliationRow[] {
  const byPo = new Map<string, OrderDocRow[]>();
  for (const o of input.orders) {
    const k = rowKey(o.partnerId, o.body.poNumber);
    byPo.set(k, [...(byPo.get(k) ?? []), o]);
  }
  const outboundByPo = new Map<string, OutboundDocRow[]>();
  for (const d of input.outbound) {
    for (const po of new Set(poNumbersOf(d.body))) {
      const k = rowKey(d.partnerId, po);
      if (byPo.has(k)) outboundByPo.set(k, [...(outboundByPo.get(k) ?? []), d]);
    }
  }
  const advicesByPo = assignAdvices(input.advices, byPo, outboundByPo);
  const rows = [...byPo.entries()].map(([k, orders]) =>
    reconcileOne(orders, outboundByPo.get(k) ?? [], advicesByPo.get(k) ?? [], options));
  return rows.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || a.partnerId.localeCompare(b.partnerId) || a.poNumber.localeCompare(b.poNumber));
}

/**
 * A 3PL's 945 names the customer's PO (W0603) and our picking (W0602), not the customer: it goes
 * to the order with that PO, and when several partners share the PO number, to the one whose 856
 * is for that picking (its shipment id is the picking name). Without a PO, the picking decides.
 */
function assignAdvices(advices: AdviceDocRow[], byPo: Map<string, OrderDocRow[]>, outboundByPo: Map<string, OutboundDocRow[]>): Map<string, AdviceDocRow[]> {
  const keysByPo = new Map<string, string[]>();
  for (const [k, orders] of byPo) keysByPo.set(orders[0].body.poNumber, [...(keysByPo.get(orders[0].body.poNumber) ?? []), k]);
  const picking = (name: string) => name.replace(/[^A-Za-z0-9-]/g, '-');
  const shipsPicking = (k: string, name: string) =>
    (outboundByPo.get(k) ?? []).some((d) => d.body.type === 'shipment' && d.body.shipmentId === picking(name));
  const out = new Map<string, AdviceDocRow[]>();
  for (const a of advices) {
    const candidates = a.body.poNumber ? keysByPo.get(a.body.poNumber) ?? [] : [...byPo.keys()];
    const byPicking = candidates.filter((k) => shipsPicking(k, a.body.orderNumber));
    const chosen = byPicking.length ? byPicking : a.body.poNumber ? candidates : [];
    for (const k of chosen) out.set(k, [...(out.get(k) ?? []), a]);
  }
  return out;
}

function reconcileOne(orders: OrderDocRow[], outbound: OutboundDocRow[], advices: AdviceDocRow[], options: ReconcileOptions): ReconciliationRow {
  const sorted = [...orders].sort((a, b) => a.messageId - b.messageId || a.documentId - b.documentId);
  const first = sorted[0];
  const order = sorted[sorted.length - 1];
  const policy = options.policy(order.partnerId);
  const units = policy.units;
  const now = options.now;
  const cancelled = order.body.purpose === 'cancel';

  const lines = new Map<string, LineRow>();
  const line = (l: Parameters<typeof lineKey>[0], unit: string): LineRow => {
    const key = lineKey(l);
    let row = lines.get(key);
    if (!row) {
      row = { key, lineNumber: null, productCode: l.productCode ?? null, unit, ordered: 0, acknowledged: null, shipped: null, advised: null, invoiced: null };
      lines.set(key, row);
    }
    return row;
  };
  const add = (row: LineRow, field: 'acknowledged' | 'shipped' | 'advised' | 'invoiced', q: number) => { row[field] = round((row[field] ?? 0) + q); };

  let orderedAmount: number | null = 0;
  for (const l of order.body.lines) {
    const q = inOurUnit(l.quantity, l.uom, units);
    const row = line(l, q.unit);
    row.lineNumber ??= l.lineNumber;
    row.ordered = round(row.ordered + q.quantity);
    orderedAmount = l.unitPrice === undefined || orderedAmount === null ? null : orderedAmount + l.quantity * l.unitPrice;
  }

  const byType = <T extends OutboundDocRow['body']['type']>(t: T) =>
    outbound.filter((d) => d.body.type === t).sort((a, b) => a.messageId - b.messageId) as (OutboundDocRow & { body: Extract<OutboundDocRow['body'], { type: T }> })[];
  const acks = byType('order_ack');
  const shipments = byType('shipment').filter((s) => s.body.purpose !== 'cancel');
  const invoices = byType('invoice');

  const lastAck = acks[acks.length - 1];
  let acknowledged: ReconciliationRow['acknowledged'] = null;
  if (lastAck) {
    let total = 0;
    for (const l of lastAck.body.lines) {
      const q = inOurUnit(l.quantity, l.uom, units);
      add(line(l, q.unit), 'acknowledged', q.quantity);
      total += q.quantity;
    }
    const type = lastAck.body.status === 'accepted' ? 'accept' : lastAck.body.status === 'rejected' ? 'reject' : 'change';
    acknowledged = { type, quantity: round(total), at: iso(lastAck.at), messageId: lastAck.messageId };
  }

  let shippedTotal: number | null = null;
  for (const s of shipments) {
    for (const o of s.body.orders.filter((x) => x.poNumber === order.body.poNumber)) {
      for (const item of [...o.packs.flatMap((p) => p.items), ...o.items]) {
        const q = inOurUnit(item.quantity, item.uom, units);
        add(line(item, q.unit), 'shipped', q.quantity);
        shippedTotal = round((shippedTotal ?? 0) + q.quantity);
      }
    }
  }
  let advisedTotal: number | null = null;
  for (const a of advices) {
    const warehouseUnits = options.policy(a.partnerId).units;
    for (const l of a.body.lines) {
      const q = inOurUnit(l.shippedQuantity, l.uom, warehouseUnits);
      add(line(l, q.unit), 'advised', q.quantity);
      advisedTotal = round((advisedTotal ?? 0) + q.quantity);
    }
  }

  let invoiced: ReconciliationRow['invoiced'] = null;
  for (const inv of invoices) {
    const sign = inv.body.invoiceType === 'credit_note' ? -1 : 1;
    invoiced ??= { quantity: 0, amount: 0, invoices: [] };
    for (const l of inv.body.lines) {
      const q = inOurUnit(l.quantity, l.uom, units);
      add(line(l, q.unit), 'invoiced', sign * q.quantity);
      invoiced.quantity = round(invoiced.quantity + sign * q.quantity);
    }
    invoiced.amount = money(invoiced.amount + sign * inv.body.totalAmount);
    invoiced.invoices.push(inv.body.invoiceNumber);
  }

  const documents: DocumentState[] = [...outbound].sort((a, b) => a.messageId - b.messageId).map((d) => {
    const { state, detail } = ackStateOf(d, now);
    return {
      type: d.body.type, messageId: d.messageId, at: iso(d.at), status: d.status, ack: state, ackDetail: detail,
      key: d.body.type === 'shipment' ? d.body.shipmentId : d.body.type === 'invoice' ? d.body.invoiceNumber : d.body.poNumber,
      mdn: d.mdn ? (d.mdn.ok ? 'ok' : 'failed') : null,
    };
  });

  const saleOrderName = [...outbound].reverse().map((d) => (d.body.type === 'shipment' ? d.body.orders.find((o) => o.poNumber === order.body.poNumber)?.orderNumber : d.body.orderNumber)).find(Boolean) ?? null;
  const linked = sorted.filter((o) => o.odooModel === 'sale.order' && o.odooId !== null);
  const odoo = { saleOrderId: linked.length ? linked[linked.length - 1].odooId : null, saleOrderName };
  const lastShippedAt = [...shipments.map((s) => s.at), ...advices.map((a) => a.at)].sort((a, b) => b.getTime() - a.getTime())[0];

  const row: ReconciliationRow = {
    partnerId: order.partnerId, partnerName: policy.name ?? null, poNumber: order.body.poNumber, poDate: order.body.poDate ?? null,
    purpose: order.body.purpose, receivedAt: iso(first.at), orderMessageIds: [...new Set(sorted.map((o) => o.messageId))],
    orderStatus: order.status, currency: order.body.currency ?? null, odoo,
    ordered: { lines: order.body.lines.length, quantity: round([...lines.values()].reduce((s, l) => s + l.ordered, 0)), amount: orderedAmount === null ? null : money(orderedAmount) },
    acknowledged,
    shipped: { quantity: shippedTotal, shipments: shipments.map((s) => s.body.shipmentId), advisedQuantity: advisedTotal, advices: advices.map((a) => a.messageId), lastAt: lastShippedAt ? iso(lastShippedAt) : null },
    invoiced,
    lines: [...lines.values()],
    documents,
    flags: [],
  };
  row.flags = flagsOf(row, { order, first, cancelled, policy, options, lastShippedAt, outbound });
  return row;
}

interface FlagContext {
  order: OrderDocRow;
  first: OrderDocRow;
  cancelled: boolean;
  policy: PartnerPolicy;
  options: ReconcileOptions;
  lastShippedAt: Date | undefined;
  outbound: OutboundDocRow[];
}

const fmt = (n: number | null) => (n === null ? 'none' : String(n));
const describeLines = (rows: LineRow[], a: keyof LineRow, b: keyof LineRow) =>
  rows.slice(0, 5).map((l) => `${l.productCode ?? l.key}: ${fmt(l[b] as number | null)} ${String(b)} / ${fmt(l[a] as number | null)} ${String(a)} ${l.unit}`).join('; ')
  + (rows.length > 5 ? `; and ${rows.length - 5} more lines` : '');

function flagsOf(row: ReconciliationRow, c: FlagContext): Flag[] {
  const flags: Flag[] = [];
  const flag = (code: FlagCode, detail: string) => flags.push({ code, message: `${FLAG_TEXT[code]}: ${detail}` });
  const now = c.options.now.getTime();
  const rejectedByUs = row.acknowledged?.type === 'reject';

  if (c.order.status === 'exception') {
    flag('ORDER_EXCEPTION', `message ${c.order.messageId} is an exception${c.order.errorCode ? ` (${c.order.errorCode}: ${c.order.errorMessage ?? ''})` : ''}`);
  }
  if (c.options.odooEnabled && !c.cancelled && row.odoo.saleOrderId === null && ['done', 'exception'].includes(c.order.status ?? '')) {
    flag('NOT_IN_ODOO', `no sale order was recorded for message ${c.order.messageId}`);
  }

  // Shipped: what our 856s said, else what the 3PL's 945s said.
  const shippedOf = (l: LineRow) => (row.shipped.quantity !== null ? l.shipped ?? 0 : row.shipped.advisedQuantity !== null ? l.advised ?? 0 : null);
  if (!c.cancelled && (row.shipped.quantity !== null || row.shipped.advisedQuantity !== null)) {
    const off = row.lines.filter((l) => shippedOf(l) !== l.ordered);
    const source = row.shipped.quantity !== null ? 'shipped' : 'advised';
    if (off.length) flag('SHIPPED_QTY_DIFFERS', `${fmt(row.shipped.quantity ?? row.shipped.advisedQuantity)} ${source} of ${row.ordered.quantity} ordered (${describeLines(off, 'ordered', source)})`);
    else if (row.shipped.quantity !== null && row.shipped.advisedQuantity !== null && row.shipped.quantity !== row.shipped.advisedQuantity) {
      flag('SHIPPED_QTY_DIFFERS', `our ship notices say ${row.shipped.quantity}, the warehouse's advices ${row.shipped.advisedQuantity}`);
    }
  }
  if (row.invoiced) {
    const off = row.lines.filter((l) => (l.invoiced ?? 0) !== (shippedOf(l) ?? 0));
    const shipped = row.shipped.quantity ?? row.shipped.advisedQuantity;
    if (off.length) {
      flag('INVOICED_QTY_DIFFERS', `${row.invoiced.quantity} invoiced (${row.invoiced.invoices.join(', ')}), ${shipped === null ? 'nothing shipped' : `${shipped} shipped`} (${describeLines(off, shipped === null ? 'ordered' : 'shipped', 'invoiced')})`);
    }
  }
  const shipDue = c.first.at.getTime() + c.policy.shipWithinDays * DAY_MS;
  if (c.policy.expects.shipment && !c.cancelled && !rejectedByUs && row.shipped.quantity === null && now > shipDue) {
    flag('ASN_MISSING', `received ${row.receivedAt}, due by ${new Date(shipDue).toISOString()} (${c.policy.shipWithinDays} days)`
      + (row.shipped.advisedQuantity !== null ? `; the warehouse advised ${row.shipped.advisedQuantity} shipped` : ''));
  }
  if (c.policy.expects.invoice && !c.cancelled && !row.invoiced && c.lastShippedAt) {
    const invoiceDue = c.lastShippedAt.getTime() + c.policy.invoiceWithinDays * DAY_MS;
    if (now > invoiceDue) flag('INVOICE_MISSING', `shipped ${row.shipped.lastAt}, due by ${new Date(invoiceDue).toISOString()} (${c.policy.invoiceWithinDays} days)`);
  }
  const label = (d: DocumentState) => `${d.type} ${d.key} (message ${d.messageId})`;
  for (const d of row.documents.filter((x) => x.ack === 'rejected')) flag('ACK_REJECTED', `${label(d)}${d.ackDetail ? `: ${d.ackDetail}` : ''}`);
  for (const d of row.documents.filter((x) => x.ack === 'overdue')) flag('ACK_OVERDUE', `${label(d)}${d.ackDetail ? `: ${d.ackDetail}` : ''}`);
  // Rejected and overdue are flagged above by the acknowledgment state; any other exception is a delivery that failed.
  for (const d of c.outbound.filter((x) => x.status === 'exception' && x.errorCode !== 'PARTNER_REJECTED' && x.errorCode !== 'ACK_OVERDUE')) {
    flag('DELIVERY_FAILED', `${label(row.documents.find((x) => x.messageId === d.messageId)!)}: ${d.errorCode ?? ''} ${d.errorMessage ?? ''}`.trim());
  }
  return flags;
}
