import type { Invoice, InvoiceLine, Order, OrderAck, OrderAckLine, OrderLine, Party, Shipment, ShipmentItem, WarehouseOrder } from '../../canonical';
import type { PartnerProfile } from '../../partners/profile.schema';
import { partnerIdsFor } from '../../translators/outbound-mapping';
import { compact } from '../../translators/resolve';
import { documentTaxes, lineTaxes, lineUnits, orderedIn, ourUnit, samePrice } from './money-mapping';
import {
  day, hhmm, idOf, nameOf, str,
  type InvoiceLineRec, type InvoiceRec, type MoveRec, type PartnerRec, type PickingRec, type ProductRec, type SaleLineRec, type SaleOrderRec,
  type TaxRec, type UomRec,
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
 * The cXML OrderRequest an answer refers to: a cXML buyer's ConfirmationRequest, ShipNoticeRequest
 * and InvoiceDetailRequest quote its payloadID (OrderReference/DocumentReference). Other partners'
 * documents carry no source, as before.
 */
const cxmlSource = (stored: Order | undefined) => (stored?.source.standard === 'cXML' ? stored.source : undefined);

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
  /** The lines' and products' units of measure (by id), to tell a kept pack from the product's unit. */
  uoms?: Map<number, UomRec>;
}

/**
 * A confirmed sale order -> OrderAck (855): each line as ordered and as Odoo holds it, in Odoo's
 * unit price (what we will invoice). A line whose price differs from the partner's (Odoo keeps 2
 * decimals; a pricelist has its own) is price_changed, so the partner is never told "as ordered"
 * about a price we will not bill.
 */
export function orderAckFrom(input: OrderAckInput): OrderAck {
  const { so, stored, profile } = input;
  const lines = input.lines.filter((l) => !l.line.display_type);
  const matched = matchLines(lines.map((l) => ({ productCode: codeOf(l.product) })), stored?.lines);
  const scheduledDate = day(so.commitment_date, profile.outbound.timeZone);
  const ackLines: OrderAckLine[] = lines.map(({ line, product }, i) => {
    const s = matched[i];
    const fallback = s ? ourUnit(profile, s.uom) : unitOf(profile, product);
    const odoo = lineUnits(profile, { uom: line.uom, quantity: line.product_uom_qty, unitPrice: line.price_unit }, product?.uom_id, input.uoms, fallback);
    const ordered = s ? orderedIn(profile, s, odoo.uom) : undefined;
    const orderedQuantity = ordered?.quantity ?? odoo.quantity;
    const priceChanged = ordered?.unitPrice !== undefined && !samePrice(ordered.unitPrice, odoo.unitPrice);
    const status = odoo.quantity === 0 ? 'rejected' : odoo.quantity !== orderedQuantity ? 'changed' : priceChanged ? 'price_changed' : 'accepted';
    return compact({
      lineNumber: s?.lineNumber ?? String(i + 1),
      status, orderedQuantity, quantity: odoo.quantity, uom: odoo.uom, unitPrice: odoo.unitPrice,
      orderedUnitPrice: priceChanged ? ordered?.unitPrice : undefined,
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
    type: 'order_ack', partnerId: profile.id, source: cxmlSource(stored), poNumber: str(so.client_order_ref) ?? so.name, poDate: stored?.poDate,
    orderNumber: so.name, ackDate: day(so.date_order, profile.outbound.timeZone) ?? input.today,
    status: ackLines.every((l) => l.status === 'accepted') ? 'accepted' : ackLines.every((l) => l.status === 'rejected') ? 'rejected' : 'accepted_with_changes',
    // The sale order's currency is what Odoo holds the prices in (its pricelist's), whatever the partner sent.
    currency: nameOf(so.currency_id) ?? stored?.currency, shipTo: stored?.shipTo ?? partyFromOdoo(input.shipTo, profile), lines: ackLines,
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
  // Moves are in the product's unit (Odoo converts a pack line's quantity for the procurement).
  const items: ShipmentItem[] = shipped.map(({ move, product }, i) => {
    const s = matched[i];
    const uom = s ? ourUnit(profile, s.uom) : unitOf(profile, product);
    return compact({
      lineNumber: s?.lineNumber ?? String(i + 1), ids: s?.ids ?? {}, quantity: move.done, uom,
      orderedQuantity: s ? orderedIn(profile, s, uom).quantity : undefined, productCode: codeOf(product) ?? s?.productCode,
    }) as ShipmentItem;
  });
  const sopi = profile.outbound.shipmentStructure === 'SOPI';
  const carrier = stored?.carrier && (stored.carrier.scac || stored.carrier.mode) ? compact({ scac: stored.carrier.scac, mode: stored.carrier.mode }) : undefined;
  // A multi-package shipment's carrier_tracking_ref holds its numbers joined with ',' (Odoo's
  // carriers, and our 945 writer): the first is the shipment's, the others go as 2I references.
  const [trackingNumber, ...moreTracking] = (str(picking.carrier_tracking_ref) ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  return compact({
    type: 'shipment', partnerId: profile.id, source: cxmlSource(stored), shipmentId: picking.name.replace(/[^A-Za-z0-9-]/g, '-'), purpose: 'original',
    shipDate: day(picking.date_done, profile.outbound.timeZone) ?? input.today, shipTime: hhmm(picking.date_done, profile.outbound.timeZone), carrier,
    trackingNumber, shipTo: stored?.shipTo ?? partyFromOdoo(input.shipTo, profile), references: moreTracking.map((value) => ({ qualifier: '2I', value })),
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
  uoms?: Map<number, UomRec>;
  taxes?: Map<number, TaxRec>;
}

/**
 * A posted customer invoice -> Invoice (810 / INVOIC), in Odoo's numbers: each line's quantity,
 * unit price and subtotal as Odoo holds them, its tax (price_total - price_subtotal), and the
 * totals amount_untaxed / amount_tax / amount_total.
 */
export function invoiceFrom(input: InvoiceInput): Invoice {
  const { invoice, stored, profile } = input;
  const lines = input.lines.filter((l) => l.line.product_id);
  const matched = matchLines(lines.map((l) => ({ productCode: codeOf(l.product) })), stored?.lines);
  const taxed = lines.map(({ line }) => ({ subtotal: line.price_subtotal, total: line.price_total ?? line.price_subtotal, taxIds: line.tax_ids }));
  const invoiceLines: InvoiceLine[] = lines.map(({ line, product }, i) => {
    const s = matched[i];
    const odoo = lineUnits(profile, { uom: line.product_uom_id, quantity: line.quantity, unitPrice: line.price_unit }, product?.uom_id, input.uoms,
      s ? ourUnit(profile, s.uom) : unitOf(profile, product));
    return compact({
      lineNumber: s?.lineNumber ?? String(i + 1), quantity: odoo.quantity, uom: odoo.uom, unitPrice: odoo.unitPrice,
      amount: line.price_subtotal, ids: s?.ids ?? {}, productCode: codeOf(product) ?? s?.productCode,
      description: s?.description ?? product?.name, taxes: lineTaxes(taxed[i], input.taxes), allowancesCharges: [],
    }) as InvoiceLine;
  });
  const t = stored?.terms;
  return compact({
    type: 'invoice', partnerId: profile.id, source: cxmlSource(stored), invoiceNumber: invoice.name, invoiceDate: day(invoice.invoice_date) ?? input.today,
    invoiceType: invoice.move_type === 'out_refund' ? 'credit_note' : 'invoice',
    poNumber: str(invoice.ref) ?? stored?.poNumber, poDate: stored?.poDate, orderNumber: str(invoice.invoice_origin),
    // The amounts are in the invoice's currency, whatever the order said.
    currency: nameOf(invoice.currency_id) ?? stored?.currency,
    billTo: stored?.billTo ?? partyFromOdoo(input.billTo, profile), shipTo: stored?.shipTo ?? partyFromOdoo(input.shipTo, profile),
    references: [],
    terms: t && (t.discountPercent !== undefined || t.netDays !== undefined) ? compact({ type: '01', discountPercent: t.discountPercent, discountDays: t.discountDays, netDays: t.netDays, description: t.description }) : undefined,
    lines: invoiceLines, allowancesCharges: [],
    taxes: documentTaxes(taxed, invoice.amount_tax, invoice.amount_untaxed, input.taxes),
    untaxedAmount: invoice.amount_untaxed,
    totalAmount: invoice.amount_total,
  }) as Invoice;
}

export { idOf };
