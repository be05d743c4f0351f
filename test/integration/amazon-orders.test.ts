import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../../src/daemon/runtime';
import { channelTasks } from '../../src/marketplaces';
import { pushInventory } from '../../src/marketplaces/amazon/inventory.push';
import { ORDERS_FEED, pullOrders } from '../../src/marketplaces/amazon/orders.pull';
import { SpApiClient } from '../../src/marketplaces/amazon/sp-api.client';
import { getChannelCursor } from '../../src/store/channel-cursors.repo';
import { listDocuments } from '../../src/store/documents.repo';
import { requestReplay } from '../../src/pipeline/replay';
import { requireProfiles } from '../../src/partners/require-profiles';
import { getEvents, getMessage, listMessages } from '../../src/store/messages.repo';
import { CLIENT, FakeAmazon, fakeItem, fakeOrder } from '../amazon-fake';
import { BACKENDS, eventually, freshDatabase, PROFILES, silentLog, tempDir, testRuntime } from '../helpers';
import { linesOf, ordersFor, settled, startSandbox, type SandboxOdoo } from '../odoo-helpers';

/** Order update times, minutes after a base three hours ago (inside the first pull's 24 h look-back), as Amazon writes them. */
const BASE = Math.floor((Date.now() - 3 * 3_600_000) / 60_000) * 60_000;
const T = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString().replace('.000Z', 'Z');

const ENV = { AMAZON_DEMO_LWA_CLIENT_ID: CLIENT.id, AMAZON_DEMO_LWA_CLIENT_SECRET: CLIENT.secret, AMAZON_DEMO_LWA_REFRESH_TOKEN: CLIENT.refresh };

/** partner-profiles/amazon-demo as shipped, pointed at the fake and with short backoffs. */
function profilesFor(fake: FakeAmazon): string {
  const dir = tempDir('amazon-profiles-');
  fs.cpSync(path.join(PROFILES, 'amazon-demo'), path.join(dir, 'amazon-demo'), { recursive: true });
  const file = path.join(dir, 'amazon-demo', 'profile.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8')
    .replace('endpoint: https://sellingpartnerapi-na.amazon.com', `endpoint: ${fake.url}`)
    .replace('tokenUrl: https://api.amazon.com/auth/o2/token', `tokenUrl: ${fake.url}/auth/o2/token\n  retry: { attempts: 4, baseMs: 5, maxMs: 50 }`));
  return dir;
}

function validateByHand(sb: SandboxOdoo, pickingId: number, tracking: string): void {
  const moves = sb.execute('stock.move', 'search_read', [[['picking_id', '=', pickingId]]], { fields: ['product_uom_qty'] }) as any[];
  for (const m of moves) sb.execute('stock.move', 'write', [[m.id], { quantity: m.product_uom_qty, picked: true }]);
  sb.execute('stock.picking', 'write', [[pickingId], { carrier_tracking_ref: tracking }]);
  expect(sb.execute('stock.picking', 'button_validate', [[pickingId]])).toBe(true);
}

describe.each(BACKENDS)('Amazon seller amazon-demo end to end on %s', (backend) => {
  let sb: SandboxOdoo;
  let fake: FakeAmazon;
  let rt: Runtime;
  let profilesDir: string;
  let home: string;
  let databaseUrl: string | undefined;
  const saved = { ...process.env };
  // The runtime under test: its own home (kept across a restart) and the fake-pointed profile.
  const open = async () => {
    // On PostgreSQL the same database, as the home is the same: a restart, not a new gateway.
    databaseUrl ??= backend === 'postgres' ? await freshDatabase() : undefined;
    const r = await testRuntime(backend, { home, databaseUrl, profilesDir, sandboxOdoo: { port: sb.port }, odoo: { enabled: true, timeoutSeconds: 10, attempts: 2, circuitFailures: 3, circuitCooldownSeconds: 0, pollSeconds: 0 }, queue: { retryLimit: 40, retryDelaySeconds: 0 } });
    r.workInbound();
    return r;
  };
  const profile = () => rt.partners().get('amazon-demo')!;
  const client = () => new SpApiClient(profile().amazon!, { log: silentLog });
  const pull = () => pullOrders({ client: client(), profile: profile(), knex: rt.store.knex, receive: rt.receive, log: silentLog });
  const amazonMessages = async () => (await listMessages(rt.store.knex, { partnerId: 'amazon-demo', direction: 'in' })).sort((a, b) => a.id - b.id);

  beforeAll(async () => {
    Object.assign(process.env, ENV);
    fake = await new FakeAmazon().start();
    profilesDir = profilesFor(fake);
    home = tempDir('amazon-home-');
    sb = await startSandbox();
    // The orders: two to take (one with paged items), one Pending, one cancelled before we saw it, one FBA.
    fake.orders = [
      fakeOrder('111-0000001-0000001', T(0)),
      fakeOrder('111-0000002-0000002', T(5), 'Pending', { ShippingAddress: { City: 'Austin', StateOrRegion: 'TX', PostalCode: '78701', CountryCode: 'US' } }),
      fakeOrder('111-0000003-0000003', T(10), 'Unshipped', { ShippingAddress: { Name: 'Raj Patel', AddressLine1: '9 Pine Rd', City: 'Denver', StateOrRegion: 'CO', PostalCode: '80202', CountryCode: 'US' } }),
      fakeOrder('111-0000004-0000004', T(15), 'Canceled'),
      fakeOrder('111-0000005-0000005', T(20), 'Unshipped', { FulfillmentChannel: 'AFN' }),
    ];
    fake.items.set('111-0000001-0000001', [fakeItem('50001', 'AMZ-RW12', 2, '25.00'), fakeItem('50002', 'AMZ-BW', 1, '4.00')]);
    fake.items.set('111-0000002-0000002', [fakeItem('50021', 'AMZ-GW', 1, '6.00')]);
    fake.items.set('111-0000003-0000003', [fakeItem('50031', 'AMZ-GW', 4, '24.00')]);
  });
  afterAll(async () => {
    await rt?.close();
    await sb?.close();
    await fake?.close();
    process.env = saved;
  });

  it('pulls once through the channel task\'s run: paged orders and items, an expired token refreshed, a 429 waited out; Unshipped orders land in Odoo, Pending, FBA and never-taken cancellations do not', async () => {
    rt = await open();
    // The first token the gateway gets will have expired by its first call (a 403, as SP-API answers).
    const firstToken = 'Atza|access-1';
    fake.expired.add(firstToken);
    fake.fault('getOrderItems', { status: 429, body: { errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }] } });

    const tasks = channelTasks(profile(), rt);
    expect(tasks.map((t) => t.name)).toEqual(['orders', 'inventory']);
    const orders = tasks.find((t) => t.name === 'orders')!;
    // The daemon makes it the cluster schedule channel:amazon-demo:orders (channel-schedules.test.ts); one tick's run here.
    expect(orders.everySeconds).toBe(profile().amazon!.orders.pollSeconds);
    expect(await orders.run(new Date(), new AbortController().signal)).toBe('2 order(s) stored, 0 already stored, 1 left alone, 2 page(s)');
    const cursor = (await getChannelCursor(rt.store.knex, 'amazon-demo', ORDERS_FEED))!;
    expect(JSON.parse(cursor)).toEqual({ after: T(15), high: T(15) });

    const msgs = await amazonMessages();
    expect(msgs.map((m) => [m.transport, m.transportRef, m.filename])).toEqual([
      ['amazon', 'amazon-demo/111-0000001-0000001', 'amazon-order-111-0000001-0000001.json'],
      ['amazon', 'amazon-demo/111-0000003-0000003', 'amazon-order-111-0000003-0000003.json'],
    ]);
    // The documented request shapes: marketplaces, statuses asked together, MFN only, then NextToken alone with the marketplaces.
    const [first, second] = fake.calls('getOrders').filter((c) => c.headers['x-amz-access-token'] !== firstToken);
    expect(Object.fromEntries(first.query)).toEqual({ MarketplaceIds: 'ATVPDKIKX0DER', LastUpdatedAfter: expect.any(String), OrderStatuses: 'Unshipped,PartiallyShipped,Canceled', FulfillmentChannels: 'MFN' });
    expect(Object.fromEntries(second.query)).toEqual({ MarketplaceIds: 'ATVPDKIKX0DER', NextToken: expect.stringMatching(/^orders-next-/) });
    expect(fake.calls('token').length).toBe(2);
    expect(fake.calls('getOrders').filter((c) => c.headers['x-amz-access-token'] === firstToken)).toHaveLength(1);
    // Order 1's two items came on two pages, after one 429.
    expect(fake.calls('getOrderItems').map((c) => c.path + (c.query.get('NextToken') ? ' next' : ''))).toEqual([
      '/orders/v0/orders/111-0000001-0000001/orderItems', '/orders/v0/orders/111-0000001-0000001/orderItems',
      '/orders/v0/orders/111-0000001-0000001/orderItems next', '/orders/v0/orders/111-0000003-0000003/orderItems']);

    for (const m of msgs) expect(await settled(rt, m.id)).toMatchObject({ status: 'done' });
    const [so1, ...more] = ordersFor(sb, '111-0000001-0000001');
    expect(more).toEqual([]);
    expect(so1.state).toBe('sale');
    expect(linesOf(sb, so1.id).map((l) => [l.product_id[1], l.product_uom_qty, l.price_unit])).toEqual([
      [expect.stringContaining('ODW-1001'), 2, 12.5], [expect.stringContaining('ODW-1002'), 1, 4]]);
    const [full] = sb.execute('sale.order', 'read', [[so1.id]], { fields: ['partner_id', 'partner_shipping_id'] }) as any[];
    expect(full.partner_id[1]).toBe('Amazon Marketplace (Demo Seller)');
    expect(full.partner_shipping_id[1]).toMatch(/Jane Buyer/);
    expect(ordersFor(sb, '111-0000003-0000003')).toHaveLength(1);
    for (const po of ['111-0000002-0000002', '111-0000004-0000004', '111-0000005-0000005']) expect(ordersFor(sb, po)).toEqual([]);
    const [doc] = await listDocuments(rt.store.knex, msgs[0].id);
    expect(doc).toMatchObject({ type: 'order', businessKey: '111-0000001-0000001', odooModel: 'sale.order', odooId: so1.id });
    expect((await getEvents(rt.store.knex, msgs[0].id)).map((e) => e.stage)).toEqual(expect.arrayContaining(['received', 'identify', 'route', 'amazon', 'odoo']));
  });

  it('pulls nothing twice: again now, and after a restart on the same home (no items fetched, no message stored)', async () => {
    const items = fake.calls('getOrderItems').length;
    const count = (await amazonMessages()).length;
    const again = await pull();
    expect(again).toMatchObject({ stored: [], already: 0 });
    expect(fake.calls('getOrders').at(-1)!.query.get('LastUpdatedAfter')).toBe(T(15));
    await rt.close();
    rt = await open();
    // An order updated at the cursor's very instant is read again and recognised.
    fake.orders[0] = { ...fake.orders[0], LastUpdateDate: T(15) };
    const restarted = await pull();
    expect(restarted).toMatchObject({ stored: [], already: 1 });
    expect(fake.calls('getOrders').at(-1)!.query.get('LastUpdatedAfter')).toBe(T(15));
    expect(fake.calls('getOrderItems').length).toBe(items);
    expect((await amazonMessages()).length).toBe(count);
    expect(ordersFor(sb, '111-0000001-0000001')).toHaveLength(1);
  });

  it('takes a Pending order once it is Unshipped, and cancels in Odoo an order Amazon cancelled after we took it', async () => {
    fake.orders[1] = { ...fake.orders[1], OrderStatus: 'Unshipped', LastUpdateDate: T(60), ShippingAddress: { City: 'Austin', StateOrRegion: 'TX', PostalCode: '78701', CountryCode: 'US' } };
    fake.orders[2] = { ...fake.orders[2], OrderStatus: 'Canceled', LastUpdateDate: T(65) };
    const r = await pull();
    expect(r.stored.sort()).toEqual(['111-0000002-0000002', '111-0000003-0000003']);
    const msgs = await amazonMessages();
    const cancel = msgs.find((m) => m.transportRef === 'amazon-demo/111-0000003-0000003/Canceled')!;
    expect(await settled(rt, cancel.id)).toMatchObject({ status: 'done' });
    expect(ordersFor(sb, '111-0000003-0000003').map((o) => o.state)).toEqual(['cancel']);
    const pending = msgs.find((m) => m.transportRef === 'amazon-demo/111-0000002-0000002')!;
    expect(await settled(rt, pending.id)).toMatchObject({ status: 'done' });
    const [so2] = ordersFor(sb, '111-0000002-0000002');
    const [full] = sb.execute('sale.order', 'read', [[so2.id]], { fields: ['partner_shipping_id'] }) as any[];
    // No Restricted Data Token: the address has no name, the contact is named after the order.
    expect(full.partner_shipping_id[1]).toMatch(/Amazon order 111-0000002-0000002/);
  });

  it('a picking done in Odoo becomes a shipment confirmation with the tracking number and the Amazon order items shipped', async () => {
    await rt.odooEvents.scanNow();
    const [so1] = ordersFor(sb, '111-0000001-0000001');
    const picking = (sb.execute('stock.picking', 'read', [so1.picking_ids], { fields: ['state'] }) as any[]).find((p) => p.state !== 'done' && p.state !== 'cancel');
    validateByHand(sb, picking.id, '1Z999AA10123456784');
    const report = await rt.odooEvents.scanNow();
    expect(report.error).toBeUndefined();
    rt.workOutbound();
    const sent = await eventually(async () => {
      const out = (await listMessages(rt.store.knex, { partnerId: 'amazon-demo', direction: 'out' }));
      return out.length && out.every((m) => m.status === 'done') ? out : undefined;
    }, 20_000, 'the confirmation sent');
    expect(sent).toHaveLength(1);
    const [call] = fake.calls('confirmShipment');
    expect(call.path).toBe('/orders/v0/orders/111-0000001-0000001/shipmentConfirmation');
    expect(call.body).toMatchObject({
      marketplaceId: 'ATVPDKIKX0DER',
      packageDetail: { carrierCode: 'UPS', shippingMethod: 'Ground', trackingNumber: '1Z999AA10123456784', packageReferenceId: expect.stringMatching(/^[1-9]\d*$/), shipDate: expect.any(String) },
    });
    expect(call.body.packageDetail.orderItems.sort((a: any, b: any) => a.orderItemId.localeCompare(b.orderItemId))).toEqual([
      { orderItemId: '50001', quantity: 2 }, { orderItemId: '50002', quantity: 1 }]);
    expect((await getEvents(rt.store.knex, sent[0].id)).find((e) => e.stage === 'sent')?.detail).toMatch(/confirmShipment 111-0000001-0000001 package \d+ tracking 1Z999AA10123456784: HTTP 204/);
  });

  it('a SKU the items table lacks parks the order as an exception naming it; fixed in the table, a replay writes it', async () => {
    fake.orders.push(fakeOrder('111-0000006-0000006', T(70)));
    fake.items.set('111-0000006-0000006', [fakeItem('50061', 'AMZ-HONEY16', 3, '15.75')]);
    expect((await pull()).stored).toEqual(['111-0000006-0000006']);
    const m = (await amazonMessages()).find((x) => x.transportRef === 'amazon-demo/111-0000006-0000006')!;
    const parked = await settled(rt, m.id);
    expect(parked).toMatchObject({ status: 'exception', errorCode: 'TRANSLATION_FAILED' });
    expect(parked.errorMessage).toMatch(/line 50061: item sku AMZ-HONEY16.*not in amazon-demo's item cross-reference/);
    expect(ordersFor(sb, '111-0000006-0000006')).toEqual([]);

    fs.appendFileSync(path.join(profilesDir, 'amazon-demo', 'items.csv'), 'ODW-2003,AMZ-HONEY16\n');
    rt.setPartners(requireProfiles(profilesDir));
    await requestReplay(rt.store.knex, rt.queue, m.id);
    await eventually(async () => (await getMessage(rt.store.knex, m.id))?.status === 'done', 45_000, 'the replay');
    const [so] = ordersFor(sb, '111-0000006-0000006');
    expect(linesOf(sb, so.id).map((l) => [l.product_id[1], l.product_uom_qty, l.price_unit])).toEqual([[expect.stringContaining('ODW-2003'), 3, 5.25]]);
  });

  it('a confirmation Amazon refuses (400) is parked as an exception with Amazon\'s reason', async () => {
    const [so2] = ordersFor(sb, '111-0000002-0000002');
    const picking = (sb.execute('stock.picking', 'read', [so2.picking_ids], { fields: ['state'] }) as any[]).find((p) => p.state !== 'done' && p.state !== 'cancel');
    fake.refuseShipment.add('111-0000002-0000002');
    validateByHand(sb, picking.id, '1Z999AA10123456785');
    expect((await rt.odooEvents.scanNow()).error).toBeUndefined();
    const parked = await eventually(async () => {
      const out = (await listMessages(rt.store.knex, { partnerId: 'amazon-demo', direction: 'out' })).find((x) => x.status === 'exception');
      return out;
    }, 20_000, 'the refused confirmation');
    expect(parked).toMatchObject({ errorCode: 'PARTNER_REJECTED' });
    expect(parked.errorMessage).toMatch(/HTTP 400 InvalidInput: order 111-0000002-0000002 is already shipped/);
    expect(fake.calls('confirmShipment').filter((c) => c.path.includes('111-0000002-0000002'))).toHaveLength(1);
  });

  it('pushes the offered quantities of the mapped SKUs, then only what changed; a SKU Amazon refuses is reported and tried again, the others go on', async () => {
    const push = () => pushInventory({ client: client(), odoo: rt.odoo(), knex: rt.store.knex, profile: profile(), log: silentLog });
    fake.invalidSkus.add('AMZ-GW');
    const first = await push();
    // WH seeds 500 of each: 2 ODW-1001 and 1 ODW-1002 shipped with order 1, 1 ODW-1003 with order 2 (order 3 was
    // cancelled); 3 ODW-2003 reserved for order 6 (its SKU added to the table above).
    const patches = fake.calls('patchListingsItem');
    const sent = Object.fromEntries(patches.map((c) => [c.path.split('/').pop(), c.body.patches[0].value[0].quantity]));
    expect(sent).toEqual({ 'AMZ-RW12': 498, 'AMZ-BW': 499, 'AMZ-GW': 499, 'AMZ-HONEY16': 497 });
    expect(patches[0]).toMatchObject({ method: 'PATCH', path: '/listings/2021-08-01/items/A2DEMOSELLER01/AMZ-RW12' });
    expect(patches[0].query.get('marketplaceIds')).toBe('ATVPDKIKX0DER');
    expect(patches[0].body).toEqual({ productType: 'PRODUCT', patches: [{ op: 'merge', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 498 }] }] });
    expect(first.pushed.map((p) => p.sku)).toEqual(['AMZ-RW12', 'AMZ-BW', 'AMZ-HONEY16']);
    expect(first.failed).toEqual([{ sku: 'AMZ-GW', reason: expect.stringMatching(/INVALID.*not a listing/) }]);

    fake.invalidSkus.clear();
    // Stock counted in Odoo: 20 more Blue Widgets in WH.
    const [wh] = sb.execute('stock.warehouse', 'search_read', [[['code', '=', 'WH']]], { fields: ['lot_stock_id'] }) as any[];
    const [product] = sb.execute('product.product', 'search_read', [[['default_code', '=', 'ODW-1002']]], { fields: ['id'] }) as any[];
    const q = sb.execute('stock.quant', 'create', [[{ product_id: product.id, location_id: wh.lot_stock_id[0], inventory_quantity: 519 }]], { context: { inventory_mode: true } }) as number[];
    sb.execute('stock.quant', 'action_apply_inventory', [q]);
    const before = fake.calls('patchListingsItem').length;
    const second = await push();
    expect(second.pushed).toEqual([{ sku: 'AMZ-BW', quantity: 519 }, { sku: 'AMZ-GW', quantity: 499 }]);
    expect(second.unchanged).toBe(2);
    expect(fake.calls('patchListingsItem').length - before).toBe(2);
    const third = await push();
    expect(third).toMatchObject({ pushed: [], failed: [], unchanged: 4 });
  });
});
