import { validationError } from '../rpc-errors';
import { boolean, char, float, many2many, many2one, one2many, selection, magicFields } from '../orm/fields';
import type { Env, ModelDef } from '../orm/types';

function companyTax(env: Env, field: 'account_sale_tax_id' | 'account_purchase_tax_id'): unknown {
  const tax = env.db.get('res.company', 1)?.[field];
  return typeof tax === 'number' ? [[6, 0, [tax]]] : false;
}

/** On-hand quantity in internal locations (stock.quant), for product.qty_available. */
function onHand(env: Env, productId: number): number {
  return env.db.rows('stock.quant')
    .filter((q) => q.product_id === productId && env.db.get('stock.location', q.location_id as number)?.usage === 'internal')
    .reduce((s, q) => s + (q.quantity as number), 0);
}

/**
 * product.product. The sandbox keeps no separate product.template: the template fields the
 * connector reads (name, list_price, type, is_storable, invoice_policy, uom_id) live on the variant.
 */
export const productProduct: ModelDef = {
  name: 'product.product',
  description: 'Product Variant',
  order: 'default_code, name, id',
  mailThread: true,
  fields: {
    ...magicFields(),
    name: char('Product Name', { required: true }),
    default_code: char('Internal Reference'),
    barcode: char('Barcode'),
    list_price: float('Sales Price', { default: 1 }),
    lst_price: float('Sales Price', { compute: (_env, r) => (r.list_price as number) ?? 0 }),
    standard_price: float('Cost', { default: 0 }),
    // 18: type ∈ consu/service/combo plus is_storable (stock). 16/17: detailed_type 'product' = storable.
    type: selection('Product Type', [['consu', 'Goods'], ['service', 'Service'], ['combo', 'Combo']], { default: 'consu' }),
    is_storable: boolean('Track Inventory', { default: false, since: 18 }),
    detailed_type: selection('Product Type', [['consu', 'Consumable'], ['service', 'Service'], ['product', 'Storable Product']], { default: 'consu', until: 17 }),
    invoice_policy: selection('Invoicing Policy', [['order', 'Ordered quantities'], ['delivery', 'Delivered quantities']], { default: 'order' }),
    uom_id: many2one('uom.uom', 'Unit of Measure', { default: (env: Env) => env.db.rows('uom.uom').find((u) => u.name === 'Units')?.id ?? false }),
    uom_po_id: many2one('uom.uom', 'Purchase Unit', { default: (env: Env) => env.db.rows('uom.uom').find((u) => u.name === 'Units')?.id ?? false }),
    // account: a new product gets the company's default taxes (the generic chart's 15% on 18).
    taxes_id: many2many('account.tax', 'Sales Taxes', { default: (env: Env) => companyTax(env, 'account_sale_tax_id') }),
    supplier_taxes_id: many2many('account.tax', 'Purchase Taxes', { default: (env: Env) => companyTax(env, 'account_purchase_tax_id') }),
    weight: float('Weight', { default: 0 }),
    sale_ok: boolean('Can be Sold', { default: true }),
    purchase_ok: boolean('Can be Purchased', { default: true }),
    active: boolean('Active', { default: true }),
    qty_available: float('Quantity On Hand', { compute: (env, r) => onHand(env, r.id) }),
  },
  displayName: (_env, r) => (r.default_code ? `[${r.default_code as string}] ${r.name as string}` : (r.name as string)),
  constrain: (env, rows) => {
    for (const r of rows) {
      // 17/18 product_product._check_barcode_uniqueness (products and packagings of the company).
      const other = !r.barcode ? undefined : env.db.rows('product.product').find((o) => o.id !== r.id && o.barcode === r.barcode && o.active !== false);
      if (other) {
        throw validationError(`Barcode(s) already assigned:\n\n- Barcode "${r.barcode as string}" already assigned to product(s): ${other.name as string}`);
      }
    }
  },
};

export const productPricelist: ModelDef = {
  name: 'product.pricelist',
  description: 'Pricelist',
  order: 'sequence asc, id asc',
  fields: {
    ...magicFields(),
    name: char('Pricelist Name', { required: true }),
    sequence: float('Sequence', { default: 16 }),
    active: boolean('Active', { default: true }),
    currency_id: many2one('res.currency', 'Currency'),
    item_ids: one2many('product.pricelist.item', 'pricelist_id', 'Pricelist Rules'),
  },
};

/** Only fixed prices per product, which is what a contract pricelist holds. */
export const productPricelistItem: ModelDef = {
  name: 'product.pricelist.item',
  description: 'Pricelist Rule',
  order: 'min_quantity desc, id',
  fields: {
    ...magicFields(),
    pricelist_id: many2one('product.pricelist', 'Pricelist', { required: true, ondelete: 'cascade' }),
    product_id: many2one('product.product', 'Product'),
    applied_on: selection('Apply On', [['3_global', 'All Products'], ['0_product_variant', 'Product Variant']], { default: '0_product_variant' }),
    compute_price: selection('Computation', [['fixed', 'Fixed Price'], ['percentage', 'Discount'], ['formula', 'Formula']], { default: 'fixed' }),
    fixed_price: float('Fixed Price', { default: 0 }),
    percent_price: float('Percentage Price', { default: 0 }),
    min_quantity: float('Min. Quantity', { default: 0 }),
  },
};

/** The unit price a pricelist gives (fixed or percentage rules; otherwise the list price). */
export function priceFor(env: Env, pricelistId: number | false, productId: number, qty: number): number {
  const product = env.db.get('product.product', productId);
  const list = (product?.list_price as number) ?? 0;
  if (!pricelistId) return list;
  const rules = env.db.rows('product.pricelist.item')
    .filter((i) => i.pricelist_id === pricelistId && (i.applied_on === '3_global' || i.product_id === productId) && (i.min_quantity as number) <= qty)
    .sort((a, b) => (b.min_quantity as number) - (a.min_quantity as number) || (a.applied_on === '0_product_variant' ? -1 : 1));
  const rule = rules[0];
  if (!rule) return list;
  return rule.compute_price === 'percentage' ? list * (1 - (rule.percent_price as number) / 100) : rule.fixed_price as number;
}
