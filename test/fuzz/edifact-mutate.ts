import fc from 'fast-check';
import { applyByteOps, byteOpsArb, pick, toBytes, valueArb, valueText, type ByteOp, type ValueSpec } from './values';

/**
 * EDIFACT mutations that know the interchange's structure: the service characters come from the
 * UNA (or the ISO 9735 defaults), segments and elements are split honouring the release character,
 * changed, and written back. Unchanged, a seed is written back byte for byte.
 */
export interface ServiceChars { comp: string; el: string; dec: string; rel: string; rep: string; term: string }

export interface EdifactDoc {
  head: string;
  /** The UNA as written (9 characters), if any. */
  una?: string;
  sc: ServiceChars;
  /** Elements as written: release characters kept, components unsplit. */
  segs: { lead: string; els: string[] }[];
  tail: string;
  /** Hard-wrap every segment after this many characters (a line break inside a segment). */
  wrap?: number;
}

const DEFAULTS: ServiceChars = { comp: ':', el: '+', dec: '.', rel: '?', rep: ' ', term: "'" };

/** Splits on sep where it is not released (rel ' ' means no release character). */
export function splitReleased(text: string, sep: string, rel: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === rel && rel !== ' ' && i + 1 < text.length) { cur += c + text[++i]; continue; }
    if (c === sep) { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out;
}

export function parseEdifact(text: string): EdifactDoc {
  const start = /^(\u00ef\u00bb\u00bf)?[\r\n\t ]*/.exec(text)![0].length;
  let p = start;
  let una: string | undefined;
  let sc = DEFAULTS;
  if (text.startsWith('UNA', p) && text.length >= p + 9) {
    una = text.slice(p, p + 9);
    sc = { comp: una[3], el: una[4], dec: una[5], rel: una[6], rep: una[7], term: una[8] };
    p += 9;
  }
  const parts = splitReleased(text.slice(p), sc.term, sc.rel);
  const tail = parts.pop() ?? '';
  const segs = parts.map((s) => {
    const lead = /^[\r\n\t ]*/.exec(s)![0];
    return { lead, els: splitReleased(s.slice(lead.length), sc.el, sc.rel) };
  });
  return { head: text.slice(0, start), una, sc, segs, tail };
}

function wrapped(s: string, every: number): string {
  let out = '';
  for (let i = 0; i < s.length; i += every) out += (i ? '\r\n' : '') + s.slice(i, i + every);
  return out;
}

export function renderEdifact(d: EdifactDoc): string {
  let out = d.head + (d.una ?? '');
  for (const s of d.segs) {
    const body = s.els.join(d.sc.el);
    out += s.lead + (d.wrap ? wrapped(body, d.wrap) : body) + d.sc.term;
  }
  return out + d.tail;
}

/** An element as written -> its text with other service characters (released where they are data). */
function reescape(raw: string, from: ServiceChars, to: ServiceChars): string {
  const structural = (c: string) => c === to.comp || c === to.el || c === to.term || c === to.rel || (to.rep !== ' ' && c === to.rep);
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === from.rel && from.rel !== ' ' && i + 1 < raw.length) {
      const lit = raw[++i];
      out += structural(lit) && to.rel !== ' ' ? to.rel + lit : lit;
    } else if (c === from.comp) out += to.comp;
    else if (from.rep !== ' ' && c === from.rep) out += to.rep;
    else out += structural(c) && to.rel !== ' ' ? to.rel + c : c;
  }
  return out;
}

const SERVICE = ['+', ':', "'", '?', '*', '.', ',', ' ', '\n', '\r', '~', '|', '^', 'A', '0', '\x1c', '\x1d', '\x1f', '\x00', '\xe9', '\xff'];
const SYNTAX_IDS = ['UNOA', 'UNOB', 'UNOC', 'UNOD', 'UNOE', 'UNOF', 'UNOW', 'UNOY', 'UNOX', 'IATB', 'KECA', 'XXXX', '', 'unoc'];
const SYNTAX_VERSIONS = ['1', '2', '3', '4', '5', '', '0', '99', 'A'];
const MESSAGE_TYPES = ['ORDERS', 'DESADV', 'INVOIC', 'CONTRL', 'APERAK', 'ORDRSP', 'IFTMIN', 'XXXXXX', '', 'orders'];
const DIRECTORIES = [['D', '96A'], ['D', '01B'], ['D', '97A'], ['S', '93A'], ['', ''], ['D', '99Z'], ['4', '1']] as const;
const TAGS = ['UNA', 'UNB', 'UNZ', 'UNG', 'UNE', 'UNH', 'UNT', 'BGM', 'LIN', 'QTY', 'NAD', 'UNS', 'CNT', 'UCI', 'UCM', '', 'unh', 'UN', 'UNHX', '\u00c9NH'];

export type EdifactOp =
  | { op: 'drop'; at: number }
  | { op: 'dup'; at: number }
  | { op: 'swap'; a: number; b: number }
  | { op: 'move'; from: number; to: number }
  | { op: 'repeat'; at: number; len: number; times: number }
  | { op: 'setElement'; seg: number; el: number; v: ValueSpec; escape: boolean }
  | { op: 'setComponent'; seg: number; el: number; comp: number; v: ValueSpec; escape: boolean }
  | { op: 'addElements'; seg: number; n: number; v: ValueSpec }
  | { op: 'cutElements'; seg: number; keep: number }
  | { op: 'setTag'; seg: number; tag: string }
  | { op: 'count'; tag: 'UNT' | 'UNZ' | 'UNE' | 'CNT'; nth: number; v: ValueSpec }
  | { op: 'control'; which: 'UNB05' | 'UNZ02' | 'UNH01' | 'UNT02' | 'UNG05' | 'UNE02'; nth: number; v: ValueSpec }
  | { op: 'syntax'; id: string; version: string }
  | { op: 'messageType'; nth: number; type: string; dir: number; assoc: string }
  | { op: 'una'; mode: 'remove' | 'lie' | 'consistent'; chars: string[] }
  | { op: 'wrap'; every: number }
  | { op: 'releaseLast'; seg: number }
  | { op: 'repeatValue'; seg: number; el: number; times: number; sep: 'rep' | 'comp' };

const nat = fc.nat();
const sixChars = fc.array(fc.constantFrom(...SERVICE), { minLength: 6, maxLength: 6 });

export const edifactOpArb: fc.Arbitrary<EdifactOp> = fc.oneof(
  nat.map((at) => ({ op: 'drop' as const, at })),
  nat.map((at) => ({ op: 'dup' as const, at })),
  fc.record({ a: nat, b: nat }).map((r) => ({ op: 'swap' as const, ...r })),
  fc.record({ from: nat, to: nat }).map((r) => ({ op: 'move' as const, ...r })),
  fc.record({ at: nat, len: fc.integer({ min: 1, max: 8 }), times: fc.integer({ min: 2, max: 3000 }) }).map((r) => ({ op: 'repeat' as const, ...r })),
  { weight: 3, arbitrary: fc.record({ seg: nat, el: nat, v: valueArb, escape: fc.boolean() }).map((r) => ({ op: 'setElement' as const, ...r })) },
  { weight: 3, arbitrary: fc.record({ seg: nat, el: nat, comp: nat, v: valueArb, escape: fc.boolean() }).map((r) => ({ op: 'setComponent' as const, ...r })) },
  fc.record({ seg: nat, n: fc.integer({ min: 1, max: 300 }), v: valueArb }).map((r) => ({ op: 'addElements' as const, ...r })),
  fc.record({ seg: nat, keep: nat }).map((r) => ({ op: 'cutElements' as const, ...r })),
  fc.record({ seg: nat, tag: fc.constantFrom(...TAGS) }).map((r) => ({ op: 'setTag' as const, ...r })),
  { weight: 2, arbitrary: fc.record({ tag: fc.constantFrom('UNT' as const, 'UNZ' as const, 'UNE' as const, 'CNT' as const), nth: nat, v: valueArb }).map((r) => ({ op: 'count' as const, ...r })) },
  { weight: 2, arbitrary: fc.record({ which: fc.constantFrom('UNB05' as const, 'UNZ02' as const, 'UNH01' as const, 'UNT02' as const, 'UNG05' as const, 'UNE02' as const), nth: nat, v: valueArb })
    .map((r) => ({ op: 'control' as const, ...r })) },
  fc.record({ id: fc.constantFrom(...SYNTAX_IDS), version: fc.constantFrom(...SYNTAX_VERSIONS) }).map((r) => ({ op: 'syntax' as const, ...r })),
  fc.record({ nth: nat, type: fc.constantFrom(...MESSAGE_TYPES), dir: nat, assoc: fc.constantFrom('', 'EAN008', 'EAN010', 'XXXXXXX') }).map((r) => ({ op: 'messageType' as const, ...r })),
  fc.record({ mode: fc.constantFrom('remove' as const, 'lie' as const, 'consistent' as const), chars: sixChars }).map((r) => ({ op: 'una' as const, ...r })),
  fc.integer({ min: 1, max: 80 }).map((every) => ({ op: 'wrap' as const, every })),
  nat.map((seg) => ({ op: 'releaseLast' as const, seg })),
  fc.record({ seg: nat, el: nat, times: fc.integer({ min: 2, max: 5000 }), sep: fc.constantFrom('rep' as const, 'comp' as const) }).map((r) => ({ op: 'repeatValue' as const, ...r })),
);

const MAX_SEGMENTS = 20_000;
/** And what repeat ops may add in bytes: inputs stay around a megabyte or two. */
const MAX_BYTES = 1 << 20;
const CONTROL_AT: Record<string, [string, number]> = {
  UNB05: ['UNB', 5], UNZ02: ['UNZ', 2], UNH01: ['UNH', 1], UNT02: ['UNT', 2], UNG05: ['UNG', 5], UNE02: ['UNE', 2],
};

function nthOfTag(d: EdifactDoc, tag: string, nth: number) {
  const all = d.segs.filter((s) => s.els[0] === tag);
  return all.length ? all[pick(nth, all.length)] : undefined;
}

function setAt(els: string[], j: number, value: string): void {
  while (els.length <= j) els.push('');
  els[j] = value;
}

export function applyEdifactOp(d: EdifactDoc, o: EdifactOp): void {
  const sc = d.sc;
  const delims = [sc.el, sc.comp, sc.term, sc.rel, sc.rep, sc.dec, '\r\n', sc.rel + sc.term];
  const escape = (t: string) => (sc.rel === ' ' ? t : [...t].map((c) => ([sc.el, sc.comp, sc.term, sc.rel, sc.rep].includes(c) && c !== ' ' ? sc.rel + c : c)).join(''));
  const value = (v: ValueSpec, esc = false) => (esc ? escape(valueText(v, delims)) : valueText(v, delims));
  if (o.op === 'una') {
    const to: ServiceChars = { comp: o.chars[0], el: o.chars[1], dec: o.chars[2], rel: o.chars[3], rep: o.chars[4], term: o.chars[5] };
    if (o.mode === 'remove') d.una = undefined;
    else if (o.mode === 'lie') d.una = `UNA${o.chars.join('')}`;
    else {
      for (const s of d.segs) s.els = s.els.map((e) => reescape(e, sc, to));
      d.una = `UNA${o.chars.join('')}`;
      d.sc = to;
    }
    return;
  }
  if (o.op === 'wrap') { d.wrap = o.every; return; }
  if (o.op === 'count') {
    const s = nthOfTag(d, o.tag, o.nth);
    if (s && o.tag === 'CNT') setAt(s.els, 1, `${splitReleased(s.els[1] ?? '2', sc.comp, sc.rel)[0]}${sc.comp}${value(o.v)}`);
    else if (s) setAt(s.els, 1, value(o.v));
    return;
  }
  if (o.op === 'control') {
    const [tag, j] = CONTROL_AT[o.which];
    const s = nthOfTag(d, tag, o.nth);
    if (s) setAt(s.els, j, value(o.v));
    return;
  }
  if (o.op === 'syntax') {
    for (const s of d.segs) if (s.els[0] === 'UNB') setAt(s.els, 1, `${o.id}${sc.comp}${o.version}`);
    return;
  }
  if (o.op === 'messageType') {
    const s = nthOfTag(d, 'UNH', o.nth);
    const [version, release] = DIRECTORIES[pick(o.dir, DIRECTORIES.length)];
    if (s) setAt(s.els, 2, [o.type, version, release, 'UN', o.assoc].join(sc.comp));
    return;
  }
  const n = d.segs.length;
  if (n === 0) return;
  const clone = (s: EdifactDoc['segs'][number]) => ({ lead: s.lead, els: [...s.els] });
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
      const copies: EdifactDoc['segs'] = [];
      for (let k = 1; k < times; k++) for (const s of span) copies.push(clone(s));
      d.segs.splice(i + span.length, 0, ...copies);
      break;
    }
    case 'setElement': { const s = d.segs[pick(o.seg, n)]; setAt(s.els, 1 + pick(o.el, s.els.length), value(o.v, o.escape)); break; }
    case 'setComponent': {
      const s = d.segs[pick(o.seg, n)];
      const j = 1 + pick(o.el, s.els.length);
      const comps = splitReleased(s.els[j] ?? '', sc.comp, sc.rel);
      const k = pick(o.comp, comps.length + 1);
      while (comps.length <= k) comps.push('');
      comps[k] = value(o.v, o.escape);
      setAt(s.els, j, comps.join(sc.comp));
      break;
    }
    case 'addElements': {
      const s = d.segs[pick(o.seg, n)];
      const v = value(o.v);
      for (let k = 0; k < Math.min(o.n, MAX_BYTES / (v.length + 1)); k++) s.els.push(v);
      break;
    }
    case 'cutElements': { const s = d.segs[pick(o.seg, n)]; s.els.length = 1 + pick(o.keep, s.els.length); break; }
    case 'setTag': d.segs[pick(o.seg, n)].els[0] = o.tag; break;
    case 'releaseLast': { const s = d.segs[pick(o.seg, n)]; s.els[s.els.length - 1] += sc.rel === ' ' ? '?' : sc.rel; break; }
    case 'repeatValue': {
      const s = d.segs[pick(o.seg, n)];
      const j = 1 + pick(o.el, s.els.length);
      const one = s.els[j] || 'X';
      setAt(s.els, j, new Array(Math.min(o.times, Math.ceil(MAX_BYTES / one.length))).fill(one).join(o.sep === 'rep' ? (sc.rep === ' ' ? '*' : sc.rep) : sc.comp));
      break;
    }
  }
}

export interface EdifactPlan {
  seed: number;
  ops: EdifactOp[];
  bytes: ByteOp[];
}

export const edifactPlanArb: fc.Arbitrary<EdifactPlan> = fc.record({
  seed: nat,
  ops: fc.array(edifactOpArb, { maxLength: 4 }),
  bytes: byteOpsArb,
});

/**
 * Changes inside messages only (values, components, lines repeated or dropped), for the
 * translators: most cases get past validation to a translator.
 */
export const edifactValuePlanArb: fc.Arbitrary<EdifactPlan> = fc.record({
  seed: nat,
  ops: fc.array(fc.oneof(
    { weight: 3, arbitrary: fc.record({ seg: nat, el: nat, v: valueArb, escape: fc.constant(true) }).map((r) => ({ op: 'setElement' as const, ...r })) },
    { weight: 3, arbitrary: fc.record({ seg: nat, el: nat, comp: nat, v: valueArb, escape: fc.constant(true) }).map((r) => ({ op: 'setComponent' as const, ...r })) },
    { weight: 1, arbitrary: nat.map((at) => ({ op: 'drop' as const, at })) },
    { weight: 1, arbitrary: nat.map((at) => ({ op: 'dup' as const, at })) },
    { weight: 1, arbitrary: fc.record({ at: nat, len: fc.integer({ min: 1, max: 6 }), times: fc.integer({ min: 2, max: 500 }) }).map((r) => ({ op: 'repeat' as const, ...r })) },
  ), { maxLength: 3 }),
  bytes: fc.constant([]),
});

/** UNB sender and recipient (id:qualifier), rewritten in every UNB (translation needs a known partner). */
export interface EdifactAddress { sender: string; recipient: string }

export function readdressEdifact(d: EdifactDoc, a: EdifactAddress): void {
  for (const s of d.segs) {
    if (s.els[0] !== 'UNB' || s.els.length < 4) continue;
    s.els[2] = a.sender.replace(':', d.sc.comp);
    s.els[3] = a.recipient.replace(':', d.sc.comp);
  }
}

export function materializeEdifact(plan: EdifactPlan, seeds: readonly string[], address?: EdifactAddress): Buffer {
  const doc = parseEdifact(seeds[pick(plan.seed, seeds.length)]);
  if (address) readdressEdifact(doc, address);
  for (const o of plan.ops) applyEdifactOp(doc, o);
  return toBytes(applyByteOps(renderEdifact(doc), plan.bytes));
}
