import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { PROFILES, tempDir } from './helpers';

/** openssl is the independent AS2 peer: without it these tests fail, naming the package. */
export function requireOpenssl(): string {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('openssl is missing: install the Debian package "openssl" (apt-get install openssl)');
  return r.stdout.trim();
}

export function openssl(args: string[], input?: Buffer): Buffer {
  return execFileSync('openssl', args, { input, maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
}

export interface TestIdentity { cert: string; key: string; keyPem: string }

/** A self-signed RSA certificate and key, as a partner would send us (or we them). */
export function makeIdentity(dir: string, name: string, days = 365): TestIdentity {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', String(days), '-subj', `/CN=${name}/O=edi-gateway test`]);
  return { cert, key, keyPem: fs.readFileSync(key, 'utf8') };
}

/**
 * A profiles folder: the example profiles with summit-grocers' AS2 settings replaced, plus any
 * extra profiles (YAML objects) given.
 */
export function profilesWith(as2: Record<string, unknown>, extra: Record<string, unknown>[] = [], dir = tempDir('edi-gw-as2-profiles-')): string {
  fs.cpSync(PROFILES, dir, { recursive: true });
  const file = path.join(dir, 'summit-grocers', 'profile.yaml');
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  doc.transports = { primary: 'as2', as2 };
  fs.writeFileSync(file, YAML.stringify(doc));
  for (const p of extra) {
    const d = path.join(dir, String(p.id));
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'profile.yaml'), YAML.stringify(p));
  }
  return dir;
}

/** summit-grocers' profile, renamed: the distributor as seen from a second gateway playing Summit. */
export function distributorProfile(as2: Record<string, unknown>): Record<string, unknown> {
  const doc = YAML.parse(fs.readFileSync(path.join(PROFILES, 'summit-grocers', 'profile.yaml'), 'utf8'));
  delete doc.crossReferences;
  return { ...doc, id: 'distributor', name: 'The distributor (seen from Summit)', transports: { primary: 'as2', as2 } };
}

/** Splits a multipart/signed body into its exact first part and the signature's DER. */
export function splitSigned(body: Buffer, boundary: string): { content: Buffer; signature: Buffer } {
  const marker = `--${boundary}`;
  const text = body.toString('latin1');
  const first = text.indexOf(`${marker}\r\n`) + marker.length + 2;
  const second = text.indexOf(`\r\n${marker}\r\n`, first);
  const sigPart = text.slice(second + marker.length + 4, text.indexOf(`\r\n${marker}--`, second + 1));
  const sigBody = sigPart.slice(sigPart.indexOf('\r\n\r\n') + 4);
  return { content: body.subarray(first, second), signature: Buffer.from(sigBody.replace(/\s+/g, ''), 'base64') };
}
