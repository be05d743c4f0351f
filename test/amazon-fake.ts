import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Login with Amazon and the SP-API operations the channel calls, with the
 * request and response shapes of the public references (getOrders, getOrderItems, getOrder,
 * confirmShipment, patchListingsItem; the LWA token endpoint): payload wrappers, NextToken
 * pagination, `errors` arrays, x-amzn-RateLimit-Limit headers, 403 Unauthorized for an expired
 * access token, 400 invalid_grant from LWA. Faults are queued per operation.
 */
export interface FakeOrder {
  AmazonOrderId: string;
  PurchaseDate: string;
  LastUpdateDate: string;
  OrderStatus: string;
  FulfillmentChannel?: string;
  MarketplaceId?: string;
  OrderTotal?: { CurrencyCode: string; Amount: string };
  ShippingAddress?: Record<string, string>;
  [k: string]: unknown;
}
export interface FakeItem { OrderItemId: string; SellerSKU: string; ASIN: string; Title: string; QuantityOrdered: number; ItemPrice: { CurrencyCode: string; Amount: string } }
export interface Fault { status: number; body?: unknown; raw?: string; headers?: Record<string, string> }
export interface Recorded { op: string; method: string; path: string; query: URLSearchParams; headers: http.IncomingHttpHeaders; body: any }

export const CLIENT = { id: 'amzn1.application-oa2-client.test', secret: 'lwa-secret-test', refresh: 'Atzr|refresh-test' };

export class FakeAmazon {
  orders: FakeOrder[] = [];
  items = new Map<string, FakeItem[]>();
  ordersPageSize = 2;
  itemsPageSize = 1;
  tokenSeconds = 3600;
  /** Access tokens handed out; those in `expired` are answered 403. */
  issued: string[] = [];
  expired = new Set<string>();
  faults = new Map<string, Fault[]>();
  requests: Recorded[] = [];
  /** SKUs the listings API answers INVALID. */
  invalidSkus = new Set<string>();
  /** Orders confirmShipment refuses (400), e.g. already shipped. */
  refuseShipment = new Set<string>();
  rateLimit: Record<string, string> = { getOrders: '0.0167', getOrderItems: '0.5', getOrder: '0.5', confirmShipment: '2', patchListingsItem: '5' };
  private pages = new Map<string, unknown[]>();
  private server!: http.Server;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => { void this.handle(req, res); });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  fault(op: string, ...f: Fault[]): void {
    this.faults.set(op, [...(this.faults.get(op) ?? []), ...f]);
  }

  calls(op: string): Recorded[] {
    return this.requests.filter((r) => r.op === op);
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': `req-${this.requests.length}`, ...headers });
    res.end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
  }

  private page(key: string, all: unknown[], size: number): { slice: unknown[]; next?: string } {
    const slice = all.slice(0, size);
    const rest = all.slice(size);
    if (!rest.length) return { slice };
    const next = `${key}-next-${this.pages.size + 1}`;
    this.pages.set(next, rest);
    return { slice, next };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const u = new URL(req.url!, this.url);
    const q = u.searchParams;
    const p = u.pathname;
    let op = 'unknown';
    if (req.method === 'POST' && p === '/auth/o2/token') op = 'token';
    else if (req.method === 'GET' && p === '/orders/v0/orders') op = 'getOrders';
    else if (req.method === 'GET' && /^\/orders\/v0\/orders\/[^/]+\/orderItems$/.test(p)) op = 'getOrderItems';
    else if (req.method === 'GET' && /^\/orders\/v0\/orders\/[^/]+$/.test(p)) op = 'getOrder';
    else if (req.method === 'POST' && /^\/orders\/v0\/orders\/[^/]+\/shipmentConfirmation$/.test(p)) op = 'confirmShipment';
    else if (req.method === 'PATCH' && /^\/listings\/2021-08-01\/items\/[^/]+\/[^/]+$/.test(p)) op = 'patchListingsItem';
    let body: any = text;
    try { body = op === 'token' ? Object.fromEntries(new URLSearchParams(text)) : text ? JSON.parse(text) : undefined; } catch { /* kept as text */ }
    this.requests.push({ op, method: req.method!, path: p, query: q, headers: req.headers, body });
    if (op === 'unknown') return this.send(res, 404, { errors: [{ code: 'NotFound', message: `no ${req.method} ${p}` }] });

    if (op === 'token') {
      if (body.grant_type !== 'refresh_token' || !String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
        return this.send(res, 400, { error: 'unsupported_grant_type', error_description: 'grant_type must be refresh_token, form-encoded' });
      }
      if (body.client_id !== CLIENT.id || body.client_secret !== CLIENT.secret) return this.send(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
      if (body.refresh_token !== CLIENT.refresh) return this.send(res, 400, { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : refresh_token' });
      const token = `Atza|access-${this.issued.length + 1}`;
      this.issued.push(token);
      return this.send(res, 200, { access_token: token, refresh_token: CLIENT.refresh, token_type: 'bearer', expires_in: this.tokenSeconds });
    }

    const token = String(req.headers['x-amz-access-token'] ?? '');
    if (!this.issued.includes(token)) return this.send(res, 403, { errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: '' }] });
    if (this.expired.has(token)) return this.send(res, 403, { errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: 'The access token you provided has expired.' }] });
    const fault = this.faults.get(op)?.shift();
    if (fault) {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      return void res.end(fault.raw ?? (fault.body === undefined ? undefined : JSON.stringify(fault.body)));
    }
    const limit = { 'x-amzn-ratelimit-limit': this.rateLimit[op] };

    if (op === 'getOrders') {
      if (!q.get('MarketplaceIds')) return this.send(res, 400, { errors: [{ code: 'InvalidInput', message: 'MarketplaceIds is required' }] }, limit);
      const next = q.get('NextToken');
      if (next) {
        const rest = this.pages.get(next);
        if (!rest) return this.send(res, 400, { errors: [{ code: 'InvalidInput', message: 'Invalid NextToken' }] }, limit);
        this.pages.delete(next);
        const pg = this.page('orders', rest, this.ordersPageSize);
        return this.send(res, 200, { payload: { Orders: pg.slice, ...(pg.next ? { NextToken: pg.next } : {}) } }, limit);
      }
      const after = q.get('LastUpdatedAfter');
      if (!after) return this.send(res, 400, { errors: [{ code: 'InvalidInput', message: 'Either CreatedAfter or LastUpdatedAfter must be specified' }] }, limit);
      const statuses = q.get('OrderStatuses')?.split(',');
      const channels = q.get('FulfillmentChannels')?.split(',');
      const markets = q.get('MarketplaceIds')!.split(',');
      const hits = this.orders.filter((o) => Date.parse(o.LastUpdateDate) >= Date.parse(after)
        && (!statuses || statuses.includes(o.OrderStatus)) && (!channels || channels.includes(o.FulfillmentChannel ?? 'MFN'))
        && markets.includes(o.MarketplaceId ?? 'ATVPDKIKX0DER'));
      const pg = this.page('orders', hits, this.ordersPageSize);
      return this.send(res, 200, { payload: { Orders: pg.slice, LastUpdatedBefore: new Date(Date.now() - 120_000).toISOString(), ...(pg.next ? { NextToken: pg.next } : {}) } }, limit);
    }
    const orderId = decodeURIComponent(p.split('/')[4] ?? '');
    if (op === 'getOrderItems') {
      const next = q.get('NextToken');
      const all = next ? this.pages.get(next) : this.items.get(orderId);
      if (!all) return this.send(res, next ? 400 : 404, { errors: [{ code: next ? 'InvalidInput' : 'NotFound', message: next ? 'Invalid NextToken' : `order ${orderId} not found` }] }, limit);
      if (next) this.pages.delete(next);
      const pg = this.page('items', all, this.itemsPageSize);
      return this.send(res, 200, { payload: { AmazonOrderId: orderId, OrderItems: pg.slice, ...(pg.next ? { NextToken: pg.next } : {}) } }, limit);
    }
    if (op === 'getOrder') {
      const o = this.orders.find((x) => x.AmazonOrderId === orderId);
      return o ? this.send(res, 200, { payload: o }, limit) : this.send(res, 404, { errors: [{ code: 'NotFound', message: 'order not found' }] }, limit);
    }
    if (op === 'confirmShipment') {
      const d = body?.packageDetail;
      const problems: string[] = [];
      if (!body?.marketplaceId) problems.push('marketplaceId is required');
      for (const f of ['packageReferenceId', 'carrierCode', 'trackingNumber', 'shipDate']) if (!d?.[f]) problems.push(`packageDetail.${f} is required`);
      if (d?.packageReferenceId && !/^[1-9]\d*$/.test(d.packageReferenceId)) problems.push('packageReferenceId must be a positive number');
      if (d?.shipDate && Number.isNaN(Date.parse(d.shipDate))) problems.push('shipDate is not ISO 8601');
      const known = new Set((this.items.get(orderId) ?? []).map((i) => i.OrderItemId));
      for (const i of d?.orderItems ?? []) if (!known.has(i.orderItemId) || !Number.isInteger(i.quantity)) problems.push(`orderItemId ${i.orderItemId} is not an item of ${orderId}`);
      if (this.refuseShipment.has(orderId)) problems.push(`order ${orderId} is already shipped`);
      if (problems.length) return this.send(res, 400, { errors: problems.map((m) => ({ code: 'InvalidInput', message: m })) }, limit);
      return this.send(res, 204, undefined, limit);
    }
    // patchListingsItem
    const sku = decodeURIComponent(p.split('/')[5]);
    const v = body?.patches?.[0];
    if (!q.get('marketplaceIds') || !body?.productType || !v?.op || v.path !== '/attributes/fulfillment_availability') {
      return this.send(res, 400, { errors: [{ code: 'InvalidInput', message: 'productType, patches and marketplaceIds are required' }] }, limit);
    }
    if (this.invalidSkus.has(sku)) {
      return this.send(res, 200, { sku, status: 'INVALID', submissionId: `sub-${this.requests.length}`, issues: [{ code: '4000001', message: `SKU ${sku} is not a listing of this seller`, severity: 'ERROR' }] }, limit);
    }
    return this.send(res, 200, { sku, status: 'ACCEPTED', submissionId: `sub-${this.requests.length}`, issues: [] }, limit);
  }
}

/** An amazon.com order as getOrders returns it (MFN, with the address fields a Restricted Data Token would give). */
export function fakeOrder(id: string, lastUpdate: string, status = 'Unshipped', over: Partial<FakeOrder> = {}): FakeOrder {
  return {
    AmazonOrderId: id, PurchaseDate: '2026-12-01T15:04:05Z', LastUpdateDate: lastUpdate, OrderStatus: status,
    FulfillmentChannel: 'MFN', SalesChannel: 'Amazon.com', OrderType: 'StandardOrder', MarketplaceId: 'ATVPDKIKX0DER',
    OrderTotal: { CurrencyCode: 'USD', Amount: '54.00' }, LatestShipDate: '2026-12-03T07:59:59Z', LatestDeliveryDate: '2026-12-09T07:59:59Z',
    ShippingAddress: { Name: 'Jane Buyer', AddressLine1: '12 Elm St', City: 'Portland', StateOrRegion: 'OR', PostalCode: '97201', CountryCode: 'US' },
    ...over,
  };
}

export function fakeItem(orderItemId: string, sku: string, qty: number, amount: string): FakeItem {
  return { OrderItemId: orderItemId, SellerSKU: sku, ASIN: `B0${sku.replace(/[^A-Z0-9]/g, '').padEnd(8, 'X').slice(0, 8)}`, Title: `Item ${sku}`, QuantityOrdered: qty, ItemPrice: { CurrencyCode: 'USD', Amount: amount } };
}
