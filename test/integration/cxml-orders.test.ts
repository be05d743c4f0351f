import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../../src/daemon/runtime';
import { startHttpServer, type HttpServer } from '../../src/http/http-server';
import { requestReplay } from '../../src/pipeline/replay';
import { listDocuments } from '../../src/store/documents.repo';
import { getContent, getEvents, getMessage, listMessages } from '../../src/store/messages.repo';
import { BACKENDS, eventually, PROFILES } from '../helpers';
import { linesOf, odooRuntime, ordersFor, settled, startSandbox, type SandboxOdoo } from '../odoo-helpers';

const SECRET = 'coupa-test-secret-7f3a';
const SAMPLE = fs.readFileSync(path.join(PROFILES, 'coupa-buyer', 'samples', 'inbound', 'order-request.xml'), 'utf8');

/** The coupa-buyer sample with its own payloadID, order id, secret and first SupplierPartID. */
function orderRequest(o: { payloadID: string; orderID: string; secret?: string; part?: string; request?: string }): string {
  let xml = SAMPLE.replace('1796371200000.4242.coupa@coupa-buyer.example', o.payloadID)
    .replace('orderID="CB-PO-10045"', `orderID="${o.orderID}"`)
    .replace('<SharedSecret>sample-secret</SharedSecret>', `<SharedSecret>${o.secret ?? SECRET}</SharedSecret>`);
  if (o.part) xml = xml.replace('<SupplierPartID>ODW-1001</SupplierPartID>', `<SupplierPartID>${o.part}</SupplierPartID>`);
  if (o.request) xml = xml.replace(/<Request deploymentMode="production">[\s\S]*<\/Request>/, `<Request>${o.request}</Request>`);
  return xml;
}

describe.each(BACKENDS)('cXML OrderRequests at POST /cxml/<partner> on %s', (backend) => {
  let sb: SandboxOdoo;
  let rt: Runtime;
  let http: HttpServer;
  let base: string;
  const before = process.env.COUPA_BUYER_CXML_SECRET;

  beforeAll(async () => {
    process.env.COUPA_BUYER_CXML_SECRET = SECRET;
    sb = await startSandbox();
    rt = await odooRuntime(backend, sb);
    rt.workInbound();
    http = await startHttpServer(rt, { port: 0 });
    base = `http://127.0.0.1:${http.port}`;
  });
  afterAll(async () => {
    await http?.close();
    await rt?.close();
    await sb?.close();
    if (before === undefined) delete process.env.COUPA_BUYER_CXML_SECRET; else process.env.COUPA_BUYER_CXML_SECRET = before;
  });

  const post = async (body: string | Buffer, partner = 'coupa-buyer') => {
    const res = await fetch(`${base}/cxml/${partner}`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body });
    const text = await res.text();
    const status = /<Status code="(\d+)"/.exec(text)?.[1];
    return { http: res.status, status: status ? Number(status) : undefined, text };
  };
  const messageCount = async () => Number((await rt.store.knex('messages').count('* as n').first())?.n ?? 0);
  const cxmlMessages = async () => (await listMessages(rt.store.knex, { partnerId: 'coupa-buyer' }));

  it('takes the sample OrderRequest: 200 once stored, then one sale order for the seeded customer with the lines and prices sent; the same payloadID again is 200 and changes nothing', async () => {
    const xml = orderRequest({ payloadID: 'p-1001@coupa.test', orderID: 'CB-PO-1001' });
    const first = await post(xml);
    expect(first).toMatchObject({ http: 200, status: 200 });
    expect(first.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<!DOCTYPE cXML SYSTEM "http:\/\/xml\.cxml\.org\/schemas\/cXML\/1\.2\.\d+\/cXML\.dtd">\n<cXML payloadID="[^"]+" timestamp="[^"]+"/);
    expect(first.text).toContain('<Response><Status code="200" text="OK"/></Response>');

    const [m] = await cxmlMessages();
    expect(m).toMatchObject({ transport: 'cxml', transportRef: 'coupa-buyer/p-1001@coupa.test', partnerId: 'coupa-buyer' });
    // Stored as sent but for the shared secret, which stays out of the message log.
    const stored = (await getContent(rt.store.knex, m.id))!.toString('utf8');
    expect(stored).not.toContain(SECRET);
    expect(stored).toBe(xml.replace(`<SharedSecret>${SECRET}</SharedSecret>`, '<SharedSecret>[redacted]</SharedSecret>'));
    expect(await settled(rt, m.id)).toMatchObject({ status: 'done' });
    const [so, ...more] = ordersFor(sb, 'CB-PO-1001');
    expect(more).toEqual([]);
    const lines = linesOf(sb, so.id);
    expect(lines.map((l) => [l.product_id[1], l.product_uom_qty, l.price_unit])).toEqual([
      [expect.stringContaining('ODW-1001'), 10, 12.5], [expect.stringContaining('ODW-1002'), 9, 4.11]]);
    const [full] = sb.execute('sale.order', 'read', [[so.id]], { fields: ['partner_id', 'partner_shipping_id', 'currency_id', 'amount_untaxed'] }) as any[];
    expect(full.partner_id[1]).toBe('Coupa Buyer Corp');
    expect(full.partner_shipping_id[1]).toMatch(/Oakland Receiving/);
    expect([full.currency_id[1], full.amount_untaxed]).toEqual(['USD', 161.99]);
    const [doc] = await listDocuments(rt.store.knex, m.id);
    expect(doc).toMatchObject({ type: 'order', businessKey: 'CB-PO-1001', sourceControl: 'p-1001@coupa.test', odooModel: 'sale.order', odooId: so.id });
    expect(doc.body).toMatchObject({ source: { standard: 'cXML', senderId: 'AN01000002779', interchangeControl: 'p-1001@coupa.test' } });
    expect((await getEvents(rt.store.knex, m.id)).map((e) => e.stage)).toEqual(expect.arrayContaining(['received', 'identify', 'route', 'cxml', 'odoo']));

    // The network resends (it lost our answer): 200 again, no new message, no second order.
    const count = await messageCount();
    const again = await post(xml);
    expect(again).toMatchObject({ http: 200, status: 200 });
    expect(await messageCount()).toBe(count);
    await new Promise((r) => setTimeout(r, 500));
    expect(ordersFor(sb, 'CB-PO-1001').map((o) => o.id)).toEqual([so.id]);
  });

  it('answers 401 to a wrong shared secret, another identity, an unknown or non-cXML partner, and stores nothing', async () => {
    const count = await messageCount();
    expect(await post(orderRequest({ payloadID: 'p-401a@coupa.test', orderID: 'CB-PO-401', secret: 'not-the-secret' }))).toMatchObject({ http: 401, status: 401 });
    const otherIdentity = orderRequest({ payloadID: 'p-401b@coupa.test', orderID: 'CB-PO-401' })
      .replace(/(<Sender>[\s\S]*?)<Identity>AN01000002779<\/Identity>/, '$1<Identity>AN09999999999</Identity>');
    expect(await post(otherIdentity)).toMatchObject({ http: 401, status: 401 });
    expect(await post(orderRequest({ payloadID: 'p-401c@coupa.test', orderID: 'CB-PO-401' }), 'no-such-buyer')).toMatchObject({ http: 401, status: 401 });
    expect(await post(orderRequest({ payloadID: 'p-401d@coupa.test', orderID: 'CB-PO-401' }), 'acme-retail')).toMatchObject({ http: 401, status: 401 });
    expect(await messageCount()).toBe(count);
    expect(ordersFor(sb, 'CB-PO-401')).toEqual([]);
  });

  it('answers 400 to what is not XML, not cXML or not an OrderRequest, and to an OrderRequest missing its orderID, naming the element', async () => {
    const count = await messageCount();
    const notXml = await post('ISA*00*this is not xml');
    expect(notXml).toMatchObject({ http: 400, status: 400 });
    expect(notXml.text).toMatch(/not XML/);
    expect(await post('<cXML payloadID="x"><Header>')).toMatchObject({ http: 400, status: 400 });
    const profileRequest = await post(orderRequest({ payloadID: 'p-400a@coupa.test', orderID: 'X', request: '<ProfileRequest/>' }));
    expect(profileRequest).toMatchObject({ http: 400, status: 400 });
    expect(profileRequest.text).toMatch(/ProfileRequest/);
    expect(await messageCount()).toBe(count);

    // Authenticated but malformed: 400 with the path, recorded as a refused receipt (an exception, no job).
    const noId = await post(orderRequest({ payloadID: 'p-400b@coupa.test', orderID: 'CB-PO-400' }).replace(' orderID="CB-PO-400"', ''));
    expect(noId).toMatchObject({ http: 400, status: 400 });
    expect(noId.text).toContain('cXML/Request/OrderRequest/OrderRequestHeader/@orderID is missing');
    const [refused] = await cxmlMessages();
    expect(refused).toMatchObject({ status: 'exception', errorCode: 'CXML_INVALID', transportRef: null });
  });

  it('refuses an XML bomb (billion laughs) with 400 at once, without expanding it', async () => {
    const lols = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`)].join('\n');
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE cXML [\n${lols}\n]>\n${orderRequest({ payloadID: 'p-bomb@coupa.test', orderID: 'CB-PO-BOMB' })
      .replace(/^<\?xml[^>]*>\n<!DOCTYPE[^>]*>\n/, '').replace('<Comments xml:lang="en">', '<Comments xml:lang="en">&lol9;')}`;
    const count = await messageCount();
    const started = Date.now();
    const r = await post(bomb);
    expect(r).toMatchObject({ http: 400, status: 400 });
    expect(r.text).toMatch(/entity declarations|internal subset/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.text).not.toContain('lollol');
    expect(await messageCount()).toBe(count);
  });

  it('refuses a body over 5 MB with HTTP 413 and a cXML Response, storing nothing', async () => {
    const count = await messageCount();
    const big = orderRequest({ payloadID: 'p-big@coupa.test', orderID: 'CB-PO-BIG' }).replace('call ahead.', `call ahead.${' '.repeat(5 * 1024 * 1024)}`);
    const r = await post(big);
    expect(r).toMatchObject({ http: 413, status: 400 });
    expect(r.text).toMatch(/larger than/);
    expect(await messageCount()).toBe(count);
  });

  it('an unknown SupplierPartID is accepted (200) and the message becomes an exception naming the item; a replay after the product exists writes the order', async () => {
    const r = await post(orderRequest({ payloadID: 'p-unknown@coupa.test', orderID: 'CB-PO-UNKNOWN', part: 'ODW-9999' }));
    expect(r).toMatchObject({ http: 200, status: 200 });
    const m = (await cxmlMessages()).find((x) => x.transportRef === 'coupa-buyer/p-unknown@coupa.test')!;
    const parked = await settled(rt, m.id);
    expect(parked).toMatchObject({ status: 'exception', errorCode: 'ODOO_PRODUCT_NOT_FOUND' });
    expect(parked.errorMessage).toMatch(/line 1: .*ODW-9999/);
    expect(ordersFor(sb, 'CB-PO-UNKNOWN')).toEqual([]);

    sb.execute('product.product', 'create', [{ name: 'Special Widget', default_code: 'ODW-9999', list_price: 3 }]);
    await requestReplay(rt.store.knex, rt.queue, m.id);
    await eventually(async () => (await getMessage(rt.store.knex, m.id))?.status === 'done', 45_000, 'the replay');
    const [so] = ordersFor(sb, 'CB-PO-UNKNOWN');
    expect(linesOf(sb, so.id).map((l) => l.product_id[1])).toEqual([expect.stringContaining('ODW-9999'), expect.stringContaining('ODW-1002')]);
  });

  it('answers 500 naming no secret while the shared secret\'s environment variable is unset, and stores nothing', async () => {
    const count = await messageCount();
    delete process.env.COUPA_BUYER_CXML_SECRET;
    try {
      const r = await post(orderRequest({ payloadID: 'p-500@coupa.test', orderID: 'CB-PO-500' }));
      expect(r).toMatchObject({ http: 500, status: 500 });
      expect(r.text).not.toContain(SECRET);
    } finally {
      process.env.COUPA_BUYER_CXML_SECRET = SECRET;
    }
    expect(await messageCount()).toBe(count);
  });
});
