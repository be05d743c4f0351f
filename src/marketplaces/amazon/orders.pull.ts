import type { Knex } from 'knex';
import type { Receipt, ReceiveResult } from '../../inbox/inbox';
import type { Logger } from '../../log/logger';
import type { PartnerProfile } from '../../partners/profile.schema';
import { getChannelCursor, setChannelCursor } from '../../store/channel-cursors.repo';
import { storedOrderBytes, TAKEN_STATUSES, type AmazonOrder, type AmazonOrderItem } from './amazon-order';
import type { SpApiClient } from './sp-api.client';

export const ORDERS_FEED = 'orders';
export const TRANSPORT = 'amazon';

/**
 * Where the pull got to, kept in channel_cursors across restarts: `after` is the LastUpdatedAfter
 * of the pass under way; `high` the latest LastUpdateDate among orders already stored. Orders are
 * not promised in LastUpdateDate order, so `after` moves to `high` only when a pass has read every
 * page: a pass cut short starts again from `after`, and what it stored then is recognised
 * (transportRef) without a second getOrderItems.
 */
export interface OrdersCursor {
  after: string;
  high?: string;
}

export interface PullDeps {
  client: SpApiClient;
  profile: PartnerProfile;
  knex: Knex;
  receive: (r: Receipt) => Promise<ReceiveResult>;
  log: Logger;
  now?: () => Date;
  signal?: AbortSignal;
}

export interface PullSummary {
  pages: number;
  stored: string[];
  /** Orders seen before (the same order, or its cancellation, already stored). */
  already: number;
  /** Orders left alone: Pending, Shipped, AFN when not asked for, cancellations of orders never taken. */
  skipped: number;
  cursor: OrdersCursor;
}

/**
 * The transportRef of a stored order: one message per order, and one more if it is cancelled
 * after we took it. Later updates of a taken order (PartiallyShipped after our own confirmation,
 * a changed ship-by date) are not stored again: Amazon lets no one change an order's items, and
 * the Odoo order is ours to ship.
 */
export const orderRef = (partnerId: string, orderId: string, status: string) =>
  status === 'Canceled' ? `${partnerId}/${orderId}/Canceled` : `${partnerId}/${orderId}`;

async function stored(knex: Knex, ref: string): Promise<boolean> {
  return !!(await knex('messages').where({ transport: TRANSPORT, transport_ref: ref }).first('id'));
}

interface OrdersPage { payload?: { Orders?: AmazonOrder[]; NextToken?: string } }
interface ItemsPage { payload?: { OrderItems?: AmazonOrderItem[]; NextToken?: string } }

/** Amazon refuses a LastUpdatedAfter within two minutes of now. */
const LATEST_AFTER_MS = 2 * 60_000;

export function parseCursor(value: string | undefined): OrdersCursor | undefined {
  if (!value) return undefined;
  try {
    const c = JSON.parse(value) as OrdersCursor;
    return typeof c.after === 'string' && !Number.isNaN(Date.parse(c.after)) ? c : undefined;
  } catch {
    return undefined;
  }
}

const later = (a: string | undefined, b: string): string => (!a || Date.parse(b) > Date.parse(a) ? b : a);

/** Every page of one order's items. */
async function orderItems(client: SpApiClient, orderId: string, signal?: AbortSignal): Promise<AmazonOrderItem[]> {
  const items: AmazonOrderItem[] = [];
  let next: string | undefined;
  do {
    const r = await client.call<ItemsPage>('getOrderItems', {
      method: 'GET', path: `/orders/v0/orders/${encodeURIComponent(orderId)}/orderItems`, query: { NextToken: next },
    }, { signal });
    items.push(...(r.body?.payload?.OrderItems ?? []));
    next = r.body?.payload?.NextToken || undefined;
  } while (next);
  return items;
}

/**
 * One pass of the order pull: getOrders by LastUpdatedAfter, page by page (NextToken), each
 * Unshipped or PartiallyShipped order stored with its items as one message; a Canceled one only
 * when we stored the order before (it becomes a cancel of the Odoo order). The cursor is saved
 * after each page's orders are stored, never before.
 */
export async function pullOrders(d: PullDeps): Promise<PullSummary> {
  const a = d.profile.amazon!;
  const now = d.now?.() ?? new Date();
  const saved = parseCursor(await getChannelCursor(d.knex, d.profile.id, ORDERS_FEED));
  const first = saved?.after ?? new Date(now.getTime() - a.orders.initialLookbackHours * 3_600_000).toISOString();
  const latest = new Date(now.getTime() - LATEST_AFTER_MS).toISOString();
  const after = Date.parse(first) > Date.parse(latest) ? latest : first;
  const cursor: OrdersCursor = { after, high: saved?.high };
  const summary: PullSummary = { pages: 0, stored: [], already: 0, skipped: 0, cursor };
  const channels = new Set<string>(a.orders.fulfillmentChannels);
  let next: string | undefined;
  do {
    // With a NextToken Amazon ignores the other filters but still wants the marketplaces.
    const query = next
      ? { MarketplaceIds: a.marketplaceIds.join(','), NextToken: next }
      : {
          MarketplaceIds: a.marketplaceIds.join(','), LastUpdatedAfter: after,
          // Unshipped and PartiallyShipped must be asked for together (getOrders reference).
          OrderStatuses: [...TAKEN_STATUSES, 'Canceled'].join(','), FulfillmentChannels: a.orders.fulfillmentChannels.join(','),
        };
    const page = await d.client.call<OrdersPage>('getOrders', { method: 'GET', path: '/orders/v0/orders', query }, { signal: d.signal });
    summary.pages++;
    for (const order of page.body?.payload?.Orders ?? []) {
      if (!order?.AmazonOrderId || !order.OrderStatus) {
        d.log.warn({ partnerId: d.profile.id, order: order?.AmazonOrderId }, 'Amazon order without AmazonOrderId or OrderStatus: skipped');
        continue;
      }
      const taken = (TAKEN_STATUSES as readonly string[]).includes(order.OrderStatus);
      const cancel = order.OrderStatus === 'Canceled';
      const ref = orderRef(d.profile.id, order.AmazonOrderId, order.OrderStatus);
      if ((!taken && !cancel) || (order.FulfillmentChannel && !channels.has(order.FulfillmentChannel))) {
        summary.skipped++;
      } else if (await stored(d.knex, ref)) {
        summary.already++;
      } else if (cancel && !(await stored(d.knex, orderRef(d.profile.id, order.AmazonOrderId, 'Unshipped')))) {
        // Cancelled before we ever took it (it was Pending): nothing in Odoo to cancel.
        summary.skipped++;
      } else {
        // A cancellation needs no items: Odoo cancels the order by its PO number.
        const items = cancel ? [] : await orderItems(d.client, order.AmazonOrderId, d.signal);
        await d.receive({
          content: storedOrderBytes(a.sellerId, order, items, a.marketplaceIds[0]), transport: TRANSPORT, transportRef: ref,
          partnerId: d.profile.id, filename: `amazon-order-${order.AmazonOrderId}${cancel ? '-canceled' : ''}.json`,
        });
        summary.stored.push(order.AmazonOrderId);
      }
      if (order.LastUpdateDate && !Number.isNaN(Date.parse(order.LastUpdateDate))) cursor.high = later(cursor.high, order.LastUpdateDate);
    }
    // This page's orders are stored: remember how far they reach.
    await setChannelCursor(d.knex, d.profile.id, ORDERS_FEED, JSON.stringify(cursor));
    next = page.body?.payload?.NextToken || undefined;
  } while (next);
  // Every page read: the next pass starts from the latest update seen (inclusive, so an order
  // updated at that very instant is read again and recognised).
  if (cursor.high) {
    cursor.after = later(cursor.after, cursor.high);
    await setChannelCursor(d.knex, d.profile.id, ORDERS_FEED, JSON.stringify({ after: cursor.after, high: cursor.high }));
  }
  d.log.info({ partnerId: d.profile.id, pages: summary.pages, stored: summary.stored.length, already: summary.already, skipped: summary.skipped, after: cursor.after }, 'Amazon orders pulled');
  return summary;
}
