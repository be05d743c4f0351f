import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { WEBCRYPTO_HASH, type MicAlgorithm } from './mic';

/** pkijs on Node's WebCrypto, passed explicitly so that no global engine is set for other users. */
const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as never });

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
};
const DIGEST_OIDS: Record<string, MicAlgorithm> = {
  '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512',
};

export function toArrayBuffer(b: Buffer | Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** A signer: our certificate (DER) and private key (PKCS#8 DER). */
export interface SigningKey {
  certificateDer: Buffer;
  privateKeyPkcs8: Buffer;
}

/**
 * A detached CMS SignedData over content, with signed attributes (content type, signing time,
 * message digest) and our certificate attached, as AS2 and S/MIME peers expect.
 */
export async function signDetached(content: Buffer, key: SigningKey, alg: MicAlgorithm): Promise<Buffer> {
  const hash = WEBCRYPTO_HASH[alg];
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(key.certificateDer));
  const privateKey = await webcrypto.subtle.importKey('pkcs8', key.privateKeyPkcs8, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['sign']);
  const digest = await webcrypto.subtle.digest(hash, content);
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    signerInfos: [new pkijs.SignerInfo({
      version: 1,
      sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
      signedAttrs: new pkijs.SignedAndUnsignedAttributes({
        type: 0,
        attributes: [
          new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
          new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: new Date() })] }),
          new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: digest })] }),
        ],
      }),
    })],
    certificates: [cert],
  });
  await signedData.sign(privateKey as never, 0, hash, toArrayBuffer(content), engine);
  const info = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return Buffer.from(info.toSchema().toBER(false));
}

export type VerifyResult =
  | { ok: true; algorithm: MicAlgorithm }
  /** authentication-failed: not signed by the partner's certificate, or the signature is wrong; integrity-check-failed: the content is not what was signed. */
  | { ok: false; failure: 'authentication-failed' | 'integrity-check-failed'; detail: string };

/**
 * Verifies a detached signature over content against the one certificate we hold for the partner.
 * Certificates inside the message are ignored: whoever signs with another key is not the partner.
 */
export async function verifyDetached(signatureDer: Buffer, content: Buffer, partnerCertificateDer: Buffer): Promise<VerifyResult> {
  let signedData: pkijs.SignedData;
  try {
    const info = pkijs.ContentInfo.fromBER(toArrayBuffer(signatureDer));
    if (info.contentType !== OID.signedData) return { ok: false, failure: 'authentication-failed', detail: `signature is a ${info.contentType}, not signed-data` };
    signedData = new pkijs.SignedData({ schema: info.content });
  } catch (err) {
    return { ok: false, failure: 'authentication-failed', detail: `signature cannot be read: ${(err as Error).message}` };
  }
  const signer = signedData.signerInfos[0];
  const algorithm = signer ? DIGEST_OIDS[signer.digestAlgorithm.algorithmId] : undefined;
  if (!algorithm) return { ok: false, failure: 'authentication-failed', detail: 'no signer with a supported digest (sha1, sha256, sha384, sha512)' };
  signedData.certificates = [pkijs.Certificate.fromBER(toArrayBuffer(partnerCertificateDer))];
  try {
    const r = await signedData.verify({ signer: 0, data: toArrayBuffer(content), extendedMode: true, checkChain: false }, engine);
    if (!r.signatureVerified) return { ok: false, failure: 'authentication-failed', detail: 'the signature does not verify with the partner\'s certificate' };
    return { ok: true, algorithm };
  } catch (err) {
    const e = err as { code?: number; message?: string };
    if (e.code === 3) return { ok: false, failure: 'authentication-failed', detail: 'signed by a certificate other than the partner\'s' };
    if (/digest doesn't match/i.test(e.message ?? '')) return { ok: false, failure: 'integrity-check-failed', detail: 'the content does not match the signed digest' };
    return { ok: false, failure: 'authentication-failed', detail: `signature check failed: ${e.message ?? String(err)}` };
  }
}
