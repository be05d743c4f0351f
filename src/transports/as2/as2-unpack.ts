import type { As2Settings } from './as2.config';
import { DecryptionError, decryptWith } from './cms-envelope';
import { verifyDetached } from './cms-signature';
import { DecompressionError, decompress } from './compression';
import type { As2Failure } from './mdn';
import { decodedBody, parseEntity, parseHeaderValue, splitMultipart, type MimeEntity } from './mime';

export type Unpacked =
  | {
    ok: true;
    payload: Buffer;
    filename?: string;
    payloadContentType: string;
    /** The bytes the MIC is computed over (RFC 4130 §7.3.1). */
    micSource: Buffer;
    signed: boolean;
    encrypted: boolean;
    compressed: boolean;
  }
  | { ok: false; failure: As2Failure; detail: string };

class Refused extends Error {
  constructor(readonly failure: As2Failure, detail: string) { super(detail); }
}

function smimeType(ct: { value: string; params: Record<string, string> }): string | undefined {
  if (ct.value !== 'application/pkcs7-mime' && ct.value !== 'application/x-pkcs7-mime') return undefined;
  const t = ct.params['smime-type']?.toLowerCase();
  if (t) return t;
  return /\.p7z$/i.test(ct.params.name ?? '') ? 'compressed-data' : 'enveloped-data';
}

/**
 * Undoes what the sender wrapped, outside in: envelope, signature, compression, in whatever order
 * they come (RFC 5402 allows compressing before or after signing). Pure: settings in, verdict out.
 */
export async function unpackMessage(s: As2Settings, http: { contentType: string; transferEncoding?: string; body: Buffer }): Promise<Unpacked> {
  let entity: MimeEntity = { headers: new Map([['content-type', http.contentType]]), body: http.body };
  if (http.transferEncoding) entity.headers.set('content-transfer-encoding', http.transferEncoding);
  let signed = false;
  let encrypted = false;
  let compressed = false;
  let micSource: Buffer | undefined;
  let decryptedEntity: Buffer | undefined;
  try {
    for (let layer = 0; layer < 6; layer++) {
      const ct = parseHeaderValue(entity.headers.get('content-type'));
      const kind = smimeType(ct);
      if (kind === 'enveloped-data') {
        if (encrypted) throw new Refused('decryption-failed', 'encrypted twice');
        let inner: Buffer;
        try {
          inner = decryptWith(decodedBody(entity), s.ours.certificatePem, s.ours.privateKeyPkcs1Pem);
        } catch (err) {
          if (err instanceof DecryptionError) throw new Refused('decryption-failed', err.message);
          throw err;
        }
        encrypted = true;
        decryptedEntity = inner;
        entity = parseEntity(inner);
      } else if (ct.value === 'multipart/signed') {
        if (signed) throw new Refused('unexpected-processing-error', 'signed twice');
        const [content, sigPart] = splitMultipart(entity.body, ct.params.boundary ?? '');
        if (!sigPart) throw new Refused('authentication-failed', 'multipart/signed without a signature part');
        const verdict = await verifyDetached(decodedBody(parseEntity(sigPart)), content, s.partnerCertificateDer);
        if (!verdict.ok) throw new Refused(verdict.failure, verdict.detail);
        signed = true;
        micSource = content;
        entity = parseEntity(content);
      } else if (kind === 'compressed-data') {
        try {
          // No bigger inflated than the partner may send us at all (maxBytes).
          entity = parseEntity(decompress(decodedBody(entity), s.profile.maxBytes));
        } catch (err) {
          if (err instanceof DecompressionError) throw new Refused('decompression-failed', err.message);
          throw err;
        }
        compressed = true;
      } else {
        break;
      }
    }
  } catch (err) {
    if (err instanceof Refused) return { ok: false, failure: err.failure, detail: err.message };
    return { ok: false, failure: 'unexpected-processing-error', detail: (err as Error).message };
  }
  const inbound = s.profile.inbound;
  if (inbound.requireSigned && !signed) return { ok: false, failure: 'insufficient-message-security', detail: 'the partner\'s profile requires signed messages' };
  if (inbound.requireEncrypted && !encrypted) return { ok: false, failure: 'insufficient-message-security', detail: 'the partner\'s profile requires encrypted messages' };
  const payload = decodedBody(entity);
  const disposition = parseHeaderValue(entity.headers.get('content-disposition'));
  return {
    ok: true, payload, signed, encrypted, compressed,
    filename: disposition.params.filename,
    payloadContentType: parseHeaderValue(entity.headers.get('content-type')).value,
    micSource: micSource ?? decryptedEntity ?? payload,
  };
}
