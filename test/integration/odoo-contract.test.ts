import { OrderSchema, WarehouseAdviceSchema } from '../../src/canonical';
import { GatewayConfigSchema } from '../../src/config/gateway.config';
import { createOdooClient, featuresFor, type ResilientOdooClient } from '../../src/odoo/client';
import { startSandboxOdoo, type SandboxOdoo } from '../../src/odoo/sandbox';
import { writeOrder, writeWarehouseAdvice } from '../../src/odoo/writers';
import { PartnerProfileSchema } from '../../src/partners/profile.schema';
import { silentLog } from '../helpers';

/**
 * The connector's contract with Odoo, over RPC only, so that it runs unchanged against the sandbox
 * (by default) and against a real Odoo 17/18 when ODOO_URL, ODOO_DB, ODOO_USER and ODOO_API_KEY are
 * set. It seeds what it needs under its own external ids and unique PO numbers, so it can run again.
 */
const real = process.env.ODOO_URL ? { url: process.env.ODOO_URL, db: process.env.ODOO_DB ?? '', user: process.env.ODOO_USER ?? '', apiKey: process.env.ODOO_API_KEY ?? '' } : undefined;

describe(`Odoo contract (${real ? real.url : 'sandbox'})`, () => {
  let sb: SandboxOdoo | undefined;
  let conn: { url: string; db: string; user: string; apiKey: string };
  let client: ResilientOdooClient;
  const run = Date.now().toString(36).toUpperCase();
  const config = (c: typeof conn) => GatewayConfigSchema.parse({ odoo: { ...c, timeoutSeconds: 30, circuitCooldownSeconds: 0 } });

  beforeAll(async () => {
    if (!real) sb = await startSandboxOdoo({ port: 0 });
    conn = real ?? { url: sb!.url, db: sb!.db, user: sb!.user, apiKey: sb!.apiKey };
    client = createOdooClient(config(conn), silentLog);
  });
  afterAll(async () => { await sb?.close(); });

  it('answers its version, and maps Odoo\'s errors to stable, non-retryable codes with Odoo\'s message', async () => {
    const { major } = await client.version();
    expect(major).toBeGreaterThanOrEqual(16);
    await expect(createOdooClient(config({ ...conn, apiKey: 'wrong-key' })).searchRead('res.partner', [], ['id'], { limit: 1 }))
      .rejects.toMatchObject({ code: 'ODOO_AUTH', retryable: false });
    const unknownModel = await client.searchRead('res.partnerx', [], ['id']).catch((e) => e);
    expect(['ODOO_USER_ERROR', 'ODOO_BAD_REQUEST']).toContain(unknownModel.code);
    expect(unknownModel.message).toMatch(/res\.partnerx/);
    await expect(client.searchRead('res.partner', [['no_such_field', '=', 1]], ['id'])).rejects.toMatchObject({ code: 'ODOO_BAD_REQUEST', message: expect.stringMatching(/no_such_field/) });
    await expect(client.write('res.partner', [999_999_999], { name: 'x' })).rejects.toMatchObject({ code: 'ODOO_MISSING' });
    await expect(client.checkObjectReference('edi', `nothing_${run}`)).resolves.toBeUndefined();
    await expect(client.read('res.partner', [999_999_999], ['name'])).resolves.toEqual([]);
  });

  it('load() with an external id upserts: the same record twice, findable by check_object_reference', async () => {
    const row = [`edi.contract_customer`, 'EDI Contract Customer', 'EDI-CONTRACT-CUST', '1'];
    const a = await client.load('res.partner', ['id', 'name', 'ref', 'is_company'], [row]);
    const b = await client.load('res.partner', ['id', 'name', 'ref', 'is_company'], [row]);
    expect(a.messages).toEqual([]);
    expect(b.ids).toEqual(a.ids);
    await expect(client.checkObjectReference('edi', 'contract_customer')).resolves.toEqual(['res.partner', (a.ids as number[])[0]]);
    const p = await client.load('product.product', ['id', 'name', 'default_code', 'list_price'], [['edi.contract_product', 'EDI Contract Product', 'EDI-CONTRACT-P1', '2']]);
    expect(p.ids).toHaveLength(1);
  });

  it('an order written twice is one confirmed sale order with one line; a short shipment validates with a backorder, once', async () => {
    const profile = PartnerProfileSchema.parse({
      id: 'contract-test', name: 'Contract test', mode: 'test', identifiers: { x12: [{ qualifier: 'ZZ', id: 'CONTRACT', gsId: 'CONTRACT' }] },
      documents: { inbound: [], outbound: [] }, mapping: { productId: ['vendorItem'] },
      odoo: { customer: 'EDI-CONTRACT-CUST', autoConfirm: true, backorders: true },
    });
    const po = `CT-${run}`;
    const order = OrderSchema.parse({ type: 'order', partnerId: profile.id, poNumber: po, purpose: 'original', dates: { requestedDelivery: '2026-12-05' }, references: [], notes: [],
      source: { standard: 'X12', version: '004010', senderId: 'CONTRACT', receiverId: 'ODOODIST', interchangeControl: '1', setControl: '1' },
      lines: [{ lineNumber: '1', quantity: 5, uom: 'EA', unitPrice: 2, ids: { vendorItem: 'EDI-CONTRACT-P1' } }] });
    const ctx = { client, profile, log: silentLog };
    const first = await writeOrder(order, ctx);
    const second = await writeOrder(order, ctx);
    expect(second.id).toBe(first.id);
    const orders = await client.searchRead<{ id: number; state: string; order_line: number[]; picking_ids: number[] }>('sale.order', [['client_order_ref', '=', po]], ['state', 'order_line', 'picking_ids']);
    expect(orders.map((o) => [o.id, o.state, o.order_line.length])).toEqual([[first.id, 'sale', 1]]);
    // A method that returns None: JSON-RPC leaves out `result`, which is null.
    await expect(client.call('sale.order', 'action_unlock', [[first.id]])).resolves.toBeNull();

    const [picking] = await client.read<{ name: string }>('stock.picking', orders[0].picking_ids, ['name']);
    const advice = WarehouseAdviceSchema.parse({ type: 'warehouse_advice', partnerId: profile.id, orderNumber: picking.name, trackingNumber: `TRK-${run}`,
      lines: [{ shippedQuantity: 3, uom: 'EA', ids: { vendorItem: 'EDI-CONTRACT-P1' } }] });
    await writeWarehouseAdvice(advice, ctx);
    const again = await writeWarehouseAdvice(advice, ctx);
    expect(again.note).toMatch(/already done/);
    const features = featuresFor((await client.version()).major);
    const [done] = await client.read<{ state: string }>('stock.picking', [orders[0].picking_ids[0]], ['state']);
    expect(done.state).toBe('done');
    const moves = await client.searchRead<Record<string, number>>('stock.move', [['picking_id', '=', orders[0].picking_ids[0]]], [features.moveDoneQty]);
    expect(moves.map((m) => m[features.moveDoneQty])).toEqual([3]);
    const backorders = await client.searchRead('stock.picking', [['backorder_id', '=', orders[0].picking_ids[0]]], ['state']);
    expect(backorders).toHaveLength(1);
  });
});

describe('JSON-2 against the sandbox as Odoo 19', () => {
  let sb: SandboxOdoo;
  let client: ResilientOdooClient;
  beforeAll(async () => {
    sb = await startSandboxOdoo({ port: 0, version: 19 });
    client = createOdooClient(GatewayConfigSchema.parse({ odoo: { url: sb.url, db: sb.db, user: sb.user, apiKey: sb.apiKey, api: 'json2' } }), silentLog);
  });
  afterAll(async () => { await sb?.close(); });

  it('calls with named arguments and a bearer key, reads the version, and maps HTTP errors', async () => {
    await expect(client.version()).resolves.toMatchObject({ major: 19 });
    const rows = await client.searchRead<{ id: number; ref: string }>('res.partner', [['ref', '=', 'ACME-RETAIL']], ['ref'], { limit: 1 });
    expect(rows.map((r) => r.ref)).toEqual(['ACME-RETAIL']);
    await expect(client.checkObjectReference('edi', 'missing_one')).resolves.toBeUndefined();
    await expect(client.write('res.partner', [999_999_999], { name: 'x' })).rejects.toMatchObject({ code: 'ODOO_MISSING' });
    const bad = createOdooClient(GatewayConfigSchema.parse({ odoo: { url: sb.url, db: sb.db, user: sb.user, apiKey: 'wrong', api: 'json2' } }));
    await expect(bad.searchRead('res.partner', [], ['id'], { limit: 1 })).rejects.toMatchObject({ code: 'ODOO_AUTH' });
  });
});
