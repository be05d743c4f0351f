import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Runtime } from '../../src/daemon/runtime';
import { startHttpServer, type HttpServer } from '../../src/http/http-server';
import { requestReplay } from '../../src/pipeline/replay';
import { runReconciliation, type ReconciliationRow } from '../../src/reconciliation';
import { dailyReportSchedule, writeDailyReport } from '../../src/reconciliation/daily-report';
import { ClusterScheduler } from '../../src/schedule/cluster-scheduler';
import { flagOverdueAcks } from '../../src/acks/overdue-acks';
import { getEvents, getMessage, recordStage } from '../../src/store/messages.repo';
import { listRuns } from '../../src/store/schedule-runs.repo';
import { GatewayConfigSchema } from '../../src/config/gateway.config';
import { BIN } from '../cli-helpers';
import { BACKENDS, eventually, PROFILES, testRuntime, x12Interchange } from '../helpers';
import { acme850, ordersFor, settled, startSandbox, swift945, type SandboxOdoo } from '../odoo-helpers';

const HOUR = 3_600_000;
const TOKEN = 'reconciliation-test-token-0123';

/** What Odoo users do by hand, over the sandbox's RPC (as in odoo-events.test.ts). */
function validateByHand(sb: SandboxOdoo, pickingId: number): void {
  const moves = sb.execute('stock.move', 'search_read', [[['picking_id', '=', pickingId]]], { fields: ['product_uom_qty'] }) as any[];
  for (const m of moves) sb.execute('stock.move', 'write', [[m.id], { quantity: m.product_uom_qty, picked: true }]);
  expect(sb.execute('stock.picking', 'button_validate', [[pickingId]])).toBe(true);
}

/** Invoices what was delivered; `adjust` may change the draft's lines before it is posted. */
function invoiceAndPost(sb: SandboxOdoo, soId: number, adjust?: (lines: { id: number; quantity: number; product_id: [number, string] }[]) => void): number {
  const context = { active_model: 'sale.order', active_ids: [soId] };
  const wiz = [sb.execute('sale.advance.payment.inv', 'create', [[{ advance_payment_method: 'delivered', sale_order_ids: [[6, 0, [soId]]] }]], { context })].flat()[0] as number;
  sb.execute('sale.advance.payment.inv', 'create_invoices', [[wiz]], { context });
  const [so] = sb.execute('sale.order', 'read', [[soId]], { fields: ['invoice_ids'] }) as any[];
  const invoice = so.invoice_ids.at(-1);
  adjust?.(sb.execute('account.move.line', 'search_read', [[['move_id', '=', invoice], ['display_type', '=', 'product']]], { fields: ['quantity', 'product_id'] }) as any);
  sb.execute('account.move', 'action_post', [[invoice]]);
  return invoice;
}

const pickingOf = (sb: SandboxOdoo, so: { picking_ids: number[] }) =>
  (sb.execute('stock.picking', 'read', [so.picking_ids], { fields: ['name', 'state'] }) as any[]).find((p) => p.state !== 'done' && p.state !== 'cancel');

/** acme's 997 for groups we sent: one set per group, each accepted (A) or rejected (R) as a whole. */
function acme997(control: string, groups: { functionalId: string; control: string; status: 'A' | 'R' }[]): Buffer {
  const sets = groups.flatMap((g, i) => {
    const st = String(i + 1).padStart(4, '0');
    return [`ST*997*${st}`, `AK1*${g.functionalId}*${g.control}`, `AK9*${g.status}*1*1*${g.status === 'A' ? 1 : 0}`, `SE*4*${st}`];
  });
  return Buffer.from([
    `ISA*00*          *00*          *ZZ*ACMERETAIL     *ZZ*ODOODIST       *261127*1300*U*00401*${control}*0*P*>`,
    `GS*FA*ACMERETAIL*ODOODIST*20261127*1300*${Number(control)}*X*004010`, ...sets, `GE*${groups.length}*${Number(control)}`, `IEA*1*${control}`,
  ].join('~\n') + '~\n', 'latin1');
}

/** The CLI as a user runs it, against this runtime's store (over its socket): asynchronously, the store is served from this process. */
function cliAsync(rt: Runtime, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, EDI_GATEWAY_HOME: rt.config.home, EDI_GATEWAY_HTTP_PORT: '0',
      ...(rt.config.databaseUrl ? { DATABASE_URL: rt.config.databaseUrl } : {}) };
    const child = spawn(process.execPath, [BIN, '--profiles', PROFILES, ...args], { env, cwd: rt.config.home });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe.each(BACKENDS)('order lifecycle reconciliation on %s', (backend) => {
  let sb: SandboxOdoo;
  let rt: Runtime;
  let http: HttpServer;
  const from = new Date(Date.now() - HOUR);
  const to = new Date(Date.now() + 2 * HOUR);
  const rowsAt = async (now: Date, partnerId = 'acme-retail') => runReconciliation(rt.store.knex, rt.partners(), true, { from, to, partnerId, now });
  const rowOf = async (po: string, now = new Date()) => {
    const row = (await rowsAt(now)).find((r) => r.poNumber === po);
    if (!row) throw new Error(`no reconciliation row for ${po}`);
    return row;
  };
  const codes = (row: ReconciliationRow) => row.flags.map((f) => f.code);
  const outboundGroup = async (messageId: number) => rt.store.knex('outbound_groups').where({ message_id: messageId }).first('functional_id', 'control_number');

  beforeAll(async () => {
    sb = await startSandbox();
    // odooRuntime's settings, with an API token for the HTTP server.
    rt = await testRuntime(backend, {
      sandboxOdoo: { port: sb.port }, http: { apiToken: TOKEN }, queue: { retryLimit: 40, retryDelaySeconds: 0 },
      odoo: { enabled: true, timeoutSeconds: 10, attempts: 2, circuitFailures: 3, circuitCooldownSeconds: 0, pollSeconds: 0 },
    });
    rt.workInbound();
    // The first scan sets every cursor; what follows is new.
    await rt.odooEvents.scanNow();
    http = await startHttpServer(rt, { port: 0 });
  });
  afterAll(async () => {
    await http?.close();
    await rt?.close();
    await sb?.close();
  });

  it('855, 856 and 810 from the sandbox agree with the 850: no flag; ACK_OVERDUE once their 997s are late; a 997 rejecting the 856 is ACK_REJECTED, one accepting the 855 is not', async () => {
    const r = await rt.receive({ content: acme850('000003001', 'PO-R-1'), transport: 'test' });
    expect(await settled(rt, r.messageId)).toMatchObject({ status: 'done' });
    const [so] = ordersFor(sb, 'PO-R-1');
    await rt.odooEvents.scanNow();
    validateByHand(sb, pickingOf(sb, so).id);
    await rt.odooEvents.scanNow();
    invoiceAndPost(sb, so.id);
    await rt.odooEvents.scanNow();

    const row = await rowOf('PO-R-1');
    expect(row).toMatchObject({
      partnerId: 'acme-retail', partnerName: 'ACME Retail', orderStatus: 'done', orderMessageIds: [r.messageId],
      odoo: { saleOrderId: so.id, saleOrderName: so.name },
      // 24 EA and 6 CA of 12: 96 EA however each document states it.
      ordered: { lines: 2, quantity: 96 }, acknowledged: { type: 'accept', quantity: 96 }, shipped: { quantity: 96, advisedQuantity: null },
      invoiced: { quantity: 96 },
    });
    expect(row.documents.map((d) => [d.type, d.ack])).toEqual([['order_ack', 'pending'], ['shipment', 'pending'], ['invoice', 'pending']]);
    expect(row.flags).toEqual([]);

    // A day and more later, no 997 has come for any of the three.
    const late = await rowOf('PO-R-1', new Date(Date.now() + 25 * HOUR));
    expect(codes(late)).toEqual(['ACK_OVERDUE', 'ACK_OVERDUE', 'ACK_OVERDUE']);

    const [ack, asn] = row.documents;
    const g855 = await outboundGroup(ack.messageId);
    const g856 = await outboundGroup(asn.messageId);
    expect([g855.functional_id, g856.functional_id]).toEqual(['PR', 'SH']);
    const fa = await rt.receive({ content: acme997('000003091', [
      { functionalId: 'PR', control: g855.control_number, status: 'A' }, { functionalId: 'SH', control: g856.control_number, status: 'R' }]), transport: 'test' });
    expect(await settled(rt, fa.messageId)).toMatchObject({ status: 'done' });
    const answered = await rowOf('PO-R-1');
    expect(answered.documents.map((d) => [d.type, d.ack])).toEqual([['order_ack', 'accepted'], ['shipment', 'rejected'], ['invoice', 'pending']]);
    expect(codes(answered)).toEqual(['ACK_REJECTED']);
    expect(answered.flags[0].message).toContain(`shipment ${asn.key} (message ${asn.messageId})`);
    // Late now only for the 810, still unanswered.
    expect(codes(await rowOf('PO-R-1', new Date(Date.now() + 25 * HOUR)))).toEqual(['ACK_REJECTED', 'ACK_OVERDUE']);
  });

  it('the overdue check makes a sent document whose 997 is late an exception, once; a late 997 accepting it makes it done again; a replay restarts the window', async () => {
    const [, , inv] = (await rowOf('PO-R-1')).documents;
    // Sent (no outbound worker runs here): what the sender records.
    await recordStage(rt.store.knex, inv.messageId, { stage: 'sent', outcome: 'ok', status: 'done', detail: 'crafted' });
    expect(await flagOverdueAcks(rt.store.knex, new Date())).toEqual([]);
    const later = new Date(Date.now() + 25 * HOUR);
    expect(await flagOverdueAcks(rt.store.knex, later)).toEqual([inv.messageId]);
    expect(await flagOverdueAcks(rt.store.knex, later)).toEqual([]);
    const m = (await getMessage(rt.store.knex, inv.messageId))!;
    expect(m).toMatchObject({ status: 'exception', errorCode: 'ACK_OVERDUE' });
    expect(m.errorMessage).toMatch(/^no acknowledgment in time: 997 for IN \d+ due \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; replay to send it again/);
    // Flagged as overdue by the reconciliation, not as a failed delivery.
    expect(codes(await rowOf('PO-R-1', later))).toEqual(['ACK_REJECTED', 'ACK_OVERDUE']);

    // A replay sends it again and gives the partner its window anew.
    const dueBefore = new Date((await rt.store.knex('outbound_groups').where({ message_id: inv.messageId }).first('ack_due_at')).ack_due_at).getTime();
    await requestReplay(rt.store.knex, rt.queue, inv.messageId, 'test');
    const dueAfter = new Date((await rt.store.knex('outbound_groups').where({ message_id: inv.messageId }).first('ack_due_at')).ack_due_at).getTime();
    expect(dueAfter - Date.now()).toBeGreaterThan(23 * HOUR); // acme's 24 hours, from now
    expect(dueAfter).toBeGreaterThan(dueBefore);
    await recordStage(rt.store.knex, inv.messageId, { stage: 'sent', outcome: 'ok', status: 'done', detail: 'crafted resend' });
    expect(await flagOverdueAcks(rt.store.knex, new Date(dueAfter - HOUR))).toEqual([]);
    expect(await flagOverdueAcks(rt.store.knex, new Date(dueAfter + HOUR))).toEqual([inv.messageId]);

    // The 997 comes after all: done again.
    const g810 = await outboundGroup(inv.messageId);
    const fa = await rt.receive({ content: acme997('000003092', [{ functionalId: 'IN', control: g810.control_number, status: 'A' }]), transport: 'test' });
    expect(await settled(rt, fa.messageId)).toMatchObject({ status: 'done' });
    expect(await getMessage(rt.store.knex, inv.messageId)).toMatchObject({ status: 'done', errorCode: null });
    const events = await getEvents(rt.store.knex, inv.messageId);
    expect(events[events.length - 1]).toMatchObject({ stage: 'acknowledged', outcome: 'ok' });
    expect(events[events.length - 1].detail).toMatch(/acknowledged A .*after it was overdue$/);
  });

  it('a short 945: SHIPPED_QTY_DIFFERS; INVOICE_MISSING past the window until invoiced; an invoice for more than shipped: INVOICED_QTY_DIFFERS', async () => {
    const r = await rt.receive({ content: acme850('000003002', 'PO-R-2'), transport: 'test' });
    expect(await settled(rt, r.messageId)).toMatchObject({ status: 'done' });
    const [so] = ordersFor(sb, 'PO-R-2');
    await rt.odooEvents.scanNow();
    let row = await rowOf('PO-R-2');
    expect(codes(row)).toEqual([]);

    // swift-3pl ships 24 of 24 and 60 of 72: the picking is validated by the 945, the 856 follows.
    const a = await rt.receive({ content: swift945('000003901', pickingOf(sb, so).name, 'PO-R-2'), transport: 'test' });
    expect(await settled(rt, a.messageId)).toMatchObject({ status: 'done' });
    await rt.odooEvents.scanNow();
    row = await rowOf('PO-R-2');
    expect(row.shipped).toMatchObject({ quantity: 84, advisedQuantity: 84, advices: [a.messageId] });
    expect(row.lines.find((l) => l.productCode === 'ODW-1002')).toMatchObject({ ordered: 72, acknowledged: 72, shipped: 60, advised: 60, invoiced: null });
    expect(codes(row)).toEqual(['SHIPPED_QTY_DIFFERS']);
    expect(row.flags[0].message).toContain('ODW-1002: 60 shipped / 72 ordered EA');
    // acme's invoice window is 2 days from the shipment.
    expect(codes(await rowOf('PO-R-2', new Date(Date.now() + 47 * HOUR)))).not.toContain('INVOICE_MISSING');
    expect(codes(await rowOf('PO-R-2', new Date(Date.now() + 49 * HOUR)))).toContain('INVOICE_MISSING');

    // Billed 6 cases where 5 went out.
    invoiceAndPost(sb, so.id, (lines) => {
      const cases = lines.find((l) => l.product_id[1].includes('ODW-1002'))!;
      expect(cases.quantity).toBe(5);
      sb.execute('account.move.line', 'write', [[cases.id], { quantity: 6 }]);
    });
    await rt.odooEvents.scanNow();
    row = await rowOf('PO-R-2', new Date(Date.now() + 49 * HOUR));
    expect(row.invoiced).toMatchObject({ quantity: 96 });
    expect(codes(row)).toEqual(expect.arrayContaining(['SHIPPED_QTY_DIFFERS', 'INVOICED_QTY_DIFFERS']));
    expect(codes(row)).not.toContain('INVOICE_MISSING');
    expect(row.flags.find((f) => f.code === 'INVOICED_QTY_DIFFERS')!.message).toContain('ODW-1002: 72 invoiced / 60 shipped EA');
  });

  it("an order nothing answers: ASN_MISSING only past acme's 3 days", async () => {
    const r = await rt.receive({ content: acme850('000003003', 'PO-R-3'), transport: 'test' });
    expect(await settled(rt, r.messageId)).toMatchObject({ status: 'done' });
    expect(codes(await rowOf('PO-R-3', new Date(Date.now() + 71 * HOUR)))).toEqual([]);
    const late = await rowOf('PO-R-3', new Date(Date.now() + 73 * HOUR));
    expect(codes(late)).toEqual(['ASN_MISSING']);
    expect(late.flags[0].message).toContain('(3 days)');
  });

  it('an order Odoo refuses: ORDER_EXCEPTION and NOT_IN_ODOO; both gone once the product is back and the message replayed', async () => {
    const [product] = sb.execute('product.product', 'search', [[['default_code', '=', 'ODW-1001']]]) as number[];
    sb.execute('product.product', 'write', [[product], { active: false }]);
    let id: number;
    try {
      const r = await rt.receive({ content: acme850('000003004', 'PO-R-4'), transport: 'test' });
      id = r.messageId;
      expect(await settled(rt, id)).toMatchObject({ status: 'exception', errorCode: 'ODOO_PRODUCT_NOT_FOUND' });
    } finally {
      sb.execute('product.product', 'write', [[product], { active: true }]);
    }
    const row = await rowOf('PO-R-4');
    expect(codes(row)).toEqual(['ORDER_EXCEPTION', 'NOT_IN_ODOO']);
    expect(row.flags[0].message).toContain('ODOO_PRODUCT_NOT_FOUND');
    expect(row.odoo.saleOrderId).toBeNull();

    await requestReplay(rt.store.knex, rt.queue, id);
    expect(await settled(rt, id)).toMatchObject({ status: 'done' });
    const fixed = await rowOf('PO-R-4');
    expect(codes(fixed)).toEqual([]);
    expect(fixed.odoo.saleOrderId).toBe(ordersFor(sb, 'PO-R-4')[0].id);
  });

  it('GET /api/reconciliation answers the rows `reconcile --json` prints, its CSV the file `--csv` writes; --flagged and ?flagged=true keep the flagged; GET /api/partners', async () => {
    const q = `from=${from.toISOString()}&to=${to.toISOString()}`;
    const call = (p: string) => fetch(`http://127.0.0.1:${http.port}${p}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const csvFile = path.join(rt.config.home, 'cli-report.csv');
    const cli = await cliAsync(rt, ['reconcile', '--from', from.toISOString(), '--to', to.toISOString(), '--json', '--csv', csvFile]);
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(1); // PO-R-1 and PO-R-2 are flagged
    const fromCli = JSON.parse(cli.stdout);
    const api = await call(`/api/reconciliation?${q}`);
    expect(api.status).toBe(200);
    const fromApi = await api.json() as any;
    expect(fromApi).toEqual(fromCli);
    expect(fromApi.rows.map((r: ReconciliationRow) => r.poNumber).sort()).toEqual(['PO-R-1', 'PO-R-2', 'PO-R-3', 'PO-R-4']);

    const csv = await call(`/api/reconciliation.csv?${q}`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text).toBe(fs.readFileSync(csvFile, 'utf8'));
    const records = parse(text, { columns: true }) as Record<string, string>[];
    const short = records.find((r) => r.po_number === 'PO-R-2')!;
    expect(short).toMatchObject({ partner: 'acme-retail', ordered_qty: '96', asn_shipped_qty: '84', warehouse_advised_qty: '84', invoiced_qty: '96', flags: 'SHIPPED_QTY_DIFFERS INVOICED_QTY_DIFFERS' });
    expect(short.flag_details).toBe(fromApi.rows.find((r: ReconciliationRow) => r.poNumber === 'PO-R-2').flags.map((f: { message: string }) => f.message).join('; '));

    const flagged = await (await call(`/api/reconciliation?${q}&flagged=true`)).json() as any;
    expect(flagged.rows.map((r: ReconciliationRow) => r.poNumber).sort()).toEqual(['PO-R-1', 'PO-R-2']);
    const cliFlagged = await cliAsync(rt, ['reconcile', '--from', from.toISOString(), '--to', to.toISOString(), '--flagged']);
    expect(cliFlagged.stdout).toMatch(/acme-retail\s+PO-R-2\s/);
    expect(cliFlagged.stdout).not.toMatch(/PO-R-3/);
    expect(cliFlagged.stdout).toContain('acme-retail PO-R-1: ACK_REJECTED');

    expect((await call('/api/reconciliation?from=yesterday')).status).toBe(400);
    expect((await call(`/api/reconciliation?${q}&flagged=maybe`)).status).toBe(400);
    expect((await fetch(`http://127.0.0.1:${http.port}/api/reconciliation`)).status).toBe(401);
    const none = await cliAsync(rt, ['reconcile', '--from', '2026-13-01']);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("--from '2026-13-01' is not a date");

    const partners = await (await call('/api/partners')).json() as any;
    const acme = partners.partners.find((p: { id: string }) => p.id === 'acme-retail');
    // Open: our 856 that acme's 997 rejected (PO-R-4's exception was replayed away).
    expect(acme).toMatchObject({ name: 'ACME Retail', kind: 'edi', mode: 'production', profile: true, acksOverdue: 0, exceptionsOpen: 1 });
    expect(acme.messages24h).toBeGreaterThanOrEqual(10);
    // The 855, 856, 810 of PO-R-2 (and PO-R-3's, PO-R-4's 855s) still wait for their 997 (PO-R-1's 810 got its late one).
    expect(acme.acksExpected).toBeGreaterThanOrEqual(3);
    expect(Date.parse(acme.lastInboundAt)).toBeGreaterThan(from.getTime());
    expect(Date.parse(acme.lastOutboundAt)).toBeGreaterThan(from.getTime());
    expect(acme.errorRate7d).toBeGreaterThan(0);
    expect(acme.errorRate7d).toBeLessThan(0.5);
    const swift = partners.partners.find((p: { id: string }) => p.id === 'swift-3pl');
    expect(swift).toMatchObject({ name: 'Swift 3PL', messages24h: expect.any(Number) });
    expect(Date.parse(swift.lastInboundAt)).toBeGreaterThan(from.getTime());
    expect(partners.partners.find((p: { id: string }) => p.id === 'nordmart')).toMatchObject({ lastInboundAt: null, messages7d: 0, errorRate7d: null });
  });

  it('the daily report file is the same CSV, named for the day, under $EDI_GATEWAY_HOME/reports', async () => {
    const now = new Date();
    const r = await writeDailyReport(rt, now);
    expect(path.dirname(r.file)).toBe(path.join(rt.config.home, 'reports'));
    expect(path.basename(r.file)).toMatch(/^reconciliation-\d{4}-\d{2}-\d{2}\.csv$/);
    const records = parse(fs.readFileSync(r.file, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(records.map((x) => x.po_number).sort()).toEqual(['PO-R-1', 'PO-R-2', 'PO-R-3', 'PO-R-4']);
    expect(r).toMatchObject({ rows: 4, flagged: 2 });
    expect(fs.readdirSync(path.dirname(r.file))).toEqual([path.basename(r.file)]);
  });
});

describe('the daemon\'s daily reconciliation report', () => {
  it('runs on reconciliation.reportCron as a cluster schedule and stops with it; off is no schedule; a bad expression is refused by the config', async () => {
    expect(() => GatewayConfigSchema.parse({ reconciliation: { reportCron: 'at dawn' } })).toThrow(/cron expression/);
    expect(GatewayConfigSchema.parse({}).reconciliation).toEqual({ reportCron: '30 5 * * *', reportDays: 14 });
    const rt = await testRuntime('pglite', { reconciliation: { reportCron: '* * * * * *' } }); // every second
    const reports = path.join(rt.config.home, 'reports');
    const scheduler = new ClusterScheduler({ knex: rt.store.knex, log: rt.log });
    try {
      rt.workInbound();
      rt.workBulk();
      const r = await rt.receive({ content: x12Interchange('ACMERETAIL', '000004001', 'PO-D-1'), transport: 'test' });
      expect(await settled(rt, r.messageId)).toMatchObject({ status: 'done' });
      expect(dailyReportSchedule({ ...rt, config: { ...rt.config, reconciliation: { reportCron: 'off', reportDays: 14 } } })).toBeUndefined();
      scheduler.add(dailyReportSchedule(rt)!);
      const file = await eventually(() => fs.existsSync(reports) && fs.readdirSync(reports).find((f) => f.endsWith('.csv')), 10_000, 'the report');
      await scheduler.stop();
      // Stopped: a removed report is not written again.
      const text = fs.readFileSync(path.join(reports, file), 'utf8');
      fs.rmSync(reports, { recursive: true });
      await new Promise((r) => setTimeout(r, 1500));
      expect(fs.existsSync(reports)).toBe(false);
      const runs = await listRuns(rt.store.knex, { name: 'reconciliation-report' });
      expect(runs.length).toBeGreaterThanOrEqual(1);
      expect(runs.find((x) => x.outcome === 'ok')?.detail).toBe('queued on the bulk queue');
      expect(file).toMatch(/^reconciliation-\d{4}-\d{2}-\d{2}\.csv$/);
      expect(text).toMatch(/^partner,po_number,/);
      expect(text).toContain('acme-retail,PO-D-1,');
    } finally {
      await rt.close();
    }
  });
});
