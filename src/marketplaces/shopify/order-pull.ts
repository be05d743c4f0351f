import type { Knex } from 'knex';
import { GatewayError } from '../../errors/gateway-error';
import type { Receipt, ReceiveResult } from '../../inbox/inbox';
import type { Logger } from '../../log/logger';
import type { PartnerProfile } from '../../partners/profile.schema';
import { getChannelCursor, setChannelCursor } from '../../store/channel-cursors.repo';
import type { ShopifyClient } from './graphql-client';
import { envelope, envelopeHeader, orderFingerprint } from './order-envelope';
import { LINES_PER_ORDER, ORDER_LINES_QUERY, ORDERS_QUERY, ordersSearch, type ShopifyLineItem, type ShopifyOrder } from './shopify-order';
import { orderRef, orderRefPrefix, SHOPIFY_TRANSPORT } from './shopify.stage';

export const ORDERS_FEED = 'orders';

export interface PullDeps {
  knex: Knex;
  receive(r: Receipt): Promise<ReceiveResult>;
  client: ShopifyClient;
  log: Logger;
  now?: () => Date;
}

export interface PullReport {
  pages: number;
  /** Orders Shopify listed. */
  seen: number;
  /** New order versions stored (each a message the pipeline takes to Odoo). */
  stored: number;
  /** Listed again with nothing Odoo holds changed (a payment, a tag, our own fulfillment; or the overlap). */
  unchanged: number;
  /** The watermark after the pull. */
  cursor?: string;
}

interface OrdersPage {
  orders?: { pageInfo?: { hasNextPage: boolean; endCursor?: string | null }; nodes?: ShopifyOrder[] };
}

/** The fingerprint of the latest stored version of an order, from its envelope header (the first bytes are enough). */
async function latestFingerprint(knex: Knex, partnerId: string, orderId: string): Promise<string | undefined> {
  const row = await knex('messages').where({ direction: 'in', transport: SHOPIFY_TRANSPORT, partner_id: partnerId })
    .andWhere('transport_ref', 'like', `${orderRefPrefix(partnerId, orderId)}%`).orderBy('id', 'desc')
    .first(knex.raw('substring(content from 1 for 2048) AS head'));
  if (!row) return undefined;
  return envelopeHeader(Buffer.from(row.head).toString('utf8'))?.fingerprint;
}

/** An order with more line items than the page query brings: the rest, page by page. */
async function completeLines(client: ShopifyClient, order: ShopifyOrder): Promise<void> {
  let info = order.lineItems?.pageInfo;
  const nodes: ShopifyLineItem[] = order.lineItems?.nodes ?? [];
  while (info?.hasNextPage && info.endCursor) {
    const { data } = await client.query<{ order?: { lineItems?: { pageInfo: typeof info; nodes: ShopifyLineItem[] } } | null }>(
      ORDER_LINES_QUERY, { id: order.id, after: info.endCursor }, { expectedCost: 110 });
    const more = data.order?.lineItems;
    if (!more || !Array.isArray(more.nodes)) throw new GatewayError('CHANNEL_REFUSED', `Shopify order ${order.name}: its further line items could not be read`);
    nodes.push(...more.nodes);
    info = more.pageInfo;
  }
  order.lineItems = { pageInfo: { hasNextPage: false, endCursor: null }, nodes };
}

/**
 * One pull of a store's orders: those updated since the stored watermark (less the profile's
 * overlap), oldest change first, page by page. Each order version whose Odoo content changed since
 * the last stored one is stored as its own message (`<partner>/<order gid>/<updatedAt>`: the same
 * version from another pull or another process is recognised by the store and not stored twice);
 * the watermark moves after each page is stored, so a crash or a stop loses nothing and repeats at
 * most one page, which the store's refs absorb.
 */
export async function pullOrders(profile: PartnerProfile, deps: PullDeps): Promise<PullReport> {
  const s = profile.shopify;
  if (!s) throw new GatewayError('INTERNAL', `${profile.id} is not a Shopify store`);
  const now = deps.now?.() ?? new Date();
  const stored = await getChannelCursor(deps.knex, profile.id, ORDERS_FEED);
  const from = stored
    ? new Date(Date.parse(stored) - s.orders.overlapSeconds * 1000).toISOString()
    : (s.orders.since ? new Date(s.orders.since).toISOString() : new Date(now.getTime() - 24 * 3600_000).toISOString());
  const report: PullReport = { pages: 0, seen: 0, stored: 0, unchanged: 0, cursor: stored };
  const log = deps.log.child({ partnerId: profile.id, feed: ORDERS_FEED });
  let after: string | null = null;
  for (;;) {
    const answer: { data: OrdersPage } = await deps.client.query<OrdersPage>(ORDERS_QUERY,
      { first: s.orders.pageSize, after, query: ordersSearch(from) }, { expectedCost: s.orders.pageSize * (LINES_PER_ORDER + 8) + 2 });
    const page: OrdersPage['orders'] = answer.data.orders;
    if (!page || !Array.isArray(page.nodes)) throw new GatewayError('CHANNEL_REFUSED', `Shopify ${s.shop}: the orders query answered without orders.nodes`);
    report.pages++;
    let watermark = report.cursor;
    for (const order of page.nodes) {
      if (!order?.id || !order.updatedAt || Number.isNaN(Date.parse(order.updatedAt))) {
        throw new GatewayError('CHANNEL_REFUSED', `Shopify ${s.shop}: an order without id or updatedAt in the orders page (${JSON.stringify(order).slice(0, 200)})`);
      }
      report.seen++;
      await completeLines(deps.client, order);
      if (await latestFingerprint(deps.knex, profile.id, order.id) === orderFingerprint(order)) {
        report.unchanged++;
      } else {
        const r = await deps.receive({
          content: envelope(s.shop, s.apiVersion, order), transport: SHOPIFY_TRANSPORT, partnerId: profile.id,
          transportRef: orderRef(profile.id, order.id, order.updatedAt),
          filename: `shopify-order-${(order.name || order.id).replace(/[^A-Za-z0-9._-]/g, '')}.json`,
        });
        if (r.outcome === 'stored') report.stored++; else report.unchanged++;
      }
      const at = new Date(order.updatedAt).toISOString();
      if (!watermark || at > watermark) watermark = at;
    }
    // Only once the page's orders are stored: a pull cut short starts again from the last whole page.
    if (watermark && watermark !== report.cursor) {
      await setChannelCursor(deps.knex, profile.id, ORDERS_FEED, watermark);
      report.cursor = watermark;
    }
    if (!page.pageInfo?.hasNextPage || !page.pageInfo.endCursor) break;
    after = page.pageInfo.endCursor;
  }
  log.info({ ...report }, report.stored ? 'Shopify orders pulled' : 'Shopify pull: nothing new');
  return report;
}
