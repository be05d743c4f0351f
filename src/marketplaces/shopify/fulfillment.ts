import type { CanonicalDocument, Shipment } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import type { Logger } from '../../log/logger';
import type { PartnerProfile } from '../../partners/profile.schema';
import type { ChannelMessage, ChannelRendered } from '../marketplace';
import { ShopifyClient } from './graphql-client';

/**
 * A done Odoo delivery of a Shopify order -> a Shopify fulfillment. render() writes what to send
 * (stored as the outbound message, readable in the message log); deliver() finds the order and
 * its open fulfillment orders and creates the fulfillment with fulfillmentCreate.
 */
export interface FulfillmentRequest {
  shopify: 'fulfillment';
  /** The order's name (#1001): the canonical poNumber, which Odoo's sale order keeps as client_order_ref. */
  orderName: string;
  /** The Odoo delivery (WH/OUT/00012), for the trail. */
  shipmentId: string;
  notifyCustomer: boolean;
  trackingInfo?: { company?: string; numbers: string[] };
  /** What left, per order line: the Shopify line item (its id is the canonical lineNumber) and the SKU. */
  lines: { lineItemId?: string; sku?: string; quantity: number }[];
}

/** Carriers by SCAC as Shopify names them in trackingInfo.company (its list of supported carriers). */
const SHOPIFY_CARRIER: Record<string, string> = {
  UPSN: 'UPS', UPSS: 'UPS', UPGF: 'UPS', FDEG: 'FedEx', FDXE: 'FedEx', FDEX: 'FedEx', FXFE: 'FedEx', USPS: 'USPS',
  DHLC: 'DHL Express', DHL: 'DHL Express', DHLE: 'DHL Express', ODFL: 'Old Dominion',
};

export function trackingCompany(shipment: Shipment, profile: PartnerProfile): string | undefined {
  const c = shipment.carrier;
  return c?.name ?? (c?.scac ? SHOPIFY_CARRIER[c.scac.toUpperCase()] ?? c.scac : undefined) ?? profile.shopify?.fulfillment.trackingCompany;
}

/** Pure: the canonical Shipment -> the stored fulfillment request. */
export function renderFulfillment(doc: CanonicalDocument, profile: PartnerProfile): ChannelRendered {
  if (doc.type !== 'shipment') throw new GatewayError('DOCUMENT_UNRENDERABLE', `a Shopify store takes shipments back, not ${doc.type} documents`);
  const order = doc.orders[0];
  if (!order || doc.orders.length > 1) throw new GatewayError('DOCUMENT_UNRENDERABLE', `shipment ${doc.shipmentId}: a Shopify fulfillment is for one order, this shipment has ${doc.orders.length}`);
  const items = [...order.items, ...order.packs.flatMap((p) => p.items)].filter((i) => i.quantity > 0);
  if (!items.length) throw new GatewayError('DOCUMENT_UNRENDERABLE', `shipment ${doc.shipmentId} for ${order.poNumber} ships nothing`);
  const numbers = [doc.trackingNumber, ...doc.references.filter((r) => r.qualifier === '2I').map((r) => r.value), ...order.packs.map((p) => p.trackingNumber)]
    .filter((n): n is string => !!n).filter((n, i, all) => all.indexOf(n) === i);
  const company = trackingCompany(doc, profile);
  const req: FulfillmentRequest = {
    shopify: 'fulfillment', orderName: order.poNumber, shipmentId: doc.shipmentId,
    notifyCustomer: profile.shopify?.fulfillment.notifyCustomer ?? true,
    ...(numbers.length || company ? { trackingInfo: { ...(company ? { company } : {}), numbers } } : {}),
    lines: items.map((i) => ({
      // Lines of an order the gateway pulled are numbered by their Shopify line item id.
      ...(i.lineNumber && /^\d+$/.test(i.lineNumber) ? { lineItemId: `gid://shopify/LineItem/${i.lineNumber}` } : {}),
      ...(i.ids.sku ?? i.productCode ? { sku: i.ids.sku ?? i.productCode } : {}),
      quantity: i.quantity,
    })),
  };
  const units = req.lines.reduce((n, l) => n + l.quantity, 0);
  return {
    label: `fulfillment-${order.poNumber.replace(/[^A-Za-z0-9-]/g, '')}-${doc.shipmentId}`,
    content: Buffer.from(`${JSON.stringify(req, null, 2)}\n`, 'utf8'),
    description: `Shopify fulfillment for order ${order.poNumber} (${req.lines.length} line(s), ${units} unit(s)${numbers.length ? `, tracking ${numbers.join(', ')}` : ', no tracking'})`,
  };
}

interface FulfillmentOrderNode {
  id: string;
  status: string;
  assignedLocation?: { location?: { id: string } | null } | null;
  lineItems: { nodes: { id: string; remainingQuantity: number; lineItem: { id: string; sku?: string | null } }[] };
}

const FIND_ORDER = `query FindOrder($query: String!) { orders(first: 5, query: $query) { nodes { id name } } }`;
const FULFILLMENT_ORDERS = `query FulfillmentOrders($id: ID!) {
  order(id: $id) { id name fulfillmentOrders(first: 10) { nodes { id status assignedLocation { location { id } }
    lineItems(first: 50) { nodes { id remainingQuantity lineItem { id sku } } } } } }
}`;
const FULFILLMENT_CREATE = `mutation FulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status trackingInfo { company number } }
    userErrors { field message }
  }
}`;

/** Fulfillment orders whose items may still be fulfilled by us. */
const FULFILLABLE = new Set(['OPEN', 'IN_PROGRESS']);

export interface Allocation {
  /** Per location: the fulfillment order line items and quantities, as lineItemsByFulfillmentOrder takes them. */
  byLocation: Map<string, { fulfillmentOrderId: string; fulfillmentOrderLineItems: { id: string; quantity: number }[] }[]>;
  /** Units shipped in Odoo that no open fulfillment order line has room for (already fulfilled, or not in the order). */
  unplaced: { line: string; quantity: number }[];
}

/** Pure: what left -> the open fulfillment order lines it fulfils, by line item id, else by SKU. */
export function allocate(lines: FulfillmentRequest['lines'], fulfillmentOrders: FulfillmentOrderNode[]): Allocation {
  const open = fulfillmentOrders.filter((fo) => FULFILLABLE.has(fo.status));
  const room = new Map<string, number>();
  for (const fo of open) for (const li of fo.lineItems.nodes) room.set(li.id, li.remainingQuantity);
  const picked = new Map<string, Map<string, number>>();
  const unplaced: Allocation['unplaced'] = [];
  for (const line of lines) {
    let left = line.quantity;
    for (const fo of open) {
      for (const li of fo.lineItems.nodes) {
        if (left <= 0) break;
        const same = line.lineItemId ? li.lineItem.id === line.lineItemId : !!line.sku && li.lineItem.sku === line.sku;
        const free = room.get(li.id) ?? 0;
        if (!same || free <= 0) continue;
        const take = Math.min(free, left);
        room.set(li.id, free - take);
        left -= take;
        const forFo = picked.get(fo.id) ?? new Map<string, number>();
        forFo.set(li.id, (forFo.get(li.id) ?? 0) + take);
        picked.set(fo.id, forFo);
      }
    }
    if (left > 0) unplaced.push({ line: line.lineItemId ?? line.sku ?? '?', quantity: left });
  }
  const byLocation: Allocation['byLocation'] = new Map();
  for (const fo of open) {
    const items = picked.get(fo.id);
    if (!items) continue;
    const loc = fo.assignedLocation?.location?.id ?? '';
    const list = byLocation.get(loc) ?? [];
    list.push({ fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [...items].map(([id, quantity]) => ({ id, quantity })) });
    byLocation.set(loc, list);
  }
  return { byLocation, unplaced };
}

/**
 * Sends one stored fulfillment request. The order is found by its name, its open fulfillment
 * orders read, and what left is fulfilled (one fulfillmentCreate per location, as Shopify asks).
 * Run again (a retry after a lost answer, a replay) it finds those lines fulfilled and sends nothing
 * twice. userErrors are CHANNEL_REFUSED (parked for a person); throttling and 5xx are retried by
 * the client, then by the queue.
 */
export async function deliverFulfillment(message: ChannelMessage, profile: PartnerProfile, deps: { log: Logger; fetch?: typeof fetch }): Promise<{ ref: string }> {
  const s = profile.shopify;
  if (!s) throw new GatewayError('INTERNAL', `${profile.id} is not a Shopify store`);
  let req: FulfillmentRequest;
  try {
    req = JSON.parse(message.content.toString('utf8')) as FulfillmentRequest;
  } catch (err) {
    throw new GatewayError('CHANNEL_REFUSED', `message ${message.messageId} is not a stored Shopify fulfillment: ${(err as Error).message}`);
  }
  if (req?.shopify !== 'fulfillment' || !req.orderName || !Array.isArray(req.lines)) {
    throw new GatewayError('CHANNEL_REFUSED', `message ${message.messageId} is not a stored Shopify fulfillment request`);
  }
  const client = new ShopifyClient(s, { log: deps.log, fetch: deps.fetch });
  const found = await client.query<{ orders: { nodes: { id: string; name: string }[] } }>(FIND_ORDER, { query: `name:'${req.orderName.replace(/'/g, '')}'` }, { expectedCost: 12 });
  const order = found.data.orders?.nodes?.find((o) => o.name === req.orderName);
  if (!order) throw new GatewayError('CHANNEL_REFUSED', `Shopify ${s.shop} has no order named ${req.orderName}`, { order: req.orderName });
  const fos = await client.query<{ order: { fulfillmentOrders: { nodes: FulfillmentOrderNode[] } } | null }>(FULFILLMENT_ORDERS, { id: order.id }, { expectedCost: 520 });
  const nodes = fos.data.order?.fulfillmentOrders?.nodes;
  if (!Array.isArray(nodes)) throw new GatewayError('CHANNEL_REFUSED', `Shopify order ${req.orderName}: its fulfillment orders could not be read`);
  const { byLocation, unplaced } = allocate(req.lines, nodes);
  const log = deps.log.child({ partnerId: profile.id, order: req.orderName, shipment: req.shipmentId });
  if (unplaced.length) log.warn({ unplaced }, 'Shopify fulfillment: shipped units with no open fulfillment order line (already fulfilled, or not in the order)');
  if (!byLocation.size) {
    // Everything already fulfilled: the same request delivered before (an answer lost on the way back).
    if (nodes.length && nodes.every((fo) => !FULFILLABLE.has(fo.status) || fo.lineItems.nodes.every((li) => li.remainingQuantity === 0))) {
      return { ref: `${order.id}: already fulfilled` };
    }
    throw new GatewayError('CHANNEL_REFUSED', `Shopify order ${req.orderName}: nothing shipped matches an open fulfillment order line (${unplaced.map((u) => `${u.line} x ${u.quantity}`).join(', ')})`);
  }
  const tracking = req.trackingInfo;
  const refs: string[] = [];
  for (const lineItemsByFulfillmentOrder of byLocation.values()) {
    const fulfillment = {
      lineItemsByFulfillmentOrder,
      notifyCustomer: req.notifyCustomer,
      ...(tracking && (tracking.numbers.length || tracking.company) ? {
        trackingInfo: {
          ...(tracking.company ? { company: tracking.company } : {}),
          ...(tracking.numbers.length === 1 ? { number: tracking.numbers[0] } : tracking.numbers.length ? { numbers: tracking.numbers } : {}),
        },
      } : {}),
    };
    const r = await client.query<{ fulfillmentCreate: { fulfillment: { id: string } | null; userErrors: { field?: string[] | null; message: string }[] } }>(
      FULFILLMENT_CREATE, { fulfillment }, { expectedCost: 10 });
    const payload = r.data.fulfillmentCreate;
    if (payload?.userErrors?.length) {
      throw new GatewayError('CHANNEL_REFUSED', `Shopify refused the fulfillment of ${req.orderName}: ${payload.userErrors.map((e) => `${e.field?.join('.') ?? ''}${e.field?.length ? ': ' : ''}${e.message}`).join('; ')}`,
        { userErrors: payload.userErrors, fulfilledBefore: refs });
    }
    if (!payload?.fulfillment?.id) throw new GatewayError('CHANNEL_REFUSED', `Shopify answered the fulfillment of ${req.orderName} without a fulfillment`);
    refs.push(payload.fulfillment.id);
  }
  log.info({ fulfillments: refs }, 'Shopify fulfillment created');
  return { ref: `${refs.join(', ')} for ${req.orderName}${unplaced.length ? ` (${unplaced.reduce((n, u) => n + u.quantity, 0)} unit(s) had no open line)` : ''}` };
}
