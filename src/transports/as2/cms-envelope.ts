import crypto from 'node:crypto';
import forge from 'node-forge';
import type { EncryptionAlgorithm } from './encryption-algorithms';

/**
 * CMS EnvelopedData with node-forge: it does RSA PKCS#1 v1.5 key transport, which most AS2
 * products still send and which Node 20's own crypto refuses to decrypt (CVE-2023-46809).
 */
export { ENCRYPTION_ALGORITHMS, type EncryptionAlgorithm } from './encryption-algorithms';

const FORGE_OID: Record<EncryptionAlgorithm, string> = {
  'aes128-cbc': forge.pki.oids['aes128-CBC'],
  'aes192-cbc': forge.pki.oids['aes192-CBC'],
  'aes256-cbc': forge.pki.oids['aes256-CBC'],
  '3des': forge.pki.oids['des-EDE3-CBC'],
};

const toForge = (b: Buffer) => forge.util.createBuffer(b.toString('binary'));
const fromForge = (b: forge.util.ByteStringBuffer) => Buffer.from(b.getBytes(), 'binary');

/** Encrypts content for the holder of recipientCertificatePem; returns the ContentInfo DER. */
export function encryptFor(content: Buffer, recipientCertificatePem: string, alg: EncryptionAlgorithm): Buffer {
  const p7 = forge.pkcs7.createEnvelopedData();
  p7.addRecipient(forge.pki.certificateFromPem(recipientCertificatePem));
  p7.content = toForge(content);
  p7.encrypt(undefined, FORGE_OID[alg]);
  return fromForge(forge.asn1.toDer(p7.toAsn1()));
}

export class DecryptionError extends Error {}

const RSAES_OAEP = '1.2.840.113549.1.1.7';
const HASH_OIDS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512',
};

/**
 * The keyEncryptionAlgorithm parameters of the index-th RecipientInfo, read from the ASN.1 tree
 * (node-forge does not keep them): ContentInfo [0] EnvelopedData { version, [originatorInfo],
 * SET OF KeyTransRecipientInfo { version, rid, keyEncryptionAlgorithm { oid, params }, key } }.
 */
function keyTransportParams(root: forge.asn1.Asn1, index: number): forge.asn1.Asn1[] | undefined {
  const kids = (n: forge.asn1.Asn1 | undefined) => (Array.isArray(n?.value) ? n.value : []) as forge.asn1.Asn1[];
  const enveloped = kids(kids(root)[1])[0];
  const recipients = kids(enveloped).find((f) => f.tagClass === forge.asn1.Class.UNIVERSAL && f.type === forge.asn1.Type.SET);
  const algorithm = kids(kids(recipients)[index])[2];
  const params = kids(algorithm)[1];
  return params ? kids(params) : undefined;
}

/** RSAES-OAEP-params: hashAlgorithm [0], SHA-1 when absent (RFC 4055). MGF1 is assumed to use the same hash. */
function oaepHash(params: forge.asn1.Asn1[] | undefined): string {
  const hashField = params?.find((p) => p.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && p.type === 0);
  const algId = (hashField?.value as forge.asn1.Asn1[] | undefined)?.[0];
  const oid = (algId?.value as forge.asn1.Asn1[] | undefined)?.[0];
  if (!oid) return 'sha1';
  const hash = HASH_OIDS[forge.asn1.derToOid(oid.value as string)];
  if (!hash) throw new DecryptionError('RSA-OAEP with an unsupported hash');
  return hash;
}

/**
 * Decrypts an EnvelopedData addressed to our certificate with our key (PKCS#1 PEM). Every failure
 * is a DecryptionError: the MDN says decryption-failed whatever the cause.
 */
export function decryptWith(der: Buffer, ourCertificatePem: string, ourPrivateKeyPem: string): Buffer {
  let p7: forge.pkcs7.PkcsEnvelopedData;
  let root: forge.asn1.Asn1;
  try {
    root = forge.asn1.fromDer(toForge(der), { strict: false } as never);
    const msg = forge.pkcs7.messageFromAsn1(root) as unknown as { type: string };
    if (msg.type !== forge.pki.oids.envelopedData) throw new Error(`content is ${msg.type}, not enveloped-data`);
    p7 = msg as unknown as forge.pkcs7.PkcsEnvelopedData;
  } catch (err) {
    throw new DecryptionError(`not a readable CMS enveloped-data: ${(err as Error).message}`);
  }
  const recipient = p7.findRecipient(forge.pki.certificateFromPem(ourCertificatePem));
  if (!recipient) throw new DecryptionError('the message is not encrypted for our certificate');
  try {
    const transport = (recipient as unknown as { encryptedContent: { algorithm: string; content: string } }).encryptedContent;
    if (transport.algorithm === RSAES_OAEP) {
      // node-forge decrypts PKCS#1 v1.5 key transport only; Node does OAEP. forge then decrypts the content.
      const index = (p7 as unknown as { recipients: unknown[] }).recipients.indexOf(recipient);
      const key = crypto.privateDecrypt({ key: ourPrivateKeyPem, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(keyTransportParams(root, index)) },
        Buffer.from(transport.content, 'binary'));
      (p7 as unknown as { encryptedContent: { key: forge.util.ByteStringBuffer } }).encryptedContent.key = toForge(key);
      (p7 as unknown as { decrypt(): void }).decrypt();
    } else {
      p7.decrypt(recipient, forge.pki.privateKeyFromPem(ourPrivateKeyPem));
    }
  } catch (err) {
    throw new DecryptionError(`cannot decrypt: ${(err as Error).message}`);
  }
  const content = (p7 as unknown as { content?: forge.util.ByteStringBuffer }).content;
  if (!content) throw new DecryptionError('cannot decrypt: wrong key or corrupted content');
  return fromForge(content);
}
