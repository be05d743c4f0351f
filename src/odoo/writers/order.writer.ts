import type { Order, Party } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import type { OdooClient } from '../client/odoo-client';
import { featuresFor } from '../client/features';
import { addressXmlid, full, orderLineXmlid, orderXmlid } from './keys';
import { findAddress, idsByXmlid, requireByName, requireCustomer, resolveProducts } from './lookups';
import { resolveLineUoms, resolvePricelist } from './money';
import { orderLoadRows, type ResolvedOrder } from './order-load';
import type { OdooWriter, WriteResult, WriterContext } from './writer';

interface SaleOrderRow {
  id: number;
  name: string;
  state: string;
  picking_ids: number[];
}

/**
 * The sale order this gateway wrote for the PO, if any. The key stays the order's external id
 * (load() upserts by it), but it is looked up without ir.model.data (a least-privilege bot may
 * not read it) and without check_object_reference (for a new order that raises, and Odoo logs an
 * ERROR with a traceback each time): the orders carrying the PO as client_order_ref (load() sets
 * it), then get_metadata says which one, if any, holds our external id. A same-PO order entered
 * by hand has no such id, so it is not taken for ours (writeOrder refuses to double it).
 * An order whose client_order_ref was changed in Odoo by hand is not found here; load() still
 * finds it by the external id and updates it rather than making a second one.
 */
async function existingOrder(client: OdooClient, order: Order): Promise<SaleOrderRow | undefined> {
  const xmlid = full(orderXmlid(order.partnerId, order.poNumber));
  const candidates = await client.searchRead<SaleOrderRow>('sale.order', [['client_order_ref', '=', order.poNumber]], ['name', 'state', 'picking_ids'], { order: 'id asc', limit: 50 });
  const id = (await idsByXmlid(client, 'sale.order', candidates.map((c) => c.id), [xmlid])).get(xmlid);
  return candidates.find((c) => c.id === id);
}

/** Nothing may change once goods left: a done picking of the order says they did. */
async function assertNothingShipped(client: OdooClient, so: SaleOrderRow, order: Order): Promise<void> {
  if (!so.picking_ids.length) return;
  const done = await client.searchRead<{ name: string }>('stock.picking', [['id', 'in', so.picking_ids], ['state', '=', 'done']], ['name']);
  if (done.length) {
    throw new GatewayError('ODOO_ORDER_SHIPPED', `PO ${order.poNumber} (${order.purpose}): sale order ${so.name} has already shipped (${done.map((p) => p.name).join(', ')}); change it in Odoo by hand`, { order: so.name });
  }
}

/** The delivery address: the location cross-reference's ref, or a new child contact when the profile allows. */
async function resolveShipping(client: OdooClient, order: Order, customerId: number, ctx: WriterContext): Promise<{ id?: number; create?: Party }> {
  const shipTo = order.shipTo;
  if (!shipTo) return {};
  const ref = shipTo.resolved ?? shipTo.code ?? shipTo.gln;
  if (ref) {
    const id = await findAddress(client, ref);
    if (id !== undefined) return { id };
  }
  if (ctx.profile.odoo.createDeliveryAddresses && (ref || shipTo.name)) return { create: shipTo };
  const store = [shipTo.code && `store ${shipTo.code}`, shipTo.name].filter(Boolean).join(' ') || 'ship-to';
  throw new GatewayError('ODOO_LOCATION_NOT_FOUND',
    `${store}: no Odoo delivery address with ref '${ref ?? '(none)'}' (${ctx.profile.id}'s locations table${ctx.profile.odoo.createDeliveryAddresses ? '' : '; odoo.createDeliveryAddresses is off'})`, { value: ref ?? shipTo.name });
}

/** A child delivery contact, keyed by an external id so that a retry finds it instead of making another. */
async function createAddress(client: OdooClient, order: Order, party: Party, customerId: number): Promise<number> {
  const key = party.resolved ?? party.code ?? party.gln ?? party.name!;
  const a = party.address;
  const fields = ['id', 'parent_id/.id', 'type', 'name', 'ref', 'street', 'street2', 'city', 'zip'];
  const row = [full(addressXmlid(order.partnerId, key)), String(customerId), 'delivery', party.name ?? key, party.resolved ?? party.code ?? '',
    a?.lines[0] ?? '', a?.lines[1] ?? '', a?.city ?? '', a?.postalCode ?? ''];
  const r = await client.load('res.partner', fields, [row]);
  if (!r.ids || !r.ids[0]) throw loadFailed('res.partner', r.messages);
  return r.ids[0];
}

export function loadFailed(model: string, messages: { message: string }[]): GatewayError {
  return new GatewayError('ODOO_VALIDATION', `Odoo refused the ${model} import, nothing was written: ${messages.map((m) => m.message).join('; ') || 'no reason given'}`, { messages });
}

export async function resolveAll(order: Order, ctx: WriterContext): Promise<{ resolved: ResolvedOrder; createAddress?: Party }> {
  const { client, profile } = ctx;
  const customerId = await requireCustomer(client, profile);
  const shipping = await resolveShipping(client, order, customerId, ctx);
  const byIndex = await resolveProducts(client, profile, order.lines, ctx.products);
  const products = new Map(order.lines.map((l, i) => [l.lineNumber, byIndex.get(i)!]));
  // The pricelist decides the order's currency: written whenever the profile names one for it.
  const pricelistId = await resolvePricelist(client, order, profile, customerId);
  const features = featuresFor((await client.version()).major);
  const uomIds = await resolveLineUoms(client, profile, order, products, features.major);
  const warehouseId = profile.odoo.warehouse
    ? await requireByName(client, 'stock.warehouse', 'code', profile.odoo.warehouse, `warehouse (odoo.warehouse of ${profile.id})`) : undefined;
  const uoms = uomIds && { field: features.saleLineUom, ids: uomIds };
  return { resolved: { customerId, shippingId: shipping.id, products, pricelistId, warehouseId, uoms }, createAddress: shipping.create };
}

export async function confirm(client: OdooClient, id: number, ctx: WriterContext): Promise<boolean> {
  if (!ctx.profile.odoo.autoConfirm) return false;
  // Read first: confirming twice is a UserError, and a timed-out confirm may have gone through.
  const [so] = await client.read<{ state: string }>('sale.order', [id], ['state']);
  if (so && (so.state === 'draft' || so.state === 'sent')) {
    await client.call('sale.order', 'action_confirm', [[id]]);
    return true;
  }
  return false;
}

/** Lines the new version of the order no longer has go to quantity 0 (a confirmed order's lines cannot be deleted). */
async function zeroDroppedLines(client: OdooClient, order: Order, soId: number): Promise<number> {
  const lines = await client.searchRead<{ id: number; product_uom_qty: number }>('sale.order.line', [['order_id', '=', soId], ['display_type', '=', false]], ['id', 'product_uom_qty']);
  const wanted = order.lines.map((line) => full(orderLineXmlid(order.partnerId, order.poNumber, line.lineNumber)));
  const keep = new Set((await idsByXmlid(client, 'sale.order.line', lines.map((l) => l.id), wanted)).values());
  const dropped = lines.filter((l) => !keep.has(l.id) && l.product_uom_qty !== 0).map((l) => l.id);
  if (dropped.length) await client.write('sale.order.line', dropped, { product_uom_qty: 0 });
  return dropped.length;
}

async function cancelOrder(client: OdooClient, order: Order, so: SaleOrderRow): Promise<void> {
  const result = await client.call<unknown>('sale.order', 'action_cancel', [[so.id]]);
  // With a customer e-mail to send, Odoo answers with the sale.order.cancel wizard instead (ODOO-NOTES §6.7).
  const action = result as { res_model?: string; context?: Record<string, unknown> } | null;
  if (action && typeof action === 'object' && action.res_model === 'sale.order.cancel') {
    const context = action.context ?? {};
    const wizard = await client.create('sale.order.cancel', { order_id: so.id }, context);
    await client.call('sale.order.cancel', 'action_cancel', [[wizard]], { context });
  }
  const [after] = await client.read<{ state: string }>('sale.order', [so.id], ['state']);
  if (after?.state !== 'cancel') throw new GatewayError('ODOO_USER_ERROR', `PO ${order.poNumber}: Odoo did not cancel sale order ${so.name} (state ${after?.state})`);
}

/**
 * Order -> sale.order. Everything is resolved first (customer, address, products, pricelist,
 * warehouse), so an unknown value stops the write before Odoo sees any of it; then one load()
 * upserts the order and its lines by external id, and it is confirmed when the profile says so.
 * A change or replace rewrites the lines while nothing has shipped; a cancel cancels.
 */
/**
 * What an order already in Odoo leaves to do: an original is done (a replay or a duplicate file;
 * its confirmation finished if a crash left it), a change goes on unless the order is cancelled or shipped.
 */
async function onExisting(existing: SaleOrderRow, order: Order, ctx: WriterContext): Promise<WriteResult | undefined> {
  if (order.purpose === 'original') {
    const confirmed = await confirm(ctx.client, existing.id, ctx);
    return { model: 'sale.order', id: existing.id, note: `${existing.name} already in Odoo${confirmed ? ', confirmed now' : ''}` };
  }
  if (existing.state === 'cancel') throw new GatewayError('ODOO_USER_ERROR', `PO ${order.poNumber} (${order.purpose}): sale order ${existing.name} is cancelled`);
  await assertNothingShipped(ctx.client, existing, order);
  return undefined;
}

export const writeOrder: OdooWriter<Order> = async (order, ctx) => {
  const { client } = ctx;
  let existing = await existingOrder(client, order);

  if (order.purpose === 'cancel') {
    if (!existing) throw new GatewayError('ODOO_RECORD_NOT_FOUND', `PO ${order.poNumber}: a cancel for an order the gateway never wrote to Odoo`, { value: order.poNumber });
    if (existing.state === 'cancel') return { model: 'sale.order', id: existing.id, note: `${existing.name} already cancelled` };
    await assertNothingShipped(client, existing, order);
    await cancelOrder(client, order, existing);
    return { model: 'sale.order', id: existing.id, note: `${existing.name} cancelled` };
  }
  if (existing) {
    const done = await onExisting(existing, order, ctx);
    if (done) return done;
  }

  const { resolved, createAddress: toCreate } = await resolveAll(order, ctx);
  if (!existing) {
    // The second key: the same PO for the same customer entered some other way (by hand) is not ours to double.
    const other = await client.searchRead<{ name: string }>('sale.order',
      [['partner_id', '=', resolved.customerId], ['client_order_ref', '=', order.poNumber], ['state', '!=', 'cancel']], ['name'], { limit: 1 });
    if (other[0]) {
      // Another message of ours may have written it since we looked (a change racing its original): then it is ours.
      existing = await existingOrder(client, order);
      if (!existing) throw new GatewayError('ODOO_VALIDATION', `PO ${order.poNumber}: sale order ${other[0].name} already has this customer reference and was not written by the gateway`, { order: other[0].name });
      const done = await onExisting(existing, order, ctx);
      if (done) return done;
    }
  }
  if (toCreate) resolved.shippingId = await createAddress(client, order, toCreate, resolved.customerId);

  const { fields, rows } = orderLoadRows(order, ctx.profile, resolved);
  const result = await client.load('sale.order', fields, rows);
  if (!result.ids || !result.ids[0]) throw loadFailed('sale.order', result.messages);
  const id = result.ids[0];
  const dropped = existing ? await zeroDroppedLines(client, order, id) : 0;
  const confirmed = await confirm(client, id, ctx);
  const [so] = await client.read<{ name: string }>('sale.order', [id], ['name']);
  const verb = existing ? `updated (${order.purpose}${dropped ? `, ${dropped} line(s) set to 0` : ''})` : 'created';
  return { model: 'sale.order', id, note: `${so?.name ?? `sale.order ${id}`} ${verb} with ${order.lines.length} line(s)${confirmed ? ', confirmed' : ''}` };
};
