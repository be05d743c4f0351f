import fc from 'fast-check';

/**
 * Values put into an element, an attribute or a header. Described, not materialized: a counterexample
 * prints as `{k:'long',ch:'A',n:120000}`, not as 120,000 A's, and shrinks on its few numbers.
 * Every text is a "byte string" (one char per byte, Latin-1), which is how the mutators hold input.
 */
export type ValueSpec =
  | { k: 'text'; s: string }
  | { k: 'utf8'; s: string }
  | { k: 'bytes'; b: number[] }
  | { k: 'long'; ch: string; n: number }
  | { k: 'delim'; i: number }
  | { k: 'num'; s: string }
  | { k: 'empty' };

/** Numbers a reader may take at face value: too big, signed, exponent, other digits, padded. */
const EDGE_NUMBERS = ['0', '-1', '00000000000000000000001', '99999999999999999999999', '9007199254740993', '1e309', '-0', 'NaN',
  'Infinity', '1.', '.5', '1,5', '+1', '0x10', '\u0661\u0662', ' 1', '1 ', '4294967296', '2147483648', '-2147483649', '1e-400'];

export const valueArb: fc.Arbitrary<ValueSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).map((s) => ({ k: 'text' as const, s })) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }).map((s) => ({ k: 'utf8' as const, s })) },
  { weight: 2, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 }).map((b) => ({ k: 'bytes' as const, b })) },
  { weight: 1, arbitrary: fc.record({ ch: fc.constantFrom('A', '9', ' ', '\u00e9', '*', "'", '\x00'), n: fc.integer({ min: 1_000, max: 120_000 }) }).map((r) => ({ k: 'long' as const, ...r })) },
  { weight: 2, arbitrary: fc.nat(7).map((i) => ({ k: 'delim' as const, i })) },
  { weight: 2, arbitrary: fc.constantFrom(...EDGE_NUMBERS).map((s) => ({ k: 'num' as const, s })) },
  { weight: 1, arbitrary: fc.constant({ k: 'empty' as const }) },
);

/** The value as a byte string; `delims` are the document's service characters (delim picks one). */
export function valueText(v: ValueSpec, delims: string[]): string {
  switch (v.k) {
    case 'text': case 'num': return v.s;
    case 'utf8': return Buffer.from(v.s, 'utf8').toString('latin1');
    case 'bytes': return String.fromCharCode(...v.b);
    case 'long': return v.ch.repeat(v.n);
    case 'delim': return delims.length ? delims[v.i % delims.length] : '';
    case 'empty': return '';
  }
}

/** Byte-level damage after the structural changes: cut, insert, overwrite, delete. Positions are per mille of the length. */
export type ByteOp =
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; b: number[] }
  | { op: 'overwrite'; at: number; b: number }
  | { op: 'delete'; at: number; n: number };

const permille = fc.integer({ min: 0, max: 1000 });

export const byteOpArb: fc.Arbitrary<ByteOp> = fc.oneof(
  permille.map((at) => ({ op: 'truncate' as const, at })),
  fc.record({ at: permille, b: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 32 }) }).map((r) => ({ op: 'insert' as const, ...r })),
  fc.record({ at: permille, b: fc.integer({ min: 0, max: 255 }) }).map((r) => ({ op: 'overwrite' as const, ...r })),
  fc.record({ at: permille, n: fc.integer({ min: 1, max: 64 }) }).map((r) => ({ op: 'delete' as const, ...r })),
);

/** Mostly none: most cases test the structure; a fifth are damaged bytes on top. */
export const byteOpsArb: fc.Arbitrary<ByteOp[]> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<ByteOp[]>([]) },
  { weight: 1, arbitrary: fc.array(byteOpArb, { minLength: 1, maxLength: 2 }) },
);

export function applyByteOps(text: string, ops: readonly ByteOp[]): string {
  let t = text;
  for (const o of ops) {
    const at = Math.floor((t.length * o.at) / 1000);
    if (o.op === 'truncate') t = t.slice(0, at);
    else if (o.op === 'insert') t = t.slice(0, at) + String.fromCharCode(...o.b) + t.slice(at);
    else if (o.op === 'overwrite') t = at < t.length ? t.slice(0, at) + String.fromCharCode(o.b) + t.slice(at + 1) : t;
    else t = t.slice(0, at) + t.slice(at + o.n);
  }
  return t;
}

export const toBytes = (byteString: string): Buffer => Buffer.from(byteString, 'latin1');

/** Index into a list of n things from an unbounded number (n > 0). */
export const pick = (i: number, n: number): number => ((i % n) + n) % n;
