import type { Knex } from 'knex';
import type { Order } from '../../canonical';
import { documentForOdoo } from '../../store/documents.repo';
import type { OdooClient } from '../client/odoo-client';
import type { PartnerRec, ProductRec } from './odoo-records';

/** The reads the event scanner shares: partners with their state and country codes, products, the stored order. */

const PARTNER_FIELDS = ['name', 'ref', 'street', 'street2', 'city', 'zip', 'state_id', 'country_id', 'commercial_partner_id'];

export async function readPartners(client: OdooClient, ids: number[]): Promise<Map<number, PartnerRec>> {
  const rows = await client.read<PartnerRec & { state_id: [number, string] | false; country_id: [number, string] | false }>('res.partner', [...new Set(ids)], PARTNER_FIELDS);
  const stateIds = [...new Set(rows.map((r) => (r.state_id ? r.state_id[0] : 0)).filter(Boolean))];
  const countryIds = [...new Set(rows.map((r) => (r.country_id ? r.country_id[0] : 0)).filter(Boolean))];
  const states = await codesOf(client, 'res.country.state', stateIds);
  const countries = await codesOf(client, 'res.country', countryIds);
  return new Map(rows.map((r) => [r.id, {
    ...r, stateCode: r.state_id ? states.get(r.state_id[0]) : undefined, countryCode: r.country_id ? countries.get(r.country_id[0]) : undefined,
  }]));
}

/**
 * State and country codes by id, remembered per client (per Odoo) for the life of the process:
 * reference data that Odoo ships and nobody renumbers, asked for by every outbound document's
 * addresses (two reads each per document otherwise).
 */
const codes = new WeakMap<OdooClient, Map<string, string>>();

async function codesOf(client: OdooClient, model: 'res.country' | 'res.country.state', ids: number[]): Promise<Map<number, string>> {
  let known = codes.get(client);
  if (!known) codes.set(client, (known = new Map()));
  const missing = ids.filter((id) => !known.has(`${model}:${id}`));
  if (missing.length) for (const r of await client.read<{ id: number; code: string }>(model, missing, ['code'])) known.set(`${model}:${r.id}`, r.code);
  return new Map(ids.flatMap((id) => { const code = known.get(`${model}:${id}`); return code === undefined ? [] : [[id, code] as [number, string]]; }));
}

export async function readProducts(client: OdooClient, ids: number[]): Promise<Map<number, ProductRec>> {
  const rows = await client.read<ProductRec>('product.product', [...new Set(ids)], ['default_code', 'barcode', 'name', 'uom_id']);
  return new Map(rows.map((p) => [p.id, p]));
}

/** The canonical Order the gateway wrote as this sale order, when it came in through the gateway. */
export async function storedOrder(knex: Knex, saleOrderId: number | undefined): Promise<Order | undefined> {
  if (!saleOrderId) return undefined;
  const doc = await documentForOdoo(knex, { model: 'sale.order', id: saleOrderId }, 'order');
  return doc?.body.type === 'order' ? doc.body : undefined;
}
