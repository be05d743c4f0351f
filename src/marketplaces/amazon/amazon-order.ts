import { z } from 'zod';
import type { Order, OrderLine, Party } from '../../canonical';
import type { PartnerProfile } from '../../partners/profile.schema';
import { compact, resolveItem } from '../../translators/resolve';

/**
 * One Amazon order as the pull stores it: getOrders' Order and getOrderItems' OrderItems, as
 * Amazon sent them, wrapped with what identifies it before anything is parsed. `amazonSpApi`
 * comes first so that the sniffer knows the form from the first bytes.
 */
export const STORED_FORM = 'orders/v0';

export interface StoredAmazonOrder {
  amazonSpApi: typeof STORED_FORM;
  sellerId: string;
  marketplaceId: string;
  amazonOrderId: string;
  orderStatus: string;
  order: AmazonOrder;
  orderItems: AmazonOrderItem[];
}

const Money = z.looseObject({ CurrencyCode: z.string().optional(), Amount: z.string().optional() });

/** The getOrders Order fields the gateway reads (the rest is kept in the stored bytes). */
export const AmazonOrderSchema = z.looseObject({
  AmazonOrderId: z.string().min(1),
  PurchaseDate: z.string(),
  LastUpdateDate: z.string(),
  OrderStatus: z.string(),
  FulfillmentChannel: z.string().optional(),
  OrderType: z.string().optional(),
  MarketplaceId: z.string().optional(),
  SalesChannel: z.string().optional(),
  OrderTotal: Money.optional(),
  LatestShipDate: z.string().optional(),
  LatestDeliveryDate: z.string().optional(),
  ShippingAddress: z.looseObject({
    Name: z.string().optional(),
    AddressLine1: z.string().optional(),
    AddressLine2: z.string().optional(),
    AddressLine3: z.string().optional(),
    City: z.string().optional(),
    StateOrRegion: z.string().optional(),
    PostalCode: z.string().optional(),
    CountryCode: z.string().optional(),
  }).optional(),
});

export const AmazonOrderItemSchema = z.looseObject({
  OrderItemId: z.string().min(1),
  SellerSKU: z.string().optional(),
  ASIN: z.string().optional(),
  Title: z.string().optional(),
  QuantityOrdered: z.number(),
  QuantityShipped: z.number().optional(),
  ItemPrice: Money.optional(),
});

export type AmazonOrder = z.infer<typeof AmazonOrderSchema>;
export type AmazonOrderItem = z.infer<typeof AmazonOrderItemSchema>;

/** Statuses whose order we write to Odoo: paid, address known, ours to ship. Pending ones may still be cancelled and hide the address. */
export const TAKEN_STATUSES = ['Unshipped', 'PartiallyShipped'] as const;

/** The bytes of the stored message: the wrapper first, so the sniffer's 4 KB head names the order. */
export function storedOrderBytes(sellerId: string, order: AmazonOrder, orderItems: AmazonOrderItem[], fallbackMarketplace: string): Buffer {
  const stored: StoredAmazonOrder = {
    amazonSpApi: STORED_FORM, sellerId, marketplaceId: order.MarketplaceId ?? fallbackMarketplace,
    amazonOrderId: order.AmazonOrderId, orderStatus: order.OrderStatus, order, orderItems,
  };
  return Buffer.from(`${JSON.stringify(stored, null, 2)}\n`, 'utf8');
}

export interface AmazonIssue {
  path: string;
  message: string;
  /** An item the profile's table lacks: the order is fine, a person fixes the table and replays. */
  business?: true;
}

const isoDay = (v: string | undefined): string | undefined => (v && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : undefined);

/** Amazon amounts are decimal strings; a unit price is the line's ItemPrice over its quantity, kept to 6 places. */
function unitPrice(amount: string | undefined, quantity: number): number | undefined {
  if (amount === undefined || !/^-?\d+(\.\d+)?$/.test(amount) || quantity <= 0) return undefined;
  return Math.round((Number(amount) / quantity) * 1e6) / 1e6;
}

function shipTo(order: AmazonOrder): Party | undefined {
  const a = order.ShippingAddress;
  if (!a) return undefined;
  // Name and street are personal data Amazon sends only with a Restricted Data Token; without
  // them the delivery contact is named after the order. The order id is the contact's key (code):
  // one delivery contact per order, found again on a retry.
  return compact({
    name: a.Name ?? `Amazon order ${order.AmazonOrderId}`,
    code: order.AmazonOrderId,
    address: compact({
      lines: [a.AddressLine1, a.AddressLine2, a.AddressLine3].filter((l): l is string => !!l),
      city: a.City, region: a.StateOrRegion, postalCode: a.PostalCode, country: a.CountryCode,
    }),
  });
}

/**
 * A stored Amazon order -> the canonical Order. AmazonOrderId is the PO number (Odoo's
 * client_order_ref); each OrderItemId is a line number, so a shipment confirmation finds it again
 * in the stored order; its quantity is what is left to ship (QuantityOrdered - QuantityShipped). SellerSKU is our product code unless the items table (sku column) maps it.
 * A Canceled order becomes purpose cancel.
 */
export function orderFromAmazon(raw: unknown, profile: PartnerProfile, opts: { messageId?: number } = {}): { order?: Order; issues: AmazonIssue[] } {
  const issues: AmazonIssue[] = [];
  const top = raw as Partial<StoredAmazonOrder> | undefined;
  if (!top || typeof top !== 'object' || top.amazonSpApi !== STORED_FORM) return { issues: [{ path: 'amazonSpApi', message: `not a stored Amazon order (amazonSpApi is not '${STORED_FORM}')` }] };
  const parsedOrder = AmazonOrderSchema.safeParse(top.order);
  if (!parsedOrder.success) {
    return { issues: parsedOrder.error.issues.map((i) => ({ path: ['order', ...i.path].join('.'), message: `order.${i.path.join('.')}: ${i.message}` })) };
  }
  const order = parsedOrder.data;
  const cancel = order.OrderStatus === 'Canceled';
  if (!cancel && !(TAKEN_STATUSES as readonly string[]).includes(order.OrderStatus)) {
    issues.push({ path: 'order.OrderStatus', message: `order ${order.AmazonOrderId} is ${order.OrderStatus}: the gateway takes ${TAKEN_STATUSES.join(', ')} and Canceled` });
  }
  const items = Array.isArray(top.orderItems) ? top.orderItems : [];
  if (!cancel && !items.length) issues.push({ path: 'orderItems', message: `order ${order.AmazonOrderId} has no order items` });
  const currency = order.OrderTotal?.CurrencyCode;
  const lines: OrderLine[] = [];
  items.forEach((rawItem, i) => {
    const at = `orderItems[${i}]`;
    const parsed = AmazonOrderItemSchema.safeParse(rawItem);
    if (!parsed.success) {
      for (const e of parsed.error.issues) issues.push({ path: [at, ...e.path].join('.'), message: `${[at, ...e.path].join('.')}: ${e.message}` });
      return;
    }
    const item = parsed.data;
    // What is left to ship: a PartiallyShipped order seen for the first time was partly shipped
    // outside the gateway (Seller Central); a line cancelled before we took the order has nothing.
    const quantity = item.QuantityOrdered - (item.QuantityShipped ?? 0);
    if (quantity <= 0) return;
    if (!item.SellerSKU) { issues.push({ path: `${at}.SellerSKU`, message: `${at} (OrderItemId ${item.OrderItemId}): SellerSKU is missing` }); return; }
    const price = unitPrice(item.ItemPrice?.Amount, item.QuantityOrdered);
    if (!cancel && item.ItemPrice?.Amount !== undefined && price === undefined) {
      issues.push({ path: `${at}.ItemPrice.Amount`, message: `${at}: ItemPrice.Amount '${item.ItemPrice.Amount}' is not a number` });
    }
    const lineCurrency = item.ItemPrice?.CurrencyCode;
    if (currency && lineCurrency && lineCurrency !== currency) {
      issues.push({ path: `${at}.ItemPrice.CurrencyCode`, message: `${at}: ItemPrice.CurrencyCode ${lineCurrency} differs from the order's ${currency}` });
    }
    const ids = compact({ sku: item.SellerSKU, buyerItem: item.ASIN });
    const resolved = profile.xref?.items ? resolveItem(profile, ids, { lineNumber: item.OrderItemId }) : { productCode: item.SellerSKU };
    if (resolved.issue && !cancel) issues.push({ path: `${at}.SellerSKU`, message: `${at}: ${resolved.issue.message}`, business: true });
    lines.push(compact({
      lineNumber: item.OrderItemId, quantity, uom: 'EA', unitPrice: price, ids,
      description: item.Title, productCode: resolved.productCode,
    }));
  });
  const to = shipTo(order);
  if (!cancel && !to) issues.push({ path: 'order.ShippingAddress', message: `order ${order.AmazonOrderId} has no ShippingAddress` });
  const poDate = isoDay(order.PurchaseDate);
  if (!poDate) issues.push({ path: 'order.PurchaseDate', message: `order.PurchaseDate '${order.PurchaseDate}' is not an ISO 8601 date` });
  if (issues.some((i) => !i.business) || !poDate) return { issues };

  const marketplaceId = order.MarketplaceId ?? top.marketplaceId ?? '';
  const result: Order = compact({
    type: 'order' as const,
    partnerId: profile.id,
    source: compact({
      standard: 'REST' as const, version: `amazon-${STORED_FORM}`, senderId: top.sellerId ?? '', receiverId: marketplaceId,
      interchangeControl: order.AmazonOrderId, setControl: order.AmazonOrderId, messageId: opts.messageId,
    }),
    poNumber: order.AmazonOrderId,
    poDate,
    purpose: cancel ? 'cancel' as const : 'original' as const,
    orderType: order.OrderType,
    currency: currency ?? items.map((i) => (i as AmazonOrderItem).ItemPrice?.CurrencyCode).find(Boolean),
    shipTo: to,
    dates: compact({ requestedShip: isoDay(order.LatestShipDate), requestedDelivery: isoDay(order.LatestDeliveryDate) }),
    references: [
      { qualifier: 'MarketplaceId', value: marketplaceId },
      ...(order.SalesChannel ? [{ qualifier: 'SalesChannel', value: order.SalesChannel }] : []),
      ...(order.FulfillmentChannel ? [{ qualifier: 'FulfillmentChannel', value: order.FulfillmentChannel }] : []),
    ],
    lines,
    notes: [],
  });
  return { order: result, issues };
}
