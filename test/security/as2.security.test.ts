import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Runtime } from '../../src/daemon/runtime';
import { startHttpServer, type HttpServer } from '../../src/http/http-server';
import { getContent, getMessage, listMessages } from '../../src/store/messages.repo';
import { parseMdn } from '../../src/transports/as2/mdn';
import { makeIdentity, profilesWith, requireOpenssl } from '../as2-helpers';
import { PROFILES, tempDir } from '../helpers';
import { ordersFor, settled, startSandbox, type SandboxOdoo } from '../odoo-helpers';
import { as2Post, ediEntity, opensslSigned, securityRuntime, signedAndEncrypted, type As2Answer } from './security-helpers';

/**
 * AS2 (POST /as2) under attack, with `openssl cms` as the sender and the sandbox Odoo behind the
 * pipeline, so that "nothing written" is checked where it would be written. Refusals already proven
 * in test/integration/as2-openssl.test.ts are not repeated here (SECURITY.md lists them): a
 * signature by a stranger's key, a tampered signature, a body changed after signing, a message
 * encrypted for someone else, unsigned when signing is required, over the size limit, an unknown
 * AS2-From, and the same Message-ID twice.
 */
requireOpenssl();

const SAMPLE = fs.readFileSync(path.join(PROFILES, 'summit-grocers', 'samples', 'inbound', '850-dc-order.edi'));
/** Summit's sample order under another interchange control number and PO number. */
const summitOrder = (control: string, po: string) => Buffer.from(SAMPLE.toString('latin1')
  .replace('*000004521*', `*${control}*`).replace('IEA*1*000004521', `IEA*1*${control}`).replace('BEG*00*SA*SG-778812', `BEG*00*SA*${po}`), 'latin1');

describe('AS2 attacks', () => {
  const dir = tempDir('edi-gw-as2-attacks-');
  /** Our identity, Summit's, and ACME's (a partner with AS2 of its own), made by openssl. */
  const [ours, summit, acme] = ['odoodist', 'summit', 'acme'].map((name) => makeIdentity(dir, name));
  let sb: SandboxOdoo;
  let rt: Runtime;
  let http: HttpServer;
  let url: string;

  beforeAll(async () => {
    const profilesDir = profilesWith({ partnerAs2Id: 'SUMMIT AS2', certificateFile: summit.cert, url: 'http://127.0.0.1:9/unused' });
    // ACME has AS2 too: its certificate is one the gateway knows and trusts, for ACME alone.
    const acmeFile = path.join(profilesDir, 'acme-retail', 'profile.yaml');
    const doc = YAML.parse(fs.readFileSync(acmeFile, 'utf8'));
    doc.transports.as2 = { partnerAs2Id: 'ACME AS2', certificateFile: acme.cert, url: 'http://127.0.0.1:9/unused' };
    fs.writeFileSync(acmeFile, YAML.stringify(doc));
    sb = await startSandbox();
    rt = await securityRuntime({ profilesDir, as2: { certificateFile: ours.cert, privateKey: ours.keyPem },
      sandboxOdoo: { port: sb.port }, odoo: { enabled: true, timeoutSeconds: 10, pollSeconds: 0 } });
    rt.workInbound();
    http = await startHttpServer(rt);
    url = `http://127.0.0.1:${http.port}/as2`;
  });
  afterAll(async () => {
    await http?.close();
    await rt?.close();
    await sb?.close();
  });

  /** Inbound messages only: the pipeline adds outbound 997s of its own as it goes. */
  const messageCount = async () => (await listMessages(rt.store.knex, { direction: 'in', limit: 1000 })).length;
  /** The MDN, its signature checked against our certificate as the partner would. */
  const mdnOf = async (r: As2Answer) => {
    expect(r.status).toBe(200);
    return parseMdn(r.contentType, r.bytes, new crypto.X509Certificate(fs.readFileSync(ours.cert)).raw);
  };
  const storedUnder = async (messageId: string) => (await listMessages(rt.store.knex, { limit: 1000 })).filter((m) => m.transportRef === messageId);

  it('a message signed with another partner\'s certificate (known to the gateway, pinned for ACME) sent as Summit: authentication-failed, nothing stored', async () => {
    const before = await messageCount();
    const mdn = await mdnOf(await as2Post(url, signedAndEncrypted(dir, summitOrder('000007001', 'SG-ATK-1'), acme, ours)));
    expect(mdn.disposition).toBe('processed/error: authentication-failed');
    expect(mdn.signature?.ok).toBe(true);
    expect(await messageCount()).toBe(before);
    // The same message signed by ACME's key, sent as ACME, passes the signature check: the refusal is the binding of key to partner.
    const asAcme = await mdnOf(await as2Post(url, signedAndEncrypted(dir, summitOrder('000007002', 'SG-ATK-2'), acme, ours), { 'AS2-From': '"ACME AS2"' }));
    expect(asAcme.disposition).toBe('processed');
  });

  it('a plain EDI body with no signature and no encryption: insufficient-message-security, nothing stored', async () => {
    const before = await messageCount();
    const mdn = await mdnOf(await as2Post(url, summitOrder('000007003', 'SG-ATK-3'), {}, 'application/edi-x12'));
    expect(mdn.disposition).toBe('processed/error: insufficient-message-security');
    expect(mdn.mic).toBeUndefined();
    expect(await messageCount()).toBe(before);
  });

  it('a captured message replayed under a new Message-ID: a duplicate receipt, never processed, one sale order in Odoo', async () => {
    const wire = signedAndEncrypted(dir, summitOrder('000007004', 'SG-REPLAY'), summit, ours);
    const first = `<${crypto.randomUUID()}@summit>`;
    expect((await mdnOf(await as2Post(url, wire, { 'Message-ID': first }))).disposition).toBe('processed');
    const [original] = await storedUnder(first);
    expect((await settled(rt, original.id)).status).toBe('done');
    expect(ordersFor(sb, 'SG-REPLAY')).toHaveLength(1);

    // Message-ID is an HTTP header, outside the signature: anyone who saw the bytes can send them again under a new one.
    const replayed = `<${crypto.randomUUID()}@attacker>`;
    expect((await mdnOf(await as2Post(url, wire, { 'Message-ID': replayed }))).disposition).toBe('processed');
    const [copy] = await storedUnder(replayed);
    expect(await getMessage(rt.store.knex, copy.id)).toMatchObject({ status: 'duplicate', duplicateOf: original.id });
    expect(await rt.store.knex('message_events').where({ message_id: copy.id, code: 'DUPLICATE_RECEIPT' }).first()).toBeDefined();
    // A duplicate gets no job: give the workers a moment, then Odoo still has the one order.
    await new Promise((r) => setTimeout(r, 1000));
    expect(ordersFor(sb, 'SG-REPLAY')).toHaveLength(1);
  });

  it('another message under a Message-ID already used: answered as the resend it claims to be, the stored message never replaced', async () => {
    const messageId = `<${crypto.randomUUID()}@summit>`;
    const payload = summitOrder('000007005', 'SG-REUSE-1');
    expect((await mdnOf(await as2Post(url, signedAndEncrypted(dir, payload, summit, ours), { 'Message-ID': messageId }))).disposition).toBe('processed');
    const before = await messageCount();
    const other = signedAndEncrypted(dir, summitOrder('000007006', 'SG-REUSE-2'), summit, ours);
    expect((await mdnOf(await as2Post(url, other, { 'Message-ID': messageId }))).disposition).toBe('processed');
    expect(await messageCount()).toBe(before);
    const [stored] = await storedUnder(messageId);
    expect((await getContent(rt.store.knex, stored.id))!.equals(payload)).toBe(true);
  });

  it('an interchange from ACME\'s ISA sender inside Summit\'s correctly signed message: stored, then PARTNER_MISMATCH, nothing to Odoo', async () => {
    const acmeSender = Buffer.from(summitOrder('000007007', 'SG-MISMATCH').toString('latin1').replace(/SUMMITGROC(\s*)\*/, 'ACMERETAIL$1*').replace('GS*PO*SUMMITGROC', 'GS*PO*ACMERETAIL'), 'latin1');
    expect(acmeSender.toString('latin1')).toMatch(/^ISA\*00\*\s+\*00\*\s+\*ZZ\*ACMERETAIL {5}\*/);
    const messageId = `<${crypto.randomUUID()}@summit>`;
    expect((await mdnOf(await as2Post(url, signedAndEncrypted(dir, acmeSender, summit, ours), { 'Message-ID': messageId }))).disposition).toBe('processed');
    const [stored] = await storedUnder(messageId);
    const m = await settled(rt, stored.id);
    expect(m).toMatchObject({ status: 'exception', errorCode: 'PARTNER_MISMATCH', partnerId: 'summit-grocers' });
    expect(m.errorMessage).toBe("X12 sender ZZ:ACMERETAIL belongs to partner 'acme-retail', but the file came through 'summit-grocers'");
    expect(ordersFor(sb, 'SG-MISMATCH')).toEqual([]);
  });

  it('a signed entity whose filename header climbs out of any folder is stored under its plain last part', async () => {
    const wire = opensslSigned(dir, ediEntity(summitOrder('000007008', 'SG-NAME'), '../../../etc/cron.d/evil.x12'), summit);
    const end = wire.indexOf('\r\n\r\n');
    const contentType = /^Content-Type:\s*(.+)$/im.exec(wire.subarray(0, end).toString('latin1'))![1].trim();
    const messageId = `<${crypto.randomUUID()}@summit>`;
    expect((await mdnOf(await as2Post(url, wire.subarray(end + 4), { 'Message-ID': messageId }, contentType))).disposition).toBe('processed');
    const [stored] = await storedUnder(messageId);
    expect(stored.filename).toBe('evil.x12');
  });
});
