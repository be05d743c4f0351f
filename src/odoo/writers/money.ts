import type { Order } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import type { PartnerProfile } from '../../partners/profile.schema';
import type { Many2one, OdooClient } from '../client/odoo-client';
import { requireByName } from './lookups';

/**
 * What decides an order's money in Odoo before it is written: the pricelist (a sale order's
 * currency is its pricelist's) and the unit of measure of each line (a line in the partner's pack
 * keeps the partner's price per pack). Reads only.
 */

const nameOf = (m: Many2one | undefined) => (m ? m[1] : undefined);

async function pricelistCurrency(client: OdooClient, id: number): Promise<string | undefined> {
  const [row] = await client.read<{ currency_id: Many2one }>('product.pricelist', [id], ['currency_id']);
  return nameOf(row?.currency_id);
}

/** The currency Odoo gives an order with no pricelist written: the customer's pricelist's, else the company's. */
async function defaultCurrency(client: OdooClient, customerId: number): Promise<{ currency?: string; from: string }> {
  const [partner] = await client.read<{ property_product_pricelist?: Many2one }>('res.partner', [customerId], ['property_product_pricelist']);
  const pl = partner?.property_product_pricelist;
  if (pl) return { currency: await pricelistCurrency(client, pl[0]), from: `the customer's pricelist '${pl[1]}'` };
  const [company] = await client.searchRead<{ currency_id: Many2one }>('res.company', [], ['currency_id'], { limit: 1, order: 'id asc' });
  return { currency: nameOf(company?.currency_id), from: 'the company currency' };
}

/**
 * The pricelist to write on the order, or undefined to leave Odoo's default. An order without a
 * currency takes odoo.pricelist; one with a currency takes odoo.pricelists[currency], else
 * odoo.pricelist when that is in the order's currency, else Odoo's default when that is. Anything
 * else is ODOO_CURRENCY_UNPLACED: an order is never written in a currency it was not sent in.
 */
export async function resolvePricelist(client: OdooClient, order: Order, profile: PartnerProfile, customerId: number): Promise<number | undefined> {
  const byName = (name: string, field: string) => requireByName(client, 'product.pricelist', 'name', name, `pricelist (${field} of ${profile.id})`);
  const currency = order.currency?.trim().toUpperCase();
  const fallback = profile.odoo.pricelist;
  if (!currency) return fallback ? byName(fallback, 'odoo.pricelist') : undefined;
  const unplaced = (why: string) => new GatewayError('ODOO_CURRENCY_UNPLACED',
    `PO ${order.poNumber} is in ${currency}, and ${profile.id}'s profile places no pricelist in ${currency}: ${why}. `
    + `Name a ${currency} pricelist under odoo.pricelists (e.g. ${currency}: '<pricelist name>') and replay.`, { value: currency });

  const named = profile.odoo.pricelists[currency];
  if (named) {
    const id = await byName(named, `odoo.pricelists.${currency}`);
    const has = await pricelistCurrency(client, id);
    if (has !== currency) throw unplaced(`odoo.pricelists.${currency} is '${named}', whose currency in Odoo is ${has ?? 'not set'}`);
    return id;
  }
  if (fallback) {
    const id = await byName(fallback, 'odoo.pricelist');
    const has = await pricelistCurrency(client, id);
    if (has === currency) return id;
    throw unplaced(`odoo.pricelists has no ${currency}, and odoo.pricelist '${fallback}' is in ${has ?? 'no currency'}`);
  }
  const odoo = await defaultCurrency(client, customerId);
  if (odoo.currency === currency) return undefined;
  throw unplaced(`odoo.pricelists has no ${currency}, no odoo.pricelist is set, and Odoo would use ${odoo.from} (${odoo.currency ?? 'unknown'})`);
}

interface UomRec { id: number; name: string; factor: number; factor_inv?: number; category_id?: Many2one }

/** How many reference units one of this unit is: factor_inv in 16-18, factor in 19 (categories gone, OU19 uom). */
export function uomRatio(u: { factor: number; factor_inv?: number }, major: number): number {
  if (major >= 19) return u.factor;
  return u.factor_inv ?? (u.factor ? 1 / u.factor : 1);
}

/**
 * The Odoo unit of measure of every line, when any line's unit maps to one (mapping.uom.X.odooUom):
 * then every line gets its unit, as load() writes an empty cell as no unit at all (seen on 18).
 * Each odooUom must exist and be `factor` times the line's product unit (same category in 16-18),
 * or nothing is written. Undefined when no line needs it.
 */
export async function resolveLineUoms(client: OdooClient, profile: PartnerProfile, order: Order, products: Map<string, number>, major: number):
  Promise<Map<string, number> | undefined> {
  const wanted = new Map<string, string>();
  for (const line of order.lines) {
    const rule = profile.mapping.uom[line.uom];
    if (rule?.odooUom) wanted.set(line.lineNumber, rule.odooUom);
  }
  if (!wanted.size) return undefined;
  const uomFields = major >= 19 ? ['name', 'factor'] : ['name', 'factor', 'factor_inv', 'category_id'];
  const names = [...new Set(wanted.values())];
  const found = await client.searchRead<UomRec>('uom.uom', [['name', 'in', names]], uomFields);
  const byName = new Map(found.map((u) => [u.name, u]));
  const productIds = [...new Set(products.values())];
  const productUoms = new Map((await client.read<{ id: number; uom_id: Many2one }>('product.product', productIds, ['uom_id'])).map((p) => [p.id, p.uom_id ? p.uom_id[0] : 0]));
  const baseIds = [...new Set(productUoms.values())];
  const bases = new Map((await client.read<UomRec>('uom.uom', baseIds, uomFields)).map((u) => [u.id, u]));

  const out = new Map<string, number>();
  const problems: string[] = [];
  for (const line of order.lines) {
    const base = bases.get(productUoms.get(products.get(line.lineNumber)!)!);
    const name = wanted.get(line.lineNumber);
    if (!name) { if (base) out.set(line.lineNumber, base.id); continue; }
    const u = byName.get(name);
    const factor = profile.mapping.uom[line.uom].factor;
    if (!u) { problems.push(`line ${line.lineNumber}: no Odoo unit of measure named '${name}' (mapping.uom.${line.uom}.odooUom)`); continue; }
    if (!base) { problems.push(`line ${line.lineNumber}: the product has no unit of measure`); continue; }
    const ratio = uomRatio(u, major) / uomRatio(base, major);
    const sameCategory = major >= 19 || (u.category_id && base.category_id && u.category_id[0] === base.category_id[0]);
    if (!sameCategory || Math.abs(ratio - factor) > 1e-6 * factor) {
      problems.push(`line ${line.lineNumber}: Odoo's '${name}' is ${sameCategory ? `${Number(ratio.toPrecision(10))}` : 'not in the category of'} ${base.name}, `
        + `and mapping.uom.${line.uom} says 1 ${line.uom} = ${factor} ${profile.mapping.uom[line.uom].uom}`);
      continue;
    }
    out.set(line.lineNumber, u.id);
  }
  if (problems.length) throw new GatewayError('ODOO_UOM_MISMATCH', `PO ${order.poNumber} (${profile.id}): ${problems.join('; ')}`, { problems });
  return out;
}
