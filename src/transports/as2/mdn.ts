import { signDetached, verifyDetached, type SigningKey, type VerifyResult } from './cms-signature';
import { MICALG_LABEL, normalizeMicAlgorithm, parseMicField, type MicAlgorithm } from './mic';
import { base64Lines, buildEntity, buildMultipart, decodedBody, newBoundary, parseEntity, parseHeaderBlock, parseHeaderValue, splitMultipart } from './mime';

/** RFC 4130 §7.4.3 modifiers for a message we could not take. */
export type As2Failure = 'authentication-failed' | 'decryption-failed' | 'decompression-failed' | 'integrity-check-failed'
  | 'insufficient-message-security' | 'unexpected-processing-error';

export interface MdnContent {
  reportingUa: string;
  /** Our AS2 name (we report) and the original sender's Message-ID. */
  finalRecipient: string;
  originalMessageId: string;
  /** `<base64>, <label>`, on positive MDNs. */
  receivedContentMic?: string;
  failure?: As2Failure;
  /** Human text for the first part; no internals. */
  text: string;
}

export interface HttpBody {
  contentType: string;
  body: Buffer;
}

/** Disposition-Notification-Options: what the sender asked for. */
export interface MdnRequest {
  signed: boolean;
  /** The first digest we can compute, and the label to echo back. */
  micAlgorithm: MicAlgorithm;
  micLabel: string;
}

/** `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha256, sha1`. */
export function parseDispositionOptions(raw: string | undefined): MdnRequest {
  const out: MdnRequest = { signed: false, micAlgorithm: 'sha256', micLabel: 'sha256' };
  if (!raw) return out;
  for (const clause of raw.split(';')) {
    const eq = clause.indexOf('=');
    if (eq < 0) continue;
    const name = clause.slice(0, eq).trim().toLowerCase();
    const values = clause.slice(eq + 1).split(',').map((v) => v.trim()).filter(Boolean).slice(1); // first is the importance
    if (name === 'signed-receipt-protocol') out.signed = values.some((v) => v.toLowerCase() === 'pkcs7-signature');
    if (name === 'signed-receipt-micalg') {
      const label = values.find((v) => normalizeMicAlgorithm(v));
      if (label) { out.micAlgorithm = normalizeMicAlgorithm(label)!; out.micLabel = label; }
    }
  }
  return out;
}

export function dispositionOptionsHeader(alg: MicAlgorithm, signed: boolean): string {
  return signed
    ? `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, ${alg}`
    : `signed-receipt-micalg=optional, ${alg}`;
}

/** The multipart/report (RFC 3798), signed with our key when asked. */
export async function buildMdn(c: MdnContent, sign?: { key: SigningKey; algorithm: MicAlgorithm }): Promise<HttpBody> {
  const fields = [
    `Reporting-UA: ${c.reportingUa}`,
    `Original-Recipient: rfc822; ${c.finalRecipient}`,
    `Final-Recipient: rfc822; ${c.finalRecipient}`,
    `Original-Message-ID: ${c.originalMessageId}`,
    ...(c.receivedContentMic ? [`Received-Content-MIC: ${c.receivedContentMic}`] : []),
    `Disposition: automatic-action/MDN-sent-automatically; processed${c.failure ? `/error: ${c.failure}` : ''}`,
  ].join('\r\n');
  const boundary = newBoundary();
  const report = buildEntity(
    [['Content-Type', `multipart/report; report-type=disposition-notification; boundary="${boundary}"`]],
    buildMultipart(boundary, [
      buildEntity([['Content-Type', 'text/plain; charset=us-ascii'], ['Content-Transfer-Encoding', '7bit']], Buffer.from(`${c.text}\r\n`)),
      buildEntity([['Content-Type', 'message/disposition-notification'], ['Content-Transfer-Encoding', '7bit']], Buffer.from(`${fields}\r\n`)),
    ]),
  );
  if (!sign) {
    const e = parseEntity(report);
    return { contentType: e.headers.get('content-type')!, body: e.body };
  }
  return signEntity(report, sign.key, sign.algorithm);
}

/** entity -> multipart/signed (RFC 5751) over its exact bytes. */
export async function signEntity(entity: Buffer, key: SigningKey, algorithm: MicAlgorithm): Promise<HttpBody> {
  const signature = await signDetached(entity, key, algorithm);
  const boundary = newBoundary();
  const sigPart = buildEntity([
    ['Content-Type', 'application/pkcs7-signature; name="smime.p7s"'],
    ['Content-Transfer-Encoding', 'base64'],
    ['Content-Disposition', 'attachment; filename="smime.p7s"'],
  ], base64Lines(signature));
  return {
    contentType: `multipart/signed; protocol="application/pkcs7-signature"; micalg=${MICALG_LABEL[algorithm]}; boundary="${boundary}"`,
    body: buildMultipart(boundary, [entity, sigPart]),
  };
}

/** Is this HTTP body an MDN (someone's receipt for a message of ours) rather than a message? */
export function isMdn(contentType: string, body: Buffer): boolean {
  const ct = parseHeaderValue(contentType);
  if (ct.value === 'multipart/report') return true;
  if (ct.value !== 'multipart/signed' || !ct.params.boundary) return false;
  try {
    const first = parseEntity(splitMultipart(body, ct.params.boundary)[0]);
    return parseHeaderValue(first.headers.get('content-type')).value === 'multipart/report';
  } catch {
    return false;
  }
}

export interface ParsedMdn {
  originalMessageId?: string;
  /** `processed`, or `processed/error: authentication-failed` etc., as sent. */
  disposition: string;
  /** The error or failure modifier when not processed cleanly. */
  error?: string;
  warning?: string;
  mic?: { mic: string; algorithm: MicAlgorithm | undefined; label: string };
  /** Undefined when unsigned. */
  signature?: VerifyResult;
  text: string;
}

/** Reads an MDN; checks its signature against the partner's certificate when it is signed. */
export async function parseMdn(contentType: string, body: Buffer, partnerCertificateDer: Buffer): Promise<ParsedMdn> {
  let report = { headers: new Map([['content-type', contentType]]), body };
  let signature: VerifyResult | undefined;
  const ct = parseHeaderValue(contentType);
  if (ct.value === 'multipart/signed') {
    const [content, sig] = splitMultipart(body, ct.params.boundary ?? '');
    if (!sig) throw new Error('signed MDN without a signature part');
    signature = await verifyDetached(decodedBody(parseEntity(sig)), content, partnerCertificateDer);
    report = parseEntity(content);
  }
  const rct = parseHeaderValue(report.headers.get('content-type'));
  if (rct.value !== 'multipart/report') throw new Error(`an MDN is a multipart/report, this is ${rct.value || 'untyped'}`);
  let text = '';
  let fields: Map<string, string> | undefined;
  for (const part of splitMultipart(report.body, rct.params.boundary ?? '')) {
    const e = parseEntity(part);
    const pct = parseHeaderValue(e.headers.get('content-type')).value;
    if (pct === 'message/disposition-notification') fields = parseHeaderBlock(decodedBody(e).toString('latin1'));
    else if (pct.startsWith('text/')) text = decodedBody(e).toString('utf8').trim();
  }
  if (!fields) throw new Error('MDN without a message/disposition-notification part');
  const disposition = (fields.get('disposition') ?? '').split(';').slice(1).join(';').trim();
  const modifier = /^processed\/(error|failure|warning)\s*:\s*(.*)$/i.exec(disposition);
  const kind = modifier?.[1].toLowerCase();
  return {
    originalMessageId: fields.get('original-message-id'),
    disposition,
    error: kind === 'error' || kind === 'failure' ? modifier![2].trim() : (/^processed/i.test(disposition) ? undefined : disposition || 'no disposition'),
    warning: kind === 'warning' ? modifier![2].trim() : undefined,
    mic: parseMicField(fields.get('received-content-mic')),
    signature,
    text,
  };
}
