import type { X12Delimiters } from './delimiters';
import type { X12Dictionary } from './definitions';
import { tagCode, TAG_CODES } from './tag-codes';

/**
 * The fast half of element validation: says only whether a segment is clean, walking the reader's
 * text by index with each position's checks compiled once. It never builds a message: when it says
 * "not clean", validateSegment (segment-validator.ts) is run to say what is wrong, so codes and
 * messages have one source. It must never call clean what validateSegment would fault; it may, in
 * rare shapes (repeated elements), send a clean segment to validateSegment, which then finds nothing.
 */

const enum Kind { AN, ID, N, R, DT, TM, COMPOSITE, UNDEFINED }

interface CompiledValue {
  kind: Kind;
  min: number;
  max: number;
  mandatory: boolean;
  codes: Set<string> | undefined;
}

interface CompiledPosition extends CompiledValue {
  /** More than one repetition allowed (a 005010 repeated element). */
  repeats: boolean;
  composite: CompiledComposite | undefined;
}

interface CompiledNote {
  kind: number;
  positions: number[];
}

interface CompiledComposite {
  components: CompiledValue[];
  notes: CompiledNote[];
}

export interface CompiledSegment {
  positions: CompiledPosition[];
  /** mandatoryFrom[i]: some position after i (1-based) is mandatory. */
  mandatoryAfter: boolean[];
  notes: CompiledNote[];
}

/** Delimiters as char codes; -2 stands for "none" (no char has that code). */
export interface DelimiterCodes {
  element: number;
  component: number;
  repetition: number;
}

export function delimiterCodes(d: X12Delimiters): DelimiterCodes {
  return { element: d.element.charCodeAt(0), component: d.component.charCodeAt(0), repetition: d.repetition ? d.repetition.charCodeAt(0) : -2 };
}

const NOTE_KINDS: Record<string, number> = { P: 0, R: 1, E: 2, C: 3, L: 4 };
const compileNote = (note: string): CompiledNote => ({ kind: NOTE_KINDS[note[0]], positions: note.slice(1).match(/\d\d/g)!.map(Number) });

function kindOf(type: string): Kind {
  switch (type) {
    case 'AN': return Kind.AN;
    case 'R': return Kind.R;
    case 'DT': return Kind.DT;
    case 'TM': return Kind.TM;
    default: return type[0] === 'N' ? Kind.N : Kind.ID; // ID and B: printable, no components
  }
}

function compileValue(ref: string, req: string, dict: X12Dictionary): CompiledValue {
  const el = dict.elements[ref];
  return el
    ? { kind: kindOf(el.type), min: el.min, max: el.max, mandatory: req === 'M', codes: el.type === 'ID' ? dict.codes.get(ref) : undefined }
    : { kind: dict.composites[ref] ? Kind.COMPOSITE : Kind.UNDEFINED, min: 0, max: 0, mandatory: req === 'M', codes: undefined };
}

const compiledDictionaries = new WeakMap<X12Dictionary, (CompiledSegment | null | undefined)[]>();

/** The compiled definition of the segment with this tag code, or null when the dictionary has none. */
export function compiledSegment(dict: X12Dictionary, code: number): CompiledSegment | null {
  let byCode = compiledDictionaries.get(dict);
  if (!byCode) compiledDictionaries.set(dict, byCode = new Array<CompiledSegment | null | undefined>(TAG_CODES));
  let c = byCode[code];
  if (c === undefined) {
    c = null;
    for (const [tag, def] of Object.entries(dict.segments)) {
      if (tagCode(tag) !== code) continue;
      const positions = def.elements.map((spec): CompiledPosition => {
        const composite = dict.composites[spec.ref];
        return {
          ...compileValue(spec.ref, spec.req, dict), repeats: (spec.repeat ?? 1) > 1,
          composite: composite && !dict.elements[spec.ref]
            ? { components: composite.components.map((cs) => compileValue(cs.ref, cs.req, dict)), notes: composite.syntax.map(compileNote) }
            : undefined,
        };
      });
      const mandatoryAfter = positions.map((_, i) => positions.slice(i + 1).some((p) => p.mandatory));
      c = { positions, mandatoryAfter: [positions.some((p) => p.mandatory), ...mandatoryAfter], notes: def.syntax.map(compileNote) };
    }
    byCode[code] = c;
  }
  return c;
}

// Element and component boundaries of the segment in hand, reused.
const MAX_ELEMENTS = 255;
const STARTS = new Int32Array(MAX_ELEMENTS + 1);
const ENDS = new Int32Array(MAX_ELEMENTS + 1);
const C_STARTS = new Int32Array(MAX_ELEMENTS + 1);
const C_ENDS = new Int32Array(MAX_ELEMENTS + 1);

/** Whether src[start, end) (a segment, tag included) passes every element check. */
export function segmentIsClean(src: string, start: number, end: number, cs: CompiledSegment, dl: DelimiterCodes): boolean {
  const el = dl.element;
  let p = start;
  while (p < end && src.charCodeAt(p) !== el) p++;
  let n = 0;
  while (p < end) {
    const s = p + 1;
    let q = s;
    while (q < end && src.charCodeAt(q) !== el) q++;
    if (++n > MAX_ELEMENTS) return false;
    STARTS[n] = s;
    ENDS[n] = q;
    p = q;
  }
  let last = n;
  while (last > 0 && ENDS[last] === STARTS[last]) last--;
  const positions = cs.positions;
  if (last > positions.length) return false;
  if (cs.mandatoryAfter[last]) return false;
  for (let i = 1; i <= last; i++) {
    const spec = positions[i - 1];
    const s = STARTS[i];
    const e = ENDS[i];
    if (s === e) {
      if (spec.mandatory) return false;
      continue;
    }
    // Repetitions (and their count) are validateSegment's to judge, even of an undefined element.
    if (spec.repeats && dl.repetition >= 0 && contains(src, s, e, dl.repetition)) return false;
    if (spec.kind === Kind.UNDEFINED) continue;
    if (spec.composite) {
      if (!compositeIsClean(src, s, e, spec.composite, dl.component)) return false;
    } else if (!valueIsClean(src, s, e, spec, spec.kind === Kind.AN ? -2 : dl.component)) {
      return false;
    }
  }
  const notes = cs.notes;
  for (let k = 0; k < notes.length; k++) if (!noteHolds(notes[k], STARTS, ENDS, last)) return false;
  return true;
}

/**
 * A syntax note (P all or none, R at least one, E at most one, C if the first then all, L if the
 * first then one other) over positions 1..last whose value is starts[k] < ends[k].
 */
function noteHolds(note: CompiledNote, starts: Int32Array, ends: Int32Array, last: number): boolean {
  const ps = note.positions;
  let count = 0;
  for (let i = 0; i < ps.length; i++) {
    const k = ps[i];
    if (k <= last && ends[k] > starts[k]) count++;
  }
  if (count === 0) return note.kind !== 1;
  const first = ps[0] <= last && ends[ps[0]] > starts[ps[0]];
  switch (note.kind) {
    case 0: return count === ps.length;
    case 2: return count === 1;
    case 3: return !first || count === ps.length;
    case 4: return !first || count > 1;
    default: return true;
  }
}

function contains(src: string, s: number, e: number, c: number): boolean {
  for (let i = s; i < e; i++) if (src.charCodeAt(i) === c) return true;
  return false;
}

function compositeIsClean(src: string, start: number, end: number, c: CompiledComposite, comp: number): boolean {
  let n = 0;
  let s = start;
  for (let q = start; ; q++) {
    const ch = q < end ? src.charCodeAt(q) : comp;
    if (ch !== comp) continue;
    if (++n > MAX_ELEMENTS) return false;
    C_STARTS[n] = s;
    C_ENDS[n] = q;
    s = q + 1;
    if (q >= end) break;
  }
  let last = n;
  while (last > 1 && C_ENDS[last] === C_STARTS[last]) last--;
  const components = c.components;
  if (last > components.length) return false;
  for (let i = 1; i <= components.length; i++) {
    const spec = components[i - 1];
    if (i > last || C_STARTS[i] === C_ENDS[i]) {
      if (spec.mandatory) return false;
      continue;
    }
    if (spec.kind === Kind.UNDEFINED || spec.kind === Kind.COMPOSITE) continue;
    if (!valueIsClean(src, C_STARTS[i], C_ENDS[i], spec, -2)) return false;
  }
  for (let k = 0; k < c.notes.length; k++) if (!noteHolds(c.notes[k], C_STARTS, C_ENDS, last)) return false;
  return true;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const num2 = (src: string, i: number) => (src.charCodeAt(i) - 0x30) * 10 + src.charCodeAt(i + 1) - 0x30;

/**
 * One non-empty value: its type's characters, its length as the standard counts it, its code.
 * `separator` is the component separator when the value must not hold one (-2 when it may).
 */
function valueIsClean(src: string, s: number, e: number, v: CompiledValue, separator: number): boolean {
  let length = e - s;
  // A separator chosen among '-' and '.' would pass as a sign or a decimal point below.
  if ((separator === 0x2d || separator === 0x2e) && contains(src, s, e, separator)) return false;
  switch (v.kind) {
    case Kind.N: {
      const from = src.charCodeAt(s) === 0x2d ? s + 1 : s;
      if (from === e) return false;
      for (let i = from; i < e; i++) if (!isDigit(src.charCodeAt(i))) return false;
      length = e - from;
      break;
    }
    case Kind.R: {
      let digits = 0;
      let points = 0;
      for (let i = src.charCodeAt(s) === 0x2d ? s + 1 : s; i < e; i++) {
        const c = src.charCodeAt(i);
        if (isDigit(c)) digits++;
        else if (c === 0x2e && points === 0) points++;
        else return false;
      }
      if (digits === 0) return false;
      length = digits;
      break;
    }
    case Kind.DT: {
      if (length !== 8 && length !== 6) return false;
      for (let i = s; i < e; i++) if (!isDigit(src.charCodeAt(i))) return false;
      const year = length === 8 ? num2(src, s) * 100 + num2(src, s + 2) : 2000 + num2(src, s);
      const month = num2(src, e - 4);
      const day = num2(src, e - 2);
      if (month < 1 || month > 12 || day < 1) return false;
      const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
      if (day > (month === 2 && leap ? 29 : DAYS[month])) return false;
      break;
    }
    case Kind.TM: {
      if (length < 4 || length > 8 || length === 5) return false;
      for (let i = s; i < e; i++) if (!isDigit(src.charCodeAt(i))) return false;
      if (num2(src, s) > 23 || num2(src, s + 2) > 59 || (length >= 6 && num2(src, s + 4) > 59)) return false;
      break;
    }
    default:
      for (let i = s; i < e; i++) {
        const c = src.charCodeAt(i);
        if (c < 0x20 || c === 0x7f || c === separator) return false;
      }
  }
  if (length < v.min || length > v.max) return false;
  return v.codes === undefined || v.codes.has(src.slice(s, e));
}
