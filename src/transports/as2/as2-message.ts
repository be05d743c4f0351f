import type { As2Settings } from './as2.config';
import { encryptFor } from './cms-envelope';
import { compress } from './compression';
import type { HttpBody } from './mdn';
import { signEntity } from './mdn';
import { computeMic, type MicAlgorithm } from './mic';
import { buildEntity, parseEntity } from './mime';

export interface PackedMessage extends HttpBody {
  /** What the partner's MDN must return in Received-Content-MIC. */
  mic: string;
  micAlgorithm: MicAlgorithm;
}

/**
 * The payload as the partner's profile wants it on the wire: compressed (RFC 5402, before
 * signing), signed (multipart/signed) and encrypted (application/pkcs7-mime), each optional.
 */
export async function packMessage(s: As2Settings, payload: Buffer, opts: { filename: string; contentType: string }): Promise<PackedMessage> {
  const p = s.profile;
  const safeName = opts.filename.replace(/["\\\r\n]/g, '_');
  let entity = buildEntity([
    ['Content-Type', opts.contentType],
    ['Content-Transfer-Encoding', 'binary'],
    ['Content-Disposition', `attachment; filename="${safeName}"`],
  ], payload);
  if (p.compress) {
    entity = buildEntity([
      ['Content-Type', 'application/pkcs7-mime; smime-type=compressed-data; name="smime.p7z"'],
      ['Content-Transfer-Encoding', 'binary'],
      ['Content-Disposition', 'attachment; filename="smime.p7z"'],
    ], compress(entity));
  }
  const micAlgorithm: MicAlgorithm = p.signing === 'none' ? 'sha256' : p.signing;
  // RFC 4130 §7.3.1: signed -> over the signed entity; encrypted only -> over the entity inside
  // the envelope; neither -> over the content without headers.
  let mic = computeMic(p.signing === 'none' && p.encryption === 'none' ? parseEntity(entity).body : entity, micAlgorithm);
  if (p.signing !== 'none') {
    const signed = await signEntity(entity, { certificateDer: s.ours.certificateDer, privateKeyPkcs8: s.ours.privateKeyPkcs8 }, p.signing);
    mic = computeMic(entity, micAlgorithm);
    entity = buildEntity([['Content-Type', signed.contentType]], signed.body);
  }
  if (p.encryption !== 'none') {
    return {
      contentType: 'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"',
      body: encryptFor(entity, s.partnerCertificatePem, p.encryption),
      mic, micAlgorithm,
    };
  }
  const top = parseEntity(entity);
  return { contentType: top.headers.get('content-type')!, body: top.body, mic, micAlgorithm };
}
