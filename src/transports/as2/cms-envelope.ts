import forge from 'node-forge';

/**
 * CMS EnvelopedData with node-forge: it does RSA PKCS#1 v1.5 key transport, which most AS2
 * products still send and which Node 20's own crypto refuses to decrypt (CVE-2023-46809).
 */
export const ENCRYPTION_ALGORITHMS = ['aes128-cbc', 'aes192-cbc', 'aes256-cbc', '3des'] as const;
export type EncryptionAlgorithm = (typeof ENCRYPTION_ALGORITHMS)[number];

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

/**
 * Decrypts an EnvelopedData addressed to our certificate with our key (PKCS#1 PEM). Every failure
 * is a DecryptionError: the MDN says decryption-failed whatever the cause.
 */
export function decryptWith(der: Buffer, ourCertificatePem: string, ourPrivateKeyPem: string): Buffer {
  let p7: forge.pkcs7.PkcsEnvelopedData;
  try {
    const msg = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(toForge(der), { strict: false } as never)) as unknown as { type: string };
    if (msg.type !== forge.pki.oids.envelopedData) throw new Error(`content is ${msg.type}, not enveloped-data`);
    p7 = msg as unknown as forge.pkcs7.PkcsEnvelopedData;
  } catch (err) {
    throw new DecryptionError(`not a readable CMS enveloped-data: ${(err as Error).message}`);
  }
  const recipient = p7.findRecipient(forge.pki.certificateFromPem(ourCertificatePem));
  if (!recipient) throw new DecryptionError('the message is not encrypted for our certificate');
  try {
    p7.decrypt(recipient, forge.pki.privateKeyFromPem(ourPrivateKeyPem));
  } catch (err) {
    throw new DecryptionError(`cannot decrypt: ${(err as Error).message}`);
  }
  const content = (p7 as unknown as { content?: forge.util.ByteStringBuffer }).content;
  if (!content) throw new DecryptionError('cannot decrypt: wrong key or corrupted content');
  return fromForge(content);
}
