import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../../src/daemon/runtime';
import { startHttpServer, type HttpServer } from '../../src/http/http-server';
import { forgetBuckets, ShopifyClient } from '../../src/marketplaces/shopify/graphql-client';
import { channelScheduleName } from '../../src/marketplaces';
import { shopifyMarketplace, shopifyTasks } from '../../src/marketplaces/shopify';
import { pushInventory } from '../../src/marketplaces/shopify/inventory';
import { pullOrders } from '../../src/marketplaces/shopify/order-pull';
import { webhookSignature } from '../../src/marketplaces/shopify/webhook';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { requestReplay } from '../../src/pipeline/replay';
import { getChannelCursor } from '../../src/store/channel-cursors.repo';
import { listDocuments } from '../../src/store/documents.repo';
import { listRuns } from '../../src/store/schedule-runs.repo';
import { getContent, getMessage, listMessages } from '../../src/store/messages.repo';
import { BACKENDS, eventually, freshDatabase, PROFILES, silentLog, tempDir, testRuntime, type BackendName } from '../helpers';
import { linesOf, ordersFor, settled, startSandbox, type SandboxOdoo } from '../odoo-helpers';
import { shopifyOrder, startFakeShopify, type FakeShopify } from '../shopify-fake';

const TOKEN = 'shpat_integration_token';
const SECRET = 'shopify-app-secret-integration';

/** shop-demo as shipped, pointed at the local Admin API, two orders a page (so that pagination is exercised). */
function profilesFor(fake: FakeShopify): string {
  const dir = tempDir('shop-profiles-');
  fs.cpSync(path.join(PROFILES, 'shop-demo'), path.join(dir, 'shop-demo'), { recursive: true });
  const file = path.join(dir, 'shop-demo', 'profile.yaml');
  const yaml = fs.readFileSync(file, 'utf8')
    .replace(/^ {2}# baseUrl: .*$/m, `  baseUrl: ${fake.url}`)
    .replace('    pollSeconds: 300\n', '    pollSeconds: 3600\n    pageSize: 2\n    overlapSeconds: 60\n')
    .replace("$schema=../profile.schema.json", `$schema=${path.join(PROFILES, 'profile.schema.json')}`);
  expect(yaml).toContain(`baseUrl: ${fake.url}`);
  fs.writeFileSync(file, yaml);
  // A store SKU mapped to a product Odoo does not have yet: its order becomes an exception to fix and replay.
  fs.appendFileSync(path.join(dir, 'shop-demo', 'items.csv'), 'ODW-9001,SPECIAL-1\n');
  return dir;
}

/** On PostgreSQL each home keeps its database: a runtime opened again on the same home is a restart, not a new gateway. */
const databases = new Map<string, string>();

async function runtime(backend: BackendName, sb: SandboxOdoo, profilesDir: string, home: string): Promise<Runtime> {
  if (backend === 'postgres' && !databases.has(home)) databases.set(home, await freshDatabase());
  return testRuntime(backend, {
    home, databaseUrl: databases.get(home), profilesDir, sandboxOdoo: { port: sb.port },
    odoo: { enabled: true, timeoutSeconds: 10, attempts: 2, circuitFailures: 3, circuitCooldownSeconds: 0, pollSeconds: 0 },
    queue: { retryLimit: 3, retryDelaySeconds: 0 },
  });
}

/** What Odoo users do by hand, over the sandbox's RPC: everything picked, a tracking number, validated. */
function shipByHand(sb: SandboxOdoo, pickingId: number, tracking: string): void {
  const moves = sb.execute('stock.move', 'search_read', [[['picking_id', '=', pickingId]]], { fields: ['product_uom_qty'] }) as any[];
  for (const m of moves) sb.execute('stock.move', 'write', [[m.id], { quantity: m.product_uom_qty, picked: true }]);
  sb.execute('stock.picking', 'write', [[pickingId], { carrier_tracking_ref: tracking }]);
  expect(sb.execute('stock.picking', 'button_validate', [[pickingId]])).toBe(true);
}

describe.each(BACKENDS)('Shopify store shop-demo end to end on %s', (backend) => {
  let sb: SandboxOdoo;
  let fake: FakeShopify;
  let rt: Runtime;
  let profilesDir: string;
  let home: string;
  const saved = { token: process.env.SHOP_DEMO_ACCESS_TOKEN, secret: process.env.SHOP_DEMO_WEBHOOK_SECRET };
  const profile = (): PartnerProfile => rt.partners().get('shop-demo')!;
  const client = () => new ShopifyClient(profile().shopify!, { log: silentLog });
  const pull = () => pullOrders(profile(), { knex: rt.store.knex, receive: rt.receive, client: client(), log: silentLog });
  const shopMessages = async () => (await listMessages(rt.store.knex, { partnerId: 'shop-demo' })).filter((m) => m.direction === 'in').sort((a, b) => a.id - b.id);
  const allSettled = async () => { for (const m of await shopMessages()) await settled(rt, m.id); };

  beforeAll(async () => {
    process.env.SHOP_DEMO_ACCESS_TOKEN = TOKEN;
    process.env.SHOP_DEMO_WEBHOOK_SECRET = SECRET;
    forgetBuckets();
    fake = await startFakeShopify({ token: TOKEN });
    // Five orders updated one after the other (three pages of two), one of them with 60 lines (a second line-item page).
    fake.orders.push(
      shopifyOrder(1001, { updatedAt: '2026-12-02T15:10:00Z' }),
      shopifyOrder(1002, { updatedAt: '2026-12-02T15:11:00Z', lines: [{ sku: 'GW-STD', qty: 1, price: '6.00' }], ship: { name: 'Sam Buyer', address1: '5 Pine Ave', city: 'Peoria', zip: '61602' } }),
      shopifyOrder(1003, { updatedAt: '2026-12-02T15:12:00Z', lines: [{ sku: 'RW-12', qty: 1, price: '12.50' }] }),
      shopifyOrder(1004, { updatedAt: '2026-12-02T15:13:00Z', lines: Array.from({ length: 60 }, () => ({ sku: 'BW-STD', qty: 1, price: '4.00' })) }),
      shopifyOrder(1005, { updatedAt: '2026-12-02T15:14:00Z', lines: [{ sku: 'GW-STD', qty: 2, price: '6.00' }] }),
    );
    fake.variants.set('RW-12', 'gid://shopify/InventoryItem/7001').set('BW-STD', 'gid://shopify/InventoryItem/7002');
    sb = await startSandbox();
    profilesDir = profilesFor(fake);
    home = tempDir();
    rt = await runtime(backend, sb, profilesDir, home);
    rt.workInbound();
    rt.workOutbound();
    // The first scan sets the event cursors: what follows is new.
    await rt.odooEvents.scanNow();
  });
  afterAll(async () => {
    await rt?.close();
    await sb?.close();
    await fake?.close();
    for (const [k, v] of [['SHOP_DEMO_ACCESS_TOKEN', saved.token], ['SHOP_DEMO_WEBHOOK_SECRET', saved.secret]] as const) {
      if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
  });

  it('pulls every order page by page through a THROTTLED answer and a 429, stores each once and brings each into Odoo once', async () => {
    fake.fail('Orders', { kind: 'throttled' });
    fake.fail('Orders', { kind: '429', retryAfter: '1' });
    const report = await pull();
    expect(report).toMatchObject({ pages: 3, seen: 5, stored: 5, unchanged: 0, cursor: '2026-12-02T15:14:00.000Z' });
    // Throttling slowed the pull and did not fail it: each fault was answered by a retry of the same page.
    expect(fake.ops('Orders').map((r) => [r.status, r.variables.after ?? null])).toEqual([
      [200, null], [429, null], [200, null], [200, expect.any(String)], [200, expect.any(String)]]);
    expect(fake.ops('Orders')[0].variables).toMatchObject({ first: 2, query: "updated_at:>='2026-12-01T00:00:00.000Z'" });
    expect(fake.ops('OrderLines')).toHaveLength(1);
    expect(await getChannelCursor(rt.store.knex, 'shop-demo', 'orders')).toBe('2026-12-02T15:14:00.000Z');

    const messages = await shopMessages();
    expect(messages.map((m) => [m.transport, m.transportRef, m.filename])).toEqual([1001, 1002, 1003, 1004, 1005].map((n, i) => [
      'shopify', `shop-demo/gid://shopify/Order/${5500000 + n}/2026-12-02T15:1${i}:00Z`, `shopify-order-${n}.json`]));
    await allSettled();
    for (const m of await shopMessages()) expect(m).toMatchObject({ status: 'done' });

    const [so, ...more] = ordersFor(sb, '#1001');
    expect(more).toEqual([]);
    expect(so.state).toBe('sale');
    expect(linesOf(sb, so.id).map((l) => [l.product_id[1], l.product_uom_qty, l.price_unit])).toEqual([
      [expect.stringContaining('ODW-1001'), 2, 12.5], [expect.stringContaining('ODW-1002'), 3, 4]]);
    const [full] = sb.execute('sale.order', 'read', [[so.id]], { fields: ['partner_id', 'partner_shipping_id', 'currency_id'] }) as any[];
    expect(full.partner_id[1]).toBe('Shop Demo Online Store');
    expect(full.partner_shipping_id[1]).toMatch(/Jane Shopper/);
    const [other] = ordersFor(sb, '#1002');
    const [otherFull] = sb.execute('sale.order', 'read', [[other.id]], { fields: ['partner_shipping_id'] }) as any[];
    expect(otherFull.partner_shipping_id[1]).toMatch(/Sam Buyer/);
    expect(linesOf(sb, ordersFor(sb, '#1004')[0].id).reduce((n, l) => n + l.product_uom_qty, 0)).toBe(60);
    const [doc] = await listDocuments(rt.store.knex, messages[0].id);
    expect(doc).toMatchObject({ type: 'order', businessKey: '#1001', odooModel: 'sale.order', odooId: so.id, body: { purpose: 'original', source: { standard: 'REST' } } });
  });

  it('a restart pulls nothing twice; an update Odoo does not see is not stored; a real change is stored once and changes the Odoo order', async () => {
    await rt.close();
    rt = await runtime(backend, sb, profilesDir, home);
    rt.workInbound();
    rt.workOutbound();
    const before = (await shopMessages()).length;
    // The watermark (15:14) less the 60 s overlap: #1004 and #1005 are listed again, and recognised.
    const again = await pull();
    expect(again).toMatchObject({ seen: 2, stored: 0, unchanged: 2 });
    expect((await shopMessages()).length).toBe(before);

    // Shopify bumps updatedAt for a tag or a payment: the same order for Odoo.
    const o1003 = fake.orders.find((o) => o.name === '#1003')!;
    o1003.updatedAt = '2026-12-02T16:00:00Z';
    expect(await pull()).toMatchObject({ seen: 3, stored: 0, unchanged: 3, cursor: '2026-12-02T16:00:00.000Z' });
    // The customer asks for 4 instead of 1: a new version, stored once, a change in Odoo.
    o1003.updatedAt = '2026-12-02T16:05:00Z';
    o1003.lineItems!.nodes[0].currentQuantity = 4;
    expect(await pull()).toMatchObject({ stored: 1 });
    expect(await pull()).toMatchObject({ stored: 0 });
    const versions = (await shopMessages()).filter((m) => m.transportRef?.includes('/Order/5501003/'));
    expect(versions.map((m) => m.transportRef)).toEqual(['shop-demo/gid://shopify/Order/5501003/2026-12-02T15:12:00Z', 'shop-demo/gid://shopify/Order/5501003/2026-12-02T16:05:00Z']);
    await allSettled();
    const [so, ...more] = ordersFor(sb, '#1003');
    expect(more).toEqual([]);
    expect(linesOf(sb, so.id).map((l) => l.product_uom_qty)).toEqual([4]);
    const [doc] = await listDocuments(rt.store.knex, versions[1].id);
    expect(doc.body).toMatchObject({ purpose: 'change' });
  });

  it('a picking done in Odoo becomes one fulfillment with the tracking number and the shipped line items; a resend fulfils nothing twice', async () => {
    const [so] = ordersFor(sb, '#1001');
    const picking = (sb.execute('stock.picking', 'read', [so.picking_ids], { fields: ['state'] }) as any[]).find((p) => p.state !== 'done');
    shipByHand(sb, picking.id, '1Z999AA10123456784');
    const report = await rt.odooEvents.scanNow();
    expect(report.error).toBeUndefined();
    const out = await eventually(async () => {
      const rows = await rt.store.knex('messages').where({ direction: 'out', partner_id: 'shop-demo' }).select('id');
      return rows.length ? rows : undefined;
    }, 20_000, 'the fulfillment message');
    expect(out).toHaveLength(1);
    const sent = await eventually(async () => {
      const m = await getMessage(rt.store.knex, out[0].id);
      return m && ['done', 'sent', 'exception'].includes(m.status) ? m : undefined;
    }, 30_000, 'the fulfillment sent');
    expect(sent.status).not.toBe('exception');
    expect(sent.filename).toMatch(/^fulfillment-1001-/);
    const order = fake.orders.find((o) => o.name === '#1001')!;
    expect(fake.fulfillments).toHaveLength(1);
    expect(fake.fulfillments[0].input).toEqual({
      notifyCustomer: true,
      trackingInfo: { company: 'UPS', number: '1Z999AA10123456784' },
      lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: order.id.replace('/Order/', '/FulfillmentOrder/'), fulfillmentOrderLineItems: [
        { id: order.lineItems!.nodes[0].id.replace('/LineItem/', '/FulfillmentOrderLineItem/'), quantity: 2 },
        { id: order.lineItems!.nodes[1].id.replace('/LineItem/', '/FulfillmentOrderLineItem/'), quantity: 3 }] }],
    });

    // Delivered again (the queue's retry after an answer lost on the way back): the order is found fulfilled, nothing is created twice.
    const content = (await getContent(rt.store.knex, out[0].id))!;
    const again = await shopifyMarketplace.outbound!.deliver({ messageId: out[0].id, filename: sent.filename!, content }, profile(), { log: silentLog });
    expect(again.ref).toBe(`${order.id}: already fulfilled`);
    expect(fake.fulfillments).toHaveLength(1);
    expect(fake.ops('FulfillmentCreate')).toHaveLength(1);
  });

  it('userErrors from fulfillmentCreate park the fulfillment as an exception naming Shopify\'s message', async () => {
    const [so] = ordersFor(sb, '#1002');
    const picking = (sb.execute('stock.picking', 'read', [so.picking_ids], { fields: ['state'] }) as any[]).find((p) => p.state !== 'done');
    fake.fail('FulfillmentCreate', { kind: 'userErrors', errors: [{ field: ['fulfillment', 'trackingInfo'], message: 'Tracking number is invalid' }] });
    shipByHand(sb, picking.id, 'BAD-TRACK');
    await rt.odooEvents.scanNow();
    const parked = await eventually(async () => {
      const rows = await rt.store.knex('messages').where({ direction: 'out', partner_id: 'shop-demo' }).orderBy('id', 'desc').select('id');
      const m = rows[0] && await getMessage(rt.store.knex, rows[0].id);
      return m && m.filename?.startsWith('fulfillment-1002-') && m.status === 'exception' ? m : undefined;
    }, 30_000, 'the refused fulfillment');
    expect(parked).toMatchObject({ errorCode: 'CHANNEL_REFUSED' });
    expect(parked.errorMessage).toContain('Tracking number is invalid');
    expect(fake.fulfillments.filter((f) => f.input.trackingInfo?.number === 'BAD-TRACK')).toEqual([]);
  });

  it('pushes Odoo\'s on-hand of the mapped products, then only what changed, and at once a product that ran out', async () => {
    const onHand = (code: string) => (sb.execute('product.product', 'search_read', [[['default_code', '=', code]]], { fields: ['qty_available'] }) as any[])[0].qty_available as number;
    const deps = () => ({ knex: rt.store.knex, odoo: rt.odoo, client: client(), log: silentLog });
    const first = await pushInventory(profile(), deps(), 'full');
    // SPECIAL-1's product is not in Odoo (yet), GW-STD has no variant in the store: named, not recorded, tried again next time.
    expect(first).toMatchObject({ checked: 3, pushed: 2, failed: ['SPECIAL-1', 'GW-STD'] });
    expect(fake.inventorySets).toHaveLength(1);
    expect(fake.inventorySets[0]).toMatchObject({ name: 'on_hand', reason: 'correction', ignoreCompareQuantity: true });
    expect(fake.inventorySets[0].quantities).toEqual([
      { inventoryItemId: 'gid://shopify/InventoryItem/7001', locationId: 'gid://shopify/Location/1', quantity: Math.floor(onHand('ODW-1001')) },
      { inventoryItemId: 'gid://shopify/InventoryItem/7002', locationId: 'gid://shopify/Location/1', quantity: Math.floor(onHand('ODW-1002')) }]);
    // Seeded 500 in WH and 200 at the 3PL; #1001 shipped 2 red widgets.
    expect(fake.inventorySets[0].quantities[0].quantity).toBe(698);

    expect(await pushInventory(profile(), deps(), 'full')).toMatchObject({ pushed: 0 });
    expect(fake.inventorySets).toHaveLength(1);

    // ODW-1002 counted to 0 in every internal location (inventory mode, as an Odoo user would).
    const quants = sb.execute('stock.quant', 'search_read', [[['product_id.default_code', '=', 'ODW-1002']]], { fields: ['id', 'location_id'] }) as any[];
    const product = (sb.execute('product.product', 'search_read', [[['default_code', '=', 'ODW-1002']]], { fields: ['id'] }) as any[])[0].id;
    for (const q of quants) {
      const id = sb.execute('stock.quant', 'create', [[{ product_id: product, location_id: q.location_id[0], inventory_quantity: 0 }]], { context: { inventory_mode: true } });
      sb.execute('stock.quant', 'action_apply_inventory', [[id].flat()]);
    }
    expect(onHand('ODW-1002')).toBe(0);
    const urgent = await pushInventory(profile(), deps(), 'urgent');
    expect(urgent).toMatchObject({ pushed: 1 });
    expect(fake.inventorySets[1].quantities).toEqual([{ inventoryItemId: 'gid://shopify/InventoryItem/7002', locationId: 'gid://shopify/Location/1', quantity: 0 }]);
  });

  it('a signed orders webhook brings the pull forward (200); a wrong signature is 401 and triggers nothing', async () => {
    const tasks = shopifyTasks(profile(), rt);
    const orders = tasks.find((t) => t.name === 'orders')!;
    expect(tasks.map((t) => t.name)).toEqual(['orders', 'inventory']);
    let http: HttpServer | undefined;
    const startedBefore = fake.ops('Orders').length;
    // As the daemon adds it (ChannelSchedules): the order pull alone, the inventory push left out of this test.
    const name = channelScheduleName('shop-demo', 'orders');
    rt.schedules.add({ name, when: { everySeconds: orders.everySeconds }, catchUp: true, run: (tick, signal) => orders.run(tick, signal) });
    try {
      http = await startHttpServer(rt, { port: 0 });
      // The schedule catches up at once (no process ran this hour's tick); wait for it, then a new order arrives.
      await eventually(() => fake.ops('Orders').length > startedBefore, 10_000, 'the pull at start');
      await new Promise((r) => setTimeout(r, 500));
      fake.orders.push(shopifyOrder(1006, { updatedAt: '2026-12-02T17:00:00Z', lines: [{ sku: 'RW-12', qty: 1, price: '12.50' }] }));
      const seen = fake.ops('Orders').length;
      const body = Buffer.from(JSON.stringify({ id: 5501006, name: '#1006' }));
      const post = (sig: string) => fetch(`http://127.0.0.1:${http!.port}/shopify/shop-demo/webhooks`, {
        method: 'POST', body, headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': 'shop-demo.myshopify.com', 'x-shopify-hmac-sha256': sig } });
      const bad = await post(webhookSignature(body, 'not-the-secret'));
      expect(bad.status).toBe(401);
      await new Promise((r) => setTimeout(r, 300));
      expect(fake.ops('Orders').length).toBe(seen);
      const good = await post(webhookSignature(body, SECRET));
      expect(good.status).toBe(200);
      expect(await good.json()).toEqual({ ok: true, triggered: true });
      await eventually(async () => (await shopMessages()).some((m) => m.filename === 'shopify-order-1006.json'), 10_000, 'the order the webhook announced');
      const m = (await shopMessages()).find((x) => x.filename === 'shopify-order-1006.json')!;
      expect(await settled(rt, m.id)).toMatchObject({ status: 'done' });
      expect(ordersFor(sb, '#1006')).toHaveLength(1);
      // The trigger ran in this process, outside the ticks: schedule_runs holds the catch-up tick alone.
      expect((await listRuns(rt.store.knex, { name })).map((r) => r.outcome)).toEqual(['ok']);
    } finally {
      rt.schedules.remove(name);
      await http?.close();
    }
  });

  it('an order whose product Odoo lacks is an exception naming it, and a replay after the product exists writes it once', async () => {
    fake.orders.push(shopifyOrder(1007, { updatedAt: '2026-12-02T18:00:00Z', lines: [{ sku: 'SPECIAL-1', qty: 2, price: '9.00' }] }));
    expect(await pull()).toMatchObject({ stored: 1 });
    const m = (await shopMessages()).find((x) => x.filename === 'shopify-order-1007.json')!;
    const parked = await settled(rt, m.id);
    expect(parked).toMatchObject({ status: 'exception', errorCode: 'ODOO_PRODUCT_NOT_FOUND' });
    expect(parked.errorMessage).toContain('ODW-9001');
    expect(ordersFor(sb, '#1007')).toEqual([]);

    sb.execute('product.product', 'create', [{ name: 'Special Widget', default_code: 'ODW-9001', list_price: 9 }]);
    await requestReplay(rt.store.knex, rt.queue, m.id);
    await eventually(async () => (await getMessage(rt.store.knex, m.id))?.status === 'done', 45_000, 'the replay');
    expect(ordersFor(sb, '#1007')).toHaveLength(1);
    // Pulled again: the same version, nothing new.
    expect(await pull()).toMatchObject({ stored: 0 });
  });

  it('an expired token stops the pull with CHANNEL_AUTH naming the variable, and stores nothing', async () => {
    const count = (await shopMessages()).length;
    process.env.SHOP_DEMO_ACCESS_TOKEN = 'shpat_expired';
    try {
      const err = await pull().then(() => undefined, (e) => e);
      expect(err).toMatchObject({ code: 'CHANNEL_AUTH', retryable: false });
      expect(err.message).toContain('SHOP_DEMO_ACCESS_TOKEN');
      expect(err.message).not.toContain('shpat_expired');
    } finally {
      process.env.SHOP_DEMO_ACCESS_TOKEN = TOKEN;
    }
    expect((await shopMessages()).length).toBe(count);
  });
});
