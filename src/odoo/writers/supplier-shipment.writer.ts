import type { Shipment } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import type { OdooWriter } from './writer';
import { findPurchaseOrder } from './purchase-lookup';
import { resolveProducts } from './lookups';

/**
 * A supplier's ship notice (856 / DESADV in) -> the incoming receipt of our purchase order: each
 * move's expected quantity set to what the supplier says is on its way (not validated: the
 * warehouse still counts what arrives), and a note on the receipt listing the packs and SSCCs.
 * Idempotent: the note names the shipment, and a receipt that has it already is left alone.
 */
export const writeSupplierShipment: OdooWriter<Shipment> = async (doc, { client, profile }) => {
  const order = doc.orders[0];
  const what = `ship notice ${doc.shipmentId}`;
  const po = await findPurchaseOrder(client, order?.poNumber, what);
  const receipts = await client.searchRead<{ id: number; name: string; state: string }>('stock.picking',
    [['purchase_id', '=', po.id], ['picking_type_code', '=', 'incoming'], ['state', 'not in', ['done', 'cancel']]], ['name', 'state'], { order: 'id asc', limit: 1 });
  const receipt = receipts[0];
  if (!receipt) throw new GatewayError('ODOO_RECORD_NOT_FOUND', `${what}: purchase order ${po.name} has no open receipt in Odoo (already received, or not confirmed)`);
  const marker = `ASN ${doc.shipmentId}`;
  const seen = await client.searchRead<{ id: number }>('mail.message', [['model', '=', 'stock.picking'], ['res_id', '=', receipt.id], ['body', 'ilike', marker]], ['id'], { limit: 1 });
  if (seen[0]) return { model: 'stock.picking', id: receipt.id, note: `${receipt.name} already has ${marker}` };

  const items = doc.orders.flatMap((o) => [...o.items, ...o.packs.flatMap((p) => p.items)]);
  const products = await resolveProducts(client, profile, items);
  const expected = new Map<number, number>();
  items.forEach((item, i) => { const p = products.get(i)!; expected.set(p, (expected.get(p) ?? 0) + item.quantity); });
  const moves = await client.searchRead<{ id: number; product_id: [number, string] }>('stock.move', [['picking_id', '=', receipt.id], ['state', 'not in', ['done', 'cancel']]], ['product_id'], { order: 'id asc' });
  const onReceipt = new Set(moves.map((m) => m.product_id[0]));
  const strangers = [...expected.keys()].filter((p) => !onReceipt.has(p));
  if (strangers.length) throw new GatewayError('ODOO_PICKING_CONFLICT', `${what}: ships products that are not on ${receipt.name} (product ids ${strangers.join(', ')})`);
  for (const m of moves) {
    const qty = expected.get(m.product_id[0]);
    if (qty !== undefined) { await client.write('stock.move', [m.id], { quantity: qty }); expected.delete(m.product_id[0]); }
  }
  const packs = doc.orders.flatMap((o) => o.packs).map((p) => `${p.sscc ?? '(no SSCC)'}: ${p.items.map((i) => `${i.quantity} ${i.uom} ${i.productCode ?? Object.values(i.ids)[0] ?? ''}`).join(', ')}`);
  const body = [`${marker} from ${profile.id}: shipped ${doc.shipDate}${doc.estimatedDelivery ? `, expected ${doc.estimatedDelivery}` : ''}`,
    doc.carrier?.scac || doc.trackingNumber ? `carrier ${doc.carrier?.scac ?? ''} tracking ${doc.trackingNumber ?? ''}`.trim() : '', ...packs].filter(Boolean).join('\n');
  await client.call('stock.picking', 'message_post', [[receipt.id]], { body });
  return { model: 'stock.picking', id: receipt.id, note: `${receipt.name}: expected quantities from ${marker} (${packs.length} pack(s))` };
};
