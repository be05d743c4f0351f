import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { openssl, type TestIdentity } from '../as2-helpers';

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
