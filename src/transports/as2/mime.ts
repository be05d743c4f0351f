import crypto from 'node:crypto';

/**
 * The little MIME AS2 needs: an entity is header lines, a blank line and a body. Parsing keeps
 * exact bytes, because signatures and MICs are over the bytes as they came, never a re-rendering.
 */
export interface MimeEntity {
  /** Header names lower-cased, continuation lines unfolded. */
  headers: Map<string, string>;
  body: Buffer;
}

const CRLF = Buffer.from('\r\n');

/** Splits header block and body at the first empty line (CRLF or bare LF, as some senders use). */
export function parseEntity(bytes: Buffer): MimeEntity {
  const crlf = bytes.indexOf('\r\n\r\n');
  const lf = bytes.indexOf('\n\n');
  let headEnd: number;
  let bodyStart: number;
  if (bytes.subarray(0, 2).toString() === '\r\n') { headEnd = 0; bodyStart = 2; }
  else if (bytes[0] === 0x0a) { headEnd = 0; bodyStart = 1; }
  else if (crlf >= 0 && (lf < 0 || crlf < lf)) { headEnd = crlf; bodyStart = crlf + 4; }
  else if (lf >= 0) { headEnd = lf; bodyStart = lf + 2; }
  else { headEnd = bytes.length; bodyStart = bytes.length; }
  return { headers: parseHeaderBlock(bytes.subarray(0, headEnd).toString('latin1')), body: bytes.subarray(bodyStart) };
}

export function parseHeaderBlock(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    if (/^[ \t]/.test(line) && last) {
      headers.set(last, `${headers.get(last)} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    headers.set(last, line.slice(colon + 1).trim());
  }
  return headers;
}

export interface HeaderValue {
  /** The value before the first `;`, lower-cased (e.g. `multipart/signed`). */
  value: string;
  /** Parameter names lower-cased, quotes removed. */
  params: Record<string, string>;
}

/** `multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="b"`. */
export function parseHeaderValue(raw: string | undefined): HeaderValue {
  if (!raw) return { value: '', params: {} };
  const params: Record<string, string> = {};
  const parts = raw.match(/(?:[^;"]|"(?:[^"\\]|\\.)*")+/g) ?? [];
  const value = (parts.shift() ?? '').trim().toLowerCase();
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params[p.slice(0, eq).trim().toLowerCase()] = v;
  }
  return { value, params };
}

/**
 * The body parts of a multipart body, each its exact bytes (headers and body). The CRLF before a
 * delimiter belongs to the delimiter (RFC 2046 §5.1.1), so it is not part of the part: that is
 * what the signature covers.
 */
export function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const marker = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let partStart = -1;
  let from = 0;
  for (;;) {
    const at = body.indexOf(marker, from);
    if (at < 0) break;
    const lineStart = at === 0 || body[at - 1] === 0x0a;
    if (!lineStart) { from = at + 1; continue; }
    if (partStart >= 0) {
      let end = at - 1; // the LF
      if (end > partStart && body[end - 1] === 0x0d) end--;
      parts.push(body.subarray(partStart, Math.max(partStart, end)));
    }
    const after = at + marker.length;
    if (body[after] === 0x2d && body[after + 1] === 0x2d) return parts; // closing delimiter
    const eol = body.indexOf(0x0a, after);
    if (eol < 0) break;
    partStart = eol + 1;
    from = partStart;
  }
  if (parts.length === 0) throw new Error(`multipart body has no part delimited by boundary "${boundary}"`);
  return parts;
}

/** The body with its Content-Transfer-Encoding undone (base64 and quoted-printable; others as they are). */
export function decodedBody(entity: MimeEntity): Buffer {
  const cte = (entity.headers.get('content-transfer-encoding') ?? 'binary').toLowerCase();
  if (cte === 'base64') return Buffer.from(entity.body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (cte === 'quoted-printable') {
    const text = entity.body.toString('latin1').replace(/=\r?\n/g, '');
    return Buffer.from(text.replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  }
  return entity.body;
}

/** Renders headers and body with CRLF line ends. */
export function buildEntity(headers: [string, string][], body: Buffer): Buffer {
  const head = headers.map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return Buffer.concat([Buffer.from(head, 'latin1'), CRLF, body]);
}

/** Base64 in 76-character lines, as MIME wants it. */
export function base64Lines(data: Buffer): Buffer {
  return Buffer.from((data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n'), 'latin1');
}

export function newBoundary(): string {
  return `----=_Part_${crypto.randomBytes(12).toString('hex')}`;
}

/** Joins parts (each headers+body) into a multipart body with a closing delimiter. */
export function buildMultipart(boundary: string, parts: Buffer[]): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) chunks.push(Buffer.from(`--${boundary}\r\n`), p, CRLF);
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** An AS2 name as it may come on the wire: `"Summit Grocers"` or `Summit\ Grocers`. */
export function unquoteAs2Name(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const t = raw.trim();
  return t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/\\(.)/g, '$1') : t.replace(/\\(.)/g, '$1');
}

/** Quotes an AS2 name for a header when it holds characters outside an RFC 4130 atom. */
export function quoteAs2Name(name: string): string {
  return /^[!#-'*+\-/-9=?A-Z^-~]+$/.test(name) ? name : `"${name.replace(/(["\\])/g, '\\$1')}"`;
}
