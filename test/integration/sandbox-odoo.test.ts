import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandboxOdoo, sandboxSeed, type SandboxOdoo } from '../../src/odoo/sandbox';
import { rpc } from '../contract/odoo-target';

/** What only the sandbox has: its seed, persistence, fault hooks and the JSON-2 switch. */
const ex = (s: SandboxOdoo, model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) =>
  rpc(s.url, 'object', 'execute_kw', [s.db, 2, s.apiKey, model, method, args, kwargs]);

describe('sandbox Odoo', () => {
  const open: SandboxOdoo[] = [];
  const start = async (opts: Parameters<typeof startSandboxOdoo>[0] = {}) => {
    const s = await startSandboxOdoo({ port: 0, ...opts });
    open.push(s);
    return s;
  };
  afterEach(async () => { await Promise.all(open.splice(0).map((s) => s.close())); });

  it('is seeded with what the example partner profiles refer to', async () => {
    const s = await start();
    const refs = (await ex(s, 'res.partner', 'search_read', [[['ref', '!=', false]]], { fields: ['ref', 'barcode', 'type', 'parent_id'] })).result;
    const byRef = Object.fromEntries(refs.map((r: { ref: string }) => [r.ref, r]));
    for (const ref of ['ACME-RETAIL', 'ACME-ST-0042', 'ACME-ST-0077', 'SUMMIT-GROCERS', 'SUMMIT-DC-EAST', 'SUMMIT-DC-WEST', 'NORDMART', 'SWIFT-3PL', 'COUPA-BUYER']) {
      expect(byRef[ref]).toBeDefined();
    }
    expect(byRef['ACME-ST-0042']).toMatchObject({ type: 'delivery', parent_id: [byRef['ACME-RETAIL'].id, 'ACME Retail'] });
    expect(byRef['SUMMIT-DC-EAST'].barcode).toBe('0614141000418');
    expect(byRef.NORDMART.barcode).toBe('5412345000013');
    const products = (await ex(s, 'product.product', 'search_read', [[]], { fields: ['default_code', 'barcode', 'is_storable', 'qty_available'] })).result;
    expect(products.map((p: { default_code: string }) => p.default_code)).toEqual(sandboxSeed.SEED_PRODUCTS.map((p) => p.defaultCode));
    expect(products.every((p: { is_storable: boolean; qty_available: number }) => p.is_storable && p.qty_available > 0)).toBe(true);
    const whs = (await ex(s, 'stock.warehouse', 'search_read', [[]], { fields: ['code'] })).result;
    expect(whs.map((w: { code: string }) => w.code)).toEqual(['WH', 'SWF']);
    const [summit] = (await ex(s, 'res.partner', 'search_read', [[['ref', '=', 'SUMMIT-GROCERS']]], { fields: ['property_product_pricelist'] })).result;
    expect(summit.property_product_pricelist[1]).toBe('Summit Grocers Contract');
  });

  it('prices a Summit order from its contract pricelist and ships from the chosen warehouse', async () => {
    const s = await start();
    const [summit] = (await ex(s, 'res.partner', 'search', [[['ref', '=', 'SUMMIT-GROCERS']]])).result;
    const [dcEast] = (await ex(s, 'res.partner', 'search', [[['barcode', '=', '0614141000418']]])).result;
    const [oats] = (await ex(s, 'product.product', 'search', [[['barcode', '=', '10614141000012']]])).result;
    const [swf] = (await ex(s, 'stock.warehouse', 'search', [[['code', '=', 'SWF']]])).result;
    const so = (await ex(s, 'sale.order', 'create', [{ partner_id: summit, partner_shipping_id: dcEast, warehouse_id: swf, order_line: [[0, 0, { product_id: oats, product_uom_qty: 40 }]] }])).result;
    const [line] = (await ex(s, 'sale.order.line', 'search_read', [[['order_id', '=', so]]], { fields: ['price_unit'] })).result;
    expect(line.price_unit).toBe(18.6);
    await ex(s, 'sale.order', 'action_confirm', [[so]]);
    const [pick] = (await ex(s, 'stock.picking', 'search_read', [[['sale_id', '=', so]]], { fields: ['name', 'partner_id'] })).result;
    expect(pick.name).toBe('SWF/OUT/00001');
    expect(pick.partner_id[0]).toBe(dcEast);
  });

  it('keeps its data in the data dir across restarts and seeds only once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-odoo-'));
    const a = await start({ dataDir: dir });
    const id = (await ex(a, 'res.partner', 'create', [{ name: 'Persisted' }])).result;
    await a.close();
    const b = await start({ dataDir: dir });
    expect((await ex(b, 'res.partner', 'read', [[id], ['name']])).result).toEqual([{ id, name: 'Persisted' }]);
    expect((await ex(b, 'res.partner', 'search_count', [[['ref', '=', 'ACME-RETAIL']]])).result).toBe(1);
    expect(fs.readdirSync(dir)).toEqual(['sandbox-odoo.json']);
  });

  it('goes down (connection refused) and comes back with its data', async () => {
    const s = await start();
    const id = (await ex(s, 'res.partner', 'create', [{ name: 'Before the outage' }])).result;
    await s.faults.down();
    expect(s.faults.isDown).toBe(true);
    await expect(ex(s, 'res.partner', 'read', [[id], ['name']])).rejects.toThrow(/fetch failed/);
    await s.faults.up();
    expect((await ex(s, 'res.partner', 'read', [[id], ['name']])).result).toEqual([{ id, name: 'Before the outage' }]);
  });

  it('answers 503 while down behind a proxy, and comes back by itself after the given time', async () => {
    const s = await start();
    await s.faults.down(300, '503');
    const res = await fetch(`${s.url}/jsonrpc`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(503);
    for (let i = 0; i < 100 && s.faults.isDown; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await rpc(s.url, 'common', 'version', [])).result.server_version).toBe('18.0');
  });

  it('fails the next calls as database trouble with nothing written, then works again', async () => {
    const s = await start();
    s.faults.failNext(1, 'serialization');
    s.faults.failNext(1, 'operational');
    const first = await ex(s, 'res.partner', 'create', [{ name: 'Retried' }]);
    expect(first.error?.data.name).toBe('psycopg2.errors.SerializationFailure');
    const second = await ex(s, 'res.partner', 'create', [{ name: 'Retried' }]);
    expect(second.error?.data.name).toBe('psycopg2.OperationalError');
    expect((await ex(s, 'res.partner', 'search_count', [[['name', '=', 'Retried']]])).result).toBe(0);
    expect(typeof (await ex(s, 'res.partner', 'create', [{ name: 'Retried' }])).result).toBe('number');
  });

  it('a reset after commit leaves the write done though the client saw no answer (the ambiguous case)', async () => {
    const s = await start();
    s.faults.failNext(1, 'reset');
    await expect(ex(s, 'res.partner', 'create', [{ name: 'Committed then dropped' }])).rejects.toThrow();
    expect((await ex(s, 'res.partner', 'search_count', [[['name', '=', 'Committed then dropped']]])).result).toBe(1);
  });

  it('pins the clock so several calls share one write_date second', async () => {
    const s = await start();
    s.setNow('2026-11-20 09:30:15');
    const a = (await ex(s, 'res.partner', 'create', [{ name: 'A' }])).result;
    const b = (await ex(s, 'res.partner', 'create', [{ name: 'B' }])).result;
    const rows = (await ex(s, 'res.partner', 'read', [[a, b], ['write_date']])).result;
    expect(rows.map((r: { write_date: string }) => r.write_date)).toEqual(['2026-11-20 09:30:15', '2026-11-20 09:30:15']);
    expect(s.calls().filter((c) => c.method === 'create')).toHaveLength(2);
  });

  it('answers JSON-2 only as Odoo 19; as 18 it redirects to the login page', async () => {
    const s18 = await start();
    const redirect = await fetch(`${s18.url}/json/2/res.partner/search_read`, { method: 'POST', redirect: 'manual', headers: { Authorization: 'bearer admin' } });
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toMatch(/^\/web\/login/);

    const s19 = await start({ version: 19 });
    const post = (p: string, body: unknown, key = 'admin') => fetch(`${s19.url}/json/2/${p}`, {
      method: 'POST', headers: { Authorization: `bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    const ok = await post('res.partner/search_read', { domain: [['ref', '=', 'NORDMART']], fields: ['barcode'] });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual([{ id: expect.any(Number), barcode: '5412345000013' }]);
    const [id] = await (await post('res.partner/search', { domain: [['ref', '=', 'NORDMART']] })).json() as number[];
    expect(await (await post('res.partner/write', { ids: [id], vals: { email: 'edi@nordmart.example' } })).json()).toBe(true);
    expect((await post('res.partner/search', { domain: [] }, 'wrong')).status).toBe(401);
    expect((await post('res.nope/search', { domain: [] })).status).toBe(404);
    const bad = await post('res.partner/search', { domain: [], frobnicate: 1 });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ name: 'builtins.TypeError', message: "search() got an unexpected keyword argument 'frobnicate'" });
    const user = await post('account.move/action_post', { ids: [999999] });
    expect(user.status).toBe(404);
    expect(((await user.json()) as { name: string }).name).toBe('odoo.exceptions.MissingError');
    expect(((await (await fetch(`${s19.url}/web/version`)).json()) as { version_info: unknown[] }).version_info[0]).toBe(19);
  });
});
