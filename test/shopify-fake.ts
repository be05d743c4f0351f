import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ShopifyOrder } from '../src/marketplaces/shopify/shopify-order';

/**
 * A local stand-in for one store's Admin GraphQL API (POST /admin/api/<version>/graphql.json),
 * answering the operations the gateway sends with the documented shapes: connections with
 * pageInfo/endCursor, extensions.cost with throttleStatus on every answer, THROTTLED errors when
 * the bucket is short, 401 for a wrong token, userErrors in mutation payloads. Faults can be
 * scripted per operation (THROTTLED, 429 with Retry-After, 500).
 */
export interface FakeRequest { op: string; variables: Record<string, any>; token?: string; status: number }

type Fault = { kind: 'throttled' } | { kind: '429'; retryAfter?: string } | { kind: '500' } | { kind: 'userErrors'; errors: { field: string[]; message: string }[] };

export interface FakeShopify {
  url: string;
  orders: ShopifyOrder[];
  requests: FakeRequest[];
  fulfillments: { input: any; id: string }[];
  inventorySets: any[];
  /** SKU -> inventory item gid. */
  variants: Map<string, string>;
  /** The bucket the next answer reports; currentlyAvailable refills at restoreRate per second. */
  bucket: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number; at: number };
  fail(op: string, fault: Fault): void;
  ops(name: string): FakeRequest[];
  close(): Promise<void>;
}

const COST: Record<string, number> = { Orders: 0, OrderLines: 102, FindOrder: 7, FulfillmentOrders: 260, FulfillmentCreate: 10, Variants: 102, Locations: 3, SetQuantities: 10 };

export async function startFakeShopify(o: { token: string; version?: string }): Promise<FakeShopify> {
  const version = o.version ?? '2025-01';
  const faults = new Map<string, Fault[]>();
  /** fulfilled quantity per line item gid. */
  const fulfilled = new Map<string, number>();
  const fake: FakeShopify = {
    url: '', orders: [], requests: [], fulfillments: [], inventorySets: [], variants: new Map(),
    bucket: { maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 1000, at: Date.now() },
    fail(op, fault) { faults.set(op, [...(faults.get(op) ?? []), fault]); },
    ops(name) { return fake.requests.filter((r) => r.op === name); },
    close: () => new Promise((r) => server.close(() => r())),
  };

  const remaining = (order: ShopifyOrder, lineId: string) => {
    const line = order.lineItems!.nodes.find((l) => l.id === lineId)!;
    return (line.currentQuantity ?? line.quantity) - (fulfilled.get(lineId) ?? 0);
  };
  const foId = (order: ShopifyOrder) => order.id.replace('/Order/', '/FulfillmentOrder/');
  const foLineId = (lineId: string) => lineId.replace('/LineItem/', '/FulfillmentOrderLineItem/');

  const answer = (op: string, v: Record<string, any>): { data?: any; errors?: any[] } => {
    switch (op) {
      case 'Orders': {
        const since = /updated_at:>='([^']+)'/.exec(v.query)?.[1];
        const list = fake.orders.filter((x) => !since || Date.parse(x.updatedAt) >= Date.parse(since))
          .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id));
        const start = v.after ? Number(Buffer.from(v.after, 'base64').toString()) : 0;
        const nodes = list.slice(start, start + v.first).map((x) => structuredClone(x));
        // As Shopify: the first 50 line items, with their pageInfo.
        for (const n of nodes) {
          const all = n.lineItems!.nodes;
          n.lineItems = { pageInfo: { hasNextPage: all.length > 50, endCursor: all.length > 50 ? Buffer.from('50').toString('base64') : null }, nodes: all.slice(0, 50) };
        }
        const end = start + nodes.length;
        return { data: { orders: { pageInfo: { hasNextPage: end < list.length, endCursor: nodes.length ? Buffer.from(String(end)).toString('base64') : null }, nodes } } };
      }
      case 'OrderLines': {
        const order = fake.orders.find((x) => x.id === v.id);
        const start = v.after ? Number(Buffer.from(v.after, 'base64').toString()) : 0;
        const all = order?.lineItems?.nodes ?? [];
        const nodes = all.slice(start, start + 100);
        const end = start + nodes.length;
        return { data: { order: order ? { lineItems: { pageInfo: { hasNextPage: end < all.length, endCursor: Buffer.from(String(end)).toString('base64') }, nodes } } : null } };
      }
      case 'FindOrder': {
        const name = /name:'([^']+)'/.exec(v.query)?.[1];
        return { data: { orders: { nodes: fake.orders.filter((x) => x.name === name || x.name === `#${name}`).map((x) => ({ id: x.id, name: x.name })) } } };
      }
      case 'FulfillmentOrders': {
        const order = fake.orders.find((x) => x.id === v.id);
        if (!order) return { data: { order: null } };
        const lines = order.lineItems!.nodes.map((l) => ({ id: foLineId(l.id), remainingQuantity: remaining(order, l.id), lineItem: { id: l.id, sku: l.sku } }));
        const open = lines.some((l) => l.remainingQuantity > 0);
        return { data: { order: { id: order.id, name: order.name, fulfillmentOrders: { nodes: [
          { id: foId(order), status: open ? 'OPEN' : 'CLOSED', assignedLocation: { location: { id: 'gid://shopify/Location/1' } }, lineItems: { nodes: lines } }] } } } };
      }
      case 'FulfillmentCreate': {
        const input = v.fulfillment;
        const errors: { field: string[]; message: string }[] = [];
        for (const g of input.lineItemsByFulfillmentOrder ?? []) {
          const order = fake.orders.find((x) => foId(x) === g.fulfillmentOrderId);
          if (!order) { errors.push({ field: ['fulfillment'], message: 'Fulfillment order does not exist.' }); continue; }
          for (const li of g.fulfillmentOrderLineItems) {
            const lineId = li.id.replace('/FulfillmentOrderLineItem/', '/LineItem/');
            if (li.quantity > remaining(order, lineId)) errors.push({ field: ['fulfillment'], message: 'Invalid fulfillment order line item quantity requested.' });
          }
        }
        if (errors.length) return { data: { fulfillmentCreate: { fulfillment: null, userErrors: errors } } };
        for (const g of input.lineItemsByFulfillmentOrder) {
          for (const li of g.fulfillmentOrderLineItems) {
            const lineId = li.id.replace('/FulfillmentOrderLineItem/', '/LineItem/');
            fulfilled.set(lineId, (fulfilled.get(lineId) ?? 0) + li.quantity);
          }
        }
        const id = `gid://shopify/Fulfillment/${900 + fake.fulfillments.length}`;
        fake.fulfillments.push({ input, id });
        return { data: { fulfillmentCreate: { fulfillment: { id, status: 'SUCCESS', trackingInfo: input.trackingInfo ? [{ company: input.trackingInfo.company ?? null, number: input.trackingInfo.number ?? input.trackingInfo.numbers?.[0] ?? null }] : [] }, userErrors: [] } } };
      }
      case 'Variants': {
        const skus = [...String(v.query).matchAll(/sku:'([^']+)'/g)].map((m) => m[1]);
        return { data: { productVariants: { nodes: skus.filter((s) => fake.variants.has(s)).map((sku) => ({ sku, inventoryItem: { id: fake.variants.get(sku) } })) } } };
      }
      case 'Locations':
        return { data: { locations: { nodes: [{ id: 'gid://shopify/Location/1', name: 'Main warehouse' }] } } };
      case 'SetQuantities': {
        const input = v.input;
        const known = new Set(fake.variants.values());
        const userErrors = (input.quantities as any[]).flatMap((q, i) => (known.has(q.inventoryItemId) ? []
          : [{ code: 'INVALID_INVENTORY_ITEM', field: ['input', 'quantities', String(i), 'inventoryItemId'], message: 'The specified inventory item could not be found.' }]));
        fake.inventorySets.push(input);
        return { data: { inventorySetQuantities: { inventoryAdjustmentGroup: userErrors.length === input.quantities.length ? null : { reason: input.reason, changes: [] }, userErrors } } };
      }
      default:
        return { errors: [{ message: `Field '${op}' doesn't exist on type 'QueryRoot'`, extensions: { code: 'undefinedField' } }] };
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      const token = req.headers['x-shopify-access-token'] as string | undefined;
      let parsed: { query?: string; variables?: Record<string, any> } = {};
      try { parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { /* below */ }
      const op = /^\s*(?:query|mutation)\s+(\w+)/.exec(parsed.query ?? '')?.[1] ?? '?';
      const record = (status: number) => fake.requests.push({ op, variables: parsed.variables ?? {}, token, status });
      if (req.method !== 'POST' || req.url !== `/admin/api/${version}/graphql.json`) { record(404); return send(404, { errors: 'Not Found' }); }
      if (token !== o.token) { record(401); return send(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }); }
      const b = fake.bucket;
      const now = Date.now();
      b.currentlyAvailable = Math.min(b.maximumAvailable, b.currentlyAvailable + ((now - b.at) / 1000) * b.restoreRate);
      b.at = now;
      const requested = op === 'Orders' ? (parsed.variables?.first ?? 10) * 58 + 2 : COST[op] ?? 1;
      const cost = (actual: number | null) => ({ cost: { requestedQueryCost: requested, actualQueryCost: actual,
        throttleStatus: { maximumAvailable: b.maximumAvailable, currentlyAvailable: Math.floor(b.currentlyAvailable), restoreRate: b.restoreRate } } });
      const fault = faults.get(op)?.shift();
      if (fault?.kind === '429') { record(429); return send(429, { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}); }
      if (fault?.kind === '500') { record(500); return send(500, { errors: 'Internal Server Error' }); }
      if (fault?.kind === 'throttled' || requested > b.currentlyAvailable) {
        // As documented: HTTP 200, errors[].extensions.code THROTTLED, no data, actualQueryCost null.
        if (fault?.kind === 'throttled') b.currentlyAvailable = Math.max(0, requested - b.restoreRate * 0.2);
        record(200);
        return send(200, { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }], extensions: cost(null) });
      }
      const body = fault?.kind === 'userErrors'
        ? { data: { [op === 'FulfillmentCreate' ? 'fulfillmentCreate' : 'inventorySetQuantities']: { userErrors: fault.errors } } }
        : answer(op, parsed.variables ?? {});
      const actual = Math.max(1, Math.ceil(requested / 4));
      b.currentlyAvailable -= actual;
      record(200);
      return send(200, { ...body, extensions: cost(actual) });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** A Shopify order as the Admin API returns it, with our ORDER_FIELDS. */
export function shopifyOrder(n: number, o: { updatedAt: string; lines?: { sku: string | null; qty: number; price: string }[]; name?: string; ship?: Partial<Record<string, string>>; cancelledAt?: string }): ShopifyOrder {
  const id = `gid://shopify/Order/${5500000 + n}`;
  const lines = o.lines ?? [{ sku: 'RW-12', qty: 2, price: '12.50' }, { sku: 'BW-STD', qty: 3, price: '4.00' }];
  return {
    id, name: o.name ?? `#${n}`, createdAt: '2026-12-02T15:04:05Z', updatedAt: o.updatedAt, cancelledAt: o.cancelledAt ?? null, cancelReason: o.cancelledAt ? 'CUSTOMER' : null,
    test: false, currencyCode: 'USD', note: 'Leave at the back door', poNumber: null, email: 'shopper@example.com',
    shippingAddress: { name: 'Jane Shopper', company: null, address1: '12 Elm Street', address2: 'Apt 4', city: 'Evanston', province: 'Illinois', provinceCode: 'IL', zip: '60201', country: 'United States', countryCodeV2: 'US', phone: null, ...o.ship },
    billingAddress: { name: 'Jane Shopper', company: null, address1: '12 Elm Street', address2: null, city: 'Evanston', province: 'Illinois', provinceCode: 'IL', zip: '60201', country: 'United States', countryCodeV2: 'US', phone: null },
    shippingLines: { nodes: [{ title: 'Standard Shipping', code: 'STANDARD', carrierIdentifier: null }] },
    lineItems: {
      pageInfo: { hasNextPage: false, endCursor: null },
      nodes: lines.map((l, i) => ({
        id: `gid://shopify/LineItem/${(5500000 + n) * 10 + i}`, sku: l.sku, name: `Item ${l.sku ?? i}`, title: `Item ${l.sku ?? i}`, quantity: l.qty, currentQuantity: l.qty,
        variant: { sku: l.sku }, originalUnitPriceSet: { shopMoney: { amount: l.price, currencyCode: 'USD' } }, discountedUnitPriceSet: { shopMoney: { amount: l.price, currencyCode: 'USD' } },
      })),
    },
  };
}
