import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError } from '../../src/errors/gateway-error';
import { deliverCxml } from '../../src/marketplaces/cxml/cxml-deliver';
import { renderCxml } from '../../src/marketplaces/cxml/cxml-render';
import { parseCxml } from '../../src/marketplaces/cxml/parse-cxml';
import { loadProfiles } from '../../src/partners/load-profiles';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { shipment } from '../cxml-outbound-fixtures';
import { PROFILES, silentLog } from '../helpers';

const coupa = loadProfiles(PROFILES).profiles.find((p) => p.id === 'coupa-buyer')!;
const SECRET = 'deliver-test-secret';
const env = { COUPA_BUYER_CXML_SECRET: SECRET };
const stored = renderCxml(shipment(), coupa, { now: new Date('2026-12-09T17:05:09Z') }).content;
const message = { messageId: 77, filename: 'ShipNoticeRequest-WH-OUT-00007-m77.edi', content: stored };
const payloadID = parseCxml(stored).payloadID;

/** A cXML Response as the User's Guide shows one. */
const cxmlAnswer = (code: number, text: string, detail = '') => `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">
<cXML payloadID="9949494@buyer.example" timestamp="2026-12-09T09:05:10-08:00">
  <Response>
    <Status code="${code}" text="${text}">${detail}</Status>
  </Response>
</cXML>`;

type Answer = { status?: number; body: string | Buffer; contentType?: string; headers?: Record<string, string> } | 'hang' | 'destroy';

/** The buyer's cXML endpoint: records what it gets, answers what the test says. */
let server: http.Server;
let url: string;
let answer: Answer;
const received: { method: string; contentType: string; body: string }[] = [];
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method!, contentType: String(req.headers['content-type']), body: Buffer.concat(chunks).toString('utf8') });
      if (answer === 'hang') return;
      if (answer === 'destroy') { req.socket.destroy(); return; }
      res.writeHead(answer.status ?? 200, { 'content-type': answer.contentType ?? 'text/xml; charset=UTF-8', ...answer.headers });
      res.end(answer.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cxml/asn`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => { received.length = 0; });

const profile = (over: Partial<NonNullable<PartnerProfile['cxml']>> = {}): PartnerProfile => ({ ...coupa, cxml: { ...coupa.cxml!, postUrl: url, ...over } });
const deliver = (p: PartnerProfile = profile(), o: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}) =>
  deliverCxml(message, p, { log: silentLog, env: o.env ?? env, timeoutMs: o.timeoutMs });
const failure = async (p: Promise<unknown>): Promise<GatewayError> => {
  try { await p; } catch (err) { if (err instanceof GatewayError) return err; throw err; }
  throw new Error('delivered');
};

describe('cXML deliver() to the buyer\'s endpoint', () => {
  it('200 OK: POSTs the stored document as text/xml with the shared secret in Header/Sender (and nowhere else), and resolves with the payloadID and status', async () => {
    answer = { body: cxmlAnswer(200, 'OK') };
    const { ref } = await deliver();
    expect(ref).toBe(`payloadID ${payloadID}: cXML 200 OK`);
    expect(received).toHaveLength(1);
    expect(received[0].method).toBe('POST');
    expect(received[0].contentType).toBe('text/xml; charset=UTF-8');
    const got = parseCxml(Buffer.from(received[0].body));
    expect(got.payloadID).toBe(payloadID);
    expect(got.sender).toEqual([{ domain: 'DUNS', identity: '5790000000001', sharedSecret: SECRET }]);
    expect(got.from[0].sharedSecret).toBeUndefined();
    // The document is the stored one but for the secret; what is stored never had it.
    expect(received[0].body.replace(`<SharedSecret>${SECRET}</SharedSecret>`, '')).toBe(stored.toString('utf8'));
    expect(stored.toString('utf8')).not.toContain(SECRET);
  });

  it('201 Accepted and 204 are delivered too', async () => {
    answer = { body: cxmlAnswer(201, 'Accepted') };
    expect((await deliver()).ref).toMatch(/cXML 201 Accepted$/);
    answer = { body: cxmlAnswer(204, 'No Content') };
    expect((await deliver()).ref).toMatch(/cXML 204 No Content$/);
  });

  it('a cXML 4xx is a non-retryable PARTNER_REJECTED carrying the status text and reason, whatever the HTTP status', async () => {
    answer = { body: cxmlAnswer(400, 'Bad Request', 'ShipNoticeHeader/@shipmentID already used'), status: 200 };
    let e = await failure(deliver());
    expect([e.code, e.retryable]).toEqual(['PARTNER_REJECTED', false]);
    expect(e.message).toContain('cXML 400 Bad Request: ShipNoticeHeader/@shipmentID already used');
    expect(e.message).toContain(payloadID);
    answer = { body: cxmlAnswer(401, 'Unauthorized'), status: 401 };
    e = await failure(deliver());
    expect([e.code, e.retryable, e.message]).toEqual(['PARTNER_REJECTED', false, expect.stringContaining('cXML 401 Unauthorized')]);
  });

  it('a cXML 5xx is retryable', async () => {
    answer = { body: cxmlAnswer(500, 'Internal Server Error', 'try later'), status: 500 };
    const e = await failure(deliver());
    expect([e.code, e.retryable]).toEqual(['TRANSPORT_UNAVAILABLE', true]);
    expect(e.message).toContain('cXML 500 Internal Server Error: try later');
  });

  it('an answer that is not a cXML Response: HTTP 200 is retried (it proves nothing), HTTP 404 is refused, HTTP 502 retried; an XML bomb is not expanded', async () => {
    answer = { body: '<html><body>Welcome to our portal</body></html>' };
    let e = await failure(deliver());
    expect([e.code, e.retryable]).toEqual(['TRANSPORT_UNAVAILABLE', true]);
    expect(e.message).toMatch(/HTTP 200, and the answer is not a cXML Response \(not cXML: the root element is not cXML/);
    answer = { body: 'Not Found', status: 404, contentType: 'text/plain' };
    e = await failure(deliver());
    expect([e.code, e.retryable]).toEqual(['PARTNER_REJECTED', false]);
    expect(e.message).toMatch(/HTTP 404.*Not Found/);
    answer = { body: '<cXML payloadID="x"><Response><Status', status: 502 };
    e = await failure(deliver());
    expect([e.code, e.retryable, e.message]).toEqual(['TRANSPORT_UNAVAILABLE', true, expect.stringMatching(/HTTP 502.*not well-formed/)]);
    answer = { body: `<?xml version="1.0"?><!DOCTYPE cXML [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>${cxmlAnswer(200, 'OK').replace(/^<\?xml[^>]*>\n<!DOCTYPE[^>]*>\n/, '').replace('text="OK">', 'text="OK">&b;')}` };
    e = await failure(deliver());
    expect([e.code, e.message]).toEqual(['TRANSPORT_UNAVAILABLE', expect.stringMatching(/entity declarations \(<!ENTITY\) are refused/)]);
    answer = { body: cxmlAnswer(200, 'OK').replace('<Response>', '<Response><Nothing/>').replace(/<Status[^>]*>\s*<\/Status>/, '') };
    e = await failure(deliver());
    expect(e.message).toMatch(/its Response has no Status code/);
  });

  it('a redirect is not followed (it would turn the POST into a GET) and is refused naming where it points', async () => {
    answer = { status: 302, body: '', headers: { location: 'https://elsewhere.example/cxml' } };
    const e = await failure(deliver());
    expect([e.code, e.retryable]).toEqual(['PARTNER_REJECTED', false]);
    expect(e.message).toContain('redirected to https://elsewhere.example/cxml');
    expect(received.map((r) => r.method)).toEqual(['POST']);
  });

  it('network trouble is retryable: the connection refused, cut, or no answer in time', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    let e = await failure(deliver(profile({ postUrl: `http://127.0.0.1:${port}/cxml` })));
    expect([e.code, e.retryable, e.message]).toEqual(['TRANSPORT_UNAVAILABLE', true, expect.stringContaining('ECONNREFUSED')]);
    answer = 'destroy';
    e = await failure(deliver());
    expect([e.code, e.retryable]).toEqual(['TRANSPORT_UNAVAILABLE', true]);
    answer = 'hang';
    e = await failure(deliver(profile(), { timeoutMs: 300 }));
    expect([e.code, e.retryable, e.message]).toEqual(['TRANSPORT_UNAVAILABLE', true, expect.stringContaining('TimeoutError')]);
  });

  it('without cxml.postUrl or the secret\'s environment variable nothing is sent: CONFIG_INVALID, not retried, naming what to set', async () => {
    answer = { body: cxmlAnswer(200, 'OK') };
    let e = await failure(deliver(profile({ postUrl: undefined })));
    expect([e.code, e.retryable]).toEqual(['CONFIG_INVALID', false]);
    expect(e.message).toMatch(/no cxml\.postUrl.*replay message 77/);
    e = await failure(deliver(profile(), { env: {} }));
    expect([e.code, e.retryable, e.message]).toEqual(['CONFIG_INVALID', false, expect.stringContaining('COUPA_BUYER_CXML_SECRET')]);
    expect(received).toEqual([]);
  });
});
