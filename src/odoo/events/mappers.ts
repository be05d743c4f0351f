import type { Invoice, InvoiceLine, Order, OrderAck, OrderAckLine, OrderLine, Party, Shipment, ShipmentItem, WarehouseOrder } from '../../canonical';
import type { PartnerProfile } from '../../partners/profile.schema';
import { partnerIdsFor } from '../../translators/outbound-mapping';
import { compact } from '../../translators/resolve';
import {
  day, hhmm, idOf, nameOf, str,
  type InvoiceLineRec, type InvoiceRec, type MoveRec, type PartnerRec, type PickingRec, type ProductRec, type SaleLineRec, type SaleOrderRec,
} from './odoo-records';

/**
 * Odoo records -> canonical outbound documents. Pure: the scanner reads the records, these
 * decide what they say. When the order came in through the gateway, its stored canonical Order
 * gives back what the partner sent (line numbers, their item ids and units, the store code), so
 * the answer speaks the partner's language; without it, Odoo's own data is used.
 */

/** A res.partner -> Party; the store number comes back from the partner's locations table by the contact's ref. */
export function partyFromOdoo(p: PartnerRec | undefined, profile: PartnerProfile): Party | undefined {
  if (!p) return undefined;
  const ref = str(p.ref);
  const location = ref ? [...(profile.xref?.locations?.values() ?? [])].find((l) => l.deliveryRef === ref) : undefined;
  const lines = [str(p.street), str(p.street2)].filter((l): l is string => !!l);
  const address = compact({ lines, city: str(p.city), region: p.stateCode, postalCode: str(p.zip), country: p.countryCode });
  return compact({
    name: str(p.name),
    code: location?.storeNumber,
    codeQualifier: location ? profile.mapping.storeNumberQualifiers[0] : undefined,
    address: lines.length || address.city || address.postalCode ? address : undefined,
  });
}

/**
 * Pairs Odoo lines with the stored order's lines: by product code first (each used once), then
 * by position among what is left. Undefined where the order did not come through the gateway.
 */
export function matchLines<T extends { productCode?: string }>(odoo: T[], stored: OrderLine[] | undefined): (OrderLine | undefined)[] {
  if (!stored) return odoo.map(() => undefined);
  const free = new Set(stored.map((_, i) => i));
  const out: (OrderLine | undefined)[] = odoo.map((l) => {
    const i = [...free].find((j) => l.productCode && stored[j].productCode === l.productCode);
    if (i === undefined) return undefined;
    free.delete(i);
    return stored[i];
  });
  return out.map((m) => {
    if (m) return m;
    const i = [...free][0];
    if (i === undefined) return undefined;
    free.delete(i);
    return stored[i];
  });
}

const codeOf = (p: ProductRec | undefined) => (p ? str(p.default_code) : undefined);

/**
 * The unit of a line without a stored order line: the unit the items table gives the product
 * (summit's case products are sold by the case), else each.
 */
function unitOf(profile: PartnerProfile, product: ProductRec | undefined): string {
  const code = codeOf(product);
  return (code && partnerIdsFor(profile, code).uom) || 'EA';
}

export interface OrderAckInput {
  so: SaleOrderRec;
  lines: { line: SaleLineRec; product?: ProductRec }[];
  shipTo?: PartnerRec;
  stored?: Order;
  profile: PartnerProfile;
  /** Today, for a sale order without a date_order. */
  today: string;
}

/** A confirmed sale order -> OrderAck (855): each line as ordered and as we will ship it. */
export function orderAckFrom(input: OrderAckInput): OrderAck {
  const { so, stored, profile } = input;
  const lines = input.lines.filter((l) => !l.line.display_type);
  const matched = matchLines(lines.map((l) => ({ productCode: codeOf(l.product) })), stored?.lines);
  const scheduledDate = day(so.commitment_date, profile.outbound.timeZone);
  const ackLines: OrderAckLine[] = lines.map(({ line, product }, i) => {
    const s = matched[i];
    const ordered = s?.quantity ?? line.product_uom_qty;
    const quantity = line.product_uom_qty;
    return compact({
      lineNumber: s?.lineNumber ?? String(i + 1),
      status: quantity === 0 ? 'rejected' : quantity !== ordered ? 'changed' : 'accepted',
      orderedQuantity: ordered, quantity, uom: s?.uom ?? unitOf(profile, product), unitPrice: line.price_unit,
      ids: s?.ids ?? {}, productCode: codeOf(product) ?? s?.productCode, description: s?.description ?? product?.name,
      scheduledDate,
    }) as OrderAckLine;
  });
  // Lines the partner ordered that the order no longer has: rejected.
  for (const s of stored?.lines ?? []) {
    if (matched.includes(s)) continue;
    ackLines.push(compact({ lineNumber: s.lineNumber, status: 'rejected', orderedQuantity: s.quantity, quantity: 0, uom: s.uom, unitPrice: s.unitPrice, ids: s.ids, productCode: s.productCode, description: s.description }) as OrderAckLine);
  }
  return compact({
    type: 'order_ack', partnerId: profile.id, poNumber: str(so.client_order_ref) ?? so.name, poDate: stored?.poDate,
    orderNumber: so.name, ackDate: day(so.date_order, profile.outbound.timeZone) ?? input.today,
    status: ackLines.every((l) => l.status === 'accepted') ? 'accepted' : ackLines.every((l) => l.status === 'rejected') ? 'rejected' : 'accepted_with_changes',
    currency: stored?.currency ?? nameOf(so.currency_id), shipTo: stored?.shipTo ?? partyFromOdoo(input.shipTo, profile), lines: ackLines,
  }) as OrderAck;
}

export interface ShipmentInput {
  picking: PickingRec;
  moves: { move: MoveRec; product?: ProductRec }[];
  so?: SaleOrderRec;
  shipTo?: PartnerRec;
  stored?: Order;
  profile: PartnerProfile;
  today: string;
}

/** A done outgoing picking -> Shipment (856): what was picked, as one pack per picking (the pack gets its SSCC when rendered). */
export function shipmentFrom(input: ShipmentInput): Shipment {
  const { picking, stored, profile, so } = input;
  const shipped = input.moves.filter((m) => m.move.done > 0);
  const matched = matchLines(shipped.map((m) => ({ productCode: codeOf(m.product) })), stored?.lines);
  const items: ShipmentItem[] = shipped.map(({ move, product }, i) => compact({
    lineNumber: matched[i]?.lineNumber ?? String(i + 1), ids: matched[i]?.ids ?? {}, quantity: move.done, uom: matched[i]?.uom ?? unitOf(profile, product),
    orderedQuantity: matched[i]?.quantity, productCode: codeOf(product) ?? matched[i]?.productCode,
  }) as ShipmentItem);
  const sopi = profile.outbound.shipmentStructure === 'SOPI';
  const carrier = stored?.carrier && (stored.carrier.scac || stored.carrier.mode) ? compact({ scac: stored.carrier.scac, mode: stored.carrier.mode }) : undefined;
  return compact({
    type: 'shipment', partnerId: profile.id, shipmentId: picking.name.replace(/[^A-Za-z0-9-]/g, '-'), purpose: 'original',
    shipDate: day(picking.date_done, profile.outbound.timeZone) ?? input.today, shipTime: hhmm(picking.date_done, profile.outbound.timeZone), carrier,
    trackingNumber: str(picking.carrier_tracking_ref), shipTo: stored?.shipTo ?? partyFromOdoo(input.shipTo, profile), references: [],
    orders: [compact({
      poNumber: str(so?.client_order_ref) ?? stored?.poNumber ?? str(picking.origin) ?? picking.name, poDate: stored?.poDate, orderNumber: so?.name,
      packs: sopi ? [{ items }] : [], items: sopi ? [] : items,
    })],
  }) as Shipment;
}

export interface WarehouseOrderInput {
  picking: PickingRec;
  moves: { move: MoveRec; product?: ProductRec }[];
  so?: SaleOrderRec;
  shipTo?: PartnerRec;
  stored?: Order;
  /** The customer's profile, whose locations table names the store. */
  customer?: PartnerProfile;
  warehouse: PartnerProfile;
  depositor: Party;
}

/** A picking ready in a 3PL's warehouse -> WarehouseOrder (940); the picking name is W0502, echoed in the 945. */
export function warehouseOrderFrom(input: WarehouseOrderInput): WarehouseOrder {
  const { picking, stored, so } = input;
  const shipTo = stored?.shipTo ?? partyFromOdoo(input.shipTo, input.customer ?? input.warehouse) ?? { name: nameOf(picking.partner_id) };
  return compact({
    type: 'warehouse_order', partnerId: input.warehouse.id, orderNumber: picking.name, poNumber: str(so?.client_order_ref) ?? stored?.poNumber,
    purpose: 'original', shipTo, depositor: input.depositor, requestedShip: day(picking.scheduled_date, input.warehouse.outbound.timeZone), cancelAfter: stored?.dates.cancelAfter,
    carrier: stored?.carrier && (stored.carrier.scac || stored.carrier.mode) ? compact({ scac: stored.carrier.scac, mode: stored.carrier.mode }) : undefined,
    references: so ? [{ qualifier: 'CO', value: so.name }] : [], notes: [],
    lines: input.moves.map(({ move, product }, i) => compact({
      lineNumber: String(i + 1), quantity: move.product_uom_qty, uom: unitOf(input.warehouse, product), ids: {}, productCode: codeOf(product), description: product?.name,
    })),
  }) as WarehouseOrder;
}

export interface InvoiceInput {
  invoice: InvoiceRec;
  lines: { line: InvoiceLineRec; product?: ProductRec }[];
  billTo?: PartnerRec;
  shipTo?: PartnerRec;
  stored?: Order;
  profile: PartnerProfile;
  today: string;
}

/** A posted customer invoice -> Invoice (810 / INVOIC). */
export function invoiceFrom(input: InvoiceInput): Invoice {
  const { invoice, stored, profile } = input;
  const lines = input.lines.filter((l) => l.line.product_id);
  const matched = matchLines(lines.map((l) => ({ productCode: codeOf(l.product) })), stored?.lines);
  const invoiceLines: InvoiceLine[] = lines.map(({ line, product }, i) => compact({
    lineNumber: matched[i]?.lineNumber ?? String(i + 1), quantity: line.quantity, uom: matched[i]?.uom ?? unitOf(profile, product), unitPrice: line.price_unit,
    amount: line.price_subtotal, ids: matched[i]?.ids ?? {}, productCode: codeOf(product) ?? matched[i]?.productCode,
    description: matched[i]?.description ?? product?.name, taxes: [], allowancesCharges: [],
  }) as InvoiceLine);
  const t = stored?.terms;
  return compact({
    type: 'invoice', partnerId: profile.id, invoiceNumber: invoice.name, invoiceDate: day(invoice.invoice_date) ?? input.today,
    invoiceType: invoice.move_type === 'out_refund' ? 'credit_note' : 'invoice',
    poNumber: str(invoice.ref) ?? stored?.poNumber, poDate: stored?.poDate, orderNumber: str(invoice.invoice_origin),
    currency: stored?.currency ?? nameOf(invoice.currency_id),
    billTo: stored?.billTo ?? partyFromOdoo(input.billTo, profile), shipTo: stored?.shipTo ?? partyFromOdoo(input.shipTo, profile),
    references: [],
    terms: t && (t.discountPercent !== undefined || t.netDays !== undefined) ? compact({ type: '01', discountPercent: t.discountPercent, discountDays: t.discountDays, netDays: t.netDays, description: t.description }) : undefined,
    lines: invoiceLines, allowancesCharges: [],
    taxes: invoice.amount_tax ? [{ type: 'TX', amount: invoice.amount_tax }] : [],
    totalAmount: invoice.amount_total,
  }) as Invoice;
}

export { idOf };
