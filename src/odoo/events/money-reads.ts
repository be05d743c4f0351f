import type { OdooClient } from '../client/odoo-client';
import { uomRatio } from '../writers/money';
import type { TaxRec, UomRec } from './odoo-records';

/** The reads behind the money of outbound documents: units of measure and taxes by id. */

export async function readUoms(client: OdooClient, ids: number[], major: number): Promise<Map<number, UomRec>> {
  const unique = [...new Set(ids.filter(Boolean))];
  if (!unique.length) return new Map();
  const rows = await client.read<{ id: number; name: string; factor: number; factor_inv?: number }>('uom.uom', unique, major >= 19 ? ['name', 'factor'] : ['name', 'factor', 'factor_inv']);
  return new Map(rows.map((u) => [u.id, { id: u.id, name: u.name, ratio: uomRatio(u, major) }]));
}

export async function readTaxes(client: OdooClient, ids: number[]): Promise<Map<number, TaxRec>> {
  const unique = [...new Set(ids.filter(Boolean))];
  if (!unique.length) return new Map();
  const rows = await client.read<TaxRec>('account.tax', unique, ['amount', 'amount_type']);
  return new Map(rows.map((t) => [t.id, t]));
}
