import crypto from 'node:crypto';
import type { CxmlProfile } from './cxml.schema';
import type { CxmlCredential } from './parse-cxml';

export type CredentialCheck =
  | { ok: true }
  | { ok: false; status: 401 | 500; reason: string };

function sameSecret(given: string, expected: string): boolean {
  // Over digests: constant time, and the length does not leak either.
  const a = crypto.createHash('sha256').update(given, 'utf8').digest();
  const b = crypto.createHash('sha256').update(expected, 'utf8').digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * The buyer's Header/Sender/Credential against its profile: a credential in the profile's domain
 * with its identity (both without regard to case, as cXML compares them), whose SharedSecret is
 * the one the environment variable holds. The reasons stay vague on purpose: a caller without the
 * secret learns nothing about which part was wrong.
 */
export function checkSender(sender: CxmlCredential[], cxml: CxmlProfile, env: NodeJS.ProcessEnv = process.env): CredentialCheck {
  const secret = env[cxml.sharedSecretEnv];
  if (!secret) return { ok: false, status: 500, reason: 'the gateway has no shared secret configured for this buyer' };
  const mine = sender.find((c) => c.domain.toLowerCase() === cxml.domain.toLowerCase() && c.identity.toLowerCase() === cxml.identity.toLowerCase());
  // The secret is compared even when no credential matches, so that the answer takes as long either way.
  const matches = sameSecret(mine?.sharedSecret ?? '', secret);
  if (!mine || !matches) return { ok: false, status: 401, reason: 'the Sender credential or shared secret is not the one agreed for this buyer' };
  return { ok: true };
}

/**
 * The document as stored: the SharedSecret's content replaced by [redacted], byte for byte
 * otherwise (read as latin1, so any encoding survives). The secret has done its work at the door;
 * kept, it would be readable by anyone who may read the message log (`messages show --raw`).
 */
export function redactSharedSecret(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  const redacted = text.replace(/(<SharedSecret\b[^>]*>)[\s\S]*?(<\/SharedSecret>)/g, '$1[redacted]$2');
  return redacted === text ? bytes : Buffer.from(redacted, 'latin1');
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A document we stored without the secret, as it is sent: the SharedSecret put in after the
 * Identity of Header/Sender/Credential (where cXML's DTD has it). Throws when the document has no
 * Sender credential to put it in, or has a SharedSecret already (we never store one).
 */
export function withSharedSecret(bytes: Buffer, secret: string): Buffer {
  const text = bytes.toString('utf8');
  if (/<SharedSecret\b/.test(text)) throw new Error('the stored document has a SharedSecret already; stored documents never carry one');
  const sender = /(<Sender>\s*<Credential\b[^>]*>\s*<Identity>[^<]*<\/Identity>)/.exec(text);
  if (!sender) throw new Error('the stored document has no Header/Sender/Credential/Identity to put the SharedSecret after');
  const at = sender.index + sender[0].length;
  return Buffer.from(`${text.slice(0, at)}<SharedSecret>${escapeXml(secret)}</SharedSecret>${text.slice(at)}`, 'utf8');
}
