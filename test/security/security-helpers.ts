import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureDataDir } from '../../src/store/pglite-init';
import { openRuntime, type Runtime } from '../../src/daemon/runtime';
import { openssl, type TestIdentity } from '../as2-helpers';
import { silentLog, tempDir, testConfig } from '../helpers';

/**
 * An empty embedded store made once per machine and PGlite version, copied into each home that
 * needs one: PGlite's initdb takes about ten seconds on the loaded CI machine, the copy a fifth of a
 * second, and what the copy holds is exactly what initdb leaves. Built aside and renamed into place,
 * so that two test runs at once never see half of one.
 */
async function emptyStore(): Promise<string> {
  const pkg = path.join(path.dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  const template = path.join(os.tmpdir(), `edi-gw-test-pgdata-${JSON.parse(fs.readFileSync(pkg, 'utf8')).version}`);
  if (fs.existsSync(path.join(template, 'PG_VERSION'))) return template;
  const building = `${template}.${process.pid}-${crypto.randomUUID()}`;
  await ensureDataDir(building);
  try {
    fs.renameSync(building, template);
  } catch {
    fs.rmSync(building, { recursive: true, force: true }); // another run was first: its template is as good
  }
  return template;
}

/** Puts an empty embedded store in `home` (home/store/pgdata, where the gateway looks); returns home. */
export async function withEmptyStore(home: string): Promise<string> {
  fs.cpSync(await emptyStore(), path.join(home, 'store', 'pgdata'), { recursive: true });
  return home;
}

/** testRuntime (test/helpers.ts) on the embedded store, with its store copied rather than made. */
export async function securityRuntime(overrides: Record<string, any> = {}): Promise<Runtime> {
  const config = await testConfig('pglite', { ...overrides, home: await withEmptyStore(tempDir()) });
  return openRuntime(config, silentLog, { role: 'daemon', needsPartners: true });
}

/** A free TCP port on 127.0.0.1 (for a daemon's EDI_GATEWAY_HTTP_PORT). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** Starts a test peer on a free port of 127.0.0.1; its port. */
export function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

/** An EDI payload as the MIME entity an AS2 sender signs (and the MIC covers). */
export function ediEntity(payload: Buffer, filename = 'po.x12'): Buffer {
  return Buffer.concat([Buffer.from(`Content-Type: application/edi-x12\r\nContent-Disposition: attachment; filename="${filename}"\r\n\r\n`), payload]);
}

/** `openssl cms` as the partner: the entity signed by `signer` (S/MIME multipart/signed, headers included). */
export function opensslSigned(dir: string, entity: Buffer, signer: TestIdentity): Buffer {
  const f = path.join(dir, `sign-${crypto.randomUUID()}`);
  fs.writeFileSync(f, entity);
  return openssl(['cms', '-sign', '-binary', '-crlfeol', '-in', f, '-signer', signer.cert, '-inkey', signer.key, '-md', 'sha256']);
}

/** `openssl cms` as the partner: a signed payload, encrypted (AES-256) for `recipient`; DER, as the AS2 body. */
export function signedAndEncrypted(dir: string, payload: Buffer, signer: TestIdentity, recipient: TestIdentity): Buffer {
  const f = path.join(dir, `enc-${crypto.randomUUID()}`);
  fs.writeFileSync(f, opensslSigned(dir, ediEntity(payload), signer));
  return openssl(['cms', '-encrypt', '-binary', '-in', f, '-aes-256-cbc', '-outform', 'DER', recipient.cert]);
}

export const ENVELOPED = 'application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m';

/** POSTs an AS2 message as a partner would (a fresh Message-ID unless given, a signed MDN asked for); the answer's bytes and text. */
export async function as2Post(url: string, body: Buffer, headers: Record<string, string> = {}, contentType = ENVELOPED): Promise<As2Answer> {
  const res = await fetch(url, { method: 'POST', body, headers: {
    'AS2-Version': '1.2', 'AS2-From': '"SUMMIT AS2"', 'AS2-To': 'ODOODIST', 'Message-ID': `<${crypto.randomUUID()}@summit>`,
    'Content-Type': contentType, 'Disposition-Notification-To': 'as2@summit.example',
    'Disposition-Notification-Options': 'signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256',
    ...headers,
  } });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', bytes, mdn: bytes.toString('latin1') };
}

export interface As2Answer { status: number; contentType: string; bytes: Buffer; mdn: string }
