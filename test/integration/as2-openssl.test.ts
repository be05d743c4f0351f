import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../../src/daemon/runtime';
import { startHttpServer, type HttpServer } from '../../src/http/http-server';
import { listMessages, getContent } from '../../src/store/messages.repo';
import { as2Settings } from '../../src/transports/as2/as2.config';
import { packMessage } from '../../src/transports/as2/as2-message';
import { compress } from '../../src/transports/as2/compression';
import { parseMdn } from '../../src/transports/as2/mdn';
import { parseHeaderValue } from '../../src/transports/as2/mime';
import { makeIdentity, openssl, profilesWith, requireOpenssl, splitSigned, type TestIdentity } from '../as2-helpers';
import { BACKENDS, tempDir, testRuntime, x12Interchange } from '../helpers';

/**
 * AS2 against `openssl cms` as the independent peer: openssl signs and encrypts what we receive,
 * and decrypts and verifies what we send. MICs are checked against `openssl dgst`.
 */
requireOpenssl();

const API_TOKEN = 'test-token-0123456789abcdef';

describe.each(BACKENDS)('AS2 with openssl as the peer (%s)', (backend) => {
  let dir: string;
  let ours: TestIdentity;
  let partner: TestIdentity;
  let stranger: TestIdentity;
  let rt: Runtime;
  let http: HttpServer;
  let url: string;

  beforeAll(async () => {
    dir = tempDir('edi-gw-as2-');
    ours = makeIdentity(dir, 'odoodist');
    partner = makeIdentity(dir, 'summit');
    stranger = makeIdentity(dir, 'stranger');
    const profilesDir = profilesWith({
      partnerAs2Id: 'SUMMIT AS2', certificateFile: partner.cert, url: 'http://127.0.0.1:9/unused', maxBytes: 200_000,
      signing: 'sha384', encryption: 'aes192-cbc',
    });
    rt = await testRuntime(backend, { profilesDir, as2: { certificateFile: ours.cert, privateKey: ours.keyPem }, http: { apiToken: API_TOKEN } });
    http = await startHttpServer(rt);
    url = `http://127.0.0.1:${http.port}`;
  });
  afterAll(async () => {
    await http?.close();
    await rt?.close();
  });

  /** An EDI payload as a MIME entity: what the sender signs and the MIC covers. */
  function entityOf(payload: Buffer, filename = 'po.x12'): Buffer {
    return Buffer.concat([Buffer.from(`Content-Type: application/edi-x12\r\nContent-Disposition: attachment; filename="${filename}"\r\n\r\n`), payload]);
  }

  /** openssl's S/MIME multipart/signed over entity (headers and body). */
  function opensslSign(entity: Buffer, md: string, signer = partner): Buffer {
    const f = path.join(dir, `in-${crypto.randomUUID()}`);
    fs.writeFileSync(f, entity);
    return openssl(['cms', '-sign', '-binary', '-crlfeol', '-in', f, '-signer', signer.cert, '-inkey', signer.key, '-md', md]);
  }

  function opensslEncrypt(smime: Buffer, cipher: string): Buffer {
    const f = path.join(dir, `in-${crypto.randomUUID()}`);
    fs.writeFileSync(f, smime);
    return openssl(['cms', '-encrypt', '-binary', '-in', f, `-${cipher}`, '-outform', 'DER', ours.cert]);
  }

  function opensslMic(entity: Buffer, md: string): string {
    return openssl(['dgst', `-${md}`, '-binary'], entity).toString('base64');
  }

  /** S/MIME text -> the HTTP Content-Type and body, as an AS2 sender puts it on the wire. */
  function asHttp(smime: Buffer): { contentType: string; body: Buffer } {
    const end = smime.indexOf('\r\n\r\n');
    const ct = /^Content-Type:\s*(.+)$/im.exec(smime.subarray(0, end).toString('latin1'))![1].trim();
    return { contentType: ct, body: smime.subarray(end + 4) };
  }

  async function post(body: Buffer, contentType: string, extra: Record<string, string> = {}): Promise<Response> {
    return fetch(`${url}/as2`, { method: 'POST', body, headers: {
      'AS2-Version': '1.2', 'AS2-From': '"SUMMIT AS2"', 'AS2-To': 'ODOODIST', 'Message-ID': `<${crypto.randomUUID()}@summit>`,
      'Content-Type': contentType, 'Disposition-Notification-To': 'as2@summit.example',
      'Disposition-Notification-Options': 'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256, sha1',
      ...extra,
    } });
  }

  async function readMdn(res: Response) {
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    return { mdn: await parseMdn(res.headers.get('content-type')!, body, new crypto.X509Certificate(fs.readFileSync(ours.cert)).raw), body, res };
  }

  const storedAs2 = async () => (await listMessages(rt.store.knex, { direction: 'in' })).filter((m) => m.transport === 'as2');

  test.each([
    ['sha256', 'aes-256-cbc'],
    ['sha1', 'des-ede3-cbc'],
    ['sha512', 'aes-128-cbc'],
  ])('a message signed (%s) and encrypted (%s) by openssl is stored, and the signed MDN carries the MIC openssl dgst computes', async (md, cipher) => {
    const payload = x12Interchange('SUMMITGROC', String(Math.floor(Math.random() * 1e9)).padStart(9, '0'));
    const entity = entityOf(payload, 'po-1.x12');
    const before = (await storedAs2()).length;
    const messageId = `<${crypto.randomUUID()}@summit>`;
    const res = await post(opensslEncrypt(opensslSign(entity, md), cipher), 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m', { 'Message-ID': messageId });
    const { mdn, body } = await readMdn(res);
    expect(mdn.error).toBeUndefined();
    expect(mdn.disposition).toBe('processed');
    expect(mdn.originalMessageId).toBe(messageId);
    // The partner asked for sha-256 first: the MIC is over the signed entity, by openssl's dgst.
    expect(mdn.mic).toEqual({ mic: opensslMic(entity, 'sha256'), algorithm: 'sha256', label: 'sha-256' });
    expect(mdn.signature).toEqual({ ok: true, algorithm: 'sha256' });
    // openssl verifies our MDN's signature too, detached over the exact bytes of the report.
    const boundary = parseHeaderValue(res.headers.get('content-type')!).params.boundary;
    const { content, signature } = splitSigned(body, boundary);
    const sigFile = path.join(dir, `mdn-${crypto.randomUUID()}.p7s`);
    const contentFile = `${sigFile}.content`;
    fs.writeFileSync(sigFile, signature);
    fs.writeFileSync(contentFile, content);
    openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', sigFile, '-content', contentFile, '-CAfile', ours.cert, '-purpose', 'any', '-out', '/dev/null']);

    const stored = await storedAs2();
    expect(stored.length).toBe(before + 1);
    expect(stored[0]).toMatchObject({ partnerId: 'summit-grocers', transportRef: messageId, filename: 'po-1.x12' });
    expect((await getContent(rt.store.knex, stored[0].id))!.equals(payload)).toBe(true);
  });

  test.each([['sha1'], ['sha256']])('RSA-OAEP key transport (%s) from openssl is decrypted too', async (oaepMd) => {
    const payload = x12Interchange('SUMMITGROC', oaepMd === 'sha1' ? '000000311' : '000000312');
    const f = path.join(dir, `in-${crypto.randomUUID()}`);
    fs.writeFileSync(f, opensslSign(entityOf(payload), 'sha256'));
    const wire = openssl(['cms', '-encrypt', '-binary', '-in', f, '-aes-256-cbc', '-outform', 'DER', '-recip', ours.cert,
      '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', `rsa_oaep_md:${oaepMd}`]);
    expect(openssl(['cms', '-cmsout', '-print', '-inform', 'DER'], wire).toString()).toMatch(/rsaesOaep/);
    const messageId = `<${crypto.randomUUID()}@summit>`;
    const { mdn } = await readMdn(await post(wire, 'application/pkcs7-mime; smime-type=enveloped-data', { 'Message-ID': messageId }));
    expect(mdn.disposition).toBe('processed');
    const stored = (await storedAs2()).find((m) => m.transportRef === messageId)!;
    expect((await getContent(rt.store.knex, stored.id))!.equals(payload)).toBe(true);
  });

  test('the same Message-ID again is answered with a positive MDN and not stored twice', async () => {
    const payload = x12Interchange('SUMMITGROC', '000000777');
    const wire = opensslEncrypt(opensslSign(entityOf(payload), 'sha256'), 'aes-256-cbc');
    const headers = { 'Message-ID': `<dup-${crypto.randomUUID()}@summit>` };
    const first = await readMdn(await post(wire, 'application/pkcs7-mime; smime-type=enveloped-data', headers));
    const count = (await storedAs2()).length;
    const again = await readMdn(await post(wire, 'application/pkcs7-mime; smime-type=enveloped-data', headers));
    expect(again.mdn.disposition).toBe('processed');
    expect(again.mdn.mic).toEqual(first.mdn.mic);
    expect((await storedAs2()).length).toBe(count);
  });

  test('a compressed (RFC 5402, our encoder; structure checked by openssl asn1parse), signed message is stored decompressed', async () => {
    const payload = x12Interchange('SUMMITGROC', '000000888');
    const inner = entityOf(payload);
    const der = compress(inner);
    const structure = openssl(['asn1parse', '-inform', 'DER'], der).toString();
    expect(structure).toMatch(/OBJECT\s+:id-smime-ct-compressedData/);
    expect(structure).toMatch(/INTEGER\s+:00/);
    expect(structure).toMatch(/OBJECT\s+:zlib compression/);
    expect(structure).toMatch(/OBJECT\s+:pkcs7-data/);
    const compressedEntity = Buffer.concat([Buffer.from('Content-Type: application/pkcs7-mime; smime-type=compressed-data; name=smime.p7z\r\nContent-Transfer-Encoding: base64\r\n\r\n'),
      Buffer.from(der.toString('base64').replace(/(.{76})/g, '$1\r\n'))]);
    const { contentType, body } = asHttp(opensslSign(compressedEntity, 'sha256'));
    const messageId = `<${crypto.randomUUID()}@summit>`;
    const { mdn } = await readMdn(await post(body, contentType, { 'Message-ID': messageId }));
    expect(mdn.disposition).toBe('processed');
    expect(mdn.mic!.mic).toBe(opensslMic(compressedEntity, 'sha256'));
    const stored = (await storedAs2()).find((m) => m.transportRef === messageId)!;
    expect((await getContent(rt.store.knex, stored.id))!.equals(payload)).toBe(true);
  });

  describe('refusals: the right negative MDN, nothing stored', () => {
    async function refused(res: Promise<Response>, failure: string): Promise<void> {
      const before = (await listMessages(rt.store.knex, {})).length;
      const { mdn } = await readMdn(await res);
      expect(mdn.disposition).toBe(`processed/error: ${failure}`);
      expect(mdn.error).toBe(failure);
      expect(mdn.mic).toBeUndefined();
      expect(mdn.signature?.ok).toBe(true);
      expect((await listMessages(rt.store.knex, {})).length).toBe(before);
    }

    test('tampered signature -> authentication-failed (the same rebuild with the signature intact is accepted)', async () => {
      const { contentType, body } = asHttp(opensslSign(entityOf(x12Interchange('SUMMITGROC', '000000901')), 'sha256'));
      const boundary = parseHeaderValue(contentType).params.boundary;
      const { signature } = splitSigned(body, boundary);
      const text = body.toString('latin1');
      const b64Start = text.indexOf('\r\n\r\n', text.indexOf('application/pkcs7-signature')) + 4;
      const b64End = text.indexOf(`\r\n--${boundary}--`);
      const withSignature = (sig: Buffer) => Buffer.from(text.slice(0, b64Start) + sig.toString('base64').replace(/(.{64})/g, '$1\r\n').trim() + text.slice(b64End), 'latin1');
      const intact = await readMdn(await post(withSignature(signature), contentType));
      expect(intact.mdn.disposition).toBe('processed');
      const bad = Buffer.from(signature);
      bad[bad.length - 10] ^= 0xff; // inside the RSA signature value, which ends the SignerInfo
      await refused(post(withSignature(bad), contentType), 'authentication-failed');
    });

    test('signed with a certificate other than the partner\'s -> authentication-failed', async () => {
      const smime = opensslSign(entityOf(x12Interchange('SUMMITGROC', '000000902')), 'sha256', stranger);
      await refused(post(opensslEncrypt(smime, 'aes-256-cbc'), 'application/pkcs7-mime; smime-type=enveloped-data'), 'authentication-failed');
    });

    test('body corrupted after signing -> integrity-check-failed', async () => {
      const { contentType, body } = asHttp(opensslSign(entityOf(x12Interchange('SUMMITGROC', '000000903')), 'sha256'));
      const corrupted = Buffer.from(body.toString('latin1').replace('PO1*1*10', 'PO1*1*99'), 'latin1');
      expect(corrupted.equals(body)).toBe(false);
      await refused(post(corrupted, contentType), 'integrity-check-failed');
    });

    test('encrypted for another certificate -> decryption-failed', async () => {
      const smime = opensslSign(entityOf(x12Interchange('SUMMITGROC', '000000904')), 'sha256');
      const f = path.join(dir, `in-${crypto.randomUUID()}`);
      fs.writeFileSync(f, smime);
      const wire = openssl(['cms', '-encrypt', '-binary', '-in', f, '-aes-256-cbc', '-outform', 'DER', stranger.cert]);
      await refused(post(wire, 'application/pkcs7-mime; smime-type=enveloped-data'), 'decryption-failed');
    });

    test('unsigned, when the profile requires signatures -> insufficient-message-security', async () => {
      const wire = opensslEncrypt(entityOf(x12Interchange('SUMMITGROC', '000000905')), 'aes-128-cbc');
      await refused(post(wire, 'application/pkcs7-mime; smime-type=enveloped-data'), 'insufficient-message-security');
    });

    test('over the partner\'s size limit -> 413, nothing stored', async () => {
      const before = (await listMessages(rt.store.knex, {})).length;
      const res = await post(Buffer.alloc(250_000, 0x41), 'application/pkcs7-mime; smime-type=enveloped-data');
      expect(res.status).toBe(413);
      // Without a Content-Length (chunked), the limit is checked once the body is read.
      const chunked = await fetch(`${url}/as2`, { method: 'POST', duplex: 'half', body: new Blob([Buffer.alloc(250_000, 0x41)]).stream(), headers: {
        'AS2-From': '"SUMMIT AS2"', 'AS2-To': 'ODOODIST', 'Message-ID': '<big@summit>', 'Content-Type': 'application/pkcs7-mime' } } as RequestInit);
      expect(chunked.status).toBe(413);
      expect((await listMessages(rt.store.knex, {})).length).toBe(before);
    });

    test('an async MDN by e-mail is refused before anything is stored', async () => {
      const before = (await listMessages(rt.store.knex, {})).length;
      const wire = opensslEncrypt(opensslSign(entityOf(x12Interchange('SUMMITGROC', '000000907')), 'sha256'), 'aes-256-cbc');
      const res = await post(wire, 'application/pkcs7-mime; smime-type=enveloped-data', { 'Receipt-Delivery-Option': 'mailto:as2@summit.example' });
      expect(res.status).toBe(400);
      expect((await listMessages(rt.store.knex, {})).length).toBe(before);
    });

    test('an unknown AS2-From is refused with 403, nothing stored', async () => {
      const before = (await listMessages(rt.store.knex, {})).length;
      const wire = opensslEncrypt(opensslSign(entityOf(x12Interchange('SUMMITGROC', '000000906')), 'sha256'), 'aes-256-cbc');
      const res = await post(wire, 'application/pkcs7-mime; smime-type=enveloped-data', { 'AS2-From': 'NOBODY' });
      expect(res.status).toBe(403);
      expect((await listMessages(rt.store.knex, {})).length).toBe(before);
    });
  });

  test('a message we build (sha384, aes192) is decrypted and verified by openssl, with the MIC openssl dgst computes', async () => {
    const s = as2Settings(rt.config, rt.partners().get('summit-grocers')!);
    if (!s.ok) throw new Error(s.reason);
    const payload = x12Interchange('ODOODIST', '000000555');
    const packed = await packMessage(s.settings, payload, { filename: 'asn-1.x12', contentType: 'application/edi-x12' });
    expect(packed.contentType).toMatch(/^application\/pkcs7-mime; smime-type=enveloped-data/);
    const wire = path.join(dir, `out-${crypto.randomUUID()}.p7m`);
    fs.writeFileSync(wire, packed.body);
    const decrypted = openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', wire, '-recip', partner.cert, '-inkey', partner.key]);
    const headEnd = decrypted.indexOf('\r\n\r\n');
    const ct = parseHeaderValue(/^Content-Type:\s*(.+)$/im.exec(decrypted.subarray(0, headEnd).toString('latin1'))![1]);
    expect(ct.value).toBe('multipart/signed');
    expect(ct.params.micalg).toBe('sha-384');
    const { content, signature } = splitSigned(decrypted.subarray(headEnd + 4), ct.params.boundary);
    const contentFile = `${wire}.content`;
    fs.writeFileSync(contentFile, content);
    fs.writeFileSync(`${wire}.p7s`, signature);
    const verified = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', `${wire}.p7s`, '-content', contentFile, '-CAfile', ours.cert, '-purpose', 'any']);
    expect(verified.equals(content)).toBe(true);
    expect(content.subarray(content.indexOf('\r\n\r\n') + 4).equals(payload)).toBe(true);
    expect(packed.mic).toBe(opensslMic(content, 'sha384'));
    expect(packed.micAlgorithm).toBe('sha384');
  });

  describe('the HTTP server\'s token rule', () => {
    test('/healthz answers without a token', async () => {
      const res = await fetch(`${url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
    });

    test('/api/messages refuses a missing or wrong token and answers the right one', async () => {
      expect((await fetch(`${url}/api/messages`)).status).toBe(401);
      expect((await fetch(`${url}/api/messages`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      expect((await fetch(`${url}/api/messages`, { headers: { authorization: API_TOKEN } })).status).toBe(401);
      const ok = await fetch(`${url}/api/messages?direction=in`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
      expect(ok.status).toBe(200);
      const body = await ok.json() as { messages: { transport: string }[] };
      expect(body.messages.some((m) => m.transport === 'as2')).toBe(true);
    });

    test('unknown routes are behind the token too', async () => {
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
    });
  });
});

describe('the HTTP server without an API token', () => {
  test('serves /healthz and /as2, refuses /api', async () => {
    const rt = await testRuntime('pglite');
    const http = await startHttpServer(rt);
    try {
      const base = `http://127.0.0.1:${http.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/api/messages`, { headers: { authorization: 'Bearer anything-at-all-123' } })).status).toBe(503);
      // /as2 is served: an unknown partner gets the AS2 answer (403), not the token's.
      const res = await fetch(`${base}/as2`, { method: 'POST', body: 'x', headers: { 'content-type': 'application/pkcs7-mime', 'as2-from': 'X', 'as2-to': 'Y', 'message-id': '<1@x>' } });
      expect(res.status).toBe(403);
    } finally {
      await http.close();
      await rt.close();
    }
  });
});
