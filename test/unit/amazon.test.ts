import type { Shipment } from '../../src/canonical';
import { GatewayError } from '../../src/errors/gateway-error';
import { amazonMarketplace } from '../../src/marketplaces/amazon';
import { orderFromAmazon, storedOrderBytes } from '../../src/marketplaces/amazon/amazon-order';
import { deliverConfirmShipment, packageReferenceId, renderConfirmShipment } from '../../src/marketplaces/amazon/confirm-shipment';
import { fulfillmentPatch, offered } from '../../src/marketplaces/amazon/inventory.push';
import { LwaTokens, lwaCredentials } from '../../src/marketplaces/amazon/lwa';
import { backoffMs, parseRateLimitHeader, TokenBucket, USAGE_PLANS } from '../../src/marketplaces/amazon/rate-limiter';
import { SpApiClient } from '../../src/marketplaces/amazon/sp-api.client';
import { sniff } from '../../src/parsers/sniff';
import { loadProfiles } from '../../src/partners/load-profiles';
import { PartnerRegistry } from '../../src/partners/partner-registry';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { CLIENT, FakeAmazon, fakeItem, fakeOrder } from '../amazon-fake';
import { PROFILES, silentLog, x12Interchange } from '../helpers';

const ENV = { AMAZON_DEMO_LWA_CLIENT_ID: CLIENT.id, AMAZON_DEMO_LWA_CLIENT_SECRET: CLIENT.secret, AMAZON_DEMO_LWA_REFRESH_TOKEN: CLIENT.refresh };
const { profiles } = loadProfiles(PROFILES);
const demo = profiles.find((p) => p.id === 'amazon-demo')!;

function profileAt(fake: FakeAmazon, over: Partial<NonNullable<PartnerProfile['amazon']>> = {}): PartnerProfile {
  return { ...demo, amazon: { ...demo.amazon!, endpoint: fake.url, tokenUrl: `${fake.url}/auth/o2/token`, retry: { attempts: 3, baseMs: 5, maxMs: 20 }, ...over } };
}

describe('Amazon rate limiting: token buckets and backoff', () => {
  it('getOrders: a burst of 20, then one token every ~60 s (0.0167 rps)', () => {
    const b = new TokenBucket(USAGE_PLANS.getOrders, 0);
    for (let i = 0; i < 20; i++) expect(b.take(0)).toBe(0);
    const wait = b.take(0);
    expect(wait).toBeGreaterThan(59_000);
    expect(wait).toBeLessThan(60_000);
    expect(b.take(wait - 100)).toBeGreaterThan(0);
    expect(b.take(wait)).toBe(0);
    expect(b.available(wait)).toBeLessThan(0.01);
  });

  it('refills up to the burst only; honours x-amzn-RateLimit-Limit; a 429 empties the bucket', () => {
    const b = new TokenBucket(USAGE_PLANS.getOrderItems, 0);
    expect(b.available(10_000_000)).toBe(30);
    b.setRate(parseRateLimitHeader('10')!, 10_000_000);
    expect(b.rate).toBe(10);
    b.drain(10_000_000);
    expect(b.take(10_000_000)).toBe(100);
    expect(b.take(10_000_100)).toBe(0);
    expect(parseRateLimitHeader('0.0167')).toBe(0.0167);
    expect(parseRateLimitHeader('')).toBeUndefined();
    expect(parseRateLimitHeader('fast')).toBeUndefined();
    expect(parseRateLimitHeader('-1')).toBeUndefined();
  });

  it('backs off exponentially with jitter between half and all of the ceiling, capped', () => {
    expect(backoffMs(0, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(0, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(3, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffMs(20, 1000, 60_000, () => 1)).toBe(60_000);
    expect(backoffMs(20, 1000, 60_000, () => 0)).toBe(30_000);
  });
});

describe('Login with Amazon', () => {
  let fake: FakeAmazon;
  beforeAll(async () => { fake = await new FakeAmazon().start(); });
  afterAll(() => fake.close());

  it('exchanges the refresh token once (form-encoded) and keeps the access token until a minute before expiry', async () => {
    let now = 1_000_000;
    const before = fake.calls('token').length;
    const lwa = new LwaTokens(lwaCredentials(profileAt(fake).amazon!, ENV), { fetch, now: () => now });
    const t1 = await lwa.accessToken();
    expect(await lwa.accessToken()).toBe(t1);
    const [call] = fake.calls('token').slice(before);
    expect(call.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(call.body).toEqual({ grant_type: 'refresh_token', refresh_token: CLIENT.refresh, client_id: CLIENT.id, client_secret: CLIENT.secret });
    now += (3600 - 61) * 1000;
    expect(await lwa.accessToken()).toBe(t1);
    now += 2000;
    const t2 = await lwa.accessToken();
    expect(t2).not.toBe(t1);
    expect(fake.calls('token').length - before).toBe(2);
    // Two callers at once share one refresh.
    lwa.invalidate();
    const [a, b] = await Promise.all([lwa.accessToken(), lwa.accessToken()]);
    expect(a).toBe(b);
    expect(fake.calls('token').length - before).toBe(3);
  });

  it('an invalid_grant is a non-retryable error naming the refresh token variable, never its value', async () => {
    const lwa = new LwaTokens(lwaCredentials(profileAt(fake).amazon!, { ...ENV, AMAZON_DEMO_LWA_REFRESH_TOKEN: 'Atzr|revoked' }), { fetch });
    const err = await lwa.accessToken().catch((e: GatewayError) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', retryable: false });
    expect((err as Error).message).toMatch(/invalid_grant.*AMAZON_DEMO_LWA_REFRESH_TOKEN/);
    expect((err as Error).message).not.toContain('revoked');
    const bad = new LwaTokens(lwaCredentials(profileAt(fake).amazon!, { ...ENV, AMAZON_DEMO_LWA_CLIENT_SECRET: 'wrong' }), { fetch });
    await expect(bad.accessToken()).rejects.toThrow(/invalid_client.*AMAZON_DEMO_LWA_CLIENT_ID \/ AMAZON_DEMO_LWA_CLIENT_SECRET/);
  });

  it('a missing environment variable is named', () => {
    expect(() => lwaCredentials(demo.amazon!, { AMAZON_DEMO_LWA_CLIENT_ID: 'x' })).toThrow(/AMAZON_DEMO_LWA_CLIENT_SECRET, AMAZON_DEMO_LWA_REFRESH_TOKEN not set/);
  });
});

describe('SP-API client', () => {
  let fake: FakeAmazon;
  const sleeps: number[] = [];
  // A clock that moves only when the client sleeps: the waits are asserted, not spent.
  let clock = 0;
  const client = (p: PartnerProfile) => new SpApiClient(p.amazon!, { env: ENV, fetch, now: () => clock, sleep: async (ms) => { sleeps.push(ms); clock += ms; }, random: () => 1 });
  beforeAll(async () => {
    fake = await new FakeAmazon().start();
    fake.orders = [fakeOrder('111-0000001-0000001', '2026-12-01T16:00:00Z')];
    fake.items.set('111-0000001-0000001', [fakeItem('10001', 'AMZ-RW12', 2, '25.00')]);
  });
  afterAll(() => fake.close());
  beforeEach(() => { sleeps.length = 0; });

  it('429 backs off (doubling) and then succeeds; the rate header resets the bucket', async () => {
    fake.fault('getOrderItems', { status: 429, body: { errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }] } }, { status: 429 });
    const c = client(profileAt(fake));
    const r = await c.call<any>('getOrderItems', { method: 'GET', path: '/orders/v0/orders/111-0000001-0000001/orderItems' });
    expect(r.body.payload.OrderItems[0].OrderItemId).toBe('10001');
    // Two backoffs (5 then 10 ms), then waits for the drained bucket at 0.5 rps.
    expect(sleeps).toEqual([5, 2000 - 5, 10, 2000 - 10]);
    expect(c.bucket('getOrderItems').rate).toBe(0.5);
  });

  it('throttling that outlasts the attempts is a retryable error; a 5xx too; the header\'s rate is applied', async () => {
    fake.rateLimit.getOrder = '7';
    const c = client(profileAt(fake));
    await c.call('getOrder', { method: 'GET', path: '/orders/v0/orders/111-0000001-0000001' });
    expect(c.bucket('getOrder').rate).toBe(7);
    fake.fault('getOrder', { status: 429 }, { status: 429 }, { status: 429 });
    const e = await c.call('getOrder', { method: 'GET', path: '/orders/v0/orders/111-0000001-0000001' }).catch((x: GatewayError) => x);
    expect(e).toMatchObject({ code: 'TRANSPORT_UNAVAILABLE', retryable: true });
    expect((e as Error).message).toMatch(/3 attempt\(s\); last HTTP 429/);
    fake.fault('getOrder', { status: 503, raw: '<html>Service Unavailable</html>' }, { status: 500 }, { status: 502 });
    await expect(c.call('getOrder', { method: 'GET', path: '/orders/v0/orders/111-0000001-0000001' })).rejects.toMatchObject({ retryable: true });
  });

  it('an expired access token (403) is refreshed once and the call retried; a second 403 is not retried', async () => {
    const c = client(profileAt(fake));
    await c.call('getOrder', { method: 'GET', path: '/orders/v0/orders/111-0000001-0000001' });
    const tokens = fake.calls('token').length;
    fake.issued.forEach((t) => fake.expired.add(t));
    const r = await c.call<any>('getOrder', { method: 'GET', path: '/orders/v0/orders/111-0000001-0000001' });
    expect(r.body.payload.AmazonOrderId).toBe('111-0000001-0000001');
    expect(fake.calls('token').length).toBe(tokens + 1);
    fake.fault('getOrder', { status: 403, body: { errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.' }] } },
      { status: 403, body: { errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.' }] } });
    await expect(c.call('getOrder', { method: 'GET', path: '/orders/v0/orders/111-0000001-0000001' })).rejects.toMatchObject({ code: 'CONFIG_INVALID', retryable: false });
  });

  it('a 400 is PARTNER_REJECTED with Amazon\'s errors; a 2xx that is not JSON is retryable', async () => {
    const c = client(profileAt(fake));
    const e = await c.call('getOrders', { method: 'GET', path: '/orders/v0/orders' }).catch((x: GatewayError) => x);
    expect(e).toMatchObject({ code: 'PARTNER_REJECTED', retryable: false });
    expect((e as Error).message).toMatch(/HTTP 400 InvalidInput: MarketplaceIds is required/);
    fake.fault('getOrder', { status: 200, raw: '{"payload": {"AmazonOrderId": "111-' });
    await expect(c.call('getOrder', { method: 'GET', path: '/orders/v0/orders/111-0000001-0000001' })).rejects.toMatchObject({ code: 'TRANSPORT_UNAVAILABLE', retryable: true });
  });
});

describe('Amazon orders: stored JSON -> sniff, route, canonical Order', () => {
  const order = fakeOrder('112-1234567-7654321', '2026-12-01T16:00:00Z');
  const items = [fakeItem('20001', 'AMZ-RW12', 2, '25.00'), fakeItem('20002', 'AMZ-BW', 3, '12.00'), { ...fakeItem('20003', 'AMZ-GW', 0, '0.00') }];
  const bytes = storedOrderBytes('A2DEMOSELLER01', order as any, items as any, 'ATVPDKIKX0DER');

  it('sniffs as Amazon (seller, marketplace, order id) and routes to amazon-demo; EDI and other JSON are unaffected', () => {
    const s = sniff(bytes);
    expect(s).toEqual({ standard: 'Amazon', sender: { qualifier: 'AmazonSellerId', id: 'A2DEMOSELLER01' }, receiver: { qualifier: 'AmazonMarketplaceId', id: 'ATVPDKIKX0DER' }, controlNumber: '112-1234567-7654321', documentType: 'Order Unshipped' });
    const reg = new PartnerRegistry(profiles);
    expect(reg.senderOf(s)?.id).toBe('amazon-demo');
    expect(reg.senderOf({ ...s, receiver: { qualifier: 'AmazonMarketplaceId', id: 'A1F83G8C2ARO7P' } } as any)).toBeUndefined();
    expect(sniff(x12Interchange()).standard).toBe('X12');
    expect(sniff(Buffer.from('{"order": {"id": 1}}')).standard).toBe('unknown');
    expect(sniff(Buffer.from('{"amazonSpApi": "orders/v0", "order": {}}'))).toMatchObject({ standard: 'unknown', reason: expect.stringMatching(/sellerId/) });
  });

  it('maps the order: PO = AmazonOrderId, SKUs through items.csv, unit price = ItemPrice / quantity, ship-to, dates; a zero-quantity line is left out', () => {
    const { order: o, issues } = orderFromAmazon(JSON.parse(bytes.toString()), demo, { messageId: 7 });
    expect(issues).toEqual([]);
    expect(o).toMatchObject({
      type: 'order', partnerId: 'amazon-demo', poNumber: '112-1234567-7654321', poDate: '2026-12-01', purpose: 'original', currency: 'USD',
      source: { standard: 'REST', senderId: 'A2DEMOSELLER01', receiverId: 'ATVPDKIKX0DER', messageId: 7 },
      shipTo: { name: 'Jane Buyer', code: '112-1234567-7654321', address: { lines: ['12 Elm St'], city: 'Portland', region: 'OR', postalCode: '97201', country: 'US' } },
      dates: { requestedShip: '2026-12-03', requestedDelivery: '2026-12-09' },
    });
    expect(o!.lines.map((l) => [l.lineNumber, l.productCode, l.quantity, l.unitPrice, l.ids.sku])).toEqual([
      ['20001', 'ODW-1001', 2, 12.5, 'AMZ-RW12'], ['20002', 'ODW-1002', 3, 4, 'AMZ-BW']]);
  });

  it('a Canceled order is a cancel; an unknown SKU is a business issue; a malformed order names its fields', () => {
    const cancel = orderFromAmazon({ ...JSON.parse(bytes.toString()), order: { ...order, OrderStatus: 'Canceled' }, orderItems: [] }, demo);
    expect(cancel.issues).toEqual([]);
    expect(cancel.order).toMatchObject({ purpose: 'cancel', poNumber: '112-1234567-7654321' });
    const unknown = orderFromAmazon({ ...JSON.parse(bytes.toString()), orderItems: [fakeItem('20009', 'AMZ-NOPE', 1, '5.00')] }, demo);
    expect(unknown.issues).toEqual([expect.objectContaining({ business: true, message: expect.stringMatching(/AMZ-NOPE.*not in amazon-demo's item cross-reference/) })]);
    const bad = orderFromAmazon({ ...JSON.parse(bytes.toString()), order: { ...order, AmazonOrderId: undefined }, orderItems: [{ OrderItemId: '1', QuantityOrdered: 'two' }] }, demo);
    expect(bad.order).toBeUndefined();
    expect(bad.issues.map((i) => i.path)).toContain('order.AmazonOrderId');
    const partly = orderFromAmazon({ ...JSON.parse(bytes.toString()), order: { ...order, OrderStatus: 'PartiallyShipped' },
      orderItems: [{ ...items[0], QuantityShipped: 2 }, { ...items[1], QuantityShipped: 1 }] }, demo);
    expect(partly.order!.lines.map((l) => [l.lineNumber, l.quantity, l.unitPrice])).toEqual([['20002', 2, 4]]);
    const pending = orderFromAmazon({ ...JSON.parse(bytes.toString()), order: { ...order, OrderStatus: 'Pending' } }, demo);
    expect(pending.issues[0].message).toMatch(/is Pending/);
  });
});

describe('Amazon shipment confirmation', () => {
  const shipment = (over: Partial<Shipment> = {}): Shipment => ({
    type: 'shipment', partnerId: 'amazon-demo', shipmentId: 'WH-OUT-00042', purpose: 'original', shipDate: '2026-12-02', shipTime: '1530',
    trackingNumber: '1Z999AA10123456784', references: [],
    orders: [{ poNumber: '112-1234567-7654321', packs: [], items: [
      { lineNumber: '20001', ids: { sku: 'AMZ-RW12' }, quantity: 2, uom: 'EA', productCode: 'ODW-1001' },
      { lineNumber: '20002', ids: { sku: 'AMZ-BW' }, quantity: 1, uom: 'EA', productCode: 'ODW-1002' },
    ] }],
    ...over,
  });

  it('renders the confirmShipment body: the order item ids and quantities shipped, tracking, carrier, ship date', () => {
    const r = renderConfirmShipment(shipment(), demo);
    expect(r.label).toBe('confirmShipment-112-1234567-7654321-42');
    expect(JSON.parse(r.content.toString())).toEqual({
      amazonSpApi: 'confirmShipment', orderId: '112-1234567-7654321',
      body: { marketplaceId: 'ATVPDKIKX0DER', packageDetail: {
        packageReferenceId: '42', carrierCode: 'UPS', shippingMethod: 'Ground', trackingNumber: '1Z999AA10123456784', shipDate: '2026-12-02T15:30:00.000Z',
        orderItems: [{ orderItemId: '20001', quantity: 2 }, { orderItemId: '20002', quantity: 1 }],
      } },
    });
    expect(packageReferenceId('WH/OUT/00000')).toBe('1');
  });

  it('refuses what Amazon would refuse: no tracking number, an item not on the stored order, Other without a carrier name', () => {
    expect(() => renderConfirmShipment(shipment({ trackingNumber: undefined }), demo)).toThrow(/no tracking number/);
    const stray = shipment();
    stray.orders[0].items.push({ lineNumber: '3', ids: {}, quantity: 1, uom: 'EA', productCode: 'ODW-1003' });
    expect(() => renderConfirmShipment(stray, demo)).toThrow(expect.objectContaining({ code: 'DOCUMENT_UNRENDERABLE', message: expect.stringMatching(/ODW-1003 matches no line/) }));
    const other = { ...demo, amazon: { ...demo.amazon!, shipment: { carrierCode: 'Other' } } };
    expect(() => renderConfirmShipment(shipment(), other)).toThrow(/carrierName/);
  });

  it('delivers: 204 is sent; a 400 parks it (not retryable); throttling is retryable', async () => {
    const fake = await new FakeAmazon().start();
    const saved = { ...process.env };
    Object.assign(process.env, ENV);
    try {
      fake.orders = [fakeOrder('112-1234567-7654321', '2026-12-01T16:00:00Z')];
      fake.items.set('112-1234567-7654321', [fakeItem('20001', 'AMZ-RW12', 2, '25.00'), fakeItem('20002', 'AMZ-BW', 1, '4.00')]);
      const p = profileAt(fake);
      const msg = { messageId: 1, filename: 'x.json', content: renderConfirmShipment(shipment(), p).content };
      await expect(deliverConfirmShipment(msg, p, { log: silentLog, fetch })).resolves.toEqual({ ref: expect.stringMatching(/package 42 tracking 1Z999AA10123456784: HTTP 204/) });
      expect(fake.calls('confirmShipment')[0].body.packageDetail.orderItems).toEqual([{ orderItemId: '20001', quantity: 2 }, { orderItemId: '20002', quantity: 1 }]);
      fake.refuseShipment.add('112-1234567-7654321');
      await expect(deliverConfirmShipment(msg, p, { log: silentLog, fetch })).rejects.toMatchObject({ code: 'PARTNER_REJECTED', retryable: false, message: expect.stringMatching(/already shipped/) });
      fake.refuseShipment.clear();
      fake.fault('confirmShipment', { status: 429 }, { status: 429 }, { status: 429 });
      await expect(deliverConfirmShipment(msg, p, { log: silentLog, fetch })).rejects.toMatchObject({ code: 'TRANSPORT_UNAVAILABLE', retryable: true });
      // Two marketplaces: the order's own comes from getOrder.
      const two = profileAt(fake, { marketplaceIds: ['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2'] });
      const msg2 = { ...msg, content: renderConfirmShipment(shipment(), two).content };
      expect(JSON.parse(msg2.content.toString()).body.marketplaceId).toBeUndefined();
      await deliverConfirmShipment(msg2, two, { log: silentLog, fetch });
      expect(fake.calls('confirmShipment').at(-1)!.body.marketplaceId).toBe('ATVPDKIKX0DER');
    } finally {
      process.env = saved;
      await fake.close();
    }
  });
});

describe('Amazon inventory', () => {
  it('offers on hand minus reserved, whole units, never negative; patches fulfillment_availability by merge', () => {
    const codes = new Map([[1, 'ODW-1001'], [2, 'ODW-1002']]);
    expect(offered([
      { product_id: [1, 'x'], quantity: 10, reserved_quantity: 3 }, { product_id: [1, 'x'], quantity: 2.5, reserved_quantity: 0 },
      { product_id: [2, 'y'], quantity: 1, reserved_quantity: 4 }, { product_id: [9, 'z'], quantity: 5 },
    ], codes)).toEqual(new Map([['ODW-1001', 9], ['ODW-1002', 0]]));
    expect(fulfillmentPatch('PRODUCT', 7)).toEqual({ productType: 'PRODUCT', patches: [{ op: 'merge', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 7 }] }] });
  });
});

describe('Amazon channel tasks', () => {
  it('starts none, with one warning naming the variables, while the LWA credentials are not in the environment', () => {
    const warnings: string[] = [];
    const log = { child: () => ({ warn: (o: { reason: string }, m: string) => warnings.push(`${m}: ${o.reason}`) }) };
    for (const k of Object.keys(ENV)) expect(process.env[k]).toBeUndefined();
    expect(amazonMarketplace.tasks!(demo, { log } as any)).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/not started.*AMAZON_DEMO_LWA_CLIENT_ID, AMAZON_DEMO_LWA_CLIENT_SECRET, AMAZON_DEMO_LWA_REFRESH_TOKEN not set/)]);
  });
});
