import type { Knex } from 'knex';
import type { CanonicalDocument } from '../../canonical';
import type { GatewayConfig } from '../../config/gateway.config';
import type { PartnerRegistry } from '../../partners/partner-registry';
import type { PartnerProfile } from '../../partners/profile.schema';
import { outboundStandard } from '../../translators/render-for-partner';
import { channelOutboundFor } from '../../marketplaces';
import { x12OutboundFor } from '../../translators/x12/render-x12';
import { wallClock } from '../../translators/partner-time';
import type { Domain, OdooClient } from '../client/odoo-client';
import { featuresFor } from '../client/features';
import { findPartner } from '../writers/lookups';
import { invoiceFrom, orderAckFrom, shipmentFrom, warehouseOrderFrom } from './mappers';
import { idOf, type InvoiceLineRec, type InvoiceRec, type MoveRec, type PickingRec, type SaleLineRec, type SaleOrderRec } from './odoo-records';
import { readTaxes, readUoms } from './money-reads';
import { readPartners, readProducts, storedOrder } from './odoo-reads';

/** What one scan knows: the clients, and the lookups it makes once (customers, 3PL picking types). */
export interface ScanContext {
  client: OdooClient;
  knex: Knex;
  config: GatewayConfig;
  partners: PartnerRegistry;
  /** When the scan started; a document without a date of its own is dated today on its partner's clock (todayFor). */
  now: Date;
  /** Commercial partner id -> the profile whose odoo.customer it is. */
  customers: Map<number, PartnerProfile>;
  /** Outgoing picking type id -> the 3PL profile whose odoo.warehouse it belongs to. */
  threePlTypes: Map<number, PartnerProfile>;
}

export type EventOutcome = { profile: PartnerProfile; doc: CanonicalDocument } | { skip: string };

export interface OdooEvent {
  name: string;
  model: string;
  /** The event's own leaves (the cursor is added by the scanner); undefined when there is nothing to watch. */
  leaves(ctx: ScanContext): Promise<Domain | undefined>;
  fields(ctx: ScanContext): Promise<string[]>;
  toDocument(record: any, ctx: ScanContext): Promise<EventOutcome>;
}

/** Builds the scan's lookups: each profile's customer, and each 3PL warehouse's outgoing picking types. */
export async function scanContext(client: OdooClient, knex: Knex, config: GatewayConfig, partners: PartnerRegistry, now: Date): Promise<ScanContext> {
  const customers = new Map<number, PartnerProfile>();
  for (const p of partners.profiles) {
    if (!p.odoo.customer) continue;
    const id = await findPartner(client, p.odoo.customer);
    if (id !== undefined) customers.set(id, p);
  }
  const threePlTypes = new Map<number, PartnerProfile>();
  for (const p of partners.profiles) {
    if (!p.odoo.warehouse || !x12OutboundFor(p, 'warehouse_order')) continue;
    const wh = await client.searchRead<{ id: number }>('stock.warehouse', [['code', '=', p.odoo.warehouse]], ['id'], { limit: 1 });
    if (!wh[0]) continue;
    const types = await client.searchRead<{ id: number }>('stock.picking.type', [['warehouse_id', '=', wh[0].id], ['code', '=', 'outgoing']], ['id']);
    for (const t of types) threePlTypes.set(t.id, p);
  }
  return { client, knex, config, partners, now, customers, threePlTypes };
}

/** Today on the partner's clock (its profile's outbound.timeZone). */
const todayFor = (ctx: ScanContext, p: PartnerProfile): string => wallClock(ctx.now, p.outbound.timeZone).date;

/** The profile of an Odoo record's partner (its commercial partner), and whether it takes this document. */
async function profileFor(ctx: ScanContext, partnerId: number | undefined, type: CanonicalDocument['type'], set: string): Promise<{ profile: PartnerProfile } | { skip: string }> {
  if (!partnerId) return { skip: 'no partner' };
  const partner = (await readPartners(ctx.client, [partnerId])).get(partnerId);
  const commercial = idOf(partner?.commercial_partner_id) ?? partnerId;
  const profile = ctx.customers.get(commercial) ?? ctx.customers.get(partnerId);
  if (!profile) return { skip: 'not an EDI partner' };
  // X12 or EDIFACT, as the profile lists the document, or the channel's own form (a Shopify
  // fulfillment, a cXML ShipNoticeRequest): enqueueRendered writes any of them.
  if (outboundStandard(profile, type) || channelOutboundFor(profile, type)) return { profile };
  return { skip: `${profile.id}'s profile lists no outbound ${set}` };
}

const SO_FIELDS = ['name', 'state', 'client_order_ref', 'date_order', 'commitment_date', 'partner_id', 'partner_shipping_id', 'currency_id', 'write_date'];

async function saleOrder(ctx: ScanContext, id: number | undefined): Promise<SaleOrderRec | undefined> {
  if (!id) return undefined;
  return (await ctx.client.read<SaleOrderRec>('sale.order', [id], SO_FIELDS))[0];
}

async function pickingFields(ctx: ScanContext): Promise<string[]> {
  const have = await ctx.client.fieldNames('stock.picking');
  return ['name', 'state', 'origin', 'partner_id', 'scheduled_date', 'date_done', 'picking_type_id', 'write_date',
    ...['sale_id', 'carrier_tracking_ref'].filter((f) => have.has(f))];
}

async function pickingMoves(ctx: ScanContext, pickingId: number) {
  const features = featuresFor((await ctx.client.version()).major);
  const raw = await ctx.client.searchRead<Record<string, any>>('stock.move', [['picking_id', '=', pickingId], ['state', '!=', 'cancel']], ['product_id', 'product_uom_qty', features.moveDoneQty], { order: 'id asc' });
  const moves: MoveRec[] = raw.map((m) => ({ id: m.id, product_id: m.product_id, product_uom_qty: m.product_uom_qty, done: Number(m[features.moveDoneQty] ?? 0) }));
  const products = await readProducts(ctx.client, moves.map((m) => idOf(m.product_id)!).filter(Boolean));
  return moves.map((move) => ({ move, product: products.get(idOf(move.product_id)!) }));
}

/** The sale order a picking ships: sale_id (16-18), else the order named at the start of origin ("S00025 - PO-1"). */
async function orderOfPicking(ctx: ScanContext, picking: PickingRec): Promise<SaleOrderRec | undefined> {
  if (picking.sale_id) return saleOrder(ctx, idOf(picking.sale_id));
  const name = typeof picking.origin === 'string' ? picking.origin.split(' - ')[0] : undefined;
  if (!name) return undefined;
  const rows = await ctx.client.searchRead<SaleOrderRec>('sale.order', [['name', '=', name]], SO_FIELDS, { limit: 1 });
  return rows[0];
}

export const saleConfirmed: OdooEvent = {
  name: 'sale_confirmed',
  model: 'sale.order',
  async leaves(ctx) { return [['state', 'in', featuresFor((await ctx.client.version()).major).confirmedStates]]; },
  async fields() { return SO_FIELDS; },
  async toDocument(so: SaleOrderRec, ctx) {
    const who = await profileFor(ctx, idOf(so.partner_id), 'order_ack', '855');
    if ('skip' in who) return who;
    const features = featuresFor((await ctx.client.version()).major);
    const raw = await ctx.client.searchRead<SaleLineRec & Record<string, any>>('sale.order.line', [['order_id', '=', so.id]],
      ['product_id', 'product_uom_qty', 'price_unit', 'name', 'display_type', features.saleLineUom, 'price_subtotal', 'price_total'], { order: 'sequence asc, id asc' });
    const lines: SaleLineRec[] = raw.map((l) => ({ ...l, uom: l[features.saleLineUom] }));
    const products = await readProducts(ctx.client, lines.map((l) => idOf(l.product_id)!).filter(Boolean));
    const uoms = await readUoms(ctx.client, [...lines.map((l) => idOf(l.uom)), ...[...products.values()].map((p) => idOf(p.uom_id))].filter((x): x is number => !!x), features.major);
    const shipId = idOf(so.partner_shipping_id);
    const shipTo = shipId ? (await readPartners(ctx.client, [shipId])).get(shipId) : undefined;
    const doc = orderAckFrom({ so, lines: lines.map((line) => ({ line, product: products.get(idOf(line.product_id)!) })), shipTo,
      stored: await storedOrder(ctx.knex, so.id), profile: who.profile, today: todayFor(ctx, who.profile), uoms });
    return { profile: who.profile, doc };
  },
};

export const pickingDone: OdooEvent = {
  name: 'picking_done',
  model: 'stock.picking',
  async leaves() { return [['picking_type_code', '=', 'outgoing'], ['state', '=', 'done']]; },
  fields: pickingFields,
  async toDocument(picking: PickingRec, ctx) {
    const who = await profileFor(ctx, idOf(picking.partner_id), 'shipment', '856');
    if ('skip' in who) return who;
    const so = await orderOfPicking(ctx, picking);
    const shipId = idOf(picking.partner_id);
    const shipTo = shipId ? (await readPartners(ctx.client, [shipId])).get(shipId) : undefined;
    const doc = shipmentFrom({ picking, moves: await pickingMoves(ctx, picking.id), so, shipTo, stored: await storedOrder(ctx.knex, so?.id), profile: who.profile, today: todayFor(ctx, who.profile) });
    return { profile: who.profile, doc };
  },
};

export const pickingReady: OdooEvent = {
  name: 'picking_ready',
  model: 'stock.picking',
  async leaves(ctx) {
    const types = [...ctx.threePlTypes.keys()];
    return types.length ? [['picking_type_id', 'in', types], ['state', '=', 'assigned']] : undefined;
  },
  fields: pickingFields,
  async toDocument(picking: PickingRec, ctx) {
    const warehouse = ctx.threePlTypes.get(idOf(picking.picking_type_id)!);
    if (!warehouse) return { skip: 'not a 3PL picking type' };
    const so = await orderOfPicking(ctx, picking);
    const shipId = idOf(picking.partner_id);
    const shipTo = shipId ? (await readPartners(ctx.client, [shipId])).get(shipId) : undefined;
    const commercial = idOf(shipTo?.commercial_partner_id);
    const self = ctx.config.self.x12;
    const doc = warehouseOrderFrom({ picking, moves: await pickingMoves(ctx, picking.id), so, shipTo, stored: await storedOrder(ctx.knex, so?.id),
      customer: commercial ? ctx.customers.get(commercial) : undefined, warehouse, depositor: { code: self.id, codeQualifier: '91' } });
    return { profile: warehouse, doc };
  },
};

const INVOICE_FIELDS = ['name', 'state', 'move_type', 'invoice_date', 'invoice_date_due', 'invoice_origin', 'ref', 'partner_id', 'partner_shipping_id',
  'currency_id', 'amount_untaxed', 'amount_tax', 'amount_total', 'write_date'];

export const invoicePosted: OdooEvent = {
  name: 'invoice_posted',
  model: 'account.move',
  async leaves() { return [['move_type', 'in', ['out_invoice', 'out_refund']], ['state', '=', 'posted']]; },
  async fields(ctx) {
    const have = await ctx.client.fieldNames('account.move');
    return INVOICE_FIELDS.filter((f) => have.size === 0 || have.has(f) || f === 'write_date');
  },
  async toDocument(invoice: InvoiceRec, ctx) {
    const who = await profileFor(ctx, idOf(invoice.partner_id), 'invoice', '810');
    if ('skip' in who) return who;
    const lines = await ctx.client.searchRead<InvoiceLineRec>('account.move.line', [['move_id', '=', invoice.id], ['display_type', '=', 'product']],
      ['product_id', 'name', 'quantity', 'price_unit', 'price_subtotal', 'price_total', 'product_uom_id', 'tax_ids'], { order: 'sequence asc, id asc' });
    const products = await readProducts(ctx.client, lines.map((l) => idOf(l.product_id)!).filter(Boolean));
    const major = (await ctx.client.version()).major;
    const uoms = await readUoms(ctx.client, [...lines.map((l) => idOf(l.product_uom_id)), ...[...products.values()].map((p) => idOf(p.uom_id))].filter((x): x is number => !!x), major);
    const taxes = await readTaxes(ctx.client, lines.flatMap((l) => l.tax_ids ?? []));
    const origin = typeof invoice.invoice_origin === 'string' ? invoice.invoice_origin.split(',')[0].trim() : undefined;
    const so = origin ? (await ctx.client.searchRead<{ id: number }>('sale.order', [['name', '=', origin]], ['id'], { limit: 1 }))[0] : undefined;
    const ids = [idOf(invoice.partner_id), idOf(invoice.partner_shipping_id)].filter((x): x is number => !!x);
    const partners = await readPartners(ctx.client, ids);
    const doc = invoiceFrom({ invoice, lines: lines.map((line) => ({ line, product: products.get(idOf(line.product_id)!) })),
      billTo: partners.get(idOf(invoice.partner_id)!), shipTo: invoice.partner_shipping_id ? partners.get(idOf(invoice.partner_shipping_id)!) : undefined,
      stored: await storedOrder(ctx.knex, so?.id), profile: who.profile, today: todayFor(ctx, who.profile), uoms, taxes });
    return { profile: who.profile, doc };
  },
};

/** Every event the scanner watches; one line per event. */
export const ODOO_EVENTS: readonly OdooEvent[] = [saleConfirmed, pickingReady, pickingDone, invoicePosted];
