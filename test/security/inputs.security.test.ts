import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Runtime } from '../../src/daemon/runtime';
import { startHttpServer, type HttpServer } from '../../src/http/http-server';
import { validateEdifactBytes } from '../../src/parsers/edifact/validate-stream';
import { sniff } from '../../src/parsers/sniff';
import { validateX12Bytes } from '../../src/parsers/x12/validate-stream';
import { listDocuments } from '../../src/store/documents.repo';
import { getEvents, listMessages } from '../../src/store/messages.repo';
import { folderSettings } from '../../src/transports/folder/folder.config';
import { FolderTransport } from '../../src/transports/folder/folder.transport';
import { PROFILES, silentLog } from '../helpers';
import { settled } from '../odoo-helpers';
import { listen, securityRuntime } from './security-helpers';

/**
 * Hostile content, whatever the channel: X12 and EDIFACT built to exhaust memory or time, cXML
 * built to expand entities or read files and URLs. Billion laughs over HTTP is already refused in
 * test/integration/cxml-orders.test.ts ("refuses an XML bomb"); a body over 5 MB there too.
 */

const ISA = 'ISA*00*          *00*          *ZZ*ACMERETAIL     *ZZ*ODOODIST       *261127*1200*U*00401*000009001*0*P*>~GS*PO*ACMERETAIL*ODOODIST*20261127*1200*9001*X*004010~';
const UNB = "UNA:+.? 'UNB+UNOC:3+5412345000013:14+5790000000001:14+261124:0815+NM00009001++ORDERS'UNH+1+ORDERS:D:96A:UN:EAN008'";
const PASSWD = fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0];
const SECRET = 'inputs-test-shared-secret';
const CXML = fs.readFileSync(path.join(PROFILES, 'coupa-buyer', 'samples', 'inbound', 'order-request.xml'), 'utf8')
  .replace('<SharedSecret>sample-secret</SharedSecret>', `<SharedSecret>${SECRET}</SharedSecret>`);

describe('hostile inputs', () => {
  let rt: Runtime;
  let api: HttpServer;
  let dtdServer: http.Server;
  let dtdUrl: string;
  const fetched: string[] = [];
  const before = process.env.COUPA_BUYER_CXML_SECRET;

  beforeAll(async () => {
    process.env.COUPA_BUYER_CXML_SECRET = SECRET;
    // Where an external DTD or entity would be fetched from, if anything fetched it.
    dtdServer = http.createServer((req, res) => {
      fetched.push(req.url ?? '');
      res.end('<!ENTITY xxe SYSTEM "file:///etc/passwd">');
    });
    dtdUrl = `http://127.0.0.1:${await listen(dtdServer)}/evil.dtd`;
    rt = await securityRuntime();
    rt.workInbound();
    api = await startHttpServer(rt);
  });
  afterAll(async () => {
    await api?.close();
    await rt?.close();
    dtdServer?.close();
    if (before === undefined) delete process.env.COUPA_BUYER_CXML_SECRET; else process.env.COUPA_BUYER_CXML_SECRET = before;
  });

  /** Stored as if a partner's channel had delivered it, then processed to the end. */
  const receive = async (content: Buffer, partnerId = 'acme-retail') => settled(rt, (await rt.receive({ content, transport: 'test', partnerId })).messageId);

  describe('X12 and EDIFACT', () => {
    it('an X12 segment of 48 MB with no terminator is refused at 1 MiB and skipped: read in seconds, not minutes', () => {
      const bytes = Buffer.concat([Buffer.from(`${ISA}ST*850*0001~BEG*00*SA*`), Buffer.alloc(48 * 1024 * 1024, 'A'), Buffer.from('~SE*3*0001~GE*1*9001~IEA*1*000009001~')]);
      const started = Date.now();
      const r = validateX12Bytes(bytes, {});
      // Before the cap the reader joined and rescanned the whole unfinished segment at every 64 KiB: minutes for this file.
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(r.report.ok).toBe(false);
      expect(JSON.stringify(r.report)).toContain('a segment of more than 1048576 characters');
    });

    it('an EDIFACT segment of 48 MB with no terminator is refused at 1 MiB and skipped: read in seconds, not minutes', () => {
      const bytes = Buffer.concat([Buffer.from(`${UNB}BGM+220+`), Buffer.alloc(48 * 1024 * 1024, 'A'), Buffer.from("+9'UNT+3+1'UNZ+1+NM00009001'")]);
      const started = Date.now();
      const r = validateEdifactBytes(bytes, {});
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(r.report.ok).toBe(false);
      expect(JSON.stringify(r.report)).toContain('a segment of more than 1048576 bytes');
    });

    it('through the pipeline, a 2 MB X12 segment and a 2 MB EDIFACT segment end as exceptions with no document', async () => {
      const x12 = await receive(Buffer.concat([Buffer.from(`${ISA}ST*850*0001~BEG*00*SA*`), Buffer.alloc(2 * 1024 * 1024, 'A'), Buffer.from('~SE*3*0001~GE*1*9001~IEA*1*000009001~')]));
      const edifact = await receive(Buffer.concat([Buffer.from(`${UNB}BGM+220+`), Buffer.alloc(2 * 1024 * 1024, 'A'), Buffer.from("+9'UNT+3+1'UNZ+1+NM00009001'")]), 'nordmart');
      expect(x12).toMatchObject({ status: 'exception', errorCode: 'INTERCHANGE_REJECTED' });
      expect(x12.errorMessage).toMatch(/^ISA 000009001: a segment of more than 1048576 characters \(no terminator '~' within them\), starting "BEG\*00\*SA\*A+": refused unread \(TA1 022\)/);
      expect(edifact).toMatchObject({ status: 'exception', errorCode: 'INTERCHANGE_REJECTED' });
      expect(edifact.errorMessage).toMatch(/^UNB NM00009001: a segment of more than 1048576 bytes \(no terminator "'" within them\), starting "BGM\+220\+A+": refused unread \(UCI 39\)/);
      for (const m of [x12, edifact]) expect(await listDocuments(rt.store.knex, m.id)).toEqual([]);
    });

    it('an X12 element of 100,000 characters (a PO number) in an 850: the set is rejected as too long, nothing translated', async () => {
      const m = await receive(Buffer.from(`${ISA.replace(/000009001|9001\*X/g, (x) => x.replace('9001', '9003'))}ST*850*0001~BEG*00*SA*${'9'.repeat(100_000)}**20261127~PO1*1*10*EA*9.99**UP*012345678905~CTT*1~SE*5*0001~GE*1*9003~IEA*1*000009003~`));
      expect(m).toMatchObject({ status: 'exception', errorCode: 'INTERCHANGE_REJECTED' });
      expect(m.errorMessage).toMatch(/^850 0001 BEG@2: BEG03 \(324 purchase order number\) '9{100000}' is too long: at most 22 characters \(code 5\)$/);
      expect(await listDocuments(rt.store.knex, m.id)).toEqual([]);
    });

    it('an X12 interchange claiming absurd counts (SE01, GE01, IEA01 of 999,999,999) is rejected on the counts, nothing translated', async () => {
      const m = await receive(Buffer.from(`${ISA.replace('000009001', '000009002')}ST*850*0001~BEG*00*SA*PO-COUNTS**20261127~PO1*1*10*EA*9.99**UP*012345678905~CTT*1~SE*999999999*0001~GE*999999999*9001~IEA*999999999*000009002~`));
      // The claims are compared with what was counted, never used to size anything.
      expect(m).toMatchObject({ status: 'exception', errorCode: 'INTERCHANGE_REJECTED', errorMessage: 'ISA 000009002: IEA01 says 999999999 group(s); the interchange has 1 (TA1 021); '
        + 'group 9001: GE01 says 999999999 transaction set(s); the group has 1 (AK9 5); 850 0001: SE01 says 999999999 segments; the set has 5 (code 4)' });
      expect(await listDocuments(rt.store.knex, m.id)).toEqual([]);
    });
  });

  describe('cXML', () => {
    const post = async (body: string) => {
      const res = await fetch(`http://127.0.0.1:${api.port}/cxml/coupa-buyer`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
      return { status: res.status, text: await res.text() };
    };

    it('an external entity declared in the DOCTYPE (SYSTEM "file:///etc/passwd"): 400, nothing read, nothing stored', async () => {
      const count = (await listMessages(rt.store.knex, { limit: 1000 })).length;
      const xxe = CXML.replace(/<!DOCTYPE[^>]*>/, '<!DOCTYPE cXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>').replace('<Comments xml:lang="en">', '<Comments xml:lang="en">&xxe;');
      const r = await post(xxe);
      expect(r.status).toBe(400);
      expect(r.text).toMatch(/entity declarations \(&lt;!ENTITY\) are refused|entity declarations/);
      expect(r.text).not.toContain(PASSWD);
      expect((await listMessages(rt.store.knex, { limit: 1000 })).length).toBe(count);
    });

    it('a parameter entity fetching a DTD from a URL: 400, and nothing is ever fetched', async () => {
      const r = await post(CXML.replace(/<!DOCTYPE[^>]*>/, `<!DOCTYPE cXML [<!ENTITY % remote SYSTEM "${dtdUrl}"> %remote;]>`));
      expect(r.status).toBe(400);
      expect(fetched).toEqual([]);
    });

    it('a DOCTYPE naming an external DTD at a URL, and &xxe; in the text: the DTD is never fetched, the reference stays text, /etc/passwd appears nowhere', async () => {
      const doc = CXML.replace(/<!DOCTYPE[^>]*>/, `<!DOCTYPE cXML SYSTEM "${dtdUrl}">`).replace('payloadID="1796371200000.4242.coupa@coupa-buyer.example"', 'payloadID="xxe-dtd@coupa.test"')
        .replace('<Comments xml:lang="en">', '<Comments xml:lang="en">&xxe;');
      const r = await post(doc);
      expect(r.status).toBe(200);
      const [m] = (await listMessages(rt.store.knex, { partnerId: 'coupa-buyer', limit: 1000 })).filter((x) => x.transportRef === 'coupa-buyer/xxe-dtd@coupa.test');
      const done = await settled(rt, m.id);
      const stored = JSON.stringify([done, await listDocuments(rt.store.knex, m.id), await getEvents(rt.store.knex, m.id)]);
      expect(done.status).toBe('done');
      expect(stored).toContain('"text":"&xxe;Deliver weekdays');
      expect(fetched).toEqual([]);
      expect(stored).not.toContain(PASSWD);
      expect(r.text).not.toContain(PASSWD);
    });

    it('a cXML file whose head holds a character reference to no character (&#99999999;) is taken, not left in the folder, and so is the next file', async () => {
      const s = folderSettings(rt.config, rt.partners().get('coupa-buyer')!);
      const t = new FolderTransport(s, rt.receive, silentLog, (c) => rt.partners().senderOf(sniff(c.subarray(0, 4096)))?.id);
      fs.writeFileSync(path.join(s.inDir, 'a-bad-reference.xml'), CXML.replace('payloadID="1796371200000.4242.coupa@coupa-buyer.example"', 'payloadID="&#99999999;"'));
      fs.writeFileSync(path.join(s.inDir, 'b-order.xml'), CXML.replace('payloadID="1796371200000.4242.coupa@coupa-buyer.example"', 'payloadID="folder-ok@coupa.test"'));
      // Before: sniffing threw a RangeError, the poll logged it and the file stayed in in/, failing at every poll.
      // Now the first look reads past it and the file is stored, to be refused by the full cXML parse (a visible exception).
      expect(await t.pollOnce()).toEqual({ received: 2, waiting: 0, failed: 0 });
      expect(fs.readdirSync(s.inDir)).toEqual([]);
      const names = (await listMessages(rt.store.knex, { partnerId: 'coupa-buyer', limit: 1000 })).map((m) => m.filename);
      expect(names).toEqual(expect.arrayContaining(['a-bad-reference.xml', 'b-order.xml']));
    });
  });
});
