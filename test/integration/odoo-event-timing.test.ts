import type { Runtime } from '../../src/daemon/runtime';
import { OdooEventScanner, type ScannerDeps } from '../../src/odoo/events';
import { BACKENDS, silentLog } from '../helpers';
import { odooRuntime, startSandbox, type SandboxOdoo } from '../odoo-helpers';

/**
 * The event scanner against Odoo's real timing (ODOO-NOTES §9), which the sandbox reproduces:
 * write_date kept with microseconds and read in whole seconds, dated by the transaction's start,
 * one value for every record of one call.
 */

/** Draft sale orders for acme's customer, made as an Odoo user would (not through the gateway). */
function draftOrders(sb: SandboxOdoo, refs: string[]): number[] {
  const [customer] = sb.execute('res.partner', 'search_read', [[['ref', '=', 'ACME-RETAIL']]], { fields: ['id'], limit: 1 }) as { id: number }[];
  const [product] = sb.execute('product.product', 'search_read', [[['default_code', '=', 'ODW-1001']]], { fields: ['id'], limit: 1 }) as { id: number }[];
  const vals = refs.map((ref) => ({ partner_id: customer.id, client_order_ref: ref, order_line: [[0, 0, { product_id: product.id, product_uom_qty: 12, price_unit: 4 }]] }));
  return [sb.execute('sale.order', 'create', [vals])].flat() as number[];
}

const confirm = (sb: SandboxOdoo, ids: number[]) => sb.execute('sale.order', 'action_confirm', [ids]);

/** The PO numbers in the 855s queued so far. */
async function acked(rt: Runtime, prefix: string): Promise<string[]> {
  const rows = await rt.store.knex('messages').where({ direction: 'out', partner_id: 'acme-retail', transport: 'outbox' })
    .where('transport_ref', 'like', 'odoo:sale_confirmed:%').orderBy('id').select('content');
  return rows.map((r) => /BAK\*\d\d\*\w\w\*([^*~]+)/.exec(Buffer.from(r.content).toString('latin1'))?.[1] ?? '')
    .filter((po) => po.startsWith(prefix));
}

describe.each(BACKENDS)('Odoo event scans against Odoo\'s timing on %s', (backend) => {
  let sb: SandboxOdoo;
  let rt: Runtime;
  const scanner = (over: Partial<ScannerDeps> = {}) =>
    new OdooEventScanner({ knex: rt.store.knex, queue: rt.queue, config: rt.config, partners: rt.partners, odoo: rt.odoo, log: silentLog, ...over });

  beforeAll(async () => {
    sb = await startSandbox();
    rt = await odooRuntime(backend, sb);
    await rt.odooEvents.scanNow();
  });
  afterAll(async () => {
    await rt?.close();
    await sb?.close();
  });
  afterEach(async () => {
    sb.setNow(null);
    await sb.faults.reset();
  });

  it('reads write_date as Odoo does: microseconds kept, whole seconds read, one value per call', () => {
    const [a, b] = draftOrders(sb, ['T-READ-1', 'T-READ-2']);
    const rows = sb.execute('sale.order', 'read', [[a, b]], { fields: ['write_date'] }) as { write_date: string }[];
    expect(rows[0].write_date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(rows[1].write_date).toBe(rows[0].write_date);
    // The value as read matches nothing with '=' and its own record with '>'.
    expect(sb.execute('sale.order', 'search', [[['id', '=', a], ['write_date', '=', rows[0].write_date]]])).toEqual([]);
    expect(sb.execute('sale.order', 'search', [[['id', '=', a], ['write_date', '>', rows[0].write_date]]])).toEqual([a]);
  });

  it('sends an order confirmed in the same second as one already sent, whatever the ids', async () => {
    sb.setNow('2026-11-27 10:00:00');
    const [low, high] = draftOrders(sb, ['T-SEC-LOW', 'T-SEC-HIGH']);
    confirm(sb, [high]);
    expect((await rt.odooEvents.scanNow()).events.sale_confirmed.queued).toBe(1);
    // Same second, lower id, after the scan: a (write_date, id) cursor passes it by.
    confirm(sb, [low]);
    expect((await rt.odooEvents.scanNow()).events.sale_confirmed.queued).toBe(1);
    expect(await acked(rt, 'T-SEC-')).toEqual(['T-SEC-HIGH', 'T-SEC-LOW']);
  });

  it('sends what a long transaction commits after quicker ones moved the scan on', async () => {
    const [quick, slow] = draftOrders(sb, ['T-LONG-QUICK', 'T-LONG-SLOW']);
    confirm(sb, [quick]);
    await rt.odooEvents.scanNow();
    // A picking validated in a 50-second transaction, a cron: dated at its start, committed now.
    sb.faults.slowTransactions(50);
    confirm(sb, [slow]);
    const [row] = sb.execute('sale.order', 'read', [[slow, quick]], { fields: ['write_date'] }) as { write_date: string }[];
    const [q] = sb.execute('sale.order', 'read', [[quick]], { fields: ['write_date'] }) as { write_date: string }[];
    expect(row.write_date < q.write_date).toBe(true);
    expect((await rt.odooEvents.scanNow()).events.sale_confirmed.queued).toBe(1);
    expect(await acked(rt, 'T-LONG-')).toEqual(['T-LONG-QUICK', 'T-LONG-SLOW']);
  });

  it('120 orders confirmed in one call: 120 855s, each once, from two processes paging 7 at a time', async () => {
    const refs = Array.from({ length: 120 }, (_, i) => `T-BULK-${String(i).padStart(3, '0')}`);
    const ids = draftOrders(sb, refs);
    confirm(sb, ids);
    const stamps = new Set((sb.execute('sale.order', 'read', [ids], { fields: ['write_date'] }) as { write_date: string }[]).map((r) => r.write_date));
    expect(stamps.size).toBe(1);
    const [one, two] = await Promise.all([scanner({ pageSize: 7 }).scanNow(), scanner({ pageSize: 7 }).scanNow()]);
    const leftover = await rt.odooEvents.scanNow();
    expect(one.error ?? two.error ?? leftover.error).toBeUndefined();
    expect(one.events.sale_confirmed.queued + two.events.sale_confirmed.queued + leftover.events.sale_confirmed.queued).toBe(120);
    expect((await acked(rt, 'T-BULK-')).sort()).toEqual(refs);
  });

  it('a restarted gateway sends nothing again, and an idle scan costs a few calls', async () => {
    const [id] = draftOrders(sb, ['T-RESTART-1']);
    confirm(sb, [id]);
    await rt.odooEvents.scanNow();
    const before = sb.calls().length;
    const again = await scanner().scanNow();
    expect(Object.values(again.events).reduce((n, e) => n + e.queued + e.skipped + e.failed, 0)).toBe(0);
    const fresh = sb.calls().length - before;
    // A new process reads its lookups once; after that a scan is a search and a newest-date read per event.
    const idle = sb.calls().length;
    await rt.odooEvents.scanNow();
    expect(sb.calls().length - idle).toBeLessThanOrEqual(2 * 4);
    expect(fresh).toBeGreaterThan(sb.calls().length - idle);
    expect(await acked(rt, 'T-RESTART-')).toEqual(['T-RESTART-1']);
  });

  it('stop() returns while a scan waits on a slow Odoo; the record is sent by the next scan', async () => {
    const [id] = draftOrders(sb, ['T-STOP-1']);
    confirm(sb, [id]);
    const s = scanner();
    sb.faults.delay(8_000);
    const order: string[] = [];
    const scan = s.scanNow().then((r) => { order.push('scan'); return r; });
    await new Promise((r) => setTimeout(r, 200));
    await s.stop();
    order.push('stop');
    expect(order).toEqual(['stop']);
    await sb.faults.reset();
    expect((await scan).error).toMatch(/STOPPING/);
    expect((await rt.odooEvents.scanNow()).events.sale_confirmed.queued).toBe(1);
    expect(await acked(rt, 'T-STOP-')).toEqual(['T-STOP-1']);
  });
});
