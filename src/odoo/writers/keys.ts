import type { ItemIds } from '../../canonical/common';
import type { PartnerProfile } from '../../partners/profile.schema';

/**
 * Our idempotency keys in Odoo: external ids in module `edi` (ir.model.data), created by load()
 * in the same transaction as the record. Names keep letters, digits and underscores; anything
 * else becomes `_` (external ids may not hold dots).
 */
export const EDI_MODULE = 'edi';

const part = (s: string) => s.trim().replace(/[^A-Za-z0-9_]/g, '_');

export const orderXmlid = (partnerId: string, po: string) => `so_${part(partnerId)}_${part(po)}`;
export const orderLineXmlid = (partnerId: string, po: string, line: string) => `sol_${part(partnerId)}_${part(po)}_${part(line)}`;
export const addressXmlid = (partnerId: string, code: string) => `addr_${part(partnerId)}_${part(code)}`;
export const full = (name: string) => `${EDI_MODULE}.${name}`;

/** How to look a product up in Odoo: vendorItem and sku are our default_code, upc/gtin/ean our barcode. */
export interface ProductKey {
  field: 'default_code' | 'barcode';
  value: string;
}

const FIELD_OF: Partial<Record<keyof ItemIds, ProductKey['field']>> = {
  vendorItem: 'default_code', sku: 'default_code', upc: 'barcode', gtin: 'barcode', ean: 'barcode',
};

/**
 * The keys that may find a line's product, best first: the product code the cross-reference
 * resolved, then the line's ids in the profile's productId preference (a buyer's item number
 * means nothing to Odoo without the table, so it is not a key).
 */
export function productKeys(profile: PartnerProfile, line: { productCode?: string; ids: ItemIds }): ProductKey[] {
  const keys: ProductKey[] = [];
  if (line.productCode) keys.push({ field: 'default_code', value: line.productCode });
  for (const kind of profile.mapping.productId) {
    const field = FIELD_OF[kind];
    const value = line.ids[kind];
    if (field && value && !keys.some((k) => k.field === field && k.value === value)) keys.push({ field, value });
  }
  return keys;
}

/** A line's ids as a person reads them in an exception. */
export function describeItem(line: { productCode?: string; ids: ItemIds }): string {
  const ids = Object.entries(line.ids).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`);
  if (line.productCode) ids.unshift(`product code ${line.productCode}`);
  return ids.join(', ') || '(no item id)';
}
