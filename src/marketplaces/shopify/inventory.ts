import type { Knex } from 'knex';
import { GatewayError } from '../../errors/gateway-error';
import type { Logger } from '../../log/logger';
import type { OdooClient } from '../../odoo/client/odoo-client';
import type { PartnerProfile } from '../../partners/profile.schema';
import { getChannelCursor, setChannelCursor } from '../../store/channel-cursors.repo';
import type { ShopifyClient } from './graphql-client';

export const INVENTORY_FEED = 'inventory';

/** SKU -> our product code, from the profile's items table (sku column): the products this store sells. */
export function mappedSkus(profile: PartnerProfile): Map<string, string> {
  const bySku = profile.xref?.items?.get('sku');
  return new Map([...(bySku ?? new Map())].map(([sku, x]) => [sku, x.productCode]));
}

/** Odoo's on-hand as Shopify's integer quantity: whole units, never below 0. */
export const shopifyQuantity = (onHand: number) => Math.max(0, Math.floor(onHand + 1e-9));

/**
 * Pure: which quantities to send. `full`: every SKU whose quantity differs from the one last pushed
 * (or was never pushed). `urgent`: only SKUs pushed before that ran out since (0 now, more then), or
 * fell by more than `urgentDrop` units; the rest waits for the next full run.
 */
export function inventoryChanges(current: Map<string, number>, last: Record<string, number>, mode: 'full' | 'urgent', urgentDrop = 0): Map<string, number> {
  const out = new Map<string, number>();
  for (const [sku, qty] of current) {
    const before = last[sku];
    if (mode === 'full') {
      if (before !== qty) out.set(sku, qty);
    } else if (before !== undefined && before > qty && (qty === 0 || (urgentDrop > 0 && before - qty > urgentDrop))) {
      out.set(sku, qty);
    }
  }
  return out;
}

export interface InventoryDeps {
  knex: Knex;
  odoo: () => OdooClient;
  client: ShopifyClient;
  log: Logger;
}

export interface InventoryReport {
  mode: 'full' | 'urgent';
  checked: number;
  pushed: number;
  /** SKUs Shopify has no variant for, or whose quantity it refused (userErrors). */
  failed: string[];
}

const VARIANTS = `query Variants($query: String!, $first: Int!) { productVariants(first: $first, query: $query) { nodes { sku inventoryItem { id } } } }`;
const LOCATIONS = `query Locations { locations(first: 1) { nodes { id name } } }`;
const SET_QUANTITIES = `mutation SetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason changes { name delta } }
    userErrors { code field message }
  }
}`;

/** SKU -> inventory item, 50 SKUs a query. */
async function inventoryItems(client: ShopifyClient, skus: string[]): Promise<Map<string, string>> {
  const items = new Map<string, string>();
  for (let i = 0; i < skus.length; i += 50) {
    const chunk = skus.slice(i, i + 50);
    const query = chunk.map((s) => `sku:'${s.replace(/['\\]/g, '')}'`).join(' OR ');
    const { data } = await client.query<{ productVariants: { nodes: { sku: string | null; inventoryItem: { id: string } | null }[] } }>(
      VARIANTS, { query, first: 100 }, { expectedCost: 105 });
    for (const v of data.productVariants?.nodes ?? []) {
      if (v.sku && v.inventoryItem?.id && chunk.includes(v.sku) && !items.has(v.sku)) items.set(v.sku, v.inventoryItem.id);
    }
  }
  return items;
}

async function locationOf(client: ShopifyClient, profile: PartnerProfile): Promise<string> {
  const configured = profile.shopify!.inventory.locationId;
  if (configured) return configured;
  const { data } = await client.query<{ locations: { nodes: { id: string }[] } }>(LOCATIONS, {}, { expectedCost: 3 });
  const id = data.locations?.nodes?.[0]?.id;
  if (!id) throw new GatewayError('CHANNEL_REFUSED', `Shopify ${profile.shopify!.shop} has no location to set quantities at`);
  return id;
}

/**
 * Odoo's on-hand quantities of the store's mapped products (product.product qty_available: stock in
 * the company's internal locations) -> Shopify, in inventorySetQuantities batches, only what changed
 * since the last push (kept in channel_cursors as JSON, so a restart does not resend everything).
 * Odoo is the source of truth for stock, so the compare-and-set check is skipped
 * (ignoreCompareQuantity). A SKU Shopify refuses (userErrors naming its index) or does not know is
 * not recorded as pushed: the next run tries it again.
 */
export async function pushInventory(profile: PartnerProfile, deps: InventoryDeps, mode: 'full' | 'urgent'): Promise<InventoryReport> {
  const s = profile.shopify!;
  const log = deps.log.child({ partnerId: profile.id, feed: INVENTORY_FEED, mode });
  const skus = mappedSkus(profile);
  const report: InventoryReport = { mode, checked: 0, pushed: 0, failed: [] };
  if (!skus.size) {
    log.warn('inventory push: the profile maps no SKU (crossReferences.items with a sku column): nothing to push');
    return report;
  }
  const codes = [...new Set(skus.values())];
  const rows = await deps.odoo().searchRead<{ default_code: string | false; qty_available: number }>('product.product',
    [['default_code', 'in', codes]], ['default_code', 'qty_available']);
  const onHand = new Map(rows.filter((r) => r.default_code).map((r) => [r.default_code as string, r.qty_available]));
  const current = new Map<string, number>();
  for (const [sku, code] of skus) {
    const q = onHand.get(code);
    if (q === undefined) { report.failed.push(sku); continue; }
    current.set(sku, shopifyQuantity(q));
  }
  if (report.failed.length) log.warn({ skus: report.failed }, 'inventory push: products not in Odoo');
  report.checked = current.size;
  const last = JSON.parse((await getChannelCursor(deps.knex, profile.id, INVENTORY_FEED)) ?? '{}') as Record<string, number>;
  const changes = inventoryChanges(current, last, mode, s.inventory.urgentDrop);
  if (!changes.size) return report;

  const items = await inventoryItems(deps.client, [...changes.keys()]);
  const unknown = [...changes.keys()].filter((sku) => !items.has(sku));
  if (unknown.length) {
    log.warn({ skus: unknown }, 'inventory push: SKUs with no variant in Shopify');
    report.failed.push(...unknown);
  }
  const locationId = await locationOf(deps.client, profile);
  const toSend = [...changes].filter(([sku]) => items.has(sku));
  const pushed: Record<string, number> = {};
  for (let i = 0; i < toSend.length; i += s.inventory.batchSize) {
    const batch = toSend.slice(i, i + s.inventory.batchSize);
    const input = {
      name: s.inventory.quantityName, reason: 'correction', ignoreCompareQuantity: true,
      referenceDocumentUri: `gid://edi-gateway/InventorySync/${profile.id}`,
      quantities: batch.map(([sku, quantity]) => ({ inventoryItemId: items.get(sku)!, locationId, quantity })),
    };
    const { data } = await deps.client.query<{ inventorySetQuantities: { userErrors: { code?: string; field?: string[] | null; message: string }[] } }>(
      SET_QUANTITIES, { input }, { expectedCost: 10 });
    const errors = data.inventorySetQuantities?.userErrors ?? [];
    // userErrors name the quantity at fault by its index (["input", "quantities", "3", "locationId"]); one without an index fails the batch.
    const bad = new Set<number>();
    let whole = false;
    for (const e of errors) {
      const at = e.field?.[0] === 'input' && e.field[1] === 'quantities' ? Number(e.field[2]) : NaN;
      if (Number.isInteger(at)) bad.add(at); else whole = true;
    }
    if (errors.length) log.error({ userErrors: errors }, 'Shopify refused inventory quantities');
    batch.forEach(([sku, qty], k) => {
      if (whole || bad.has(k)) report.failed.push(sku);
      else { pushed[sku] = qty; report.pushed++; }
    });
  }
  if (report.pushed) await setChannelCursor(deps.knex, profile.id, INVENTORY_FEED, JSON.stringify({ ...last, ...pushed }));
  log.info({ ...report }, 'Shopify inventory pushed');
  return report;
}
