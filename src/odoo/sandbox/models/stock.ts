import { userError } from '../rpc-errors';
import { boolean, char, datetime, float, many2many, many2one, one2many, selection, magicFields, text } from '../orm/fields';
import { browse, createRecords, touchRecords, valueOf } from '../orm/records';
import { assignPickings, cancelPickings, confirmPickings, pickingName, syncMoveLine } from './stock-reserve';
import type { Env, ModelDef } from '../orm/types';
import type { Row } from '../store';
import { buttonValidate, processBackorderWizard } from './stock-validate';

/**
 * Warehouses, locations, operation types, transfers and moves, following Odoo 17/18 (stock):
 * done quantity is `stock.move.quantity` + `picked` (16 had quantity_done), no immediate-transfer
 * wizard, state 'assigned' = Ready.
 */

export const stockWarehouse: ModelDef = {
  name: 'stock.warehouse',
  description: 'Warehouse',
  order: 'sequence, id',
  fields: {
    ...magicFields(),
    name: char('Warehouse', { required: true }),
    code: char('Short Name', { required: true }),
    sequence: float('Sequence', { default: 10 }),
    active: boolean('Active', { default: true }),
    partner_id: many2one('res.partner', 'Address'),
    company_id: many2one('res.company', 'Company'),
    view_location_id: many2one('stock.location', 'View Location'),
    lot_stock_id: many2one('stock.location', 'Location Stock'),
    in_type_id: many2one('stock.picking.type', 'In Type'),
    out_type_id: many2one('stock.picking.type', 'Out Type'),
  },
};

export const stockLocation: ModelDef = {
  name: 'stock.location',
  description: 'Inventory Locations',
  order: 'complete_name, id',
  fields: {
    ...magicFields(),
    name: char('Location Name', { required: true }),
    complete_name: char('Full Location Name', {
      compute: (env, r) => {
        const parent = r.location_id ? env.db.get('stock.location', r.location_id as number) : undefined;
        return parent ? `${valueOf(env, 'stock.location', parent, 'complete_name') as string}/${r.name as string}` : (r.name as string);
      },
    }),
    location_id: many2one('stock.location', 'Parent Location'),
    usage: selection('Location Type', [['supplier', 'Vendor Location'], ['view', 'View'], ['internal', 'Internal Location'], ['customer', 'Customer Location'], ['inventory', 'Inventory Loss'], ['production', 'Production'], ['transit', 'Transit Location']], { default: 'internal' }),
    warehouse_id: many2one('stock.warehouse', 'Warehouse'),
    active: boolean('Active', { default: true }),
  },
  displayName: (env, r) => valueOf(env, 'stock.location', r, 'complete_name') as string,
};

export const stockPickingType: ModelDef = {
  name: 'stock.picking.type',
  description: 'Picking Type',
  order: 'sequence, id',
  fields: {
    ...magicFields(),
    name: char('Operation Type', { required: true }),
    code: selection('Type of Operation', [['incoming', 'Receipt'], ['outgoing', 'Delivery'], ['internal', 'Internal Transfer']], { required: true }),
    sequence_code: char('Sequence Prefix', { required: true }),
    sequence: float('Sequence', { default: 10 }),
    warehouse_id: many2one('stock.warehouse', 'Warehouse'),
    default_location_src_id: many2one('stock.location', 'Default Source Location'),
    default_location_dest_id: many2one('stock.location', 'Default Destination Location'),
    create_backorder: selection('Create Backorder', [['ask', 'Ask'], ['always', 'Always'], ['never', 'Never']], { default: 'ask' }),
    active: boolean('Active', { default: true }),
  },
  displayName: (env, r) => {
    const wh = r.warehouse_id ? env.db.get('stock.warehouse', r.warehouse_id as number) : undefined;
    return wh ? `${wh.name as string}: ${r.name as string}` : (r.name as string);
  },
};

const PICKING_STATES: [string, string][] = [['draft', 'Draft'], ['waiting', 'Waiting Another Operation'], ['confirmed', 'Waiting'], ['assigned', 'Ready'], ['done', 'Done'], ['cancel', 'Cancelled']];
const MOVE_STATES: [string, string][] = [['draft', 'New'], ['waiting', 'Waiting Another Move'], ['confirmed', 'Waiting Availability'], ['partially_available', 'Partially Available'], ['assigned', 'Available'], ['done', 'Done'], ['cancel', 'Cancelled']];

export const stockPicking: ModelDef = {
  name: 'stock.picking',
  description: 'Transfer',
  order: 'priority desc, scheduled_date asc, id desc',
  mailThread: true,
  fields: {
    ...magicFields(),
    name: char('Reference', { default: '/' }),
    origin: char('Source Document'),
    note: text('Notes'),
    priority: selection('Priority', [['0', 'Normal'], ['1', 'Urgent']], { default: '0' }),
    move_type: selection('Shipping Policy', [['direct', 'As soon as possible'], ['one', 'When all products are ready']], { default: 'direct' }),
    state: selection('Status', PICKING_STATES, { default: 'draft', readonly: true }),
    picking_type_id: many2one('stock.picking.type', 'Operation Type', { required: true }),
    picking_type_code: selection('Type of Operation', [['incoming', 'Receipt'], ['outgoing', 'Delivery'], ['internal', 'Internal Transfer']], {
      compute: (env, r) => env.db.get('stock.picking.type', r.picking_type_id as number)?.code ?? false,
    }),
    location_id: many2one('stock.location', 'Source Location', { required: true }),
    location_dest_id: many2one('stock.location', 'Destination Location', { required: true }),
    partner_id: many2one('res.partner', 'Contact'),
    company_id: many2one('res.company', 'Company'),
    scheduled_date: datetime('Scheduled Date', { default: (env: Env) => env.now }),
    date_deadline: datetime('Deadline'),
    date_done: datetime('Date of Transfer', { readonly: true }),
    backorder_id: many2one('stock.picking', 'Back Order of'),
    backorder_ids: one2many('stock.picking', 'backorder_id', 'Back Orders'),
    move_ids: one2many('stock.move', 'picking_id', 'Stock Moves'),
    // Removed in 19 (OU19 stock): use move_ids.
    move_ids_without_package: one2many('stock.move', 'picking_id', 'Stock moves not in package', { until: 18 }),
    move_line_ids: one2many('stock.move.line', 'picking_id', 'Operations'),
    // sale_stock; in 19 SO↔picking goes through stock.reference (not modelled).
    sale_id: many2one('sale.order', 'Sales Order'),
    purchase_id: many2one('purchase.order', 'Purchase Order'),
    // stock_delivery (17+; module `delivery` in 16): absent without it on a real server.
    carrier_id: many2one('delivery.carrier', 'Carrier'),
    carrier_tracking_ref: char('Tracking Reference'),
    shipping_weight: float('Weight for Shipping', { default: 0 }),
  },
  beforeCreate: (env, vals) => {
    const type = env.db.get('stock.picking.type', vals.picking_type_id as number);
    if (type) {
      vals.location_id ??= type.default_location_src_id;
      vals.location_dest_id ??= type.default_location_dest_id;
      if (!vals.name || vals.name === '/') vals.name = pickingName(env, type.id);
    }
  },
  beforeWrite: (_env, rows, vals) => {
    if ('move_ids' in vals || 'move_ids_without_package' in vals) {
      const done = rows.find((r) => r.state === 'done' || r.state === 'cancel');
      if (done) throw userError('You cannot change a done or cancelled transfer.');
    }
  },
  beforeUnlink: (_env, rows) => {
    if (rows.some((r) => r.state === 'done')) throw userError('You cannot delete a done transfer.');
  },
  methods: {
    action_confirm: { params: [], onRecords: true, writes: true, fn: (env, _m, { ids }) => { confirmPickings(env, ids); return true; } },
    action_assign: { params: [], onRecords: true, writes: true, fn: (env, _m, { ids }) => { assignPickings(env, ids); return true; } },
    action_cancel: { params: [], onRecords: true, writes: true, fn: (env, _m, { ids }) => { cancelPickings(env, ids); return true; } },
    button_validate: { params: [], onRecords: true, writes: true, fn: (env, _m, { ids }) => buttonValidate(env, ids) },
  },
};

export const stockMove: ModelDef = {
  name: 'stock.move',
  description: 'Stock Move',
  order: 'sequence, id',
  fields: {
    ...magicFields(),
    name: char('Description'),
    sequence: float('Sequence', { default: 10 }),
    product_id: many2one('product.product', 'Product', { required: true }),
    product_uom_qty: float('Demand', { default: 0 }),
    // 17+: reserved and done in one field, plus `picked` (16: quantity_done / reserved_availability).
    quantity: float('Quantity', { default: 0 }),
    picked: boolean('Picked', { default: false }),
    product_uom: many2one('uom.uom', 'UoM'),
    state: selection('Status', MOVE_STATES, { default: 'draft', readonly: true }),
    picking_id: many2one('stock.picking', 'Transfer', { ondelete: 'cascade' }),
    picking_type_id: many2one('stock.picking.type', 'Operation Type'),
    location_id: many2one('stock.location', 'Source Location', { required: true }),
    location_dest_id: many2one('stock.location', 'Destination Location', { required: true }),
    sale_line_id: many2one('sale.order.line', 'Sale Line'),
    purchase_line_id: many2one('purchase.order.line', 'Purchase Order Line'),
    move_line_ids: one2many('stock.move.line', 'move_id', 'Move Lines'),
    origin: char('Source Document'),
    date: datetime('Date Scheduled', { default: (env: Env) => env.now }),
    partner_id: many2one('res.partner', 'Destination Address'),
  },
  displayName: (env, r) => {
    const p = env.db.get('stock.picking', r.picking_id as number);
    const prod = env.db.get('product.product', r.product_id as number);
    return `${p ? `${p.name as string}: ` : ''}${prod ? `[${prod.default_code as string}] ${prod.name as string}` : ''}`;
  },
  beforeCreate: (env, vals) => {
    const p = vals.picking_id ? env.db.get('stock.picking', vals.picking_id as number) : undefined;
    if (p) {
      vals.location_id ??= p.location_id;
      vals.location_dest_id ??= p.location_dest_id;
      vals.picking_type_id ??= p.picking_type_id;
    }
    const prod = env.db.get('product.product', vals.product_id as number);
    if (prod) {
      vals.product_uom ??= prod.uom_id;
      vals.name ??= prod.name;
    }
  },
  afterWrite: (env, rows, vals) => {
    // Keep the single detailed operation in step with the move (the sandbox keeps one line per move).
    if ('quantity' in vals || 'picked' in vals) for (const r of rows) syncMoveLine(env, r);
  },
};

export const stockMoveLine: ModelDef = {
  name: 'stock.move.line',
  description: 'Product Moves (Stock Move Line)',
  order: 'result_package_id desc, id',
  fields: {
    ...magicFields(),
    move_id: many2one('stock.move', 'Stock Operation', { ondelete: 'cascade' }),
    picking_id: many2one('stock.picking', 'Transfer'),
    product_id: many2one('product.product', 'Product'),
    quantity: float('Quantity', { default: 0 }),
    picked: boolean('Picked', { default: false }),
    product_uom_id: many2one('uom.uom', 'Unit of Measure'),
    location_id: many2one('stock.location', 'From'),
    location_dest_id: many2one('stock.location', 'To'),
    lot_id: many2one('stock.lot', 'Lot/Serial Number'),
    result_package_id: many2one('stock.quant.package', 'Destination Package'),
    state: selection('Status', MOVE_STATES, { compute: (env, r) => env.db.get('stock.move', r.move_id as number)?.state ?? 'draft' }),
  },
  afterWrite: (env, rows, vals) => {
    // A move's quantity is the sum of its lines; picked if any line is (17/18).
    if (!('quantity' in vals || 'picked' in vals)) return;
    for (const moveId of new Set(rows.map((r) => r.move_id as number).filter(Boolean))) {
      const lines = env.db.where('stock.move.line', 'move_id', moveId);
      env.db.update('stock.move', moveId, {
        quantity: lines.reduce((s, l) => s + (l.quantity as number), 0),
        picked: lines.some((l) => l.picked),
        write_date: env.stamp,
      });
    }
  },
};

export const stockLot: ModelDef = {
  name: 'stock.lot',
  description: 'Lot/Serial',
  fields: { ...magicFields(), name: char('Lot/Serial Number', { required: true }), product_id: many2one('product.product', 'Product', { required: true }) },
};

export const stockQuantPackage: ModelDef = {
  name: 'stock.quant.package',
  description: 'Packages',
  fields: { ...magicFields(), name: char('Package Reference', { required: true }) },
};

export const deliveryCarrier: ModelDef = {
  name: 'delivery.carrier',
  description: 'Shipping Methods',
  fields: { ...magicFields(), name: char('Delivery Method', { required: true }), active: boolean('Active', { default: true }) },
};

/**
 * stock.quant with the inventory-mode flow the notes use to put stock in a test database:
 * create([{product_id, location_id, inventory_quantity}], context inventory_mode) then
 * action_apply_inventory, which returns None (so the JSON-RPC `result` key is absent).
 */
export const stockQuant: ModelDef = {
  name: 'stock.quant',
  description: 'Quants',
  fields: {
    ...magicFields(),
    product_id: many2one('product.product', 'Product', { required: true }),
    location_id: many2one('stock.location', 'Location', { required: true }),
    quantity: float('Quantity', { default: 0 }),
    reserved_quantity: float('Reserved Quantity', { default: 0 }),
    inventory_quantity: float('Counted Quantity', { default: 0 }),
    inventory_quantity_set: boolean('Inventory Quantity Set', { default: false }),
  },
  displayName: (env, r) => env.db.get('stock.location', r.location_id as number)?.name as string ?? 'Quant',
  methods: {
    create: {
      params: ['vals_list'], required: ['vals_list'], onRecords: false, writes: true,
      fn: (env, _m, { args }) => {
        const list = Array.isArray(args.vals_list) ? args.vals_list as Record<string, unknown>[] : [args.vals_list as Record<string, unknown>];
        const ids = list.map((vals) => {
          // In inventory mode an existing quant of the same product and location is updated instead.
          const same = env.context.inventory_mode
            ? env.db.where('stock.quant', 'product_id', vals.product_id).find((q) => q.location_id === vals.location_id)
            : undefined;
          const v = 'inventory_quantity' in vals ? { ...vals, inventory_quantity_set: true } : vals;
          if (same) { touchRecords(env, 'stock.quant', [same.id], { inventory_quantity: v.inventory_quantity, inventory_quantity_set: true }); return same.id; }
          return createRecords(env, 'stock.quant', [v])[0].id;
        });
        return Array.isArray(args.vals_list) ? ids : ids[0];
      },
    },
    action_apply_inventory: {
      params: [], onRecords: true, writes: true,
      fn: (env, _m, { ids }) => {
        for (const q of browse(env, 'stock.quant', ids)) {
          if (q.inventory_quantity_set) touchRecords(env, 'stock.quant', [q.id], { quantity: q.inventory_quantity, inventory_quantity_set: false });
        }
        return undefined;
      },
    },
  },
};

/** The backorder wizard (stock.backorder.confirmation, 17/18). */
export const stockBackorderConfirmation: ModelDef = {
  name: 'stock.backorder.confirmation',
  description: 'Backorder Confirmation',
  transient: true,
  fields: {
    ...magicFields(),
    pick_ids: many2many('stock.picking', 'Pick'),
    show_transfers: boolean('Show Transfers', { default: false }),
  },
  methods: {
    process: { params: [], onRecords: true, writes: true, fn: (env, _m, { ids }) => processBackorderWizard(env, ids, false) },
    process_cancel_backorder: { params: [], onRecords: true, writes: true, fn: (env, _m, { ids }) => processBackorderWizard(env, ids, true) },
  },
};
