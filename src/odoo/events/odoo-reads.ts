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
  const states = new Map((await client.read<{ id: number; code: string }>('res.country.state', stateIds, ['code'])).map((s) => [s.id, s.code]));
  const countries = new Map((await client.read<{ id: number; code: string }>('res.country', countryIds, ['code'])).map((c) => [c.id, c.code]));
  return new Map(rows.map((r) => [r.id, {
    ...r, stateCode: r.state_id ? states.get(r.state_id[0]) : undefined, countryCode: r.country_id ? countries.get(r.country_id[0]) : undefined,
  }]));
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
