import { GatewayError } from '../../src/errors/gateway-error';
import { allocate, renderFulfillment } from '../../src/marketplaces/shopify/fulfillment';
import { forgetBuckets, ShopifyClient } from '../../src/marketplaces/shopify/graphql-client';
import { inventoryChanges, shopifyQuantity } from '../../src/marketplaces/shopify/inventory';
import { envelope, envelopeHeader, orderFingerprint, parseEnvelope } from '../../src/marketplaces/shopify/order-envelope';
import { orderFromShopify } from '../../src/marketplaces/shopify/order-translate';
import type { ShopifyOrder } from '../../src/marketplaces/shopify/shopify-order';
import { inventoryRunAt } from '../../src/marketplaces/shopify/tasks';
import { retryAfterMs, waitAfterThrottled, waitBeforeQuery } from '../../src/marketplaces/shopify/throttle';
import { verifyWebhook, webhookSignature } from '../../src/marketplaces/shopify/webhook';
import type { Shipment } from '../../src/canonical';
import { sniff } from '../../src/parsers/sniff';
import { loadProfiles } from '../../src/partners/load-profiles';
import { PartnerRegistry } from '../../src/partners/partner-registry';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { PROFILES, silentLog, x12Interchange } from '../helpers';
import { shopifyOrder, startFakeShopify, type FakeShopify } from '../shopify-fake';

const { profiles } = loadProfiles(PROFILES);
const shop = profiles.find((p) => p.id === 'shop-demo')!;
const env = (o: ShopifyOrder) => parseEnvelope(envelope('shop-demo.myshopify.com', '2025-01', o));

describe('Shopify order -> canonical Order', () => {
  it('reads an order: the name as poNumber, the gid in references, SKUs through items.csv, prices, currency, ship-to and notes', () => {
    const o = shopifyOrder(1001, { updatedAt: '2026-12-02T15:10:00Z' });
    const { order, issues } = orderFromShopify(env(o), shop, { purpose: 'original', messageId: 7 });
    expect(issues).toEqual([]);
    expect(order).toMatchObject({
      type: 'order', partnerId: 'shop-demo', poNumber: '#1001', poDate: '2026-12-02', purpose: 'original', currency: 'USD',
      source: { standard: 'REST', version: '2025-01', senderId: 'shop-demo.myshopify.com', interchangeControl: o.id, setControl: '#1001', messageId: 7 },
      references: [{ qualifier: 'shopify_order_id', value: o.id }],
      notes: [{ qualifier: 'note', text: 'Leave at the back door' }, { qualifier: 'shipping', text: 'Standard Shipping' }],
      shipTo: { name: 'Jane Shopper', address: { lines: ['12 Elm Street', 'Apt 4'], city: 'Evanston', region: 'IL', postalCode: '60201', country: 'US' } },
    });
    expect(order!.lines).toEqual([
      { lineNumber: '55010010', quantity: 2, uom: 'EA', unitPrice: 12.5, ids: { sku: 'RW-12' }, description: 'Item RW-12', productCode: 'ODW-1001' },
      { lineNumber: '55010011', quantity: 3, uom: 'EA', unitPrice: 4, ids: { sku: 'BW-STD' }, description: 'Item BW-STD', productCode: 'ODW-1002' },
    ]);
    expect(order!.shipTo!.code).toMatch(/^SHOP-DEMO-[0-9A-F]{12}$/);
  });

  it('gives each distinct address its own ship-to code and the same address the same one', () => {
    const a = orderFromShopify(env(shopifyOrder(1, { updatedAt: '2026-12-02T15:10:00Z' })), shop, { purpose: 'original' }).order!.shipTo!.code;
    const b = orderFromShopify(env(shopifyOrder(2, { updatedAt: '2026-12-02T15:10:00Z' })), shop, { purpose: 'original' }).order!.shipTo!.code;
    const c = orderFromShopify(env(shopifyOrder(3, { updatedAt: '2026-12-02T15:10:00Z', ship: { address1: '99 Oak Road' } })), shop, { purpose: 'original' }).order!.shipTo!.code;
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('names an unmapped SKU and a line without SKU as business issues, and leaves lines edited to 0 out', () => {
    const o = shopifyOrder(1002, { updatedAt: '2026-12-02T15:10:00Z', lines: [{ sku: 'NOPE-1', qty: 1, price: '1.00' }, { sku: null, qty: 1, price: '2.00' }, { sku: 'RW-12', qty: 1, price: '3.00' }] });
    o.lineItems!.nodes[2].currentQuantity = 0;
    const { order, issues } = orderFromShopify(env(o), shop, { purpose: 'original' });
    expect(order).toBeUndefined();
    expect(issues).toEqual([
      expect.objectContaining({ path: 'order.lineItems[0].sku', business: true, message: expect.stringMatching(/sku NOPE-1 is not in shop-demo's item cross-reference \(items.csv\)/) }),
      expect.objectContaining({ path: 'order.lineItems[1].sku', business: true, message: expect.stringContaining('has no SKU') }),
    ]);
    const edited = shopifyOrder(1003, { updatedAt: '2026-12-02T15:10:00Z', lines: [{ sku: 'RW-12', qty: 2, price: '3.00' }, { sku: 'BW-STD', qty: 1, price: '2.00' }] });
    edited.lineItems!.nodes[1].currentQuantity = 0;
    expect(orderFromShopify(env(edited), shop, { purpose: 'change' }).order!.lines.map((l) => l.productCode)).toEqual(['ODW-1001']);
  });

  it('a cancelled order is a cancel once in Odoo, and nothing when its first version is already cancelled', () => {
    const o = shopifyOrder(1004, { updatedAt: '2026-12-02T15:10:00Z', cancelledAt: '2026-12-02T15:09:00Z' });
    expect(orderFromShopify(env(o), shop, { purpose: 'change' }).order!.purpose).toBe('cancel');
    const first = orderFromShopify(env(o), shop, { purpose: 'original' });
    expect(first.order).toBeUndefined();
    expect(first.nothing).toMatch(/#1004 was cancelled in Shopify \(CUSTOMER\) before it reached Odoo/);
  });

  it('the fingerprint ignores what Odoo does not hold (updatedAt, fulfillment) and sees quantities, prices, address and cancellation', () => {
    const a = shopifyOrder(1005, { updatedAt: '2026-12-02T15:10:00Z' });
    const same = { ...structuredClone(a), updatedAt: '2026-12-03T09:00:00Z' };
    expect(orderFingerprint(same)).toBe(orderFingerprint(a));
    const qty = structuredClone(a); qty.lineItems!.nodes[0].currentQuantity = 1;
    const addr = structuredClone(a); addr.shippingAddress!.zip = '60202';
    const cancelled = structuredClone(a); cancelled.cancelledAt = '2026-12-03T09:00:00Z';
    for (const changed of [qty, addr, cancelled]) expect(orderFingerprint(changed)).not.toBe(orderFingerprint(a));
  });
});

describe('the stored Shopify envelope', () => {
  it('is recognised from its first 4 KB as Shopify, routed to the store by its shop domain, without breaking X12 sniffing', () => {
    const o = shopifyOrder(1006, { updatedAt: '2026-12-02T15:10:00Z', name: '#10"06' });
    const bytes = envelope('shop-demo.myshopify.com', '2025-01', o);
    const s = sniff(bytes.subarray(0, 4096));
    expect(s).toEqual({ standard: 'Shopify', sender: { qualifier: 'myshopify', id: 'shop-demo.myshopify.com' }, receiver: { qualifier: '', id: '' }, controlNumber: o.id, documentType: 'order', version: '2025-01' });
    expect(envelopeHeader(bytes.toString('utf8'))).toMatchObject({ name: '#10"06', updatedAt: '2026-12-02T15:10:00Z', fingerprint: orderFingerprint(o) });
    expect(new PartnerRegistry(profiles).senderOf(s)?.id).toBe('shop-demo');
    expect(sniff(x12Interchange()).standard).toBe('X12');
    expect(sniff(Buffer.from('{"order": {}}'))).toMatchObject({ standard: 'unknown' });
  });
});

const shipment = (over: Partial<Shipment> = {}): Shipment => ({
  type: 'shipment', partnerId: 'shop-demo', shipmentId: 'WH-OUT-00012', purpose: 'original', shipDate: '2026-12-04', trackingNumber: '1Z999AA10123456784',
  references: [{ qualifier: '2I', value: '1Z999AA10123456785' }],
  orders: [{ poNumber: '#1001', orderNumber: 'S00012', packs: [], items: [
    { lineNumber: '55010010', ids: { sku: 'RW-12' }, quantity: 2, uom: 'EA', productCode: 'ODW-1001' },
    { lineNumber: '55010011', ids: { sku: 'BW-STD' }, quantity: 1, uom: 'EA', productCode: 'ODW-1002' }] }],
  ...over,
});

describe('Shopify fulfillment', () => {
  it('renders the shipment with its tracking numbers, the profile\'s carrier and the Shopify line items', () => {
    const r = renderFulfillment(shipment(), shop);
    expect(JSON.parse(r.content.toString())).toEqual({
      shopify: 'fulfillment', orderName: '#1001', shipmentId: 'WH-OUT-00012', notifyCustomer: true,
      trackingInfo: { company: 'UPS', numbers: ['1Z999AA10123456784', '1Z999AA10123456785'] },
      lines: [{ lineItemId: 'gid://shopify/LineItem/55010010', sku: 'RW-12', quantity: 2 }, { lineItemId: 'gid://shopify/LineItem/55010011', sku: 'BW-STD', quantity: 1 }],
    });
    expect(r.label).toBe('fulfillment-1001-WH-OUT-00012');
    expect(r.description).toBe('Shopify fulfillment for order #1001 (2 line(s), 3 unit(s), tracking 1Z999AA10123456784, 1Z999AA10123456785)');
    expect(JSON.parse(renderFulfillment(shipment({ carrier: { scac: 'FDEG' } }), shop).content.toString()).trackingInfo.company).toBe('FedEx');
  });

  it('refuses what cannot be a fulfillment', () => {
    const unrenderable = (f: () => unknown) => { try { f(); } catch (e) { return (e as GatewayError).code; } return undefined; };
    expect(unrenderable(() => renderFulfillment({ ...shipment(), orders: [{ ...shipment().orders[0], items: [] }] }, shop))).toBe('DOCUMENT_UNRENDERABLE');
    expect(unrenderable(() => renderFulfillment({ type: 'invoice' } as any, shop))).toBe('DOCUMENT_UNRENDERABLE');
  });

  it('allocates shipped units to open fulfillment order lines, by line item then SKU, never past what remains', () => {
    const fo = (id: string, status: string, loc: string, lines: [string, string, number][]) => ({
      id, status, assignedLocation: { location: { id: loc } }, lineItems: { nodes: lines.map(([li, sku, rem]) => ({ id: `${id}-${li}`, remainingQuantity: rem, lineItem: { id: li, sku } })) } });
    const a = allocate([{ lineItemId: 'L1', quantity: 3 }, { sku: 'B', quantity: 1 }, { lineItemId: 'L9', quantity: 1 }], [
      fo('FO1', 'OPEN', 'LOC1', [['L1', 'A', 2], ['L2', 'B', 1]]),
      fo('FO2', 'CLOSED', 'LOC1', [['L1', 'A', 5]]),
      fo('FO3', 'OPEN', 'LOC2', [['L1', 'A', 4]]),
    ]);
    expect([...a.byLocation]).toEqual([
      ['LOC1', [{ fulfillmentOrderId: 'FO1', fulfillmentOrderLineItems: [{ id: 'FO1-L1', quantity: 2 }, { id: 'FO1-L2', quantity: 1 }] }]],
      ['LOC2', [{ fulfillmentOrderId: 'FO3', fulfillmentOrderLineItems: [{ id: 'FO3-L1', quantity: 1 }] }]],
    ]);
    expect(a.unplaced).toEqual([{ line: 'L9', quantity: 1 }]);
  });
});

describe('Shopify throttle arithmetic', () => {
  const bucket = { maximumAvailable: 1000, currentlyAvailable: 100, restoreRate: 50 };
  it('waits only for what the bucket lacks, counting what it refilled since', () => {
    expect(waitBeforeQuery(50, bucket, 0)).toBe(0);
    expect(waitBeforeQuery(300, bucket, 0)).toBe(4000);
    expect(waitBeforeQuery(300, bucket, 1000)).toBe(3000);
    expect(waitBeforeQuery(300, bucket, 10_000)).toBe(0);
    expect(waitBeforeQuery(5000, bucket, 0)).toBe(18_000);
  });
  it('after THROTTLED waits until the requested cost is back', () => {
    expect(waitAfterThrottled({ requestedQueryCost: 752, actualQueryCost: null, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 666, restoreRate: 50 } })).toBe(1720);
    expect(waitAfterThrottled(undefined)).toBe(1000);
  });
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('2.0')).toBe(2000);
    expect(retryAfterMs(new Date(Date.parse('2026-12-05T10:00:05Z')).toUTCString(), Date.parse('2026-12-05T10:00:00Z'))).toBe(5000);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe('Shopify webhook HMAC', () => {
  const body = Buffer.from('{"id":820982911946154508,"name":"#9999"}');
  it('takes the base64 HMAC-SHA256 of the raw body with the secret, and nothing else', () => {
    const sig = webhookSignature(body, 'hush');
    expect(verifyWebhook(body, sig, 'hush')).toBe(true);
    expect(verifyWebhook(Buffer.from(`${body.toString()} `), sig, 'hush')).toBe(false);
    expect(verifyWebhook(body, sig, 'other')).toBe(false);
    expect(verifyWebhook(body, undefined, 'hush')).toBe(false);
    expect(verifyWebhook(body, 'not base64 at all!', 'hush')).toBe(false);
    expect(verifyWebhook(body, sig, '')).toBe(false);
  });
});

describe('Shopify inventory changes', () => {
  const current = new Map([['A', 10], ['B', 0], ['C', 4], ['D', 7]]);
  const last = { A: 10, B: 3, C: 9 };
  it('full: every quantity that differs from the last pushed or was never pushed', () => {
    expect([...inventoryChanges(current, last, 'full')]).toEqual([['B', 0], ['C', 4], ['D', 7]]);
  });
  it('urgent: only what ran out (or fell by more than urgentDrop)', () => {
    expect([...inventoryChanges(current, last, 'urgent')]).toEqual([['B', 0]]);
    expect([...inventoryChanges(current, last, 'urgent', 3)]).toEqual([['B', 0], ['C', 4]]);
  });
  it('whole units, never below 0', () => {
    expect([shopifyQuantity(7.9), shopifyQuantity(-2), shopifyQuantity(3)]).toEqual([7, 0, 3]);
  });
  it('one schedule: a quick check each urgentSeconds tick, the full comparison at the first tick of each pollSeconds window', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 11, 2) + s * 1000);
    const runs = (inv: { pollSeconds: number; urgentSeconds: number }, ticks: number[]) => ticks.map((t) => inventoryRunAt(at(t), inv));
    expect(runs({ pollSeconds: 900, urgentSeconds: 60 }, [0, 60, 840, 900, 960])).toEqual(['full', 'urgent', 'urgent', 'full', 'urgent']);
    // Windows that are not a multiple of the ticks: the first tick in each window is the full one.
    expect(runs({ pollSeconds: 90, urgentSeconds: 60 }, [0, 60, 120, 180, 240, 300])).toEqual(['full', 'urgent', 'full', 'full', 'urgent', 'full']);
    // Quick checks rarer than full ones: every tick (each pollSeconds) is full.
    expect(runs({ pollSeconds: 30, urgentSeconds: 60 }, [0, 30, 60])).toEqual(['full', 'full', 'full']);
  });
});

describe('Shopify GraphQL client against a local Admin API', () => {
  let fake: FakeShopify;
  let waits: number[];
  const TOKEN = 'shpat_unit_test';
  const settings = () => ({ ...shop.shopify!, baseUrl: fake.url, maxAttempts: 3 });
  const client = (env: NodeJS.ProcessEnv = { SHOP_DEMO_ACCESS_TOKEN: TOKEN }, s = settings()) =>
    new ShopifyClient(s, { log: silentLog, env, sleep: async (ms) => {
      // Time passes for the store too: its bucket refills meanwhile, as it would while we slept.
      waits.push(ms);
      fake.bucket.currentlyAvailable += (ms / 1000) * fake.bucket.restoreRate;
    } });
  const LOCATIONS = 'query Locations { locations(first: 1) { nodes { id name } } }';
  beforeAll(async () => { fake = await startFakeShopify({ token: TOKEN }); });
  afterAll(() => fake.close());
  beforeEach(() => { waits = []; forgetBuckets(); fake.bucket = { maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 1000, at: Date.now() }; });

  it('retries a THROTTLED answer after the time the bucket needs, and a 429 after its Retry-After', async () => {
    fake.fail('Locations', { kind: 'throttled' });
    fake.fail('Locations', { kind: '429', retryAfter: '2' });
    const r = await client().query<{ locations: { nodes: { id: string }[] } }>(LOCATIONS);
    expect(r.data.locations.nodes[0].id).toBe('gid://shopify/Location/1');
    expect(fake.ops('Locations').map((q) => q.status).slice(-3)).toEqual([200, 429, 200]);
    // THROTTLED: requested 3, the fake left 3 - 200 (clamped to 0) available at 1000/s -> 3 ms; then Retry-After 2 s.
    expect(waits).toEqual([3, 2000]);
  });

  it('waits before a query when the last answer said the bucket is low', async () => {
    const c = client();
    await c.query(LOCATIONS);
    fake.bucket.currentlyAvailable = 20;
    fake.bucket.restoreRate = 10;
    fake.bucket.at = Date.now();
    await c.query(LOCATIONS, {}, { expectedCost: 3 });
    expect(waits).toEqual([]);
    await c.query('query Variants($query: String!, $first: Int!) { productVariants(first: $first, query: $query) { nodes { sku } } }', { query: "sku:'X'", first: 1 }, { expectedCost: 102 });
    // The bucket was reported near empty (restore 10/s): the costly query waits for it instead of being throttled.
    expect(waits.length).toBe(1);
    expect(waits[0]).toBeGreaterThan(8000);
    expect(fake.requests.filter((q) => q.op === 'Variants').map((q) => q.status)).toEqual([200]);
  });

  it('gives up on a store that keeps answering 5xx with a retryable error, after maxAttempts', async () => {
    for (let i = 0; i < 3; i++) fake.fail('Locations', { kind: '500' });
    const err = await client().query(LOCATIONS).catch((e) => e as GatewayError);
    expect(err).toMatchObject({ code: 'TRANSPORT_UNAVAILABLE', retryable: true });
    expect((err as GatewayError).message).toMatch(/still HTTP 500 after 3 attempt/);
    expect(waits).toEqual([500, 1000]);
  });

  it('an invalid or missing token is a non-retryable CHANNEL_AUTH naming the environment variable, never the token', async () => {
    const wrong = await client({ SHOP_DEMO_ACCESS_TOKEN: 'shpat_expired' }).query(LOCATIONS).then(() => undefined, (e) => e as GatewayError);
    expect(wrong).toMatchObject({ code: 'CHANNEL_AUTH', retryable: false });
    expect(wrong!.message).toMatch(/SHOP_DEMO_ACCESS_TOKEN \(HTTP 401: \[API\] Invalid API key or access token/);
    expect(wrong!.message).not.toContain('shpat_expired');
    const unset = await client({}).query(LOCATIONS).catch((e) => e as GatewayError);
    expect(unset).toMatchObject({ code: 'CHANNEL_AUTH', message: expect.stringContaining('SHOP_DEMO_ACCESS_TOKEN is not set') });
  });

  it('a query Shopify does not understand is CHANNEL_REFUSED with its message', async () => {
    const err = await client().query('query Nope { nope }').catch((e) => e as GatewayError);
    expect(err).toMatchObject({ code: 'CHANNEL_REFUSED', retryable: false, message: expect.stringContaining("Field 'Nope' doesn't exist") });
  });
});

// Keeps the type import honest: a profile of kind shopify has its block.
const _p: PartnerProfile['shopify'] = shop.shopify;
void _p;
