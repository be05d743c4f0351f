import { userError } from '../rpc-errors';
import { boolean, char, datetime, float, integer, many2many, many2one, monetary, one2many, selection, magicFields, text } from '../orm/fields';
import { browse, createRecords, displayNameOf, touchRecords } from '../orm/records';
import type { Env, ModelDef } from '../orm/types';
import type { Row } from '../store';
import { addressOf } from './base';
import { priceFor } from './product';
import { convertPrice, convertQty, floatRound, round2 } from './uom';
import { cancelPickings, confirmPickings, recomputePickingState, reserveMoves } from './stock-reserve';

/**
 * sale.order / sale.order.line with sale_stock, following Odoo 17/18:
 * state draft/sent/sale/cancel (16 also had 'done', replaced by the `locked` boolean in 17);
 * 19 renames the line's product_uom → product_uom_id and tax_id → tax_ids (not modelled here).
 */

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

/** Sum of the percent taxes' rates (fixed and included taxes are not modelled). */
export function taxRate(env: Env, taxIds: unknown): number {
  return ((taxIds as number[] | undefined) ?? []).reduce((s, id) => s + num(env.db.get('account.tax', id)?.amount), 0) / 100;
}

/** price_subtotal: the stored (2-decimal) price times the quantity, rounded per line. */
function lineSubtotal(r: Row): number {
  return round2(num(r.product_uom_qty) * num(r.price_unit) * (1 - num(r.discount) / 100));
}

/** The line's tax, rounded per line (the company's tax_calculation_rounding_method 'round_per_line', the default). */
function lineTax(env: Env, r: Row): number {
  return round2(lineSubtotal(r) * taxRate(env, r.tax_id));
}

export { round2 };

/** price_unit is stored with decimal precision "Product Price": 2 digits (3.999167 -> 4.00 on 18). */
export function roundPrice(vals: Record<string, unknown>): void {
  if (typeof vals.price_unit === 'number') vals.price_unit = floatRound(vals.price_unit, 2);
  else if (typeof vals.price_unit === 'string' && vals.price_unit.trim() !== '' && !Number.isNaN(Number(vals.price_unit))) vals.price_unit = floatRound(Number(vals.price_unit), 2);
}

function orderLines(env: Env, orderId: number): Row[] {
  return env.db.where('sale.order.line', 'order_id', orderId).filter((l) => !l.display_type);
}

function policy(env: Env, line: Row): string {
  return (env.db.get('product.product', line.product_id as number)?.invoice_policy as string) ?? 'order';
}

/** Delivered: done outgoing moves minus done returns, in the line's unit (sale_stock _compute_qty_delivered). */
function qtyDelivered(env: Env, line: Row): number {
  return env.db.where('stock.move', 'sale_line_id', line.id).filter((m) => m.state === 'done').reduce((s, m) => {
    const dest = env.db.get('stock.location', m.location_dest_id as number)?.usage;
    const q = convertQty(env, num(m.quantity), m.product_uom, line.product_uom);
    return s + (dest === 'customer' ? q : -q);
  }, 0);
}

/** Invoiced: lines of non-cancelled invoices (draft ones count too, as in Odoo). */
function qtyInvoiced(env: Env, line: Row): number {
  return env.db.rows('account.move.line').filter((l) => ((l.sale_line_ids as number[]) ?? []).includes(line.id)).reduce((s, l) => {
    const move = env.db.get('account.move', l.move_id as number);
    if (!move || move.state === 'cancel') return s;
    return s + (move.move_type === 'out_refund' ? -num(l.quantity) : num(l.quantity));
  }, 0);
}

export function qtyToInvoice(env: Env, line: Row): number {
  const order = env.db.get('sale.order', line.order_id as number);
  if (!order || order.state !== 'sale' || line.display_type) return 0;
  const basis = policy(env, line) === 'delivery' ? qtyDelivered(env, line) : num(line.product_uom_qty);
  return basis - qtyInvoiced(env, line);
}

function lineInvoiceStatus(env: Env, line: Row): string {
  const order = env.db.get('sale.order', line.order_id as number);
  if (!order || order.state !== 'sale') return 'no';
  if (qtyToInvoice(env, line) !== 0) return 'to invoice';
  if (qtyInvoiced(env, line) >= num(line.product_uom_qty)) return 'invoiced';
  return 'no';
}

export const saleOrder: ModelDef = {
  name: 'sale.order',
  description: 'Sales Order',
  order: 'date_order desc, id desc',
  mailThread: true,
  fields: {
    ...magicFields(),
    name: char('Order Reference', { default: 'New' }),
    partner_id: many2one('res.partner', 'Customer', { required: true }),
    partner_invoice_id: many2one('res.partner', 'Invoice Address'),
    partner_shipping_id: many2one('res.partner', 'Delivery Address'),
    client_order_ref: char('Customer Reference'),
    origin: char('Source Document'),
    reference: char('Payment Ref.'),
    note: text('Terms and conditions'),
    commitment_date: datetime('Delivery Date'),
    date_order: datetime('Order Date', { default: (env: Env) => env.now }),
    validity_date: datetime('Expiration'),
    state: selection('Status', [['draft', 'Quotation'], ['sent', 'Quotation Sent'], ['sale', 'Sales Order'], ['cancel', 'Cancelled']], { default: 'draft', readonly: true }),
    locked: boolean('Locked', { default: false }),
    order_line: one2many('sale.order.line', 'order_id', 'Order Lines'),
    pricelist_id: many2one('product.pricelist', 'Pricelist'),
    // sale 17/18 _compute_currency_id: the pricelist's currency, else the company's.
    currency_id: many2one('res.currency', 'Currency', { compute: (env, r) => orderCurrency(env, r) }),
    warehouse_id: many2one('stock.warehouse', 'Warehouse'),
    company_id: many2one('res.company', 'Company', { default: 1 }),
    user_id: many2one('res.users', 'Salesperson', { default: (env: Env) => env.uid }),
    picking_ids: one2many('stock.picking', 'sale_id', 'Transfers'),
    delivery_count: integer('Delivery Orders', { compute: (env, r) => env.db.where('stock.picking', 'sale_id', r.id).length }),
    invoice_ids: many2many('account.move', 'Invoices', { compute: (env, r) => invoicesOf(env, r.id) }),
    invoice_count: integer('Invoice Count', { compute: (env, r) => invoicesOf(env, r.id).length }),
    invoice_status: selection('Invoice Status', [['upselling', 'Upselling Opportunity'], ['invoiced', 'Fully Invoiced'], ['to invoice', 'To Invoice'], ['no', 'Nothing to Invoice']], {
      compute: (env, r) => {
        if (r.state !== 'sale') return 'no';
        const st = orderLines(env, r.id).map((l) => lineInvoiceStatus(env, l));
        if (st.includes('to invoice')) return 'to invoice';
        if (st.length && st.every((s) => s === 'invoiced')) return 'invoiced';
        return 'no';
      },
    }),
    // sale_stock (16+): pending / started / partial / full, false without pickings.
    delivery_status: selection('Delivery Status', [['pending', 'Not Delivered'], ['started', 'Started'], ['partial', 'Partially Delivered'], ['full', 'Fully Delivered']], {
      compute: (env, r) => {
        const picks = env.db.where('stock.picking', 'sale_id', r.id);
        if (!picks.length || picks.every((p) => p.state === 'cancel')) return false;
        if (picks.every((p) => p.state === 'done' || p.state === 'cancel')) return 'full';
        if (picks.some((p) => p.state === 'done')) return 'partial';
        if (picks.some((p) => env.db.where('stock.move', 'picking_id', p.id).some((m) => m.picked))) return 'started';
        return 'pending';
      },
    }),
    amount_untaxed: monetary('Untaxed Amount', { compute: (env, r) => round2(orderLines(env, r.id).reduce((s, l) => s + lineSubtotal(l), 0)) }),
    amount_tax: monetary('Taxes', { compute: (env, r) => round2(orderLines(env, r.id).reduce((s, l) => s + lineTax(env, l), 0)) }),
    amount_total: monetary('Total', {
      compute: (env, r) => round2(orderLines(env, r.id).reduce((s, l) => s + lineSubtotal(l) + lineTax(env, l), 0)),
    }),
  },
  beforeCreate: (env, vals) => {
    if (!vals.name || vals.name === 'New') vals.name = `S${String(env.db.nextSequence('sale.order')).padStart(5, '0')}`;
    const partner = typeof vals.partner_id === 'number' ? env.db.get('res.partner', vals.partner_id) : undefined;
    if (partner) {
      vals.partner_invoice_id ??= addressOf(env, partner.id, 'invoice');
      vals.partner_shipping_id ??= addressOf(env, partner.id, 'delivery');
      vals.pricelist_id ??= partner.property_product_pricelist || defaultPricelist(env);
    }
    vals.warehouse_id ??= env.db.rows('stock.warehouse').sort((a, b) => a.id - b.id)[0]?.id ?? false;
  },
  beforeUnlink: (_env, rows) => {
    if (rows.some((r) => r.state !== 'draft' && r.state !== 'cancel')) {
      throw userError('You can not delete a sent quotation or a confirmed sales order. You must first cancel it.');
    }
  },
  methods: {
    action_confirm: { params: [], onRecords: true, writes: true, fn: (env, _m, { ids }) => { confirmOrders(env, ids); return true; } },
    action_cancel: { params: [], onRecords: true, writes: true, fn: (env, _m, { ids }) => { cancelOrders(env, ids); return true; } },
    action_draft: {
      params: [], onRecords: true, writes: true,
      fn: (env, _m, { ids }) => {
        const rows = browse(env, 'sale.order', ids).filter((r) => r.state === 'cancel' || r.state === 'sent');
        touchRecords(env, 'sale.order', rows.map((r) => r.id), { state: 'draft' });
        return true;
      },
    },
    // Both return None in 17/18: the JSON-RPC answer has no `result` key (ODOO-NOTES §1.1).
    action_lock: { params: [], onRecords: true, writes: true, fn: (env, _m, { ids }) => { touchRecords(env, 'sale.order', browse(env, 'sale.order', ids).map((r) => r.id), { locked: true }); return undefined; } },
    action_unlock: { params: [], onRecords: true, writes: true, fn: (env, _m, { ids }) => { touchRecords(env, 'sale.order', browse(env, 'sale.order', ids).map((r) => r.id), { locked: false }); return undefined; } },
  },
};

export function orderCurrency(env: Env, order: Row): number | false {
  const pl = order.pricelist_id ? env.db.get('product.pricelist', order.pricelist_id as number) : undefined;
  if (pl?.currency_id) return pl.currency_id as number;
  const company = env.db.get('res.company', (order.company_id as number) || 1);
  return (company?.currency_id as number) || (env.db.rows('res.currency').find((c) => c.name === 'USD')?.id ?? false);
}

function defaultPricelist(env: Env): number | false {
  return env.db.rows('product.pricelist').filter((p) => p.active !== false).sort((a, b) => num(a.sequence) - num(b.sequence) || a.id - b.id)[0]?.id ?? false;
}

function invoicesOf(env: Env, orderId: number): number[] {
  const lineIds = new Set(env.db.where('sale.order.line', 'order_id', orderId).map((l) => l.id));
  const moves = new Set<number>();
  for (const l of env.db.rows('account.move.line')) {
    if (((l.sale_line_ids as number[]) ?? []).some((id) => lineIds.has(id))) moves.add(l.move_id as number);
  }
  return [...moves].sort((a, b) => a - b);
}

export const saleOrderLine: ModelDef = {
  name: 'sale.order.line',
  description: 'Sales Order Line',
  order: 'order_id, sequence, id',
  fields: {
    ...magicFields(),
    order_id: many2one('sale.order', 'Order Reference', { required: true, ondelete: 'cascade' }),
    sequence: integer('Sequence', { default: 10 }),
    display_type: selection('Display Type', [['line_section', 'Section'], ['line_note', 'Note']]),
    name: text('Description'),
    product_id: many2one('product.product', 'Product'),
    product_uom_qty: float('Quantity', { default: 1 }),
    // 19: product_uom_id.
    product_uom: many2one('uom.uom', 'Unit of Measure'),
    price_unit: float('Unit Price'),
    discount: float('Discount (%)', { default: 0 }),
    // 19: tax_ids.
    tax_id: many2many('account.tax', 'Taxes'),
    price_subtotal: monetary('Subtotal', { compute: (_env, r) => lineSubtotal(r) }),
    price_tax: monetary('Total Tax', { compute: (env, r) => lineTax(env, r) }),
    price_total: monetary('Total', { compute: (env, r) => round2(lineSubtotal(r) + lineTax(env, r)) }),
    qty_delivered: float('Delivery Quantity', { compute: (env, r) => qtyDelivered(env, r) }),
    qty_invoiced: float('Invoiced Quantity', { compute: (env, r) => qtyInvoiced(env, r) }),
    qty_to_invoice: float('Quantity To Invoice', { compute: (env, r) => qtyToInvoice(env, r) }),
    invoice_status: selection('Invoice Status', [['upselling', 'Upselling Opportunity'], ['invoiced', 'Fully Invoiced'], ['to invoice', 'To Invoice'], ['no', 'Nothing to Invoice']], { compute: (env, r) => lineInvoiceStatus(env, r) }),
    invoice_lines: many2many('account.move.line', 'Invoice Lines', {
      compute: (env, r) => env.db.rows('account.move.line').filter((l) => ((l.sale_line_ids as number[]) ?? []).includes(r.id)).map((l) => l.id),
    }),
    move_ids: one2many('stock.move', 'sale_line_id', 'Stock Moves'),
    state: selection('Order Status', [['draft', 'Quotation'], ['sent', 'Quotation Sent'], ['sale', 'Sales Order'], ['cancel', 'Cancelled']], {
      compute: (env, r) => env.db.get('sale.order', r.order_id as number)?.state ?? 'draft',
    }),
    order_partner_id: many2one('res.partner', 'Customer', { compute: (env, r) => env.db.get('sale.order', r.order_id as number)?.partner_id ?? false }),
  },
  displayName: (env, r) => {
    const o = env.db.get('sale.order', r.order_id as number);
    return `${o ? `${o.name as string} - ` : ''}${(r.name as string) || ''}`;
  },
  beforeCreate: (env, vals) => {
    roundPrice(vals);
    const product = typeof vals.product_id === 'number' ? env.db.get('product.product', vals.product_id) : undefined;
    if (!product) return;
    vals.name ??= displayNameOf(env, 'product.product', product.id);
    vals.product_uom ??= product.uom_id;
    // _compute_tax_id: the product's sales taxes (the generic chart gives every new product 15%).
    if (vals.tax_id === undefined) vals.tax_id = [[6, 0, (product.taxes_id as number[] | undefined) ?? []]];
    if (vals.price_unit === undefined) {
      const order = env.db.get('sale.order', vals.order_id as number);
      // The pricelist's price is per the product's unit; a line in a pack is priced per pack.
      const perUnit = priceFor(env, (order?.pricelist_id as number) || false, product.id, num(vals.product_uom_qty ?? 1));
      vals.price_unit = floatRound(convertPrice(env, perUnit, product.uom_id, vals.product_uom), 2);
    }
  },
  beforeWrite: (_env, _rows, vals) => roundPrice(vals),
  afterCreate: (env, row) => {
    const order = env.db.get('sale.order', row.order_id as number);
    if (order?.state === 'sale') syncProcurement(env, order, [row]);
  },
  afterWrite: (env, rows, vals) => {
    if (!('product_uom_qty' in vals)) return;
    for (const r of rows) {
      const order = env.db.get('sale.order', r.order_id as number);
      if (order?.state === 'sale') syncProcurement(env, order, [r]);
    }
  },
  beforeUnlink: (env, rows) => {
    // sale 17/18 _unlink_except_confirmed.
    if (rows.some((r) => env.db.get('sale.order', r.order_id as number)?.state === 'sale' && !r.display_type)) {
      throw userError('Once a sales order is confirmed, you can\'t remove one of its lines (we need to track if something gets invoiced or delivered).\n                Set the quantity to 0 instead.');
    }
  },
};

function isGoods(env: Env, productId: number): boolean {
  const p = env.db.get('product.product', productId);
  return !!p && (p.type === 'consu' || p.detailed_type === 'product' || p.detailed_type === 'consu');
}

/**
 * The procurement a confirmed line causes (sale_stock _action_launch_stock_rule): the outgoing
 * picking of the order's warehouse gets a move for whatever the line asks beyond what is already
 * moved; a decrease shrinks the open move.
 */
function syncProcurement(env: Env, order: Row, lines: Row[]): void {
  const wh = env.db.get('stock.warehouse', order.warehouse_id as number);
  if (!wh) return;
  const touched = new Set<number>();
  for (const line of lines) {
    if (line.display_type || !line.product_id || !isGoods(env, line.product_id as number)) continue;
    // Moves are in the product's unit (_adjust_uom_quantities without stock.propagate_uom): 7 cases of 12 move 84 units.
    const productUom = env.db.get('product.product', line.product_id as number)?.uom_id;
    const moves = env.db.where('stock.move', 'sale_line_id', line.id).filter((m) => m.state !== 'cancel');
    const planned = moves.reduce((s, m) => s + (m.state === 'done' ? num(m.quantity) : num(m.product_uom_qty)), 0);
    const delta = convertQty(env, num(line.product_uom_qty), line.product_uom, productUom) - planned;
    if (delta === 0) continue;
    const open = moves.find((m) => m.state !== 'done');
    if (open) {
      touchRecords(env, 'stock.move', [open.id], { product_uom_qty: Math.max(0, num(open.product_uom_qty) + delta) });
      touched.add(open.picking_id as number);
      continue;
    }
    if (delta < 0) continue;
    const picking = openPicking(env, order, wh);
    createRecords({ ...env, context: {} }, 'stock.move', [{
      picking_id: picking.id, product_id: line.product_id, product_uom_qty: delta, product_uom: productUom,
      name: line.name, sale_line_id: line.id, origin: order.name, partner_id: order.partner_shipping_id, state: 'confirmed',
    }]);
    touched.add(picking.id);
  }
  for (const pid of touched) {
    reserveMoves(env, env.db.where('stock.move', 'picking_id', pid));
    recomputePickingState(env, pid);
  }
}

function openPicking(env: Env, order: Row, wh: Row): Row {
  const existing = env.db.where('stock.picking', 'sale_id', order.id).find((p) => !['done', 'cancel'].includes(p.state as string)
    && p.picking_type_id === wh.out_type_id);
  if (existing) return existing;
  return createRecords({ ...env, context: {} }, 'stock.picking', [{
    picking_type_id: wh.out_type_id, partner_id: order.partner_shipping_id, sale_id: order.id,
    // "S00025 - PO-1795737797" when the order has a customer reference (observed on 18).
    origin: order.client_order_ref ? `${order.name as string} - ${order.client_order_ref as string}` : order.name,
    scheduled_date: order.commitment_date || env.now, company_id: order.company_id, state: 'confirmed',
  }])[0];
}

export function confirmOrders(env: Env, ids: number[]): void {
  const orders = browse(env, 'sale.order', ids);
  // sale 17/18 action_confirm → _confirmation_error_message.
  if (orders.some((o) => o.state !== 'draft' && o.state !== 'sent')) throw userError('Some orders are not in a state requiring confirmation.');
  for (const o of orders) {
    touchRecords(env, 'sale.order', [o.id], { state: 'sale', date_order: env.now });
    syncProcurement(env, env.db.get('sale.order', o.id)!, orderLines(env, o.id));
    for (const p of env.db.where('stock.picking', 'sale_id', o.id).filter((x) => x.state === 'draft')) confirmPickings(env, [p.id]);
  }
}

export function cancelOrders(env: Env, ids: number[]): void {
  const orders = browse(env, 'sale.order', ids);
  if (orders.some((o) => o.locked)) throw userError('You cannot cancel a locked order. Please unlock it first.');
  for (const o of orders) {
    cancelPickings(env, env.db.where('stock.picking', 'sale_id', o.id).filter((p) => p.state !== 'done').map((p) => p.id));
    for (const inv of invoicesOf(env, o.id)) {
      const m = env.db.get('account.move', inv);
      if (m?.state === 'draft') touchRecords(env, 'account.move', [inv], { state: 'cancel' });
    }
    touchRecords(env, 'sale.order', [o.id], { state: 'cancel' });
  }
}

