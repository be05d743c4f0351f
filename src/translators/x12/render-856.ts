import type { Pack, Shipment, ShipmentItem, ShipmentOrder } from '../../canonical';
import { hhmm, isoDay, timeCode, n1Loop, partnerLine, renderError, text, type RenderContext, type RenderSeg, type SetRenderer } from './render-common';

const PURPOSE: Record<Shipment['purpose'], string> = { original: '00', replace: '05', cancel: '01' };

/**
 * BSN05 hierarchical structure code (X12 element 1005): 0001 Shipment, Order, Packaging, Item
 * (pick and pack); 0004 Shipment, Order, Item. (0002 is S-O-I-P, packs under items: not ours.)
 */
const STRUCTURE_CODE = { SOPI: '0001', SOI: '0004' } as const;

/** Numbers HL levels in document order; each knows its parent and whether children follow. */
class Hierarchy {
  count = 0;
  level(parent: number | undefined, code: 'S' | 'O' | 'P' | 'I', hasChildren: boolean): [RenderSeg, number] {
    const id = ++this.count;
    return [['HL', String(id), parent === undefined ? undefined : String(parent), code, hasChildren ? '1' : '0'], id];
  }
}

function weightTd1(packaging: string | undefined, quantity: number | undefined, weight: Pack['weight']): RenderSeg[] {
  if (!packaging && quantity === undefined && !weight) return [];
  // TD106 G: gross weight. TD102 is required with TD101 (C0102).
  return [['TD1', packaging, quantity, undefined, undefined, undefined, weight ? 'G' : undefined, weight?.value, weight?.uom]];
}

function itemLevel(item: ShipmentItem, parent: number, h: Hierarchy, ctx: RenderContext): RenderSeg[] {
  const [hl] = h.level(parent, 'I', false);
  const quantities = item.orderedQuantity === undefined ? [item.quantity] : [item.quantity, item.orderedQuantity];
  const line = partnerLine(ctx.profile, item, item.uom, quantities);
  const [shipped, ordered] = line.units.quantities;
  const segs: RenderSeg[] = [hl,
    ['LIN', item.lineNumber, ...line.pairs],
    ['SN1', undefined, shipped, line.units.uom, undefined, ordered, ordered === undefined ? undefined : line.units.uom]];
  if (item.description) segs.push(['PID', 'F', undefined, undefined, undefined, text(item.description, 80)]);
  return segs;
}

function packLevel(pack: Pack, parent: number, h: Hierarchy, ctx: RenderContext): RenderSeg[] {
  if (!pack.sscc) throw renderError(`a pack has no SSCC, and ${ctx.profile.id}'s profile has no outbound.gs1CompanyPrefix to make one`);
  const [hl, id] = h.level(parent, 'P', pack.items.length > 0);
  const segs: RenderSeg[] = [hl, ...weightTd1(pack.packaging, pack.packaging ? 1 : undefined, pack.weight), ['MAN', 'GM', pack.sscc]];
  if (pack.trackingNumber) segs.push(['MAN', 'CP', pack.trackingNumber]);
  for (const item of pack.items) segs.push(...itemLevel(item, id, h, ctx));
  return segs;
}

function orderLevel(order: ShipmentOrder, parent: number, h: Hierarchy, ctx: RenderContext): RenderSeg[] {
  const sopi = ctx.profile.outbound.shipmentStructure === 'SOPI';
  if (sopi && order.items.length) {
    throw renderError(`${ctx.profile.id} wants shipments as shipment-order-pack-item (outbound.shipmentStructure SOPI), but order ${order.poNumber} has items outside packs`);
  }
  // S-O-I: the partner takes no pack level, so items in packs are listed straight under the order.
  const items = sopi ? [] : [...order.items, ...order.packs.flatMap((p) => p.items)];
  const [hl, id] = h.level(parent, 'O', sopi ? order.packs.length > 0 : items.length > 0);
  const segs: RenderSeg[] = [hl, ['PRF', order.poNumber, undefined, undefined, order.poDate]];
  if (order.orderNumber) segs.push(['REF', 'VN', order.orderNumber]);
  if (order.invoiceNumber) segs.push(['REF', 'IV', order.invoiceNumber]);
  if (sopi) for (const pack of order.packs) segs.push(...packLevel(pack, id, h, ctx));
  else for (const item of items) segs.push(...itemLevel(item, id, h, ctx));
  return segs;
}

/**
 * Shipment -> 856 in the hierarchy the profile asks: S-O-P-I (pick and pack: packs with their
 * SSCC under each order, items under packs) or S-O-I (items under orders). BSN03/04 are when the
 * notice is written; the ship date is DTM*011. CTT01 counts the HL segments.
 */
export const render856: SetRenderer<Shipment> = (doc, ctx) => {
  const h = new Hierarchy();
  const structure = ctx.profile.outbound.shipmentStructure;
  const segs: RenderSeg[] = [['BSN', PURPOSE[doc.purpose], doc.shipmentId, isoDay(ctx.now, ctx), hhmm(ctx.now, ctx), STRUCTURE_CODE[structure]]];
  const [hl, shipmentHl] = h.level(undefined, 'S', true);
  segs.push(hl);
  const packCount = doc.orders.reduce((n, o) => n + o.packs.length, 0);
  segs.push(...weightTd1(doc.packagingCode, doc.packageCount ?? (packCount || undefined), doc.weight));
  const c = doc.carrier;
  if (c && (c.scac || c.mode || c.name)) segs.push(['TD5', 'B', c.scac ? '2' : undefined, c.scac, c.mode, c.name]);

  const refs: [string, string | undefined][] = [['BM', doc.billOfLading], ['CN', doc.proNumber ?? doc.trackingNumber]];
  // A pro number and a different tracking number: the tracking number goes as 2I.
  if (doc.proNumber && doc.trackingNumber && doc.trackingNumber !== doc.proNumber) refs.push(['2I', doc.trackingNumber]);
  const written = new Set<string>();
  for (const [q, v] of [...refs, ...doc.references.map((r) => [r.qualifier, r.value] as [string, string])]) {
    if (!v || written.has(`${q}\u0000${v}`)) continue;
    written.add(`${q}\u0000${v}`);
    segs.push(['REF', q, v]);
  }
  // The ship time is on the partner's clock (the Odoo mapper moved it there): DTM04 says which.
  segs.push(['DTM', '011', doc.shipDate, doc.shipTime, timeCode(doc.shipDate, doc.shipTime, ctx)]);
  if (doc.estimatedDelivery) segs.push(['DTM', '017', doc.estimatedDelivery]);
  segs.push(...n1Loop('SF', doc.shipFrom), ...n1Loop('ST', doc.shipTo));
  for (const order of doc.orders) segs.push(...orderLevel(order, shipmentHl, h, ctx));
  segs.push(['CTT', h.count]);
  return segs;
};
