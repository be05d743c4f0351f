import type { OrderLine, Tax } from '../../canonical';
import type { PartnerProfile } from '../../partners/profile.schema';
import type { Many2one } from '../client/odoo-client';
import type { TaxRec, UomRec } from './odoo-records';

/**
 * Odoo's quantities, prices and taxes -> what a canonical outbound document says. Pure. Every
 * amount is Odoo's own (price_unit as stored, price_subtotal, amount_tax ...); units are only
 * renamed or, for a line in a unit of measure the profile does not map, restated in the
 * product's unit.
 */

export const round2 = (n: number) => Number(n.toFixed(2));
const round6 = (n: number) => Number(n.toFixed(6));
/** Two prices agree when they differ by less than a millionth (the precision convertUom keeps). */
export const samePrice = (a: number, b: number) => Math.abs(a - b) < 5e-7;

/** The partner unit whose Odoo unit of measure (mapping.uom.X.odooUom) is this one. */
export function partnerUnitFor(profile: PartnerProfile, odooUomName: string | undefined): string | undefined {
  if (!odooUomName) return undefined;
  return Object.entries(profile.mapping.uom).find(([, rule]) => rule.odooUom === odooUomName)?.[0];
}

/**
 * The unit a stored order line's quantities are restated in when Odoo holds them in the product's
 * unit: a pack kept in Odoo (CA with odooUom) is ours (EA) for moves, which are in product units.
 */
export function ourUnit(profile: PartnerProfile, uom: string): string {
  const rule = profile.mapping.uom[uom];
  return rule?.odooUom ? rule.uom : uom;
}

/** A stored order line's quantity and price in `unit` (its own unit, or ours through the uom map). */
export function orderedIn(profile: PartnerProfile, line: OrderLine, unit: string): { quantity: number; unitPrice?: number } {
  const rule = profile.mapping.uom[line.uom];
  if (line.uom === unit || !rule || rule.uom !== unit) return { quantity: line.quantity, unitPrice: line.unitPrice };
  return { quantity: line.quantity * rule.factor, unitPrice: line.unitPrice === undefined ? undefined : round6(line.unitPrice / rule.factor) };
}

export interface OdooLineUnits {
  uom: string;
  quantity: number;
  unitPrice: number;
}

/**
 * An Odoo line (quantity and price per its unit of measure) -> canonical unit, quantity and price.
 * Its unit is a mapped pack: the partner's unit, numbers as Odoo holds them. The product's unit:
 * `fallback` (our unit, EA). Any other unit (set by hand): restated in the product's unit.
 */
export function lineUnits(profile: PartnerProfile, line: { uom?: Many2one; quantity: number; unitPrice: number },
  productUom: Many2one | undefined, uoms: Map<number, UomRec> | undefined, fallback: string): OdooLineUnits {
  const own = line.uom ? uoms?.get(line.uom[0]) : undefined;
  const pack = partnerUnitFor(profile, own?.name ?? (line.uom ? line.uom[1] : undefined));
  if (pack) return { uom: pack, quantity: line.quantity, unitPrice: line.unitPrice };
  const base = productUom ? uoms?.get(productUom[0]) : undefined;
  if (!own || !base || own.id === base.id || own.ratio === base.ratio) return { uom: fallback, quantity: line.quantity, unitPrice: line.unitPrice };
  const r = own.ratio / base.ratio;
  return { uom: fallback, quantity: round6(line.quantity * r), unitPrice: round6(line.unitPrice / r) };
}

/** One percent tax's rate, for TXI03 / TAX 5278; several taxes or a fixed one give none. */
function rateOf(taxIds: number[] | undefined, taxes: Map<number, TaxRec> | undefined): number | undefined {
  if (!taxIds || taxIds.length !== 1) return undefined;
  const t = taxes?.get(taxIds[0]);
  return t && t.amount_type === 'percent' ? t.amount : undefined;
}

export interface TaxedLine {
  subtotal: number;
  total: number;
  taxIds?: number[];
}

/** A line's tax as Odoo computed it (price_total - price_subtotal, rounded per line), or none. */
export function lineTaxes(line: TaxedLine, taxes: Map<number, TaxRec> | undefined): Tax[] {
  const amount = round2(line.total - line.subtotal);
  if (!line.taxIds?.length && amount === 0) return [];
  return [{ type: 'TX', amount, percent: rateOf(line.taxIds, taxes), taxableAmount: line.subtotal }];
}

/**
 * The document's taxes: the lines' taxes grouped by tax, when they add up to Odoo's amount_tax
 * (round per line, Odoo's default); else one tax of amount_tax, so the total always holds.
 */
export function documentTaxes(lines: TaxedLine[], amountTax: number, amountUntaxed: number, taxes: Map<number, TaxRec> | undefined): Tax[] {
  if (!amountTax) return [];
  const groups = new Map<string, { amount: number; base: number; taxIds?: number[] }>();
  for (const l of lines) {
    const amount = round2(l.total - l.subtotal);
    if (!l.taxIds?.length && amount === 0) continue;
    const key = [...(l.taxIds ?? [])].sort((a, b) => a - b).join(',');
    const g = groups.get(key) ?? { amount: 0, base: 0, taxIds: l.taxIds };
    g.amount = round2(g.amount + amount);
    g.base = round2(g.base + l.subtotal);
    groups.set(key, g);
  }
  const grouped = [...groups.values()];
  const sum = round2(grouped.reduce((s, g) => s + g.amount, 0));
  if (grouped.length && sum === round2(amountTax)) {
    return grouped.filter((g) => g.amount !== 0).map((g) => ({ type: 'TX', amount: g.amount, percent: rateOf(g.taxIds, taxes), taxableAmount: g.base }));
  }
  const rates = new Set(grouped.map((g) => rateOf(g.taxIds, taxes)));
  return [{ type: 'TX', amount: round2(amountTax), percent: rates.size === 1 ? [...rates][0] : undefined, taxableAmount: round2(amountUntaxed) }];
}
