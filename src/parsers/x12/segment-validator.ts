import type { X12Delimiters } from './delimiters';
import type { ElementDef, SegmentDef } from './definition.schema';
import type { X12Dictionary } from './definitions';
import { checkRange, checkValue, ELEMENT_ERRORS as E, problemMessage } from './element-checks';
import type { RawSegment } from './segment-reader';

/** One data element error, as AK4 / IK4 reports it. */
export interface ElementError {
  /** 1-based element position in the segment. */
  element: number;
  /** 1-based component position, for an error inside a composite. */
  component?: number;
  /** 1-based repetition, for an error in a repeated element (005010). */
  repetition?: number;
  /** X12 data element reference number (e.g. 373), when the position is defined. */
  ref?: string;
  code: string;
  message: string;
  /** A copy of the bad value (AK404 / IK404), for value errors. */
  value?: string;
}

const pos = (n: number) => String(n).padStart(2, '0');

/** Whether element n (1-based) of a segment or composite has a value. */
type Present = (n: number) => boolean;

interface CompiledNote {
  note: string;
  kind: string;
  positions: number[];
}
const compiled = new Map<string, CompiledNote>();

/** Parses a syntax note once: "C040506" -> kind C, positions 4, 5, 6. */
function compile(note: string): CompiledNote {
  let c = compiled.get(note);
  if (!c) {
    c = { note, kind: note[0], positions: note.slice(1).match(/\d\d/g)!.map(Number) };
    compiled.set(note, c);
  }
  return c;
}

/**
 * Checks the syntax notes (relational conditions) of a segment or composite.
 * P0102: all or none; R0102: at least one; E0102: at most one;
 * C0102: if the first, then all the others; L010203: if the first, then at least one other.
 * Messages are built only for a violation: this runs for every segment of every file.
 */
export function checkSyntaxNotes(notes: readonly string[], present: Present, label: (n: number) => string):
  { position: number; code: string; message: string }[] {
  let out: { position: number; code: string; message: string }[] | undefined;
  const add = (position: number, code: string, message: () => string) => (out ??= []).push({ position, code, message: message() });
  for (const raw of notes) {
    const { note, kind, positions: ps } = compile(raw);
    let count = 0;
    for (const p of ps) if (present(p)) count++;
    if (count === 0) {
      if (kind === 'R') add(ps[0], E.CONDITIONAL_MISSING, () => `at least one of ${ps.map(label).join(', ')} is required (syntax note ${note})`);
      continue;
    }
    const first = present(ps[0]);
    if (kind === 'P' && count < ps.length) {
      for (const p of ps) {
        if (!present(p)) add(p, E.CONDITIONAL_MISSING, () => `${label(p)} is required when ${ps.filter(present).map(label).join(', ')} ${ps.filter(present).length > 1 ? 'are' : 'is'} present (syntax note ${note}: all or none)`);
      }
    } else if (kind === 'E' && count > 1) {
      const second = ps.filter((p) => present(p))[1];
      add(second, E.EXCLUSION_VIOLATED, () => `only one of ${ps.map(label).join(', ')} may be present (syntax note ${note})`);
    } else if (kind === 'C' && first) {
      for (let i = 1; i < ps.length; i++) {
        if (!present(ps[i])) add(ps[i], E.CONDITIONAL_MISSING, () => `${label(ps[i])} is required when ${label(ps[0])} is present (syntax note ${note})`);
      }
    } else if (kind === 'L' && first && count === 1) {
      add(ps[1], E.CONDITIONAL_MISSING, () => `one of ${ps.slice(1).map(label).join(', ')} is required when ${label(ps[0])} is present (syntax note ${note})`);
    }
  }
  return out ?? NONE;
}
const NONE: never[] = [];

// Element boundaries of the segment in hand, reused: validation runs for every segment of every file.
const MAX_ELEMENTS = 255;
const STARTS = new Int32Array(MAX_ELEMENTS + 1);
const ENDS = new Int32Array(MAX_ELEMENTS + 1);

/**
 * Validates the data elements of one segment against the dictionary: count, mandatory elements,
 * composites, repetitions, types, lengths, codes and syntax notes. Works on the segment's text
 * with element boundaries, without splitting it. Pure.
 */
interface CompiledPosition {
  ref: string;
  mandatory: boolean;
  repeat: number;
  el?: ElementDef;
  composite: boolean;
  codes?: Set<string>;
}
const compiledSegments = new WeakMap<SegmentDef, CompiledPosition[]>();

/** A segment definition with its element definitions and code lists looked up once. */
function compileSegment(def: SegmentDef, dict: X12Dictionary): CompiledPosition[] {
  let c = compiledSegments.get(def);
  if (!c) {
    c = def.elements.map((spec) => ({
      ref: spec.ref, mandatory: spec.req === 'M', repeat: spec.repeat ?? 1, el: dict.elements[spec.ref],
      composite: !!dict.composites[spec.ref], codes: dict.codes.get(spec.ref),
    }));
    compiledSegments.set(def, c);
  }
  return c;
}

export function validateSegment(seg: RawSegment, dict: X12Dictionary): ElementError[] {
  const tag = seg.tag;
  const def = dict.segments[tag];
  if (!def) return NONE;
  const text = seg.text;
  const d = seg.delimiters;
  let n = 0;
  for (let p = text.indexOf(d.element); p >= 0 && n < MAX_ELEMENTS;) {
    const q = text.indexOf(d.element, p + 1);
    n++;
    STARTS[n] = p + 1;
    ENDS[n] = q < 0 ? text.length : q;
    p = q;
  }
  // Trailing empty elements are not "present"; a segment may end early.
  let last = n;
  while (last > 0 && ENDS[last] === STARTS[last]) last--;
  let errors: ElementError[] | undefined;
  const push = (e: ElementError) => (errors ??= []).push(e);
  const defs = compileSegment(def, dict);
  if (last > defs.length) {
    push({ element: defs.length + 1, code: E.TOO_MANY_ELEMENTS, message: `${tag} has ${last} elements; the standard defines ${defs.length}` });
  }
  const upTo = Math.min(defs.length, last);
  for (let i = upTo + 1; i <= defs.length; i++) {
    if (defs[i - 1].mandatory) push({ element: i, ref: defs[i - 1].ref, code: E.MANDATORY_MISSING, message: `${tag}${pos(i)} (${describe(defs[i - 1].ref, dict)}) is required` });
  }
  for (let i = 1; i <= upTo; i++) {
    const spec = defs[i - 1];
    const s = STARTS[i];
    const e = ENDS[i];
    if (s === e) {
      if (spec.mandatory) push({ element: i, ref: spec.ref, code: E.MANDATORY_MISSING, message: `${tag}${pos(i)} (${describe(spec.ref, dict)}) is required` });
      continue;
    }
    if (spec.repeat > 1 && d.repetition) {
      const rep = text.indexOf(d.repetition, s);
      if (rep >= 0 && rep < e) {
        const repeats = text.slice(s, e).split(d.repetition);
        if (repeats.length > spec.repeat) {
          push({ element: i, ref: spec.ref, code: E.TOO_MANY_REPETITIONS, message: `${tag}${pos(i)} repeats ${repeats.length} times; at most ${spec.repeat}` });
        }
        repeats.forEach((value, r) => checkOne(tag, i, spec.ref, value, d, dict, push, r + 1));
        continue;
      }
    }
    const el = spec.el;
    if (!el) {
      if (spec.composite) checkOne(tag, i, spec.ref, text.slice(s, e), d, dict, push);
      continue;
    }
    if (el.type !== 'AN') {
      const comp = text.indexOf(d.component, s);
      if (comp >= 0 && comp < e) {
        push({ element: i, ref: spec.ref, code: E.TOO_MANY_COMPONENTS, message: `${tag}${pos(i)} is a simple element but holds components`, value: text.slice(s, e) });
        continue;
      }
    }
    const code = checkRange(text, s, e, el, spec.codes);
    if (code) {
      const value = text.slice(s, e);
      push({ element: i, ref: spec.ref, code, value, message: problemMessage(code, `${tag}${pos(i)} (${spec.ref} ${el.name.toLowerCase()})`, value, el) });
    }
  }
  if (def.syntax.length) {
    const present = (k: number) => k <= last && ENDS[k] > STARTS[k];
    for (const x of checkSyntaxNotes(def.syntax, present, (k) => `${tag}${pos(k)}`)) {
      push({ element: x.position, ref: defs[x.position - 1]?.ref, code: x.code, message: x.message });
    }
  }
  if (!errors) return NONE;
  return errors.sort((a, b) => a.element - b.element || (a.component ?? 0) - (b.component ?? 0));
}

/** One value of element i: a composite's components, or a simple element's type, length and code. */
function checkOne(tag: string, i: number, ref: string, value: string, d: X12Delimiters, dict: X12Dictionary,
  push: (e: ElementError) => void, repetition?: number): void {
  const at = repetition ? { repetition } : {};
  const composite = dict.composites[ref];
  if (composite) {
    for (const e of validateComposite(`${tag}${pos(i)}`, ref, value, d, dict)) push({ element: i, ...at, ...e });
    return;
  }
  const el = dict.elements[ref];
  if (!el) return;
  if (el.type !== 'AN' && value.includes(d.component)) {
    push({ element: i, ...at, ref, code: E.TOO_MANY_COMPONENTS, message: `${tag}${pos(i)} is a simple element but holds components`, value });
    return;
  }
  const problem = checkValue(value, el, dict.codes.get(ref), () => `${tag}${pos(i)} (${ref} ${el.name.toLowerCase()})`);
  if (problem) push({ element: i, ...at, ref, ...problem, value });
}

function describe(ref: string, dict: X12Dictionary): string {
  const name = dict.elements[ref]?.name ?? dict.composites[ref]?.name;
  return name ? `${ref} ${name.toLowerCase()}` : ref;
}

function validateComposite(name: string, ref: string, value: string, d: X12Delimiters, dict: X12Dictionary):
  Omit<ElementError, 'element'>[] {
  const def = dict.composites[ref];
  const parts = value.split(d.component);
  const out: Omit<ElementError, 'element'>[] = [];
  let last = parts.length - 1;
  while (last > 0 && parts[last] === '') last--;
  if (last + 1 > def.components.length) {
    out.push({ component: def.components.length + 1, ref, code: E.TOO_MANY_COMPONENTS,
      message: `${name} (${ref}) has ${last + 1} components; the standard defines ${def.components.length}`, value });
  }
  def.components.forEach((spec, c) => {
    const v = c <= last ? parts[c] : '';
    const cname = `${name}-${pos(c + 1)}`;
    if (v === '') {
      if (spec.req === 'M') out.push({ component: c + 1, ref: spec.ref, code: E.MANDATORY_MISSING, message: `${cname} (${describe(spec.ref, dict)}) is required` });
      return;
    }
    const el = dict.elements[spec.ref];
    if (!el) return;
    const problem = checkValue(v, el, dict.codes.get(spec.ref), () => `${cname} (${spec.ref} ${el.name.toLowerCase()})`);
    if (problem) out.push({ component: c + 1, ref: spec.ref, ...problem, value: v });
  });
  const present = (n: number) => n - 1 <= last && parts[n - 1] !== '';
  for (const e of checkSyntaxNotes(def.syntax, present, (n) => `${name}-${pos(n)}`)) {
    out.push({ component: e.position, ref: def.components[e.position - 1]?.ref, code: e.code, message: e.message });
  }
  return out;
}
