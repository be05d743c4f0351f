import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/load-config';
import { GatewayConfigSchema } from '../../src/config/gateway.config';
import { PartnerRegistry } from '../../src/partners/partner-registry';
import { As2TransportSchema } from '../../src/transports/as2/as2.schema';
import { expiringCertificates } from '../../src/transports/as2/certificates';
import { readPartnerCertificate } from '../../src/transports/as2/as2.config';
import { compress, decompress, DecompressionError } from '../../src/transports/as2/compression';
import { isMdn, parseDispositionOptions } from '../../src/transports/as2/mdn';
import { judgeMdn, type SentRecord } from '../../src/transports/as2/mdn-outcome';
import { normalizeMicAlgorithm, parseMicField } from '../../src/transports/as2/mic';
import { buildEntity, parseEntity, parseHeaderValue, quoteAs2Name, splitMultipart, unquoteAs2Name } from '../../src/transports/as2/mime';
import { unpackMessage } from '../../src/transports/as2/as2-unpack';
import type { As2Settings } from '../../src/transports/as2/as2.config';
import { makeIdentity, requireOpenssl } from '../as2-helpers';
import { tempDir } from '../helpers';

describe('MIME, exact bytes', () => {
  test('multipart parts exclude the CRLF before each delimiter; preamble and padding are skipped', () => {
    const body = Buffer.from('preamble\r\n--b \r\nContent-Type: a\r\n\r\nfirst\r\n\r\n--b\r\nContent-Type: b\r\n\r\nsecond\r\n--b--\r\nepilogue');
    const parts = splitMultipart(body, 'b');
    expect(parts.map(String)).toEqual(['Content-Type: a\r\n\r\nfirst\r\n', 'Content-Type: b\r\n\r\nsecond']);
  });

  test('bare LF line ends are read too', () => {
    expect(splitMultipart(Buffer.from('--b\nX: 1\n\none\n--b\nX: 2\n\ntwo\n--b--\n'), 'b').map(String)).toEqual(['X: 1\n\none', 'X: 2\n\ntwo']);
  });

  test('a boundary string inside a line is not a delimiter', () => {
    expect(splitMultipart(Buffer.from('--b\r\n\r\nvalue --b inside\r\n--b--'), 'b').map(String)).toEqual(['\r\nvalue --b inside']);
  });

  test('no delimiter at all is an error, not an empty message', () => {
    expect(() => splitMultipart(Buffer.from('nothing here'), 'b')).toThrow(/no part/);
  });

  test('headers unfold; parameters unquote', () => {
    const e = parseEntity(Buffer.from('Content-Type: multipart/signed;\r\n\tboundary="a;b"; micalg=SHA-256\r\n\r\nbody'));
    expect(parseHeaderValue(e.headers.get('content-type'))).toEqual({ value: 'multipart/signed', params: { boundary: 'a;b', micalg: 'SHA-256' } });
    expect(e.body.toString()).toBe('body');
  });

  test('AS2 names are quoted when they hold spaces, and read back', () => {
    expect(quoteAs2Name('ODOODIST')).toBe('ODOODIST');
    expect(quoteAs2Name('Summit "AS2"')).toBe('"Summit \\"AS2\\""');
    expect(unquoteAs2Name(quoteAs2Name('Summit "AS2"'))).toBe('Summit "AS2"');
  });
});

describe('MDN options and MIC labels', () => {
  test('the first digest we compute is chosen, and its label echoed', () => {
    expect(parseDispositionOptions('signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, md5, SHA1'))
      .toEqual({ signed: true, micAlgorithm: 'sha1', micLabel: 'SHA1' });
    expect(parseDispositionOptions('signed-receipt-protocol=required,pkcs7-signature;signed-receipt-micalg=required,sha-512'))
      .toEqual({ signed: true, micAlgorithm: 'sha512', micLabel: 'sha-512' });
    expect(parseDispositionOptions(undefined)).toEqual({ signed: false, micAlgorithm: 'sha256', micLabel: 'sha256' });
  });

  test('MIC fields and labels', () => {
    expect(normalizeMicAlgorithm('SHA-384')).toBe('sha384');
    expect(normalizeMicAlgorithm('md5')).toBeUndefined();
    expect(parseMicField('abc+/=, sha-256')).toEqual({ mic: 'abc+/=', algorithm: 'sha256', label: 'sha-256' });
    expect(parseMicField('no comma')).toBeUndefined();
  });

  test('an MDN is told from a message by its content type', () => {
    expect(isMdn('multipart/report; report-type=disposition-notification; boundary=x', Buffer.alloc(0))).toBe(true);
    const signedReport = Buffer.from('--s\r\nContent-Type: multipart/report; boundary=r\r\n\r\n--r--\r\n--s\r\nContent-Type: application/pkcs7-signature\r\n\r\nx\r\n--s--');
    expect(isMdn('multipart/signed; boundary=s', signedReport)).toBe(true);
    expect(isMdn('multipart/signed; boundary=s', Buffer.from(signedReport.toString().replace('multipart/report', 'application/edi-x12')))).toBe(false);
    expect(isMdn('application/pkcs7-mime; smime-type=enveloped-data', Buffer.from('x'))).toBe(false);
  });

  const sent: SentRecord = { as2MessageId: '<1@us>', mic: 'MIC=', micAlgorithm: 'sha256', mdnMode: 'sync', mdnSigned: true };
  const good = { originalMessageId: '<1@us>', disposition: 'processed', mic: { mic: 'MIC=', algorithm: 'sha256' as const, label: 'sha256' }, signature: { ok: true as const, algorithm: 'sha256' as const }, text: '' };

  test('judging an MDN: each way it can fail has its code', () => {
    expect(judgeMdn(sent, good).ok).toBe(true);
    expect(judgeMdn(sent, { ...good, mic: { ...good.mic, mic: 'OTHER=' } })).toMatchObject({ ok: false, code: 'AS2_MDN_INVALID', detail: expect.stringMatching(/MIC mismatch/) });
    expect(judgeMdn(sent, { ...good, mic: { ...good.mic, algorithm: 'sha1' } })).toMatchObject({ ok: false, code: 'AS2_MDN_INVALID' });
    expect(judgeMdn(sent, { ...good, signature: undefined })).toMatchObject({ ok: false, code: 'AS2_MDN_INVALID', detail: expect.stringMatching(/unsigned/) });
    expect(judgeMdn({ ...sent, mdnSigned: false }, { ...good, signature: undefined }).ok).toBe(true);
    expect(judgeMdn(sent, { ...good, disposition: 'processed/error: decryption-failed', error: 'decryption-failed', mic: undefined }))
      .toMatchObject({ ok: false, code: 'AS2_MDN_NEGATIVE', detail: expect.stringMatching(/decryption-failed/) });
    expect(judgeMdn(sent, { ...good, originalMessageId: '<2@us>' })).toMatchObject({ ok: false, code: 'AS2_MDN_INVALID' });
    expect(judgeMdn(sent, { ...good, signature: { ok: false, failure: 'authentication-failed', detail: 'x' } })).toMatchObject({ ok: false, code: 'AS2_MDN_INVALID' });
  });
});

describe('RFC 5402 compression', () => {
  test('round trip, and garbage is a DecompressionError', () => {
    const data = Buffer.from('ISA*00*'.repeat(1000));
    const der = compress(data);
    expect(der.length).toBeLessThan(data.length / 10);
    expect(decompress(der).equals(data)).toBe(true);
    expect(() => decompress(Buffer.from('not asn.1'))).toThrow(DecompressionError);
    const corrupted = Buffer.from(der);
    corrupted[corrupted.length - 3] ^= 0xff;
    expect(() => decompress(corrupted)).toThrow(DecompressionError);
  });

  // Found by fuzzing (test/fuzz): asn1js throws a RangeError on some bytes, which came out as unexpected-processing-error.
  test('any bytes that are not compressed-data are a DecompressionError, whatever asn1js makes of them', () => {
    const xml = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">\n<cXML payloadID="1@b">');
    expect(() => decompress(xml)).toThrow(DecompressionError);
  });

  // Found by fuzzing (test/fuzz): 4 KB of deflated zeros inflated to 4 MB (and 4 MB to 4 GB), before any signature was checked.
  test('a compressed-data layer is refused when it inflates beyond the partner\'s maxBytes', async () => {
    const bomb = compress(buildEntity([['Content-Type', 'application/edi-x12']], Buffer.alloc(4 << 20)));
    expect(bomb.length).toBeLessThan(8192);
    expect(() => decompress(bomb, 1 << 20)).toThrow('the content inflates to more than 1048576 bytes');
    expect(decompress(bomb, 8 << 20).length).toBeGreaterThan(4 << 20);
    // Received: refused before the profile's signature rule is even looked at; the settings need no certificate for it.
    const settings = { profile: As2TransportSchema.parse({ partnerAs2Id: 'P', certificateEnv: 'P_CERT', maxBytes: 1 << 20 }) } as As2Settings;
    const http = { contentType: 'application/pkcs7-mime; smime-type=compressed-data; name="smime.p7z"', body: bomb };
    expect(await unpackMessage(settings, http)).toEqual({ ok: false, failure: 'decompression-failed', detail: 'the content inflates to more than 1048576 bytes' });
  });
});

describe('AS2 settings', () => {
  const base = { partnerAs2Id: 'SUMMIT' };
  test('defaults, and what a profile cannot say', () => {
    expect(As2TransportSchema.parse(base)).toMatchObject({ signing: 'sha256', encryption: 'aes256-cbc', compress: false,
      mdn: { mode: 'sync', signed: true, timeoutSeconds: 600 }, resend: { attempts: 2 }, inbound: { requireSigned: true } });
    expect(As2TransportSchema.safeParse({ ...base, mdn: { mode: 'async' } }).error?.issues[0]).toMatchObject({ path: ['mdn', 'asyncUrl'] });
    expect(As2TransportSchema.safeParse({ ...base, certificateFile: 'a.pem', certificateEnv: 'A' }).success).toBe(false);
    expect(As2TransportSchema.safeParse({ ...base, encryption: 'rc2' }).success).toBe(false);
    expect(As2TransportSchema.safeParse({ ...base, url: 'ftp://x/as2' }).success).toBe(false);
  });

  test('the API token and our private key come from the environment or *_FILE, never the config file', () => {
    const cwd = tempDir();
    const keyFile = path.join(cwd, 'key.pem');
    fs.writeFileSync(keyFile, '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n');
    const config = loadConfig({ cwd, env: { EDI_GATEWAY_API_TOKEN: 'a-token-of-twenty-chars', EDI_GATEWAY_AS2_PRIVATE_KEY_FILE: keyFile } });
    expect(config.http.apiToken).toBe('a-token-of-twenty-chars');
    expect(config.as2.privateKey).toMatch(/BEGIN PRIVATE KEY/);
    fs.writeFileSync(path.join(cwd, 'gateway.yaml'), 'as2:\n  privateKey: nope\n');
    expect(() => loadConfig({ cwd, env: {} })).toThrow(/as2.privateKey is a secret.*EDI_GATEWAY_AS2_PRIVATE_KEY/);
    fs.writeFileSync(path.join(cwd, 'gateway.yaml'), 'http:\n  apiToken: nope-nope-nope-nope\n');
    expect(() => loadConfig({ cwd, env: {} })).toThrow(/http.apiToken is a secret.*EDI_GATEWAY_API_TOKEN/);
  });
});

describe('certificate expiry warning', () => {
  beforeAll(() => { requireOpenssl(); });

  test('warns for a partner certificate inside 30 days, not for ours a year away', () => {
    const dir = tempDir('edi-gw-as2-exp-');
    const ours = makeIdentity(dir, 'ours', 365);
    const soon = makeIdentity(dir, 'soon', 10);
    const later = makeIdentity(dir, 'later', 90);
    const config = GatewayConfigSchema.parse({ as2: { certificateFile: ours.cert, privateKey: ours.keyPem } });
    const profile = (id: string, cert: string) => ({ id, transports: { primary: 'as2', as2: As2TransportSchema.parse({ partnerAs2Id: id, certificateFile: cert }) } }) as never;
    const registry = new PartnerRegistry([profile('p-soon', soon.cert), profile('p-later', later.cert)]);
    const warnings = expiringCertificates(config, registry);
    expect(warnings.map((w) => w.partnerId)).toEqual(['p-soon']);
    expect(warnings[0].daysLeft).toBeGreaterThanOrEqual(8);
    expect(warnings[0].daysLeft).toBeLessThanOrEqual(10);
    expect(warnings[0].fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    // A year on, everything has expired or is about to.
    const inAYear = new Date(Date.now() + 366 * 86_400_000);
    expect(expiringCertificates(config, registry, inAYear).map((w) => w.partnerId ?? 'ours').sort()).toEqual(['ours', 'p-later', 'p-soon']);
  });

  test('a partner certificate is found relative to its profile, or in the variable the profile names', () => {
    const dir = tempDir('edi-gw-as2-rel-');
    const id = makeIdentity(dir, 'rel');
    const pem = fs.readFileSync(id.cert, 'utf8');
    const withFile = { id: 'x', files: { profile: path.join(dir, 'profile.yaml'), dir }, transports: { as2: As2TransportSchema.parse({ partnerAs2Id: 'X', certificateFile: 'rel.crt' }) } } as never;
    expect(readPartnerCertificate(withFile)).toEqual({ ok: true, pem });
    const withEnv = { id: 'x', transports: { as2: As2TransportSchema.parse({ partnerAs2Id: 'X', certificateEnv: 'X_AS2_CERT' }) } } as never;
    expect(readPartnerCertificate(withEnv, { X_AS2_CERT: pem })).toEqual({ ok: true, pem });
    expect(readPartnerCertificate(withEnv, {})).toMatchObject({ ok: false, reason: expect.stringMatching(/X_AS2_CERT/) });
  });
});
