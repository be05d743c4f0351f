import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import YAML from 'yaml';
import type { Runtime } from '../../src/daemon/runtime';
import { startHttpServer, type HttpServer } from '../../src/http/http-server';
import { requireProfiles } from '../../src/partners/require-profiles';
import { enqueueOutbound } from '../../src/pipeline/outbox';
import { getContent, getEvents, getMessage, listMessages } from '../../src/store/messages.repo';
import { checkOverdueMdns } from '../../src/transports/as2/mdn-watch';
import { distributorProfile, makeIdentity, profilesWith, requireOpenssl, type TestIdentity } from '../as2-helpers';
import { BACKENDS, eventually, silentLog, tempDir, testRuntime, x12Interchange } from '../helpers';

/**
 * Two gateways exchanging AS2, each with its own store and HTTP server: A is the distributor
 * (ODOODIST), B plays Summit Grocers (SUMMITAS2) with a profile for the distributor.
 */
requireOpenssl();

const backendA = BACKENDS[0];
const backendB = BACKENDS[BACKENDS.length - 1];

describe(`two gateways exchanging AS2 (A on ${backendA}, B on ${backendB})`, () => {
  let dir: string;
  let idA: TestIdentity;
  let idB: TestIdentity;
  let stranger: TestIdentity;
  let a: Runtime;
  let b: Runtime;
  let httpA: HttpServer;
  let httpB: HttpServer;
  let profilesA: string;
  let profilesB: string;
  let blackHole: http.Server;
  const blackHoleIds: string[] = [];

  const urlA = () => `http://127.0.0.1:${httpA.port}/as2`;
  const urlB = () => `http://127.0.0.1:${httpB.port}/as2`;

  /** Rewrites A's summit-grocers AS2 settings and B's distributor profile, and loads them. */
  function configure(as2A: Record<string, unknown>, as2B: Record<string, unknown> = {}): void {
    profilesWith({ partnerAs2Id: 'SUMMITAS2', certificateFile: idB.cert, url: urlB(), compress: true, ...as2A }, [], profilesA);
    fs.writeFileSync(path.join(profilesB, 'distributor', 'profile.yaml'),
      YAML.stringify(distributorProfile({ partnerAs2Id: 'ODOODIST', certificateFile: idA.cert, url: urlA(), ...as2B })));
    a.setPartners(requireProfiles(profilesA));
    b.setPartners(requireProfiles(profilesB));
  }

  beforeAll(async () => {
    dir = tempDir('edi-gw-as2-pair-');
    idA = makeIdentity(dir, 'odoodist');
    idB = makeIdentity(dir, 'summit');
    stranger = makeIdentity(dir, 'stranger');
    profilesA = profilesWith({ partnerAs2Id: 'SUMMITAS2', certificateFile: idB.cert });
    profilesB = tempDir('edi-gw-as2-b-');
    fs.mkdirSync(path.join(profilesB, 'distributor'));
    fs.writeFileSync(path.join(profilesB, 'distributor', 'profile.yaml'), YAML.stringify(distributorProfile({ partnerAs2Id: 'ODOODIST', certificateFile: idA.cert })));
    a = await testRuntime(backendA, { profilesDir: profilesA, as2: { certificateFile: idA.cert, privateKey: idA.keyPem } });
    b = await testRuntime(backendB, { profilesDir: profilesB, as2: { id: 'SUMMITAS2', certificateFile: idB.cert, privateKey: idB.keyPem } });
    httpA = await startHttpServer(a);
    httpB = await startHttpServer(b, { asyncMdn: { attempts: 3, firstDelayMs: 100 } });
    blackHole = http.createServer((req, res) => {
      blackHoleIds.push(String(req.headers['message-id']));
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', r));
    a.workOutbound();
  });
  afterAll(async () => {
    await httpA?.close();
    await httpB?.close();
    await new Promise((r) => blackHole?.close(r));
    await a?.close();
    await b?.close();
  });

  async function send(control: string): Promise<{ messageId: number; content: Buffer }> {
    const content = x12Interchange('ODOODIST', control);
    const { messageId } = await a.store.knex.transaction((trx) => enqueueOutbound(trx, a.queue, {
      partnerId: 'summit-grocers', label: `asn-${control}`, content, description: `test ${control}` }));
    return { messageId, content };
  }

  const settled = (id: number) => eventually(async () => {
    const m = await getMessage(a.store.knex, id);
    return m && (m.status === 'done' || m.status === 'exception') ? m : undefined;
  }, 30_000, `message ${id} settled`);

  const receivedByB = async () => (await listMessages(b.store.knex, { direction: 'in' })).filter((m) => m.transport === 'as2');

  test('compressed, signed, encrypted, with a signed synchronous MDN: B stores it, A records the MDN', async () => {
    configure({ mdn: { mode: 'sync', signed: true }, signing: 'sha512', encryption: 'aes128-cbc' });
    const { messageId, content } = await send('000000101');
    const m = await settled(messageId);
    const events = await getEvents(a.store.knex, messageId);
    expect(m.status).toBe('done');
    const mdn = events.find((e) => e.stage === 'mdn')!;
    expect(mdn.outcome).toBe('ok');
    expect(mdn.detail).toMatch(/MIC matches; signature verified/);
    const sent = events.find((e) => e.stage === 'as2-sent')!.data as { as2MessageId: string };
    const got = (await receivedByB()).find((r) => r.transportRef === sent.as2MessageId)!;
    expect(got).toMatchObject({ partnerId: 'distributor', filename: `asn-000000101-m${messageId}.edi` });
    expect((await getContent(b.store.knex, got.id))!.equals(content)).toBe(true);
  });

  test('with a signed asynchronous MDN: B answers by POST to A\'s /as2, and A records it', async () => {
    configure({ mdn: { mode: 'async', signed: true, asyncUrl: urlA() } });
    const { messageId, content } = await send('000000102');
    const m = await settled(messageId);
    expect(m.status).toBe('done');
    const events = await getEvents(a.store.knex, messageId);
    expect(events.map((e) => e.stage)).toEqual(expect.arrayContaining(['as2-send', 'as2-sent', 'mdn']));
    expect(events.find((e) => e.stage === 'as2-sent')!.detail).toMatch(/waiting for the asynchronous MDN/);
    expect(events.find((e) => e.stage === 'mdn')!.detail).toMatch(/MIC matches; signature verified/);
    const stored = await receivedByB();
    expect(stored.some((r) => r.filename === `asn-000000102-m${messageId}.edi`)).toBe(true);
    const got = stored.find((r) => r.filename === `asn-000000102-m${messageId}.edi`)!;
    expect((await getContent(b.store.knex, got.id))!.equals(content)).toBe(true);
  });

  test('an asynchronous MDN that arrives before the POST\'s own response is kept, not overwritten', async () => {
    // A proxy to B that answers A only once B has delivered its async MDN to A.
    const proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', async () => {
        const forwarded = await fetch(urlB(), { method: 'POST', headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
        const body = Buffer.from(await forwarded.arrayBuffer());
        await httpB.as2Idle();
        res.writeHead(forwarded.status).end(body);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      configure({ url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/as2`, mdn: { mode: 'async', signed: true, asyncUrl: urlA() } });
      const { messageId } = await send('000000106');
      await eventually(async () => (await getEvents(a.store.knex, messageId)).some((e) => e.stage === 'as2-sent'), 30_000, 'the send to finish');
      const events = await getEvents(a.store.knex, messageId);
      const stages = events.map((e) => e.stage);
      expect(stages.indexOf('mdn')).toBeLessThan(stages.indexOf('as2-sent'));
      expect(events.find((e) => e.stage === 'as2-sent')!.detail).toMatch(/the asynchronous MDN came first/);
      expect(await getMessage(a.store.knex, messageId)).toMatchObject({ status: 'done', stage: 'mdn' });
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });

  test('B pins another certificate for A: B refuses with authentication-failed, A parks the message as an exception', async () => {
    configure({ mdn: { mode: 'sync', signed: true } }, { certificateFile: stranger.cert });
    const before = (await receivedByB()).length;
    const { messageId } = await send('000000103');
    const m = await settled(messageId);
    expect(m.status).toBe('exception');
    expect(m.errorCode).toBe('AS2_MDN_NEGATIVE');
    expect(m.errorMessage).toMatch(/processed\/error: authentication-failed/);
    expect((await receivedByB()).length).toBe(before);
  });

  test('an MDN signed by someone else is not believed (AS2_MDN_INVALID)', async () => {
    // A pins the stranger as Summit's certificate (and sends unencrypted, which B accepts): B takes
    // the message and signs its MDN with its own key, which A cannot verify against the stranger.
    configure({ mdn: { mode: 'sync', signed: true }, encryption: 'none', certificateFile: stranger.cert });
    const { messageId } = await send('000000104');
    const m = await settled(messageId);
    expect(m.status).toBe('exception');
    expect(m.errorCode).toBe('AS2_MDN_INVALID');
    expect(m.errorMessage).toMatch(/signature does not verify/);
  });

  test('no MDN in time: resent with the same Message-ID per the profile, then an exception', async () => {
    const port = (blackHole.address() as AddressInfo).port;
    configure({ url: `http://127.0.0.1:${port}/as2`, mdn: { mode: 'async', signed: true, asyncUrl: urlA(), timeoutSeconds: 60 }, resend: { attempts: 1 } });
    const { messageId } = await send('000000105');
    const waiting = async (n: number) => eventually(async () => {
      const events = await getEvents(a.store.knex, messageId);
      const m = await getMessage(a.store.knex, messageId);
      return events.filter((e) => e.stage === 'as2-sent').length === n && m?.status === 'processing' ? m : undefined;
    }, 30_000, `send ${n}`);
    await waiting(1);
    const deps = { knex: a.store.knex, queue: a.queue, partners: a.partners, log: silentLog };
    // Not yet overdue: nothing happens.
    expect(await checkOverdueMdns(deps)).toEqual({ resent: [], failed: [] });
    const later = () => new Date(Date.now() + 3600_000);
    expect(await checkOverdueMdns(deps, later())).toEqual({ resent: [messageId], failed: [] });
    await waiting(2);
    expect(blackHoleIds.length).toBe(2);
    expect(blackHoleIds[1]).toBe(blackHoleIds[0]);
    expect(await checkOverdueMdns(deps, later())).toEqual({ resent: [], failed: [messageId] });
    const m = await getMessage(a.store.knex, messageId);
    expect(m).toMatchObject({ status: 'exception', errorCode: 'AS2_MDN_MISSING' });
  });
});
