import fs from 'node:fs';
import path from 'node:path';
import type { Order } from '../../src/canonical';
import type { Runtime } from '../../src/daemon/runtime';
import { GatewayError } from '../../src/errors/gateway-error';
import type { OdooClient } from '../../src/odoo/client/odoo-client';
import { startSandboxOdoo } from '../../src/odoo/sandbox';
import { writeOrder } from '../../src/odoo/writers';
import { writeOrders } from '../../src/odoo/writers/order-batch';
import { withLookupCache } from '../../src/odoo/writers/read-cache';
import { edifactValidateStage } from '../../src/pipeline/edifact-validate.stage';
import { DEFAULT_INBOUND_STAGES } from '../../src/pipeline/inbound-stages';
import { odooStage } from '../../src/pipeline/odoo.stage';
import { translateStage } from '../../src/pipeline/translate.stage';
import { x12ValidateStage } from '../../src/pipeline/x12-validate.stage';
import { listDocuments } from '../../src/store/documents.repo';
import { exited, killDaemons, startDaemon, workspace } from '../cli-helpers';
import { BACKENDS, eventually, silentLog } from '../helpers';
import { acmeOrder, odooRuntime, settled, startSandbox, type SandboxOdoo } from '../odoo-helpers';

/**
 * Big files (issue 13): a file of many orders goes through in pages and batches, says how far it
 * is in its trail, and writes exactly what one order at a time would write, exactly once.
 */

const ITEMS = [['012345678905', 'ODW-1001', 'A100234'], ['012345678912', 'ODW-1002', 'A100235'], ['012345678929', 'ODW-1003', 'A100236']];

/** An interchange of `n` acme-retail 850s with POs `${prefix}1`...; the orders in `unknownItem` name an item ACME's table lacks. */
function ordersFile(n: number, control: string, prefix: string, unknownItem: number[] = []): Buffer {
  const sets: string[] = [];
  for (let i = 1; i <= n; i++) {
    const ctl = String(i).padStart(4, '0');
    const [a, b] = [ITEMS[i % 3], ITEMS[(i + 1) % 3]];
    const store = i % 2 ? '0042' : '0077';
    const segs = [`ST*850*${ctl}`, `BEG*00*SA*${prefix}${i}**20261120`, 'CUR*BY*USD', ...(i % 5 ? ['DTM*002*20261205'] : []),
      `N1*ST*ACME STORE ${store}*92*${store}`,
      `PO1*1*${(i % 9) + 1}*EA*12.5*PE*UP*${a[0]}*VN*${unknownItem.includes(i) ? 'NO-SUCH-ITEM' : a[1]}*IN*${a[2]}`,
      `PO1*2*${(i % 4) + 1}*${i % 7 ? 'EA' : 'CA'}*4.25*PE*UP*${b[0]}*VN*${b[1]}*IN*${b[2]}`, 'CTT*2'];
    sets.push(`${[...segs, `SE*${segs.length + 1}*${ctl}`].join('~')}~`);
  }
  return Buffer.from(`ISA*00*          *00*          *ZZ*ACMERETAIL     *ZZ*ODOODIST       *261120*0930*U*00401*${control}*0*P*>~`
    + `GS*PO*ACMERETAIL*ODOODIST*20261120*0930*1*X*004010~${sets.join('\n')}\nGE*${n}*1~IEA*1*${control}~\n`, 'latin1');
}

/** What a sale order is, without what differs between any two orders (ids, names, PO, dates of writing). */
function saleOrderShape(sb: SandboxOdoo, po: string) {
  const [so] = sb.execute('sale.order', 'search_read', [[['client_order_ref', '=', po]]], {
    fields: ['partner_id', 'partner_shipping_id', 'pricelist_id', 'currency_id', 'warehouse_id', 'commitment_date', 'state', 'amount_untaxed', 'amount_tax', 'amount_total', 'order_line', 'picking_ids'],
  }) as any[];
  const lines = sb.execute('sale.order.line', 'search_read', [[['order_id', '=', so.id]]], { fields: ['product_id', 'product_uom_qty', 'product_uom', 'price_unit', 'tax_id'], order: 'id asc' }) as any[];
  const { id, order_line: ol, picking_ids: pickings, ...rest } = so;
  return { ...rest, pickings: pickings.length, lines: lines.map(({ id: _id, ...l }) => l) };
}

describe.each(BACKENDS)('big files on %s', (backend) => {
  let sb: SandboxOdoo;
  let rt: Runtime;
  beforeAll(async () => {
    sb = await startSandbox();
    rt = await odooRuntime(backend, sb);
  });
  afterAll(async () => {
    await rt?.close();
    await sb?.close();
  });
  const ctx = (client: OdooClient = rt.odoo()) => ({ client, profile: rt.partners().get('acme-retail')!, log: silentLog });
  const variants = (po: string, i: number): Order => {
    const base = acmeOrder(po);
    return {
      ...base,
      // Another store, no delivery date, eaches only: orders of a batch that load with other columns.
      ...(i % 2 ? { shipTo: { ...base.shipTo!, code: '0077', resolved: 'ACME-ST-0077', name: 'ACME STORE 0077' } } : {}),
      ...(i % 3 === 0 ? { dates: {} } : {}),
      ...(i % 4 === 1 ? { lines: base.lines.map((l) => ({ ...l, uom: 'EA', quantity: l.quantity + i })) } : {}),
    };
  };

  it('a file of 2,500 orders says how far it is in its trail, stage by stage, and ends with every order in Odoo once', async () => {
    const progress = { everyItems: 500, everyMs: 600_000 };
    rt.workInbound([...DEFAULT_INBOUND_STAGES, x12ValidateStage({ knex: rt.store.knex, queue: rt.queue, config: rt.config }),
      edifactValidateStage({ knex: rt.store.knex, queue: rt.queue, config: rt.config }),
      translateStage({ knex: rt.store.knex, progress }), odooStage({ knex: rt.store.knex, odoo: rt.odoo, progress })]);
    const n = 2500;
    const r = await rt.receive({ content: ordersFile(n, '000025001', 'BIG-'), transport: 'test' });
    const m = await eventually(async () => {
      const s = await settled(rt, r.messageId);
      return s;
    }, 300_000, 'the big file');
    expect(m.status).toBe('done');
    const events = await rt.store.knex('message_events').where({ message_id: r.messageId }).orderBy('id');
    const info = (stage: string) => events.filter((e) => e.stage === stage && e.outcome === 'info').map((e) => e.detail);
    // Translation reports between 64 KB slices of the file (a hundred sets or so), Odoo between pages of 200 documents.
    const steps = (details: string[], what: string) => details.map((d) => {
      const [, done, total] = new RegExp(`^(\\d+) of (\\d+) ${what}$`).exec(d) ?? [];
      expect(Number(total)).toBe(n);
      return Number(done);
    });
    const translated = steps(info('translate'), 'sets translated');
    expect(translated.length).toBe(4);
    translated.forEach((d, i) => expect(d - (translated[i - 1] ?? 0)).toBeGreaterThanOrEqual(500));
    expect(translated[3]).toBeLessThan(n);
    expect(steps(info('odoo'), 'documents written to Odoo')).toEqual([600, 1200, 1800, 2400]);
    const odooOk = events.find((e) => e.stage === 'odoo' && e.outcome === 'ok');
    expect(odooOk.detail).toMatch(/^2500 document\(s\) written \(the first: S\d+ created with 2 line\(s\), confirmed; /);
    expect(events.find((e) => e.stage === 'translate' && e.outcome === 'ok').detail).toBe('2500 document(s) (order)');

    const docs = await listDocuments(rt.store.knex, r.messageId);
    expect(docs.map((d) => d.ordinal)).toEqual([...Array(n).keys()]);
    expect(docs.every((d) => d.odooModel === 'sale.order' && d.odooId)).toBe(true);
    const orders = sb.execute('sale.order', 'search_read', [[['client_order_ref', '=like', 'BIG-%']]], { fields: ['client_order_ref', 'state'] }) as any[];
    expect(orders).toHaveLength(n);
    expect(new Set(orders.map((o) => o.client_order_ref)).size).toBe(n);
    expect(orders.every((o) => o.state === 'sale')).toBe(true);
    expect(new Set(docs.map((d) => d.odooId)).size).toBe(n);
  }, 400_000);

  it('orders written in a batch are the sale orders one-by-one writes make, field by field', async () => {
    const count = 12;
    const batched = await writeOrders(Array.from({ length: count }, (_, i) => ({ key: i, order: variants(`BATCH-${i}`, i) })), ctx(withLookupCache(rt.odoo())));
    for (let i = 0; i < count; i++) await writeOrder(variants(`SINGLE-${i}`, i), ctx());
    expect([...batched.values()].every((r) => r.ok)).toBe(true);
    for (let i = 0; i < count; i++) {
      const r = batched.get(i)!;
      expect(r.ok && r.result.note).toMatch(/^S\d+ created with \d line\(s\), confirmed$/);
      expect(saleOrderShape(sb, `BATCH-${i}`)).toEqual(saleOrderShape(sb, `SINGLE-${i}`));
    }
  }, 120_000);

  it('one bad order of a batch is an exception of its own: one Odoo would not find a product for, one whose load Odoo refused', async () => {
    const client = rt.odoo();
    // Odoo refusing one order's load (a constraint of its own, say): load() writes nothing and says why.
    const refusing: OdooClient = Object.assign(Object.create(client), {
      load: async (model: string, fields: string[], rows: unknown[][]) => (rows.some((row) => row.includes('BADLOAD-3'))
        ? { ids: false, messages: [{ type: 'error', message: 'the order BADLOAD-3 breaks a rule of this Odoo' }] }
        : client.load(model, fields, rows)),
    });
    const orders = Array.from({ length: 6 }, (_, i) => {
      const o = variants(`BADLOAD-${i}`, i);
      return i === 1 ? { ...o, lines: o.lines.map((l) => ({ ...l, productCode: 'NO-SUCH', ids: { vendorItem: 'NO-SUCH' } })) } : o;
    });
    const out = await writeOrders(orders.map((order, i) => ({ key: i, order })), ctx(refusing));
    const bad = (i: number) => { const r = out.get(i)!; return r.ok ? undefined : (r.error as GatewayError); };
    expect(bad(1)?.code).toBe('ODOO_PRODUCT_NOT_FOUND');
    expect(bad(3)?.code).toBe('ODOO_VALIDATION');
    expect(bad(3)?.message).toMatch(/breaks a rule/);
    for (const i of [0, 2, 4, 5]) expect(out.get(i)).toMatchObject({ ok: true });
    const refs = (sb.execute('sale.order', 'search_read', [[['client_order_ref', '=like', 'BADLOAD-%']]], { fields: ['client_order_ref'] }) as any[]).map((o) => o.client_order_ref).sort();
    expect(refs).toEqual(['BADLOAD-0', 'BADLOAD-2', 'BADLOAD-4', 'BADLOAD-5']);
  }, 120_000);

  it('Odoo going away after a batch is loaded (before its confirmation) doubles nothing when the batch runs again', async () => {
    const client = rt.odoo();
    let failures = 0;
    const flaky: OdooClient = Object.assign(Object.create(client), {
      call: async (model: string, method: string, args?: unknown[], kwargs?: Record<string, unknown>) => {
        if (method === 'action_confirm' && failures++ === 0) throw new GatewayError('ODOO_UNAVAILABLE', 'connection reset (test)');
        return client.call(model, method, args, kwargs);
      },
    });
    const orders = Array.from({ length: 8 }, (_, i) => ({ key: i, order: variants(`FLAKY-${i}`, i) }));
    await expect(writeOrders(orders, ctx(flaky))).rejects.toMatchObject({ code: 'ODOO_UNAVAILABLE' });
    const again = await writeOrders(orders, ctx(flaky));
    // The first load's orders (one column set) are found and confirmed now; the rest (other columns) had not been loaded.
    const notes = [...again.values()].map((r) => r.ok && r.result.note);
    expect(notes).toEqual(orders.map(() => expect.stringMatching(/already in Odoo, confirmed now$|created with 2 line\(s\), confirmed$/)));
    expect(notes.filter((t) => /already in Odoo, confirmed now$/.test(String(t))).length).toBeGreaterThan(0);
    const found = sb.execute('sale.order', 'search_read', [[['client_order_ref', '=like', 'FLAKY-%']]], { fields: ['client_order_ref', 'state', 'order_line'] }) as any[];
    expect(found.map((o) => o.client_order_ref).sort()).toEqual(orders.map((o) => o.order.poNumber).sort());
    expect(found.every((o) => o.state === 'sale' && o.order_line.length === 2)).toBe(true);
  }, 120_000);
});

describe('a crash in the middle of a batch', () => {
  afterAll(killDaemons);

  it('the daemon killed right after a batch of orders went into Odoo, restarted: every order once, all confirmed, the message done', async () => {
    const ws = workspace();
    Object.assign(ws.env, { EDI_GATEWAY_ODOO_ENABLED: 'true', EDI_GATEWAY_ODOO_TIMEOUT_SECONDS: '30' });
    const n = 450;
    const inDir = path.join(ws.home, 'partners', 'acme-retail', 'in');
    fs.mkdirSync(inDir, { recursive: true });
    fs.writeFileSync(path.join(inDir, 'big.edi'), ordersFile(n, '000045001', 'CRASH-'));

    const dying = startDaemon(ws, { EDI_GATEWAY_FAILPOINT: 'odoo-batch-loaded' });
    expect((await exited(dying)).signal).toBe('SIGKILL');
    const daemon = startDaemon(ws);
    try {
      await eventually(async () => /message processed/.test(daemon.output()), 240_000, 'the file to be processed after the restart');
    } finally {
      daemon.kill('SIGTERM');
    }
    expect((await exited(daemon)).code).toBe(0);

    const sb = await startSandboxOdoo({ port: 0, dataDir: path.join(ws.home, 'sandbox-odoo') });
    try {
      const found = sb.execute('sale.order', 'search_read', [[['client_order_ref', '=like', 'CRASH-%']]], { fields: ['client_order_ref', 'state'] }) as any[];
      expect(found).toHaveLength(n);
      expect(new Set(found.map((o) => o.client_order_ref)).size).toBe(n);
      expect(found.every((o) => o.state === 'sale')).toBe(true);
    } finally {
      await sb.close();
    }
  }, 420_000);
});
