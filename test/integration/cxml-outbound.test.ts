import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import YAML from 'yaml';
import type { Runtime } from '../../src/daemon/runtime';
import { startHttpServer, type HttpServer } from '../../src/http/http-server';
import { parseCxml } from '../../src/marketplaces/cxml/parse-cxml';
import { requestReplay } from '../../src/pipeline/replay';
import { getContent, getEvents, getMessage } from '../../src/store/messages.repo';
import { checkAgainstDtd, plain } from '../cxml-outbound-fixtures';
import { BACKENDS, eventually, PROFILES, tempDir, testRuntime } from '../helpers';
import { ordersFor, settled, startSandbox, type SandboxOdoo } from '../odoo-helpers';

const SECRET = 'coupa-outbound-secret-91c2';
const SAMPLE = fs.readFileSync(path.join(PROFILES, 'coupa-buyer', 'samples', 'inbound', 'order-request.xml'), 'utf8');
const PAYLOAD_ID = 'p-out-1@coupa.test';
const PO = 'CB-PO-OUT-1';

/** The partner profiles, with coupa-buyer's postUrl set to the buyer's endpoint of this test. */
function profilesWithPostUrl(postUrl: string): string {
  const dir = tempDir('edi-gw-cxml-profiles-');
  fs.cpSync(PROFILES, dir, { recursive: true });
  const file = path.join(dir, 'coupa-buyer', 'profile.yaml');
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  doc.cxml.postUrl = postUrl;
  fs.writeFileSync(file, YAML.stringify(doc));
  return dir;
}

describe.each(BACKENDS)('cXML buyer end to end on %s: OrderRequest in, ConfirmationRequest, ShipNoticeRequest and InvoiceDetailRequest back', (backend) => {
  let sb: SandboxOdoo;
  let rt: Runtime;
  let gateway: HttpServer;
  let buyer: http.Server;
  /** What the buyer's endpoint got, and how it answers next (a cXML Status code). */
  const got: string[] = [];
  let answerCode = 200;
  const before = process.env.COUPA_BUYER_CXML_SECRET;

  beforeAll(async () => {
    process.env.COUPA_BUYER_CXML_SECRET = SECRET;
    buyer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        got.push(Buffer.concat(chunks).toString('utf8'));
        const text = answerCode === 200 ? 'OK' : answerCode === 400 ? 'Bad Request' : 'Internal Server Error';
        res.writeHead(answerCode === 200 ? 200 : answerCode, { 'content-type': 'text/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<cXML payloadID="${got.length}@buyer.test" timestamp="2026-12-09T09:00:00-08:00"><Response><Status code="${answerCode}" text="${text}"/></Response></cXML>`);
      });
    });
    await new Promise<void>((r) => buyer.listen(0, '127.0.0.1', r));
    sb = await startSandbox();
    rt = await testRuntime(backend, {
      profilesDir: profilesWithPostUrl(`http://127.0.0.1:${(buyer.address() as AddressInfo).port}/coupa/cxml`),
      sandboxOdoo: { port: sb.port },
      odoo: { enabled: true, timeoutSeconds: 10, attempts: 2, circuitFailures: 3, circuitCooldownSeconds: 0, pollSeconds: 0 },
      queue: { retryLimit: 3, retryDelaySeconds: 0 },
    });
    rt.workInbound();
    rt.workOutbound();
    gateway = await startHttpServer(rt, { port: 0 });
    await rt.odooEvents.scanNow();
  });
  afterAll(async () => {
    await gateway?.close();
    await rt?.close();
    await sb?.close();
    buyer?.closeAllConnections();
    await new Promise((r) => buyer?.close(r));
    if (before === undefined) delete process.env.COUPA_BUYER_CXML_SECRET; else process.env.COUPA_BUYER_CXML_SECRET = before;
  });

  const outbox = async () => (await rt.store.knex('messages').where({ direction: 'out', partner_id: 'coupa-buyer', transport: 'outbox' }).orderBy('id').select('id', 'filename'));
  const delivered = async (id: number) => eventually(async () => {
    const m = await getMessage(rt.store.knex, id);
    return m && ['done', 'exception'].includes(m.status) ? m : undefined;
  }, 45_000, `outbound message ${id}`);
  /** The last document the buyer got, checked: the secret in Sender, the stored message without it, the DTD's order. */
  const lastReceived = async (messageId: number) => {
    const wire = got.at(-1)!;
    expect(parseCxml(Buffer.from(wire)).sender).toEqual([{ domain: 'DUNS', identity: '5790000000001', sharedSecret: SECRET }]);
    const stored = (await getContent(rt.store.knex, messageId))!.toString('utf8');
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain('SharedSecret');
    expect(wire.replace(`<SharedSecret>${SECRET}</SharedSecret>`, '')).toBe(stored);
    expect(checkAgainstDtd(wire).problems).toEqual([]);
    return plain.parse(wire) as any;
  };

  it('the order comes into Odoo; confirmed, shipped and invoiced there, each goes back to the buyer\'s endpoint with the PO, the OrderRequest\'s payloadID, tracking and quantities; a refusal parks the message, which is sent again from the store', async () => {
    const xml = SAMPLE.replace('1796371200000.4242.coupa@coupa-buyer.example', PAYLOAD_ID).replace('orderID="CB-PO-10045"', `orderID="${PO}"`)
      .replace('<SharedSecret>sample-secret</SharedSecret>', `<SharedSecret>${SECRET}</SharedSecret>`);
    const res = await fetch(`http://127.0.0.1:${gateway.port}/cxml/coupa-buyer`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
    expect(res.status).toBe(200);
    const inbound = await eventually(async () => (await rt.store.knex('messages').where({ transport_ref: `coupa-buyer/${PAYLOAD_ID}` }).first('id'))?.id, 20_000, 'the stored OrderRequest');
    expect(await settled(rt, inbound)).toMatchObject({ status: 'done' });
    const [so] = ordersFor(sb, PO);

    // Confirmed in Odoo: a ConfirmationRequest (accept) quoting the PO and the OrderRequest's payloadID.
    sb.execute('sale.order', 'action_confirm', [[so.id]]);
    let report = await rt.odooEvents.scanNow();
    expect(report.events.sale_confirmed.queued).toBe(1);
    let [confirmation] = await outbox();
    expect(confirmation.filename).toMatch(/^ConfirmationRequest-S\d+-m\d+/);
    expect(await delivered(confirmation.id)).toMatchObject({ status: 'done' });
    let doc = await lastReceived(confirmation.id);
    expect(doc.cXML.Request.ConfirmationRequest.ConfirmationHeader['@type']).toBe('accept');
    expect(doc.cXML.Request.ConfirmationRequest.OrderReference).toEqual({ '@orderID': PO, DocumentReference: { '@payloadID': PAYLOAD_ID } });
    const sent = (await getEvents(rt.store.knex, confirmation.id)).find((e) => e.stage === 'sent');
    expect(sent?.detail).toMatch(/^payloadID ConfirmationRequest\.S\d+\.[0-9a-f]+@edi-gateway: cXML 200 OK$/);

    // The picking done by hand with a tracking number: a ShipNoticeRequest.
    const [picking] = sb.execute('stock.picking', 'read', [ordersFor(sb, PO)[0].picking_ids], { fields: ['name', 'state'] }) as any[];
    const moves = sb.execute('stock.move', 'search_read', [[['picking_id', '=', picking.id]]], { fields: ['product_uom_qty'] }) as any[];
    for (const m of moves) sb.execute('stock.move', 'write', [[m.id], { quantity: m.product_uom_qty, picked: true }]);
    sb.execute('stock.picking', 'write', [[picking.id], { carrier_tracking_ref: '1ZCOUPA0001' }]);
    expect(sb.execute('stock.picking', 'button_validate', [[picking.id]])).toBe(true);
    report = await rt.odooEvents.scanNow();
    expect(report.events.picking_done.queued).toBe(1);
    const asn = (await outbox()).at(-1)!;
    expect(asn.filename).toMatch(/^ShipNoticeRequest-/);
    expect(await delivered(asn.id)).toMatchObject({ status: 'done' });
    doc = await lastReceived(asn.id);
    const notice = doc.cXML.Request.ShipNoticeRequest;
    expect(notice.ShipControl.ShipmentIdentifier).toEqual([{ '@domain': 'trackingNumber', '#text': '1ZCOUPA0001' }]);
    expect(notice.ShipNoticePortion[0].OrderReference).toEqual({ '@orderID': PO, DocumentReference: { '@payloadID': PAYLOAD_ID } });
    expect(notice.ShipNoticePortion[0].ShipNoticeItem.map((i: any) => [i['@lineNumber'], i['@quantity'], i.UnitOfMeasure, i.ItemID?.SupplierPartID]))
      .toEqual([['1', '10', 'EA', 'ODW-1001'], ['2', '9', 'EA', 'ODW-1002']]);

    // The invoice posted: the buyer refuses it first (cXML 400): parked as an exception, not retried.
    answerCode = 400;
    const context = { active_model: 'sale.order', active_ids: [so.id] };
    const wiz = [sb.execute('sale.advance.payment.inv', 'create', [[{ advance_payment_method: 'delivered', sale_order_ids: [[6, 0, [so.id]]] }]], { context })].flat()[0] as number;
    sb.execute('sale.advance.payment.inv', 'create_invoices', [[wiz]], { context });
    const invoiceId = (sb.execute('sale.order', 'read', [[so.id]], { fields: ['invoice_ids'] }) as any[])[0].invoice_ids.at(-1);
    sb.execute('account.move', 'action_post', [[invoiceId]]);
    report = await rt.odooEvents.scanNow();
    expect(report.events.invoice_posted.queued).toBe(1);
    const bill = (await outbox()).at(-1)!;
    expect(bill.filename).toMatch(/^InvoiceDetailRequest-/);
    const parked = await delivered(bill.id);
    expect(parked).toMatchObject({ status: 'exception', errorCode: 'PARTNER_REJECTED' });
    expect(parked.errorMessage).toMatch(/cXML 400 Bad Request/);
    const attempts = got.length;

    // The operator replays it once the buyer is fixed: sent again as the stored bytes, the payloadID the one refused.
    answerCode = 200;
    await requestReplay(rt.store.knex, rt.queue, bill.id, 'buyer fixed its tax setup');
    await eventually(async () => (await getMessage(rt.store.knex, bill.id))?.status === 'done', 45_000, 'the replayed invoice');
    expect((await getEvents(rt.store.knex, bill.id)).map((e) => [e.stage, e.outcome]).slice(-2)).toEqual([['replay', 'info'], ['sent', 'ok']]);
    expect((await getEvents(rt.store.knex, bill.id)).find((e) => e.stage === 'replay')?.detail).toBe('buyer fixed its tax setup (send again, 1)');
    expect(got.length).toBe(attempts + 1);
    expect(parseCxml(Buffer.from(got.at(-1)!)).payloadID).toBe(parseCxml(Buffer.from(got.at(-2)!)).payloadID);
    doc = await lastReceived(bill.id);
    const inv = doc.cXML.Request.InvoiceDetailRequest;
    const [odooInvoice] = sb.execute('account.move', 'read', [[invoiceId]], { fields: ['name', 'amount_untaxed', 'amount_total'] }) as any[];
    expect(inv.InvoiceDetailRequestHeader['@invoiceID']).toBe(odooInvoice.name);
    expect(inv.InvoiceDetailOrder.InvoiceDetailOrderInfo.OrderReference).toEqual({ '@orderID': PO, DocumentReference: { '@payloadID': PAYLOAD_ID } });
    expect(inv.InvoiceDetailOrder.InvoiceDetailItem.map((i: any) => [i.InvoiceDetailItemReference['@lineNumber'], i['@quantity'], i.UnitPrice.Money['#text']]))
      .toEqual([['1', '10', '12.50'], ['2', '9', '4.11']]);
    expect(Number(inv.InvoiceDetailSummary.SubtotalAmount.Money['#text'])).toBe(odooInvoice.amount_untaxed);
    expect(Number(inv.InvoiceDetailSummary.DueAmount.Money['#text'])).toBe(odooInvoice.amount_total);

    // The same records scanned again send nothing new; the confirmation's payloadID on the wire was the stored one.
    const count = (await outbox()).length;
    await rt.odooEvents.scanNow();
    expect((await outbox()).length).toBe(count);
    confirmation = (await outbox())[0];
    expect(parseCxml((await getContent(rt.store.knex, confirmation.id))!).payloadID).toMatch(/^ConfirmationRequest\./);
  });
});
