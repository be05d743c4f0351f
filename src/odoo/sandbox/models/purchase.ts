import { userError } from '../rpc-errors';
import { char, datetime, float, many2one, one2many, selection, magicFields, text } from '../orm/fields';
import { browse, createRecords, touchRecords } from '../orm/records';
import type { Env, ModelDef } from '../orm/types';
import { recomputePickingState, reserveMoves } from './stock-reserve';

/**
 * purchase.order, minimal (Odoo 17/18): enough for incoming receipts (856 from a supplier) and
 * vendor bills (810 from a supplier) to have something to link to. button_confirm creates the
 * receipt in the first warehouse; vendor bills are plain account.move in_invoice records.
 */
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

export const purchaseOrder: ModelDef = {
  name: 'purchase.order',
  description: 'Purchase Order',
  order: 'priority desc, id desc',
  mailThread: true,
  fields: {
    ...magicFields(),
    name: char('Order Reference', { default: 'New' }),
    priority: selection('Priority', [['0', 'Normal'], ['1', 'Urgent']], { default: '0' }),
    partner_id: many2one('res.partner', 'Vendor', { required: true }),
    partner_ref: char('Vendor Reference'),
    origin: char('Source Document'),
    notes: text('Terms and Conditions'),
    date_order: datetime('Order Deadline', { default: (env: Env) => env.now }),
    date_planned: datetime('Expected Arrival'),
    state: selection('Status', [['draft', 'RFQ'], ['sent', 'RFQ Sent'], ['to approve', 'To Approve'], ['purchase', 'Purchase Order'], ['done', 'Locked'], ['cancel', 'Cancelled']], { default: 'draft', readonly: true }),
    order_line: one2many('purchase.order.line', 'order_id', 'Order Lines'),
    picking_ids: one2many('stock.picking', 'purchase_id', 'Receptions'),
    picking_type_id: many2one('stock.picking.type', 'Deliver To'),
    amount_total: float('Total', { compute: (env, r) => env.db.where('purchase.order.line', 'order_id', r.id).reduce((s, l) => s + num(l.product_qty) * num(l.price_unit), 0) }),
  },
  beforeCreate: (env, vals) => {
    if (!vals.name || vals.name === 'New') vals.name = `P${String(env.db.nextSequence('purchase.order')).padStart(5, '0')}`;
    vals.picking_type_id ??= env.db.rows('stock.picking.type').find((t) => t.code === 'incoming')?.id ?? false;
  },
  methods: {
    button_confirm: {
      params: [], onRecords: true, writes: true,
      fn: (env, _m, { ids }) => {
        for (const po of browse(env, 'purchase.order', ids)) {
          if (!['draft', 'sent'].includes(po.state as string)) continue;
          touchRecords(env, 'purchase.order', [po.id], { state: 'purchase' });
          const type = env.db.get('stock.picking.type', po.picking_type_id as number);
          if (!type) throw userError('Make sure you have at least an incoming picking type defined');
          const lines = env.db.where('purchase.order.line', 'order_id', po.id).filter((l) => l.product_id);
          if (!lines.length) continue;
          const [picking] = createRecords({ ...env, context: {} }, 'stock.picking', [{
            picking_type_id: type.id, partner_id: po.partner_id, purchase_id: po.id, origin: po.name,
            scheduled_date: po.date_planned || env.now, state: 'confirmed',
          }]);
          const moves = lines.map((l) => createRecords({ ...env, context: {} }, 'stock.move', [{
            picking_id: picking.id, product_id: l.product_id, product_uom_qty: l.product_qty, product_uom: l.product_uom,
            name: l.name, purchase_line_id: l.id, origin: po.name, state: 'confirmed',
          }])[0]);
          reserveMoves(env, moves);
          recomputePickingState(env, picking.id);
        }
        return true;
      },
    },
    button_cancel: {
      params: [], onRecords: true, writes: true,
      fn: (env, _m, { ids }) => { touchRecords(env, 'purchase.order', browse(env, 'purchase.order', ids).map((r) => r.id), { state: 'cancel' }); return undefined; },
    },
  },
};

export const purchaseOrderLine: ModelDef = {
  name: 'purchase.order.line',
  description: 'Purchase Order Line',
  order: 'order_id, sequence, id',
  fields: {
    ...magicFields(),
    order_id: many2one('purchase.order', 'Order Reference', { required: true, ondelete: 'cascade' }),
    sequence: float('Sequence', { default: 10 }),
    name: text('Description'),
    product_id: many2one('product.product', 'Product'),
    product_qty: float('Quantity', { default: 1 }),
    product_uom: many2one('uom.uom', 'Unit of Measure'),
    price_unit: float('Unit Price', { default: 0 }),
    qty_received: float('Received Qty', {
      compute: (env, r) => env.db.where('stock.move', 'purchase_line_id', r.id).filter((m) => m.state === 'done').reduce((s, m) => s + num(m.quantity), 0),
    }),
    qty_invoiced: float('Billed Qty', {
      compute: (env, r) => env.db.where('account.move.line', 'purchase_line_id', r.id).filter((l) => env.db.get('account.move', l.move_id as number)?.state !== 'cancel').reduce((s, l) => s + num(l.quantity), 0),
    }),
  },
  beforeCreate: (env, vals) => {
    const p = typeof vals.product_id === 'number' ? env.db.get('product.product', vals.product_id) : undefined;
    if (p) {
      vals.name ??= p.name;
      vals.product_uom ??= p.uom_po_id || p.uom_id;
      if (vals.price_unit === undefined) vals.price_unit = p.standard_price;
    }
  },
};
