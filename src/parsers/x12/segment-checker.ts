import { codesToString, type CharCodes } from './char-codes';
import type { X12Delimiters } from './delimiters';
import type { X12Dictionary } from './definitions';
import { tagCode, TAG_CODES } from './tag-codes';

/**
 * The fast half of element validation: says only whether a segment is clean, in one pass over its
 * char codes with each position's checks compiled once. It never builds a message: when it says
 * "not clean", validateSegment (segment-validator.ts) is run to say what is wrong, so codes and
 * messages have one source. It must never call clean what validateSegment would fault; it may, in
 * rare shapes (repeated elements, odd delimiters), send a clean segment to validateSegment, which
 * then finds nothing.
 */

const enum Kind { AN, ID, N, R, DT, TM, COMPOSITE, UNDEFINED }

/** A code list: a bit per code of one to three letters or digits (tag-codes.ts), and all its codes. */
interface CodeList {
  short: Uint8Array;
  all: Set<string>;
}

interface CompiledValue {
  kind: Kind;
  min: number;
  max: number;
  mandatory: boolean;
  codes: CodeList | undefined;
  /** More than one repetition allowed (a 005010 repeated element); false for components. */
  repeats: boolean;
  composite: CompiledComposite | undefined;
}

interface CompiledNote {
  kind: number;
  positions: number[];
  /** The positions as bits (1 << position), and the first one's bit: notes over positions up to 30. */
  mask: number;
  first: number;
}

interface CompiledComposite {
  components: CompiledValue[];
  /** mandatoryAfter[i]: a component after the i-th (1-based; 0 for all) is mandatory. */
  mandatoryAfter: boolean[];
  notes: CompiledNote[];
}

export interface CompiledSegment {
  positions: CompiledValue[];
  /** mandatoryAfter[i]: a position after the i-th (1-based; 0 for all) is mandatory. */
  mandatoryAfter: boolean[];
  notes: CompiledNote[];
}

/** Delimiters as char codes; -2 stands for "none" (no char has that code). */
export interface DelimiterCodes {
  element: number;
  component: number;
  repetition: number;
  /**
   * False when the component or repetition separator is a digit, '-' or '.': the checks below
   * would take it for part of a number, so such interchanges are left to validateSegment.
   */
  usable: boolean;
}

const numeric = (c: number) => (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;

export function delimiterCodes(d: X12Delimiters): DelimiterCodes {
  const component = d.component.charCodeAt(0);
  const repetition = d.repetition ? d.repetition.charCodeAt(0) : -2;
  return { element: d.element.charCodeAt(0), component, repetition, usable: !numeric(component) && !numeric(repetition) };
}

const NOTE_KINDS: Record<string, number> = { P: 0, R: 1, E: 2, C: 3, L: 4 };
function compileNote(note: string): CompiledNote {
  const positions = note.slice(1).match(/\d\d/g)!.map(Number);
  const bit = (p: number) => (p <= MASK_POSITIONS ? 1 << p : 0);
  return { kind: NOTE_KINDS[note[0]], positions, mask: positions.reduce((m, p) => m | bit(p), 0), first: bit(positions[0]) };
}

function kindOf(type: string): Kind {
  switch (type) {
    case 'AN': return Kind.AN;
    case 'R': return Kind.R;
    case 'DT': return Kind.DT;
    case 'TM': return Kind.TM;
    default: return type[0] === 'N' ? Kind.N : Kind.ID; // ID and B: printable, no components
  }
}

const codeLists = new WeakMap<Set<string>, CodeList>();
function compileCodes(all: Set<string> | undefined): CodeList | undefined {
  if (!all) return undefined;
  let c = codeLists.get(all);
  if (!c) {
    const short = new Uint8Array((TAG_CODES >> 3) + 1);
    for (const code of all) {
      const k = /^[A-Z0-9]{1,3}$/.test(code) ? tagCode(code) : -1;
      if (k >= 0) short[k >> 3] |= 1 << (k & 7);
    }
    codeLists.set(all, c = { short, all });
  }
  return c;
}

const mandatoryAfter = (values: CompiledValue[]) => values.map((_, i) => values.slice(i).some((v) => v.mandatory)).concat(false);

function compileValue(ref: string, req: string, repeat: number, dict: X12Dictionary): CompiledValue {
  const el = dict.elements[ref];
  const composite = el ? undefined : dict.composites[ref];
  let compiled: CompiledComposite | undefined;
  if (composite) {
    const components = composite.components.map((cs) => compileValue(cs.ref, cs.req, 1, dict));
    compiled = { components, mandatoryAfter: mandatoryAfter(components), notes: composite.syntax.map(compileNote) };
  }
  return {
    kind: el ? kindOf(el.type) : composite ? Kind.COMPOSITE : Kind.UNDEFINED,
    min: el?.min ?? 0, max: el?.max ?? 0, mandatory: req === 'M',
    codes: el?.type === 'ID' ? compileCodes(dict.codes.get(ref)) : undefined,
    repeats: repeat > 1, composite: compiled,
  };
}

const compiledDictionaries = new WeakMap<X12Dictionary, (CompiledSegment | null | undefined)[]>();

/**
 * A dictionary's compiled segments by tag code, filled as tags are met: undefined not yet
 * compiled, null not defined. Look a segment up with compiledSegment().
 */
export type CompiledSegments = (CompiledSegment | null | undefined)[];

export function compiledSegments(dict: X12Dictionary): CompiledSegments {
  let byCode = compiledDictionaries.get(dict);
  if (!byCode) compiledDictionaries.set(dict, byCode = new Array<CompiledSegment | null | undefined>(TAG_CODES));
  return byCode;
}

/** The compiled definition of the segment with this tag code, or null when the dictionary has none. */
export function compiledSegment(dict: X12Dictionary, code: number, byCode = compiledSegments(dict)): CompiledSegment | null {
  let c = byCode[code];
  if (c === undefined) {
    c = null;
    for (const [tag, def] of Object.entries(dict.segments)) {
      if (tagCode(tag) !== code) continue;
      const positions = def.elements.map((spec) => compileValue(spec.ref, spec.req, spec.repeat ?? 1, dict));
      c = { positions, mandatoryAfter: mandatoryAfter(positions), notes: def.syntax.map(compileNote) };
    }
    byCode[code] = c;
  }
  return c;
}

// Which positions of the segment (or composite) in hand have a value, reused; for a segment of
// up to MASK_POSITIONS positions also as bits of one number, which its notes test in a step each.
const MASK_POSITIONS = 30;
const MAX_ELEMENTS = 255;
const PRESENT = new Uint8Array(MAX_ELEMENTS + 2);
const C_PRESENT = new Uint8Array(MAX_ELEMENTS + 2);

/** Whether src[start, end) (a segment, tag included) passes every element check. */
export function segmentIsClean(src: CharCodes, start: number, end: number, cs: CompiledSegment, dl: DelimiterCodes): boolean {
  if (!dl.usable) return false;
  const el = dl.element;
  const comp = dl.component;
  let p = start;
  while (p < end && src[p] !== el) p++;
  const positions = cs.positions;
  const np = positions.length;
  let n = 0;
  let present = 0;
  while (p < end) {
    const s = p + 1;
    if (n === np) {
      // Past the last defined position only empty elements may follow.
      for (let q = s; q < end; q++) if (src[q] !== el) return false;
      break;
    }
    n++;
    const spec = positions[n - 1];
    if (s === end || src[s] === el) {
      if (spec.mandatory) return false;
      PRESENT[n] = 0;
      p = s;
      continue;
    }
    const x2 = spec.repeats ? dl.repetition : -2;
    let q = s;
    if (spec.kind === Kind.AN) {
      // The commonest kind, checked here rather than in a call: printable, and its length.
      for (; q < end; q++) {
        const c = src[q];
        if (c === el) break;
        if (c < 0x20 || c === 0x7f || c === x2) return false;
      }
      if (q - s < spec.min || q - s > spec.max) return false;
    } else if (spec.kind === Kind.ID) {
      // The next commonest: printable, no components, its length, its code.
      let key = 0;
      let keyed = true;
      for (; q < end; q++) {
        const c = src[q];
        if (c === el) break;
        if (c < 0x20 || c === 0x7f || c === comp || c === x2) return false;
        if (q - s < 3) {
          const d = KEY_DIGIT[c];
          if (d === 0) keyed = false;
          key = key * 37 + d;
        }
      }
      const length = q - s;
      if (length < spec.min || length > spec.max) return false;
      const codes = spec.codes;
      if (codes !== undefined) {
        if (keyed && length <= 3) {
          const k = length === 1 ? key * 1369 : length === 2 ? key * 37 : key;
          if ((codes.short[k >> 3] & (1 << (k & 7))) === 0) return false;
        } else if (!codes.all.has(codesToString(src, s, q))) {
          return false;
        }
      }
    } else {
      q = spec.kind === Kind.COMPOSITE
        ? compositeEnd(src, s, end, spec.composite!, el, comp, x2)
        : valueEnd(src, s, end, spec, el, el, spec.kind === Kind.UNDEFINED ? -2 : comp, x2);
      if (q < 0) return false;
    }
    PRESENT[n] = 1;
    present |= 1 << n; // positions past MASK_POSITIONS are read from PRESENT instead
    p = q;
  }
  if (cs.mandatoryAfter[n]) return false;
  const notes = cs.notes;
  if (np <= MASK_POSITIONS) {
    for (let k = 0; k < notes.length; k++) if (!maskHolds(notes[k], present)) return false;
  } else {
    for (let k = 0; k < notes.length; k++) if (!noteHolds(notes[k], PRESENT, n)) return false;
  }
  return true;
}

/** noteHolds with the positions that have a value given as bits. */
function maskHolds(note: CompiledNote, present: number): boolean {
  const x = present & note.mask;
  switch (note.kind) {
    case 0: return x === 0 || x === note.mask;
    case 1: return x !== 0;
    case 2: return (x & (x - 1)) === 0;
    case 3: return (present & note.first) === 0 || x === note.mask;
    default: return (present & note.first) === 0 || (x & ~note.first) !== 0;
  }
}

/**
 * A syntax note (P all or none, R at least one, E at most one, C if the first then all, L if the
 * first then one other) over positions 1..n, present[k] saying which have a value.
 */
function noteHolds(note: CompiledNote, present: Uint8Array, n: number): boolean {
  const ps = note.positions;
  let count = 0;
  for (let i = 0; i < ps.length; i++) if (ps[i] <= n && present[ps[i]] === 1) count++;
  if (count === 0) return note.kind !== 1;
  const first = ps[0] <= n && present[ps[0]] === 1;
  switch (note.kind) {
    case 0: return count === ps.length;
    case 2: return count === 1;
    case 3: return !first || count === ps.length;
    case 4: return !first || count > 1;
    default: return true;
  }
}

/** End of the composite starting at s (its element separator or end), or -1 when it is not clean. */
function compositeEnd(src: CharCodes, s: number, end: number, c: CompiledComposite, el: number, comp: number, rep: number): number {
  const components = c.components;
  let n = 0;
  let p = s;
  for (;;) {
    const empty = p === end || src[p] === el || src[p] === comp;
    let q = p;
    if (n === components.length) {
      if (!empty) return -1; // past the last defined component only empty ones may follow
    } else {
      const spec = components[n++];
      if (empty) {
        if (spec.mandatory) return -1;
        C_PRESENT[n] = 0;
      } else {
        q = valueEnd(src, p, end, spec, comp, el, rep, -2);
        if (q < 0) return -1;
        C_PRESENT[n] = 1;
      }
    }
    if (q < end && src[q] === comp) {
      p = q + 1;
      continue;
    }
    if (c.mandatoryAfter[n]) return -1;
    for (let k = 0; k < c.notes.length; k++) if (!noteHolds(c.notes[k], C_PRESENT, n)) return -1;
    return q;
  }
}

// A-Z -> 1..26, 0-9 -> 27..36, else 0: a value's code-list key, as tag-codes.ts numbers tags.
const KEY_DIGIT = new Uint8Array(0x10000);
for (let c = 0; c < 26; c++) KEY_DIGIT[0x41 + c] = c + 1;
for (let c = 0; c < 10; c++) KEY_DIGIT[0x30 + c] = 27 + c;

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const num2 = (src: CharCodes, i: number) => (src[i] - 0x30) * 10 + src[i + 1] - 0x30;

/**
 * End of the non-empty value starting at s (the first `stop1` or `stop2`, or end), or -1 when the
 * value breaks its type's characters, its length as the standard counts it, or its code list.
 * `bad1` and `bad2` are separators that must not appear in it (-2 for none).
 */
function valueEnd(src: CharCodes, s: number, end: number, v: CompiledValue, stop1: number, stop2: number, bad1: number, bad2: number): number {
  let q = s;
  let length: number;
  switch (v.kind) {
    case Kind.AN:
    case Kind.UNDEFINED:
    case Kind.COMPOSITE: // a composite where a simple value is expected: only its end matters
      for (; q < end; q++) {
        const c = src[q];
        if (c === stop1 || c === stop2) break;
        if (c < 0x20 || c === 0x7f || c === bad1 || c === bad2) return -1;
      }
      if (v.kind !== Kind.AN) return q;
      length = q - s;
      break;
    case Kind.ID: {
      let key = 0;
      let keyed = true;
      for (; q < end; q++) {
        const c = src[q];
        if (c === stop1 || c === stop2) break;
        if (c < 0x20 || c === 0x7f || c === bad1 || c === bad2) return -1;
        if (q - s < 3) {
          const d = KEY_DIGIT[c];
          if (d === 0) keyed = false;
          key = key * 37 + d;
        }
      }
      length = q - s;
      if (length < v.min || length > v.max) return -1;
      const codes = v.codes;
      if (codes === undefined) return q;
      if (keyed && length <= 3) {
        const k = length === 1 ? key * 1369 : length === 2 ? key * 37 : key;
        return (codes.short[k >> 3] & (1 << (k & 7))) !== 0 ? q : -1;
      }
      return codes.all.has(codesToString(src, s, q)) ? q : -1;
    }
    case Kind.N: {
      if (src[q] === 0x2d) q++;
      const from = q;
      for (; q < end; q++) {
        const c = src[q];
        if (c === stop1 || c === stop2) break;
        if (c < 0x30 || c > 0x39) return -1;
      }
      length = q - from;
      if (length === 0) return -1;
      break;
    }
    case Kind.R: {
      if (src[q] === 0x2d) q++;
      let points = 0;
      for (; q < end; q++) {
        const c = src[q];
        if (c === stop1 || c === stop2) break;
        if (c === 0x2e && points === 0) points++;
        else if (c < 0x30 || c > 0x39) return -1;
      }
      length = q - s - points - (src[s] === 0x2d ? 1 : 0);
      if (length === 0) return -1;
      break;
    }
    default: { // DT, TM: digits, then the calendar and the clock
      for (; q < end; q++) {
        const c = src[q];
        if (c === stop1 || c === stop2) break;
        if (c < 0x30 || c > 0x39) return -1;
      }
      length = q - s;
      if (v.kind === Kind.DT) {
        if (length !== 8 && length !== 6) return -1;
        const year = length === 8 ? num2(src, s) * 100 + num2(src, s + 2) : 2000 + num2(src, s);
        const month = num2(src, q - 4);
        const day = num2(src, q - 2);
        if (month < 1 || month > 12 || day < 1) return -1;
        const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
        if (day > (month === 2 && leap ? 29 : DAYS[month])) return -1;
      } else {
        if (length < 4 || length > 8 || length === 5) return -1;
        if (num2(src, s) > 23 || num2(src, s + 2) > 59 || (length >= 6 && num2(src, s + 4) > 59)) return -1;
      }
    }
  }
  return length < v.min || length > v.max ? -1 : q;
}

