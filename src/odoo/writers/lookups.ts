import type { OrderLine } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import type { PartnerProfile } from '../../partners/profile.schema';
import type { OdooClient } from '../client/odoo-client';
import { describeItem, productKeys, type ProductKey } from './keys';

/**
 * Finding our records in Odoo by the names partners and profiles use. Reads only: the writers
 * resolve everything first, so an unknown value stops them before anything is written.
 */

const XMLID = /^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/;

/**
 * Which of `ids` carry which of the external ids `wanted` (xmlid -> record id). get_metadata reads
 * ir.model.data with sudo, so a least-privilege user (who may not read ir.model.data) can ask, and
 * a record without the xmlid is simply not in the answer: unlike check_object_reference, a miss
 * raises nothing, so Odoo logs no error.
 */
export async function idsByXmlid(client: OdooClient, model: string, ids: number[], wanted: Iterable<string>): Promise<Map<string, number>> {
  const want = new Set(wanted);
  const found = new Map<string, number>();
  if (!ids.length || !want.size) return found;
  const meta = await client.call<{ id: number; xmlids?: { xmlid: string }[] }[]>(model, 'get_metadata', [ids]);
  for (const m of meta ?? []) {
    for (const x of m.xmlids ?? []) if (want.has(x.xmlid) && !found.has(x.xmlid)) found.set(x.xmlid, m.id);
  }
  return found;
}

/**
 * A res.partner by a profile's `odoo.customer`: its ref, its exact name, or its external id
 * (module.name). Undefined when none matches. The external id is tried last, and only when the
 * value looks like one: Odoo has no error-free lookup of an external id without ir.model.data
 * rights, and check_object_reference makes it log an ERROR for every miss.
 */
export async function findPartner(client: OdooClient, name: string): Promise<number | undefined> {
  for (const field of ['ref', 'name']) {
    // The company first: a delivery contact may carry a similar ref.
    const rows = await client.searchRead<{ id: number; parent_id: unknown }>('res.partner', [[field, '=', name]], ['id', 'parent_id'], { limit: 5, order: 'id asc' });
    const top = rows.find((r) => !r.parent_id) ?? rows[0];
    if (top) return top.id;
  }
  if (XMLID.test(name)) {
    const [module, xml] = name.split('.');
    const hit = await client.checkObjectReference(module, xml);
    if (hit && hit[0] === 'res.partner') return hit[1];
  }
  return undefined;
}

export async function requireCustomer(client: OdooClient, profile: PartnerProfile): Promise<number> {
  const customer = profile.odoo.customer;
  if (!customer) throw new GatewayError('ODOO_CUSTOMER_NOT_FOUND', `partner ${profile.id} has no odoo.customer in its profile: which Odoo customer are its orders for?`);
  const id = await findPartner(client, customer);
  if (id === undefined) throw new GatewayError('ODOO_CUSTOMER_NOT_FOUND', `customer '${customer}' (odoo.customer of ${profile.id}) is not in Odoo: no res.partner with that external id, ref or name`, { value: customer });
  return id;
}

/** A delivery address by its ref (the locations table's delivery_ref). */
export async function findAddress(client: OdooClient, ref: string): Promise<number | undefined> {
  const rows = await client.searchRead<{ id: number }>('res.partner', [['ref', '=', ref]], ['id'], { limit: 1, order: 'id asc' });
  return rows[0]?.id;
}

/**
 * What product lookups found, by field and value (null: looked up, no product). A writer of many
 * orders keeps one for a file, so each item is asked of Odoo once, not once per order.
 */
export type ProductCache = Record<ProductKey['field'], Map<string, number | null>>;
export const newProductCache = (): ProductCache => ({ default_code: new Map(), barcode: new Map() });

/** Looks up, in one read per field, the keys the cache does not know yet. */
export async function fetchProducts(client: OdooClient, keys: ProductKey[], cache: ProductCache): Promise<void> {
  for (const field of ['default_code', 'barcode'] as const) {
    const values = [...new Set(keys.filter((k) => k.field === field && !cache[field].has(k.value)).map((k) => k.value))];
    if (!values.length) continue;
    const rows = await client.searchRead<{ id: number; default_code: string | false; barcode: string | false }>('product.product', [[field, 'in', values]], ['id', 'default_code', 'barcode']);
    const byValue = new Map<string, number>();
    for (const row of rows) {
      const v = row[field];
      if (typeof v === 'string' && !byValue.has(v)) byValue.set(v, row.id);
    }
    for (const v of values) cache[field].set(v, byValue.get(v) ?? null);
  }
}

/**
 * Product ids for lines, by each line's keys (productKeys) in two reads. Every line that finds
 * nothing is named in one exception, so a person fixes them all at once.
 */
export async function resolveProducts(client: OdooClient, profile: PartnerProfile, lines: { lineNumber?: string; productCode?: string; ids: OrderLine['ids'] }[],
  cache: ProductCache = newProductCache()): Promise<Map<number, number>> {
  const keysOf = lines.map((l) => productKeys(profile, l));
  await fetchProducts(client, keysOf.flat(), cache);
  const found = new Map<number, number>();
  const missing: string[] = [];
  lines.forEach((line, i) => {
    const key = keysOf[i].find((k) => cache[k.field].get(k.value) != null);
    if (key) found.set(i, cache[key.field].get(key.value)!);
    else missing.push(`line ${line.lineNumber ?? i + 1}: ${describeItem(line)}`);
  });
  if (missing.length) {
    throw new GatewayError('ODOO_PRODUCT_NOT_FOUND', `no Odoo product for ${missing.join('; ')} (looked up by default_code and barcode per ${profile.id}'s mapping.productId)`, { missing });
  }
  return found;
}

export async function requireByName(client: OdooClient, model: string, field: string, value: string, what: string): Promise<number> {
  const rows = await client.searchRead<{ id: number }>(model, [[field, '=', value]], ['id'], { limit: 1 });
  if (!rows[0]) throw new GatewayError('ODOO_RECORD_NOT_FOUND', `${what} '${value}' is not in Odoo (${model} with ${field} = '${value}')`, { value });
  return rows[0].id;
}
