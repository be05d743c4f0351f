import { userError } from '../rpc-errors';
import { boolean, char, float, many2one, selection, magicFields } from '../orm/fields';
import type { Env, ModelDef } from '../orm/types';

/**
 * uom.category / uom.uom as Odoo 16-18 seed them (uom_data.xml): a category per dimension with one
 * reference unit; `factor` is how many of a unit make one reference unit (Dozens: 1/12) and
 * factor_inv its inverse (Dozens: 12), as read on 18.0-20250702. 19 replaces categories with relative_uom_id (not modelled).
 * Also Odoo's float_round, which every rounded amount of the sandbox goes through.
 */

/**
 * Odoo's float_round (tools/float_utils.py), HALF-UP by default: the value is nudged by one ulp of
 * its magnitude first, so 0.7 * 0.15 (0.10499999999999998 as a float) rounds to 0.11 as on 18.
 */
export function floatRound(value: number, digits: number): number {
  if (!value) return 0;
  const rounding = 10 ** -digits;
  let n = value / rounding;
  const sign = Math.sign(n);
  n += sign * 2 ** (Math.log2(Math.abs(n)) - 52);
  return Number((sign * Math.floor(Math.abs(n) + 0.5) * rounding).toFixed(digits));
}

/** Currency amounts (2 decimals, the rounding of USD and EUR). */
export const round2 = (n: number) => floatRound(n, 2);

export const uomCategory: ModelDef = {
  name: 'uom.category',
  description: 'Product UoM Categories',
  order: 'id',
  fields: { ...magicFields(), name: char('Unit of Measure Category', { required: true }) },
};

export const uomUom: ModelDef = {
  name: 'uom.uom',
  description: 'Product Unit of Measure',
  order: 'factor desc, id',
  fields: {
    ...magicFields(),
    name: char('Unit of Measure', { required: true }),
    category_id: many2one('uom.category', 'Category', { ondelete: 'restrict' }),
    uom_type: selection('Type', [['bigger', 'Bigger than the reference Unit of Measure'], ['reference', 'Reference Unit of Measure for this category'], ['smaller', 'Smaller than the reference Unit of Measure']], { default: 'reference' }),
    factor: float('Ratio', { default: 1 }),
    factor_inv: float('Bigger Ratio', { compute: (_env, r) => (r.factor ? 1 / (r.factor as number) : 0) }),
    rounding: float('Rounding Precision', { default: 0.01 }),
    active: boolean('Active', { default: true }),
  },
  // uom_uom.py create/write: factor_inv is the inverse of factor, either may be given.
  beforeCreate: (_env, vals) => fromFactorInv(vals),
  beforeWrite: (_env, _rows, vals) => fromFactorInv(vals),
};

function fromFactorInv(vals: Record<string, unknown>): void {
  if (!('factor_inv' in vals)) return;
  const inv = Number(vals.factor_inv);
  if (!inv) throw userError('The value of ratio could not be Zero');
  vals.factor = 1 / inv;
  delete vals.factor_inv;
}

/** How many reference units one of this unit is (uom.uom factor_inv). */
export function uomRatio(env: Env, uomId: unknown): number {
  const u = typeof uomId === 'number' ? env.db.get('uom.uom', uomId) : undefined;
  const f = u?.factor as number | undefined;
  return f ? 1 / f : 1;
}

/**
 * uom.uom _compute_quantity: qty in `from` -> in `to` (same category), rounded HALF-UP to `to`'s
 * rounding, as sale_stock asks for procurements and delivered quantities.
 */
export function convertQty(env: Env, qty: number, from: unknown, to: unknown): number {
  if (from === to || !from || !to) return qty;
  const target = env.db.get('uom.uom', to as number);
  const digits = Math.max(0, Math.round(-Math.log10((target?.rounding as number) || 0.01)));
  return floatRound(qty * uomRatio(env, from) / uomRatio(env, to), digits);
}

/** uom.uom _compute_price: a price per `from` -> per `to`. */
export function convertPrice(env: Env, price: number, from: unknown, to: unknown): number {
  if (from === to || !from || !to) return price;
  return price * uomRatio(env, to) / uomRatio(env, from);
}
