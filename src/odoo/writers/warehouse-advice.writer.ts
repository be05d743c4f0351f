import type { WarehouseAdvice } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import type { OdooClient } from '../client/odoo-client';
import { featuresFor } from '../client/features';
import { describeItem } from './keys';
import { resolveProducts } from './lookups';
import { shippedPerMove, type MoveRow } from './picking-moves';
import type { OdooWriter, WriterContext } from './writer';

interface PickingRow {
  id: number;
  name: string;
  state: string;
  carrier_tracking_ref?: string | false;
}

/**
 * Validates a picking, answering the backorder wizard when Odoo asks (shipped < demand): a
 * backorder for the rest, or none, as the profile says. The action's context goes on both wizard
 * calls: `process` reads the pickings to validate from it (ODOO-NOTES §6.3).
 */
export async function validatePicking(client: OdooClient, pickingId: number, backorders: boolean): Promise<void> {
  const result = await client.call<unknown>('stock.picking', 'button_validate', [[pickingId]]);
  const action = result as { res_model?: string; context?: Record<string, unknown> } | null;
  if (action && typeof action === 'object' && action.res_model === 'stock.backorder.confirmation') {
    const context = action.context ?? {};
    const wizard = await client.create('stock.backorder.confirmation', {}, context);
    await client.call('stock.backorder.confirmation', backorders ? 'process' : 'process_cancel_backorder', [[wizard]], { context });
  }
  // Any other dict (a print action) means done too; the state says for sure.
}

/**
 * The outgoing picking a 945 answers: the one its W0602 names (our 940's W0502, the picking's
 * name). A 3PL that keys its own order number there is matched by W0606 instead: the customer's
 * PO, when exactly one sale order carries it and exactly one of its outgoing pickings is open.
 */
async function findPicking(client: OdooClient, advice: WarehouseAdvice, hasTracking: boolean, hasSaleId: boolean): Promise<PickingRow> {
  const fields = ['name', 'state', ...(hasTracking ? ['carrier_tracking_ref'] : [])];
  const outgoing = ['picking_type_code', '=', 'outgoing'];
  const rows = await client.searchRead<PickingRow>('stock.picking', [['name', '=', advice.orderNumber], outgoing], fields, { limit: 2 });
  if (rows[0]) return rows[0];
  if (advice.poNumber && hasSaleId) {
    const orders = await client.searchRead<{ id: number }>('sale.order', [['client_order_ref', '=', advice.poNumber], ['state', '!=', 'cancel']], ['id'], { limit: 2 });
    if (orders.length === 1) {
      const open = await client.searchRead<PickingRow>('stock.picking', [['sale_id', '=', orders[0].id], outgoing, ['state', 'not in', ['done', 'cancel']]], fields, { limit: 2 });
      if (open.length === 1) return open[0];
    }
  }
  const byPo = advice.poNumber ? ` nor one open picking for PO ${advice.poNumber} (W0606)` : '';
  throw new GatewayError('ODOO_RECORD_NOT_FOUND', `945 for order ${advice.orderNumber}: no outgoing picking of that name in Odoo (the 940's W0502)${byPo}`, { value: advice.orderNumber });
}

/**
 * What goes in the picking's carrier_tracking_ref, one char field: the advice's tracking numbers
 * joined with ',' as Odoo's own carrier connectors write a multi-package shipment's numbers (and
 * split them again for tracking links and cancellation), else its bill of lading.
 */
export function trackingRef(advice: WarehouseAdvice): string | undefined {
  if (advice.trackingNumbers?.length) return advice.trackingNumbers.join(',');
  return advice.trackingNumber ?? advice.billOfLading;
}

/**
 * WarehouseAdvice (945) -> the outgoing picking it names, validated with the shipped quantities
 * and the tracking number. Idempotent: a picking already done with the same tracking is this
 * advice already applied.
 */
export const writeWarehouseAdvice: OdooWriter<WarehouseAdvice> = async (advice, ctx: WriterContext) => {
  const { client, profile } = ctx;
  const pickingFields = await client.fieldNames('stock.picking');
  // carrier_tracking_ref comes with stock_delivery (delivery in 16): without it there is nowhere to put the number.
  const hasTracking = pickingFields.has('carrier_tracking_ref');
  const picking = await findPicking(client, advice, hasTracking, pickingFields.has('sale_id'));
  const tracking = trackingRef(advice);

  if (picking.state === 'done') {
    const recorded = picking.carrier_tracking_ref || undefined;
    if (!hasTracking || !tracking || recorded === tracking) return { model: 'stock.picking', id: picking.id, note: `${picking.name} already done` };
    throw new GatewayError('ODOO_PICKING_CONFLICT', `945 for ${picking.name}: the picking is already done with tracking ${recorded ?? '(none)'}, this advice says ${tracking}`, { picking: picking.name });
  }
  if (picking.state === 'cancel' || picking.state === 'draft') {
    throw new GatewayError('ODOO_PICKING_CONFLICT', `945 for ${picking.name}: the picking is ${picking.state === 'cancel' ? 'cancelled' : 'a draft'} in Odoo`, { picking: picking.name });
  }

  const features = featuresFor((await client.version()).major);
  const byIndex = await resolveProducts(client, profile, advice.lines);
  const moves = await client.searchRead<MoveRow>('stock.move', [['picking_id', '=', picking.id], ['state', 'not in', ['done', 'cancel']]], ['product_id', 'product_uom_qty'], { order: 'id asc' });
  const { quantities, unknown } = shippedPerMove(advice, byIndex, moves);
  if (unknown.length) {
    const lines = advice.lines.filter((_, i) => unknown.includes(String(byIndex.get(i)))).map(describeItem);
    throw new GatewayError('ODOO_PICKING_CONFLICT', `945 for ${picking.name}: shipped items that are not on the picking: ${lines.join('; ')}`);
  }
  // Explicit quantities on every move: validating untouched moves would ship all that is reserved.
  for (const [moveId, qty] of quantities) {
    await client.write('stock.move', [moveId], features.movePicked ? { [features.moveDoneQty]: qty, picked: true } : { [features.moveDoneQty]: qty });
  }
  if (hasTracking && tracking) await client.write('stock.picking', [picking.id], { carrier_tracking_ref: tracking });
  await validatePicking(client, picking.id, profile.odoo.backorders);

  const [after] = await client.read<{ state: string }>('stock.picking', [picking.id], ['state']);
  if (after?.state !== 'done') throw new GatewayError('ODOO_USER_ERROR', `945 for ${picking.name}: Odoo left the picking in state ${after?.state} after validation`);
  const shipped = [...quantities.values()].reduce((a, b) => a + b, 0);
  const partial = moves.some((m) => (quantities.get(m.id) ?? 0) < m.product_uom_qty);
  return { model: 'stock.picking', id: picking.id,
    note: `${picking.name} validated, ${shipped} shipped${partial ? (profile.odoo.backorders ? ', rest on backorder' : ', rest cancelled') : ''}${tracking ? `, tracking ${tracking}` : ''}` };
};
