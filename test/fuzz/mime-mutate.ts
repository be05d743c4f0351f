import fc from 'fast-check';
import { buildEntity } from '../../src/transports/as2/mime';
import { wrap, type Layer } from './as2-fixtures';
import { applyByteOps, byteOpsArb, pick, valueArb, valueText, type ByteOp, type ValueSpec } from './values';

/**
 * MIME mutations for AS2: a payload is wrapped layer by layer (signed, encrypted, compressed, as a
 * partner sends it) and each op damages the entity at one depth, before the layers outside it are
 * put on: a broken boundary inside a valid envelope, a bad signature's base64, a header 100 KB long.
 * Entities are held as byte strings (one char per byte) between layers.
 */
export type MimeOp =
  | { op: 'header'; depth: number; how: 'drop' | 'garble' | 'huge' | 'many' | 'fold' | 'nonAscii' | 'dupe' | 'noColon'; name: string; n: number }
  | { op: 'contentType'; depth: number; v: string }
  | { op: 'cte'; depth: number; v: string }
  | { op: 'boundary'; depth: number; how: 'headerOnly' | 'bodyOnly' | 'empty' | 'long' | 'special' | 'noClose' | 'noLineStart' | 'inContent' | 'unquoted'; v: ValueSpec }
  | { op: 'parts'; depth: number; how: 'dropFirst' | 'dropSecond' | 'swap' | 'dupe' | 'onlyPreamble' | 'empty'; n: number }
  | { op: 'base64'; depth: number; how: 'flip' | 'truncate' | 'invalid' | 'noPad' | 'padding' | 'spaces'; at: number }
  | { op: 'der'; depth: number; how: 'flip' | 'truncate' | 'hugeLength' | 'indefinite' | 'deepNest' | 'zero'; at: number; b: number }
  | { op: 'lineEnds'; depth: number; how: 'lf' | 'cr' | 'none' | 'extra' }
  | { op: 'body'; depth: number; v: ValueSpec };

const nat = fc.nat();
const CONTENT_TYPES = [
  'multipart/signed', 'multipart/signed; boundary=', 'multipart/signed; boundary="unclosed', 'application/pkcs7-mime', 'application/pkcs7-mime; smime-type=signed-data',
  'application/pkcs7-mime; smime-type=enveloped-data', 'application/x-pkcs7-mime; smime-type=compressed-data', 'application/pkcs7-mime; name="smime.p7z"',
  'application/pkcs7-mime; smime-type=certs-only', 'application/edi-x12', 'text/plain; charset=utf-16', 'multipart/report; boundary=x', '', ';;;;', '"', 'multipart/signed; boundary="a\\"b"',
  `multipart/signed; ${'x=y; '.repeat(2000)}boundary=z`,
];
const HEADERS = ['content-type', 'content-transfer-encoding', 'content-disposition', 'x-fuzz'];

export const mimeOpArb: fc.Arbitrary<MimeOp> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ depth: nat, how: fc.constantFrom('drop' as const, 'garble' as const, 'huge' as const, 'many' as const, 'fold' as const, 'nonAscii' as const, 'dupe' as const, 'noColon' as const),
    name: fc.constantFrom(...HEADERS), n: fc.integer({ min: 1, max: 100_000 }) }).map((r) => ({ op: 'header' as const, ...r })) },
  fc.record({ depth: nat, v: fc.constantFrom(...CONTENT_TYPES) }).map((r) => ({ op: 'contentType' as const, ...r })),
  fc.record({ depth: nat, v: fc.constantFrom('base64', 'BASE64', 'quoted-printable', 'binary', '7bit', 'x-uuencode', '', 'base64; x') }).map((r) => ({ op: 'cte' as const, ...r })),
  { weight: 2, arbitrary: fc.record({ depth: nat, how: fc.constantFrom('headerOnly' as const, 'bodyOnly' as const, 'empty' as const, 'long' as const, 'special' as const, 'noClose' as const, 'noLineStart' as const, 'inContent' as const, 'unquoted' as const), v: valueArb })
    .map((r) => ({ op: 'boundary' as const, ...r })) },
  { weight: 2, arbitrary: fc.record({ depth: nat, how: fc.constantFrom('dropFirst' as const, 'dropSecond' as const, 'swap' as const, 'dupe' as const, 'onlyPreamble' as const, 'empty' as const), n: fc.integer({ min: 2, max: 2000 }) })
    .map((r) => ({ op: 'parts' as const, ...r })) },
  { weight: 2, arbitrary: fc.record({ depth: nat, how: fc.constantFrom('flip' as const, 'truncate' as const, 'invalid' as const, 'noPad' as const, 'padding' as const, 'spaces' as const), at: nat })
    .map((r) => ({ op: 'base64' as const, ...r })) },
  { weight: 3, arbitrary: fc.record({ depth: nat, how: fc.constantFrom('flip' as const, 'truncate' as const, 'hugeLength' as const, 'indefinite' as const, 'deepNest' as const, 'zero' as const), at: nat, b: fc.integer({ min: 0, max: 255 }) })
    .map((r) => ({ op: 'der' as const, ...r })) },
  fc.record({ depth: nat, how: fc.constantFrom('lf' as const, 'cr' as const, 'none' as const, 'extra' as const) }).map((r) => ({ op: 'lineEnds' as const, ...r })),
  fc.record({ depth: nat, v: valueArb }).map((r) => ({ op: 'body' as const, ...r })),
);

/** An entity split at its first empty line, as byte strings. */
function split(e: string): { head: string; sep: string; body: string } {
  const m = /\r?\n\r?\n/.exec(e);
  return m ? { head: e.slice(0, m.index), sep: m[0], body: e.slice(m.index + m[0].length) } : { head: e, sep: '', body: '' };
}

const boundaryOf = (head: string) => /boundary="?([^";\r\n]*)"?/i.exec(head)?.[1];

/** A multipart body's pieces: preamble, parts (without their delimiter lines) and what follows the close. */
function parts(body: string, boundary: string): { pre: string; parts: string[]; post: string } | undefined {
  // Split where "--boundary" starts the body or a line (the line break before it goes with it);
  // by indexOf, not a RegExp: a boundary of 30,000 characters is more than a RegExp may hold.
  const marker = `--${boundary}`;
  const chunks: string[] = [];
  let from = 0;
  for (let at = body.indexOf(marker); at >= 0; at = body.indexOf(marker, at + 1)) {
    if (at > 0 && body[at - 1] !== '\n') continue;
    const lineStart = at === 0 ? 0 : at > 1 && body[at - 2] === '\r' ? at - 2 : at - 1;
    chunks.push(body.slice(from, lineStart));
    from = at + marker.length;
  }
  if (!chunks.length) return undefined;
  chunks.push(body.slice(from));
  const pre = chunks.shift()!;
  const last = chunks.pop()!;
  const close = last.startsWith('--') ? last : undefined;
  const ps = [...chunks, ...(close ? [] : [last])].map((p) => p.replace(/^[^\n]*\n/, ''));
  return { pre, parts: ps, post: close ? close.slice(2) : '' };
}

function joinParts(boundary: string, ps: string[], pre: string, post: string | undefined): string {
  return `${pre}${ps.map((p) => `\r\n--${boundary}\r\n${p}`).join('')}${post === undefined ? '' : `\r\n--${boundary}--${post}`}`;
}

const B64 = /^[A-Za-z0-9+/=\r\n]+$/;

/** The DER an entity carries (its body, base64-decoded when it says so), or the signature part's. */
function withDer(e: string, change: (der: Buffer) => Buffer): string {
  const { head, sep, body } = split(e);
  const boundary = boundaryOf(head);
  if (boundary && /multipart\/signed/i.test(head)) {
    const p = parts(body, boundary);
    if (!p || p.parts.length < 2) return e;
    p.parts[1] = withDer(p.parts[1], change);
    return head + sep + joinParts(boundary, p.parts, p.pre, p.post);
  }
  const isB64 = /content-transfer-encoding:\s*base64/i.test(head) && B64.test(body.trim());
  const der = isB64 ? Buffer.from(body, 'base64') : Buffer.from(body, 'latin1');
  const next = change(der);
  return head + sep + (isB64 ? next.toString('base64').replace(/.{76}/g, '$&\r\n') : next.toString('latin1'));
}

function derOp(der: Buffer, o: Extract<MimeOp, { op: 'der' }>): Buffer {
  if (!der.length) return der;
  const at = pick(o.at, der.length);
  switch (o.how) {
    case 'flip': { const d = Buffer.from(der); d[at] ^= o.b || 1; return d; }
    case 'truncate': return der.subarray(0, at);
    case 'zero': { const d = Buffer.from(der); d.fill(0, at, Math.min(der.length, at + 16)); return d; }
    // A TLV near `at` claiming 4 GB of content.
    case 'hugeLength': return Buffer.concat([der.subarray(0, at), Buffer.from([0x04, 0x84, 0xff, 0xff, 0xff, 0xf0]), der.subarray(at)]);
    case 'indefinite': return Buffer.concat([Buffer.from([0x30, 0x80]), der, Buffer.from([0, 0])]);
    case 'deepNest': {
      const depth = 1000 + (o.at % 50_000);
      return Buffer.concat([Buffer.alloc(depth * 2, Buffer.from([0x30, 0x80])), der, Buffer.alloc(depth * 2, 0)]);
    }
  }
}

function headerOp(e: string, o: Extract<MimeOp, { op: 'header' }>): string {
  const { head, sep, body } = split(e);
  const lines = head.split(/\r?\n/);
  const i = lines.findIndex((l) => l.toLowerCase().startsWith(`${o.name}:`));
  const line = i >= 0 ? lines[i] : `${o.name}: x`;
  const set = (l: string[]) => { if (i >= 0) lines.splice(i, 1, ...l); else lines.push(...l); };
  switch (o.how) {
    case 'drop': if (i >= 0) lines.splice(i, 1); break;
    case 'garble': set([line.replace(/[:;=]/g, (c) => (o.n % 2 ? c + c : ''))]); break;
    case 'huge': set([`${line}; x="${'A'.repeat(o.n)}"`]); break;
    case 'many': set([line, ...Array.from({ length: Math.min(o.n, 20_000) }, (_, k) => `X-Fuzz-${k}: ${k}`)]); break;
    case 'fold': set([line.replace(/;\s*/g, ';\r\n\t'), ' \t continued']); break;
    case 'nonAscii': set([`${line}\u00ff\u0000\u00e9`]); break;
    case 'dupe': set([line, line.replace(/:.*/, ': application/octet-stream; boundary=other')]); break;
    case 'noColon': set([line.replace(':', '')]); break;
  }
  return lines.join('\r\n') + (sep || '\r\n\r\n') + body;
}

function setHeader(e: string, name: string, value: string): string {
  const { head, sep, body } = split(e);
  const re = new RegExp(`^${name}:.*$`, 'im');
  const next = re.test(head) ? head.replace(re, `${name}: ${value}`) : `${head}\r\n${name}: ${value}`;
  return next + (sep || '\r\n\r\n') + body;
}

export function applyMimeOp(e: string, o: MimeOp): string {
  switch (o.op) {
    case 'header': return headerOp(e, o);
    case 'contentType': return setHeader(e, 'Content-Type', o.v);
    case 'cte': return setHeader(e, 'Content-Transfer-Encoding', o.v);
    case 'der': return withDer(e, (der) => derOp(der, o));
    case 'base64': {
      const { head, sep, body } = split(e);
      if (!/base64/i.test(head) && !boundaryOf(head)) return e;
      // The base64 is the entity's own body, or the signature part's.
      const edit = (b: string) => {
        const at = pick(o.at, Math.max(1, b.length));
        switch (o.how) {
          case 'flip': return b.slice(0, at) + (b[at] === 'A' ? 'B' : 'A') + b.slice(at + 1);
          case 'truncate': return b.slice(0, at);
          case 'invalid': return b.slice(0, at) + '!*\u00ff-_' + b.slice(at);
          case 'noPad': return b.replace(/=+\s*$/, '');
          case 'padding': return b.slice(0, at) + '====' + b.slice(at);
          case 'spaces': return b.replace(/\r\n/g, ' \t ');
        }
      };
      const boundary = boundaryOf(head);
      if (boundary) {
        const p = parts(body, boundary);
        if (!p || p.parts.length < 2) return e;
        const s = split(p.parts[1]);
        p.parts[1] = s.head + s.sep + edit(s.body);
        return head + sep + joinParts(boundary, p.parts, p.pre, p.post);
      }
      return head + sep + edit(body);
    }
    case 'boundary': {
      const { head, sep, body } = split(e);
      const b = boundaryOf(head);
      if (!b) return e;
      const other = valueText(o.v, ['"', ';', '\r\n', '--', '\\']);
      switch (o.how) {
        case 'headerOnly': return head.replace(b, other) + sep + body;
        case 'bodyOnly': return head + sep + body.split(`--${b}`).join(`--${other}`);
        case 'empty': return head.replace(b, '') + sep + body.split(`--${b}`).join('--');
        case 'long': { const l = b.repeat(200); return head.replace(b, l) + sep + body.split(`--${b}`).join(`--${l}`); }
        case 'special': { const s = `${b}()<>@,;:\\/[]?= "\u00e9`; return head.replace(`"${b}"`, `"${s.replace(/"/g, '\\"')}"`) + sep + body.split(`--${b}`).join(`--${s}`); }
        case 'noClose': { const close = body.lastIndexOf(`--${b}--`); return close < 0 ? e : head + sep + body.slice(0, close); }
        case 'noLineStart': return head + sep + body.split(`\r\n--${b}`).join(` --${b}`);
        case 'inContent': return head + sep + body.replace('\r\n\r\n', `\r\n\r\n--${b}\r\n--${b}--\r\n`);
        case 'unquoted': return head.replace(`"${b}"`, b) + sep + body;
      }
      return e;
    }
    case 'parts': {
      const { head, sep, body } = split(e);
      const b = boundaryOf(head);
      const p = b ? parts(body, b) : undefined;
      if (!b || !p) return e;
      let ps = p.parts;
      switch (o.how) {
        case 'dropFirst': ps = ps.slice(1); break;
        case 'dropSecond': ps = [ps[0], ...ps.slice(2)]; break;
        case 'swap': ps = [...ps].reverse(); break;
        // At most 2 MB of copies: ops at several depths would otherwise multiply into hundreds of MB.
        case 'dupe': ps = [...ps, ...Array.from({ length: Math.min(o.n, Math.floor((2 << 20) / ((ps.at(-1)?.length ?? 0) + 1))) }, () => ps[ps.length - 1])]; break;
        case 'onlyPreamble': return head + sep + p.pre;
        case 'empty': ps = []; break;
      }
      return head + sep + joinParts(b, ps, p.pre, p.post);
    }
    case 'lineEnds': {
      switch (o.how) {
        case 'lf': return e.replace(/\r\n/g, '\n');
        case 'cr': return e.replace(/\r\n/g, '\r');
        case 'none': { const s = split(e); return s.head.replace(/\r?\n/g, ' ') + s.body; }
        case 'extra': return e.replace(/\r\n/g, '\r\n\r\n');
      }
      return e;
    }
    case 'body': {
      const s = split(e);
      return s.head + (s.sep || '\r\n\r\n') + valueText(o.v, ['\r\n', '--', '=', '\r\n\r\n']);
    }
  }
}

/** What a received AS2 request is made of, once built. */
export interface As2Input { contentType: string; transferEncoding?: string; body: Buffer; strict: boolean }

export interface As2Plan {
  payload: number;
  layers: Layer[];
  base64: boolean;
  bomb: number;
  ops: MimeOp[];
  bytes: ByteOp[];
  /** The receiver's policy: strict requires signed and encrypted. */
  strict: boolean;
}

const LAYER_STACKS: Layer[][] = [
  [], ['sign'], ['encrypt'], ['compress'], ['sign', 'encrypt'], ['compress', 'sign'], ['compress', 'sign', 'encrypt'], ['sign', 'compress'],
  ['signStranger'], ['encryptStranger'], ['sign', 'sign'], ['compress', 'compress'], ['encrypt', 'encrypt'], ['bomb'], ['bomb', 'sign'], ['bomb', 'encrypt'],
  ['sign', 'bomb'], ['compress', 'compress', 'compress', 'compress', 'compress', 'compress', 'compress'],
];

export const as2PlanArb: fc.Arbitrary<As2Plan> = fc.record({
  payload: nat,
  layers: fc.constantFrom(...LAYER_STACKS),
  base64: fc.boolean(),
  bomb: nat,
  ops: fc.array(mimeOpArb, { maxLength: 3 }),
  bytes: byteOpsArb,
  strict: fc.boolean(),
});

/**
 * Builds the request: the payload entity, then each layer, each op applied at its depth
 * (0: the payload entity, k: after the k-th layer); the outermost entity's headers become the
 * HTTP headers, its body the HTTP body. `base` gives the innermost entity for a payload seed.
 */
export async function materializeAs2(plan: As2Plan, base: (payload: number) => Buffer): Promise<As2Input> {
  const levels = plan.layers.length + 1;
  const at = (depth: number) => plan.ops.filter((o) => pick(o.depth, levels) === depth);
  let e = base(plan.payload).toString('latin1');
  for (const o of at(0)) e = applyMimeOp(e, o);
  for (let i = 0; i < plan.layers.length; i++) {
    e = (await wrap(Buffer.from(e, 'latin1'), plan.layers[i], i, plan.base64, plan.bomb)).toString('latin1');
    for (const o of at(i + 1)) e = applyMimeOp(e, o);
  }
  const { head, body } = split(e);
  const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head)?.[1].replace(/\r?\n[ \t]+/g, ' ').trim();
  return {
    contentType: header('content-type') ?? '', transferEncoding: header('content-transfer-encoding'),
    body: Buffer.from(applyByteOps(body, plan.bytes), 'latin1'), strict: plan.strict,
  };
}

/** The innermost entity: a seed as the payload of an AS2 message. */
export function payloadEntity(bytes: Buffer, contentType: string, filename: string): Buffer {
  return buildEntity([['Content-Type', contentType], ['Content-Transfer-Encoding', 'binary'], ['Content-Disposition', `attachment; filename="${filename}"`]], bytes);
}
