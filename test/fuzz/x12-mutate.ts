import fc from 'fast-check';
import { applyByteOps, byteOpsArb, pick, toBytes, valueArb, valueText, type ByteOp, type ValueSpec } from './values';

/**
 * X12 mutations that know the interchange's structure: the seed is split on its own delimiters
 * (from its first ISA) into segments and elements, changed there, and written back. Unchanged, a
 * seed is written back byte for byte (mutate.test.ts holds that).
 */
export interface X12Doc {
  /** Bytes before the first ISA (a BOM, white space, junk). */
  head: string;
  el: string;
  comp: string;
  term: string;
  /** ISA11 when it is a repetition separator (ISA 00402 on). */
  rep?: string;
  segs: { lead: string; els: string[] }[];
  /** After the last terminator. */
  tail: string;
  /** Write the first ISA with other delimiters than the rest (an ISA that lies about them). */
  isaOverride?: { which: 'element' | 'component' | 'segment'; ch: string };
}

/** Parses a byte string (one char per byte). Anything without an ISA is all head. */
export function parseX12(text: string): X12Doc {
  const at = text.indexOf('ISA');
  if (at < 0 || at + 4 > text.length) return { head: text, el: '*', comp: '>', term: '~', segs: [], tail: '' };
  const el = text[at + 3];
  let i = at + 3;
  for (let n = 1; n < 16 && i < text.length; i++) if (text[i + 1] === el) n++;
  // i is now at the 16th separator (or the end): ISA16 and the terminator follow it.
  const comp = text[i + 1] ?? '>';
  const term = text[i + 2] ?? '~';
  const parts = text.slice(at).split(term);
  const tail = parts.pop() ?? '';
  const segs = parts.map((p) => {
    const lead = /^[\r\n\t ]*/.exec(p)![0];
    return { lead, els: p.slice(lead.length).split(el) };
  });
  const isa11 = segs[0]?.els[11];
  const rep = isa11 && isa11.length === 1 && !/[A-Za-z0-9 ]/.test(isa11) ? isa11 : undefined;
  return { head: text.slice(0, at), el, comp, term, rep, segs, tail };
}

export function renderX12(d: X12Doc): string {
  let out = d.head;
  d.segs.forEach((s, i) => {
    if (i === 0 && d.isaOverride && s.els[0] === 'ISA') {
      const o = d.isaOverride;
      const els = o.which === 'component' ? [...s.els.slice(0, 16), o.ch, ...s.els.slice(17)] : s.els;
      out += s.lead + els.join(o.which === 'element' ? o.ch : d.el) + (o.which === 'segment' ? o.ch : d.term);
      return;
    }
    out += s.lead + s.els.join(d.el) + d.term;
  });
  return out + d.tail;
}

/** Characters a sender might pick as a delimiter, sensible or not. */
const DELIMS = ['*', '~', '>', '^', '|', ':', '+', "'", '\n', '\r', ' ', 'A', '0', 'U', '\x1d', '\x1e', '\x1f', '\x00', '\x7f', '\x85', '\xe2', '\xa6'];
const TAGS = ['ISA', 'IEA', 'GS', 'GE', 'ST', 'SE', 'TA1', 'ISB', 'ISE', 'BEG', 'PO1', 'N1', 'HL', 'LX', 'AK1', 'AK2', 'AK9', 'CTT', '', 'ZZZ', 'isa', 'IS', 'ISAX', 'S', '\u00c9SA'];

export type X12Op =
  | { op: 'drop'; at: number }
  | { op: 'dup'; at: number }
  | { op: 'swap'; a: number; b: number }
  | { op: 'move'; from: number; to: number }
  | { op: 'repeat'; at: number; len: number; times: number }
  | { op: 'setElement'; seg: number; el: number; v: ValueSpec }
  | { op: 'addElements'; seg: number; n: number; v: ValueSpec }
  | { op: 'cutElements'; seg: number; keep: number }
  | { op: 'setTag'; seg: number; tag: string }
  | { op: 'count'; tag: 'SE' | 'GE' | 'IEA' | 'CTT'; nth: number; v: ValueSpec }
  | { op: 'control'; which: 'ISA13' | 'IEA02' | 'GS06' | 'GE02' | 'ST02' | 'SE02'; nth: number; v: ValueSpec }
  | { op: 'redelimit'; el: string; comp: string; term: string; rep: string; lead: string }
  | { op: 'isaDelim'; which: 'element' | 'component' | 'segment'; ch: string }
  | { op: 'repeatValue'; seg: number; el: number; times: number; sep: 'rep' | 'comp' };

const nat = fc.nat();
const delim = fc.constantFrom(...DELIMS);

export const x12OpArb: fc.Arbitrary<X12Op> = fc.oneof(
  nat.map((at) => ({ op: 'drop' as const, at })),
  nat.map((at) => ({ op: 'dup' as const, at })),
  fc.record({ a: nat, b: nat }).map((r) => ({ op: 'swap' as const, ...r })),
  fc.record({ from: nat, to: nat }).map((r) => ({ op: 'move' as const, ...r })),
  fc.record({ at: nat, len: fc.integer({ min: 1, max: 8 }), times: fc.integer({ min: 2, max: 3000 }) }).map((r) => ({ op: 'repeat' as const, ...r })),
  { weight: 4, arbitrary: fc.record({ seg: nat, el: nat, v: valueArb }).map((r) => ({ op: 'setElement' as const, ...r })) },
  fc.record({ seg: nat, n: fc.integer({ min: 1, max: 300 }), v: valueArb }).map((r) => ({ op: 'addElements' as const, ...r })),
  fc.record({ seg: nat, keep: nat }).map((r) => ({ op: 'cutElements' as const, ...r })),
  fc.record({ seg: nat, tag: fc.constantFrom(...TAGS) }).map((r) => ({ op: 'setTag' as const, ...r })),
  { weight: 2, arbitrary: fc.record({ tag: fc.constantFrom('SE' as const, 'GE' as const, 'IEA' as const, 'CTT' as const), nth: nat, v: valueArb }).map((r) => ({ op: 'count' as const, ...r })) },
  { weight: 2, arbitrary: fc.record({ which: fc.constantFrom('ISA13' as const, 'IEA02' as const, 'GS06' as const, 'GE02' as const, 'ST02' as const, 'SE02' as const), nth: nat, v: valueArb })
    .map((r) => ({ op: 'control' as const, ...r })) },
  fc.record({ el: delim, comp: delim, term: delim, rep: delim, lead: fc.constantFrom('', '\n', '\r\n', ' ') }).map((r) => ({ op: 'redelimit' as const, ...r })),
  fc.record({ which: fc.constantFrom('element' as const, 'component' as const, 'segment' as const), ch: delim }).map((r) => ({ op: 'isaDelim' as const, ...r })),
  fc.record({ seg: nat, el: nat, times: fc.integer({ min: 2, max: 5000 }), sep: fc.constantFrom('rep' as const, 'comp' as const) }).map((r) => ({ op: 'repeatValue' as const, ...r })),
);

/** A limit on what repeat ops may build, so that one case stays a few MB at most. */
const MAX_SEGMENTS = 20_000;
/** And what repeat ops may add in bytes: inputs stay around a megabyte or two. */
const MAX_BYTES = 1 << 20;

function nthOfTag(d: X12Doc, tag: string, nth: number) {
  const all = d.segs.filter((s) => s.els[0] === tag);
  return all.length ? all[pick(nth, all.length)] : undefined;
}

const CONTROL_AT: Record<string, [string, number]> = {
  ISA13: ['ISA', 13], IEA02: ['IEA', 2], GS06: ['GS', 6], GE02: ['GE', 2], ST02: ['ST', 2], SE02: ['SE', 2],
};

function setAt(els: string[], j: number, value: string): void {
  while (els.length <= j) els.push('');
  els[j] = value;
}

export function applyX12Op(d: X12Doc, o: X12Op): void {
  const n = d.segs.length;
  const delims = [d.el, d.comp, d.term, d.rep ?? '^', '\r\n', '\n', d.el + d.el, d.term + 'ISA'];
  const value = (v: ValueSpec) => valueText(v, delims);
  if (o.op === 'redelimit') {
    // Character by character, so that a new delimiter equal to an old one is not replaced twice.
    const swap = (e: string) => [...e].map((c) => (c === d.comp ? o.comp : c === d.rep ? o.rep : c)).join('');
    for (const s of d.segs) {
      s.els = s.els.map((e, j) => (s.els[0] === 'ISA' && j === 16 ? o.comp : s.els[0] === 'ISA' && j === 11 && d.rep ? o.rep : swap(e)));
      if (s !== d.segs[0]) s.lead = o.lead;
    }
    Object.assign(d, { el: o.el, comp: o.comp, term: o.term, rep: d.rep ? o.rep : undefined });
    return;
  }
  if (o.op === 'isaDelim') { d.isaOverride = { which: o.which, ch: o.ch }; return; }
  if (o.op === 'count') {
    const s = nthOfTag(d, o.tag, o.nth);
    if (s) setAt(s.els, 1, value(o.v));
    return;
  }
  if (o.op === 'control') {
    const [tag, j] = CONTROL_AT[o.which];
    const s = nthOfTag(d, tag, o.nth);
    if (s) setAt(s.els, j, value(o.v));
    return;
  }
  if (n === 0) return;
  const clone = (s: X12Doc['segs'][number]) => ({ lead: s.lead, els: [...s.els] });
  switch (o.op) {
    case 'drop': d.segs.splice(pick(o.at, n), 1); break;
    case 'dup': { const i = pick(o.at, n); d.segs.splice(i, 0, clone(d.segs[i])); break; }
    case 'swap': { const a = pick(o.a, n); const b = pick(o.b, n); [d.segs[a], d.segs[b]] = [d.segs[b], d.segs[a]]; break; }
    case 'move': { const [s] = d.segs.splice(pick(o.from, n), 1); d.segs.splice(pick(o.to, n), 0, s); break; }
    case 'repeat': {
      const i = pick(o.at, n);
      const span = d.segs.slice(i, i + o.len);
      const spanBytes = span.reduce((n, s) => n + s.els.reduce((m, e) => m + e.length + 1, 0), 0);
      const times = Math.min(o.times, Math.floor(MAX_SEGMENTS / span.length), Math.floor(MAX_BYTES / spanBytes));
      const copies: X12Doc['segs'] = [];
      for (let k = 1; k < times; k++) for (const s of span) copies.push(clone(s));
      d.segs.splice(i + span.length, 0, ...copies);
      break;
    }
    case 'setElement': { const s = d.segs[pick(o.seg, n)]; setAt(s.els, 1 + pick(o.el, s.els.length), value(o.v)); break; }
    case 'addElements': {
      const s = d.segs[pick(o.seg, n)];
      const v = value(o.v);
      for (let k = 0; k < Math.min(o.n, MAX_BYTES / (v.length + 1)); k++) s.els.push(v);
      break;
    }
    case 'cutElements': { const s = d.segs[pick(o.seg, n)]; s.els.length = 1 + pick(o.keep, s.els.length); break; }
    case 'setTag': d.segs[pick(o.seg, n)].els[0] = o.tag; break;
    case 'repeatValue': {
      const s = d.segs[pick(o.seg, n)];
      const j = 1 + pick(o.el, s.els.length);
      const one = s.els[j] || 'X';
      setAt(s.els, j, new Array(Math.min(o.times, Math.ceil(MAX_BYTES / one.length))).fill(one).join(o.sep === 'rep' ? d.rep ?? '^' : d.comp));
      break;
    }
  }
}

/** A mutation plan: which seed, what to change in its structure, then what bytes to damage. */
export interface X12Plan {
  seed: number;
  ops: X12Op[];
  bytes: ByteOp[];
}

export const x12PlanArb: fc.Arbitrary<X12Plan> = fc.record({
  seed: nat,
  ops: fc.array(x12OpArb, { maxLength: 4 }),
  bytes: byteOpsArb,
});

/**
 * Changes inside transaction sets only (values, lines repeated or dropped), for the translators:
 * the envelope stays valid, so that most cases get past validation to a translator.
 */
export const x12ValuePlanArb: fc.Arbitrary<X12Plan> = fc.record({
  seed: nat,
  ops: fc.array(fc.oneof(
    { weight: 6, arbitrary: fc.record({ seg: nat, el: nat, v: valueArb }).map((r) => ({ op: 'setElement' as const, ...r })) },
    { weight: 1, arbitrary: nat.map((at) => ({ op: 'drop' as const, at })) },
    { weight: 1, arbitrary: nat.map((at) => ({ op: 'dup' as const, at })) },
    { weight: 1, arbitrary: fc.record({ at: nat, len: fc.integer({ min: 1, max: 6 }), times: fc.integer({ min: 2, max: 500 }) }).map((r) => ({ op: 'repeat' as const, ...r })) },
    { weight: 1, arbitrary: fc.record({ seg: nat, keep: nat }).map((r) => ({ op: 'cutElements' as const, ...r })) },
  ), { maxLength: 3 }),
  bytes: fc.constant([]),
});

/** Who the interchange is from and to, rewritten in every ISA and GS (translation needs a known partner). */
export interface X12Address { senderQualifier: string; senderId: string; gsSender: string; receiverQualifier: string; receiverId: string; gsReceiver: string }

export function readdressX12(d: X12Doc, a: X12Address): void {
  for (const s of d.segs) {
    if (s.els[0] === 'ISA' && s.els.length >= 16) {
      s.els[5] = a.senderQualifier; s.els[6] = a.senderId.padEnd(15); s.els[7] = a.receiverQualifier; s.els[8] = a.receiverId.padEnd(15); s.els[15] = 'P';
    } else if (s.els[0] === 'GS' && s.els.length >= 4) {
      s.els[2] = a.gsSender; s.els[3] = a.gsReceiver;
    }
  }
}

/** The plan's input, as bytes; `seeds` are the seed texts (byte strings), parsed afresh for each case. */
export function materializeX12(plan: X12Plan, seeds: readonly string[], address?: X12Address): Buffer {
  const doc = parseX12(seeds[pick(plan.seed, seeds.length)]);
  if (address) readdressX12(doc, address);
  for (const o of plan.ops) applyX12Op(doc, o);
  return toBytes(applyByteOps(renderX12(doc), plan.bytes));
}
