import type { Knex } from 'knex';
import { coerceError } from '../../errors/gateway-error';
import type { Logger } from '../../log/logger';
import type { OdooClient } from '../../odoo/client/odoo-client';
import type { PartnerProfile } from '../../partners/profile.schema';
import { getChannelCursor, setChannelCursor } from '../../store/channel-cursors.repo';
import type { SpApiClient } from './sp-api.client';

export const INVENTORY_FEED = 'inventory';

/**
 * Inventory goes by the Listings Items API, one patchListingsItem per changed SKU, not by a
 * JSON_LISTINGS_FEED: a distributor lists tens or hundreds of SKUs and only changed quantities
 * are sent, well inside 5 requests a second; each answer says ACCEPTED or INVALID for its SKU at
 * once (a feed is a document upload, a createFeed and a processing report to poll minutes later).
 */

/** Our product code for each SKU of the items table's sku column. */
export function skuTable(profile: PartnerProfile): Map<string, string> {
  const out = new Map<string, string>();
  for (const [sku, x] of profile.xref?.items?.get('sku') ?? []) out.set(sku, x.productCode);
  return out;
}

/** The patch Amazon gets for one SKU: merge keeps the listing's other fulfillment_availability fields (lead time, restock date). */
export function fulfillmentPatch(productType: string, quantity: number) {
  return {
    productType,
    patches: [{ op: 'merge', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity }] }],
  };
}

/** Quantity offered per product code: on hand minus reserved, whole units, never below 0. */
export function offered(quants: { product_id: [number, string] | false; quantity: number; reserved_quantity?: number }[], codeOf: Map<number, string>): Map<string, number> {
  const sums = new Map<string, number>();
  for (const q of quants) {
    const code = q.product_id ? codeOf.get(q.product_id[0]) : undefined;
    if (!code) continue;
    sums.set(code, (sums.get(code) ?? 0) + q.quantity - (q.reserved_quantity ?? 0));
  }
  for (const [code, n] of sums) sums.set(code, Math.max(0, Math.floor(n + 1e-9)));
  return sums;
}

export interface InventorySummary {
  pushed: { sku: string; quantity: number }[];
  failed: { sku: string; reason: string }[];
  unchanged: number;
  /** SKUs whose product Odoo does not have. */
  unknown: string[];
}

/** On-hand quantities of the table's products in the profile's warehouse. */
async function odooQuantities(odoo: OdooClient, profile: PartnerProfile, codes: string[]): Promise<Map<string, number>> {
  const products = await odoo.searchRead<{ id: number; default_code: string | false }>('product.product', [['default_code', 'in', codes]], ['default_code']);
  const codeOf = new Map(products.filter((p) => p.default_code).map((p) => [p.id, p.default_code as string]));
  const code = profile.amazon!.inventory.warehouse;
  const [wh] = await odoo.searchRead<{ id: number; lot_stock_id: [number, string] | false }>('stock.warehouse', [['code', '=', code]], ['lot_stock_id'], { limit: 1 });
  if (!wh?.lot_stock_id) throw new Error(`Odoo has no warehouse with code ${code} (amazon.inventory.warehouse of ${profile.id})`);
  const quants = codeOf.size ? await odoo.searchRead<{ product_id: [number, string] | false; quantity: number; reserved_quantity: number }>('stock.quant',
    [['product_id', 'in', [...codeOf.keys()]], ['location_id', 'child_of', wh.lot_stock_id[0]]], ['product_id', 'quantity', 'reserved_quantity']) : [];
  const result = offered(quants, codeOf);
  for (const c of codeOf.values()) if (!result.has(c)) result.set(c, 0);
  return result;
}

/**
 * One inventory pass: the offered quantity of each SKU in the items table, pushed where it
 * differs from what was last accepted (kept in channel_cursors, so a restart does not push
 * everything again). A SKU Amazon refuses is reported and tried again next pass; the others go on.
 * Throttling that outlasts the retries ends the pass, keeping what was accepted.
 */
export async function pushInventory(d: { client: SpApiClient; odoo: OdooClient; knex: Knex; profile: PartnerProfile; log: Logger; signal?: AbortSignal }): Promise<InventorySummary> {
  const a = d.profile.amazon!;
  const skus = skuTable(d.profile);
  const summary: InventorySummary = { pushed: [], failed: [], unchanged: 0, unknown: [] };
  if (!skus.size) {
    d.log.warn({ partnerId: d.profile.id }, 'Amazon inventory: the items table has no sku column, nothing to push');
    return summary;
  }
  const quantities = await odooQuantities(d.odoo, d.profile, [...new Set(skus.values())]);
  let last: Record<string, number> = {};
  try { last = JSON.parse((await getChannelCursor(d.knex, d.profile.id, INVENTORY_FEED)) ?? '{}') as Record<string, number>; } catch { last = {}; }
  for (const [sku, code] of skus) {
    const quantity = quantities.get(code);
    if (quantity === undefined) { summary.unknown.push(sku); continue; }
    if (last[sku] === quantity) { summary.unchanged++; continue; }
    let refused: string | undefined;
    for (const marketplaceId of a.marketplaceIds) {
      try {
        const r = await d.client.call<{ status?: string; issues?: { code?: string; message?: string; severity?: string }[] }>('patchListingsItem', {
          method: 'PATCH', path: `/listings/2021-08-01/items/${encodeURIComponent(a.sellerId)}/${encodeURIComponent(sku)}`,
          query: { marketplaceIds: marketplaceId }, body: fulfillmentPatch(a.inventory.productType, quantity),
        }, { signal: d.signal });
        if (r.body?.status !== 'ACCEPTED') {
          const issues = (r.body?.issues ?? []).filter((i) => i.severity === 'ERROR').map((i) => `${i.code}: ${i.message}`).join('; ');
          refused = `${marketplaceId}: ${r.body?.status ?? 'no status'}${issues ? ` (${issues})` : ''}`;
        }
      } catch (err) {
        const e = coerceError(err);
        if (e.retryable) throw e;
        refused = `${marketplaceId}: ${e.message}`;
      }
      if (refused) break;
    }
    if (refused) {
      summary.failed.push({ sku, reason: refused });
      d.log.error({ partnerId: d.profile.id, sku, quantity, reason: refused }, 'Amazon refused an inventory update');
      continue;
    }
    last[sku] = quantity;
    summary.pushed.push({ sku, quantity });
    // Recorded per SKU: a pass cut short does not send the accepted ones again.
    await setChannelCursor(d.knex, d.profile.id, INVENTORY_FEED, JSON.stringify(last));
  }
  d.log.info({ partnerId: d.profile.id, pushed: summary.pushed.length, failed: summary.failed.length, unchanged: summary.unchanged, unknown: summary.unknown }, 'Amazon inventory pushed');
  return summary;
}
