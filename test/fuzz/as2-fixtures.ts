import crypto from 'node:crypto';
import zlib from 'node:zlib';
import * as asn1js from 'asn1js';
import forge from 'node-forge';
import type { As2Settings, OurIdentity } from '../../src/transports/as2/as2.config';
import { As2TransportSchema } from '../../src/transports/as2/as2.schema';
import { encryptFor } from '../../src/transports/as2/cms-envelope';
import { signDetached } from '../../src/transports/as2/cms-signature';
import { compress } from '../../src/transports/as2/compression';
import { base64Lines, buildEntity, buildMultipart } from '../../src/transports/as2/mime';

/**
 * Keys, certificates and settings for the AS2 fuzzers, made in memory (no openssl, no files).
 * RSA 1024: the fuzzers test parsing, not key strength, and node-forge's pure-JS RSA decryption
 * of every enveloped case would otherwise cost most of the run.
 */
function identity(cn: string): OurIdentity {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
  const privateKeyPkcs1Pem = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }) as string);
  cert.serialNumber = '0a';
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: cn }]);
  cert.setIssuer([{ name: 'commonName', value: cn }]);
  cert.sign(forge.pki.privateKeyFromPem(privateKeyPkcs1Pem), forge.md.sha256.create());
  const certificatePem = forge.pki.certificateToPem(cert);
  const certificate = new crypto.X509Certificate(certificatePem);
  return { certificatePem, certificate, certificateDer: certificate.raw, privateKeyPkcs1Pem, privateKeyPkcs8: privateKey.export({ type: 'pkcs8', format: 'der' }) };
}

export interface As2Fixtures {
  ours: OurIdentity;
  partner: OurIdentity;
  /** Someone else: signs or is encrypted for, and must be refused. */
  stranger: OurIdentity;
  /** Settings as the receiver has them, per inbound policy. */
  settings: { lax: As2Settings; strict: As2Settings };
  /** CompressedData whose content inflates to this many bytes of zeros (made once: deflate is the slow half). */
  bombs: { size: number; der: Buffer }[];
}

/** The largest payload the fuzz partner may send: small, so that a decompression bomb shows at once. */
export const FUZZ_MAX_BYTES = 1024 * 1024;

let made: As2Fixtures | undefined;

export function as2Fixtures(): As2Fixtures {
  if (made) return made;
  const ours = identity('edi-gateway fuzz us');
  const partner = identity('edi-gateway fuzz partner');
  const stranger = identity('edi-gateway fuzz stranger');
  const settingsOf = (requireSigned: boolean, requireEncrypted: boolean): As2Settings => ({
    partnerId: 'fuzz-partner', partnerAs2Id: 'FUZZPARTNER', ourAs2Id: 'ODOODIST',
    profile: As2TransportSchema.parse({ partnerAs2Id: 'FUZZPARTNER', certificateEnv: 'FUZZ_PARTNER_CERT', maxBytes: FUZZ_MAX_BYTES, inbound: { requireSigned, requireEncrypted } }),
    partnerCertificatePem: partner.certificatePem, partnerCertificateDer: partner.certificateDer, partnerCertificate: partner.certificate, ours,
  });
  const bombs = [4, 64].map((mb) => ({ size: mb * 1024 * 1024, der: bombDer(mb * 1024 * 1024) }));
  return (made = { ours, partner, stranger, settings: { lax: settingsOf(false, false), strict: settingsOf(true, true) }, bombs });
}

const OID = { compressedData: '1.2.840.113549.1.9.16.1.9', zlib: '1.2.840.113549.1.9.16.3.8', data: '1.2.840.113549.1.7.1' };

/**
 * A compressed-data layer whose entity is `size` zero bytes behind a short header: the structure
 * compress() writes (RFC 3274), around content deflated here, once.
 */
function bombDer(size: number): Buffer {
  const deflated = zlib.deflateSync(Buffer.concat([Buffer.from('Content-Type: application/edi-x12\r\n\r\n'), Buffer.alloc(size)]), { level: 9 });
  const explicit = (value: asn1js.AsnType[]) => new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value });
  const info = new asn1js.Sequence({ value: [
    new asn1js.ObjectIdentifier({ value: OID.compressedData }),
    explicit([new asn1js.Sequence({ value: [
      new asn1js.Integer({ value: 0 }),
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.zlib })] }),
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.data }), explicit([new asn1js.OctetString({ valueHex: new Uint8Array(deflated) })])] }),
    ] })]),
  ] });
  return Buffer.from(info.toBER(false));
}

/** Layers a sender wraps around its payload, outside in when read back. */
export type Layer = 'sign' | 'signStranger' | 'encrypt' | 'encryptStranger' | 'compress' | 'bomb';

/** One layer around an entity (headers + body), with fixed boundaries so that a case is built the same each time. */
export async function wrap(entity: Buffer, layer: Layer, depth: number, base64: boolean, bomb: number): Promise<Buffer> {
  const f = as2Fixtures();
  const body = (der: Buffer) => (base64 ? base64Lines(der) : der);
  const cte: [string, string] = ['Content-Transfer-Encoding', base64 ? 'base64' : 'binary'];
  switch (layer) {
    case 'sign': case 'signStranger': {
      const who = layer === 'sign' ? f.partner : f.stranger;
      const sig = await signDetached(entity, { certificateDer: who.certificateDer, privateKeyPkcs8: who.privateKeyPkcs8 }, 'sha256');
      const boundary = `----=_Part_fuzz_${depth}`;
      const sigPart = buildEntity([['Content-Type', 'application/pkcs7-signature; name="smime.p7s"'], ['Content-Transfer-Encoding', 'base64']], base64Lines(sig));
      return buildEntity([['Content-Type', `multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="${boundary}"`]],
        buildMultipart(boundary, [entity, sigPart]));
    }
    case 'encrypt': case 'encryptStranger': {
      const to = layer === 'encrypt' ? f.ours : f.stranger;
      return buildEntity([['Content-Type', 'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"'], cte], body(encryptFor(entity, to.certificatePem, 'aes128-cbc')));
    }
    case 'compress':
      return buildEntity([['Content-Type', 'application/pkcs7-mime; smime-type=compressed-data; name="smime.p7z"'], cte], body(compress(entity)));
    case 'bomb':
      return buildEntity([['Content-Type', 'application/pkcs7-mime; smime-type=compressed-data; name="smime.p7z"'], cte], body(f.bombs[bomb % f.bombs.length].der));
  }
}
