/**
 * The Admin GraphQL API's Order as the gateway asks for it (ORDER_FIELDS): the fields the
 * canonical Order is made of, nothing about payment or the customer's account. Types follow
 * the 2025-01 schema; every field may be null where Shopify's is nullable.
 */
export interface MoneyBag {
  shopMoney?: { amount: string; currencyCode: string } | null;
}

export interface MailingAddress {
  name?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  province?: string | null;
  provinceCode?: string | null;
  zip?: string | null;
  country?: string | null;
  countryCodeV2?: string | null;
  phone?: string | null;
}

export interface ShopifyLineItem {
  id: string;
  sku?: string | null;
  name?: string | null;
  title?: string | null;
  quantity: number;
  /** The quantity after removals and edits: what is still to be shipped or was shipped. */
  currentQuantity?: number | null;
  variant?: { sku?: string | null } | null;
  originalUnitPriceSet?: MoneyBag | null;
  discountedUnitPriceSet?: MoneyBag | null;
}

export interface ShopifyOrder {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt?: string | null;
  cancelReason?: string | null;
  test?: boolean | null;
  currencyCode?: string | null;
  note?: string | null;
  poNumber?: string | null;
  email?: string | null;
  shippingAddress?: MailingAddress | null;
  billingAddress?: MailingAddress | null;
  shippingLines?: { nodes: { title?: string | null; code?: string | null; carrierIdentifier?: string | null }[] } | null;
  lineItems?: { pageInfo?: { hasNextPage: boolean; endCursor?: string | null }; nodes: ShopifyLineItem[] } | null;
}

const ADDRESS = 'name company address1 address2 city province provinceCode zip country countryCodeV2 phone';
const LINE = 'id sku name title quantity currentQuantity variant { sku } originalUnitPriceSet { shopMoney { amount currencyCode } } '
  + 'discountedUnitPriceSet { shopMoney { amount currencyCode } }';

/** Line items per order in the page query; an order with more gets the rest by ORDER_LINES_QUERY. */
export const LINES_PER_ORDER = 50;

export const ORDER_FIELDS = `id name createdAt updatedAt cancelledAt cancelReason test currencyCode note poNumber email
  shippingAddress { ${ADDRESS} } billingAddress { ${ADDRESS} }
  shippingLines(first: 5) { nodes { title code carrierIdentifier } }
  lineItems(first: ${LINES_PER_ORDER}) { pageInfo { hasNextPage endCursor } nodes { ${LINE} } }`;

/** Orders updated since the watermark, oldest change first, a page at a time. */
export const ORDERS_QUERY = `query Orders($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ${ORDER_FIELDS} }
  }
}`;

/** The rest of a long order's line items. */
export const ORDER_LINES_QUERY = `query OrderLines($id: ID!, $after: String) {
  order(id: $id) { lineItems(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${LINE} } } }
}`;

/** The search filter of the order pull: updated at or after the watermark (the same second again is deduplicated). */
export function ordersSearch(since: string): string {
  return `updated_at:>='${since}'`;
}
