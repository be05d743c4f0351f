import { isUtf8 } from 'node:buffer';
import type { ElementDef, MessageDef, SegmentDef } from './definition.schema';
import type { EdifactDirectory } from './definitions';
import { checkValueBytes, quote, representation, valueMessage } from './element-checks';
import type { EdifactSegment } from './segment';
import { decodeBytes, type Syntax } from './syntax';
import { SYNTAX_ERRORS as E } from './syntax-errors';

/** What the segment validator needs of a directory (the service segments have one of their own). */
export type Dictionary = Pick<EdifactDirectory, 'elements' | 'composites' | 'segments' | 'codes'>;

/** One data element problem, as UCD reports it. */
export interface ElementIssue {
  /** 1-based data element position (UCD S011 0098). */
  element: number;
  /** 1-based component position (S011 0104), inside a composite. */
  component?: number;
  /** 1-based occurrence of a repeated element (syntax 4). */
  repetition?: number;
  code: string;
  message: string;
}

// Token boundaries of the segment in hand, reused: validation runs for every segment of every file.
export const MAX_TOKENS = 2048;
const T_EL = new Int32Array(MAX_TOKENS);
const T_REP = new Int32Array(MAX_TOKENS);
const T_COMP = new Int32Array(MAX_TOKENS);
const T_START = new Int32Array(MAX_TOKENS);
const T_END = new Int32Array(MAX_TOKENS);
const T_LEN = new Int32Array(MAX_TOKENS);
/** bit 1: has a released character; bit 2: has a character outside the character set. */
const T_FLAGS = new Int32Array(MAX_TOKENS);
const RELEASED = 1;
const BAD_CHAR = 2;

// Byte classes: one table lookup per byte instead of four comparisons (segment-checker.ts reads the same table).
export const C_DATA = 0;
export const C_BAD = 1;
export const C_ELEMENT = 2;
export const C_COMPONENT = 3;
export const C_REPETITION = 4;
export const C_RELEASE = 5;
/** UTF-8 continuation byte: data, but not a character of its own. */
export const C_CONTINUATION = 6;
const classTables = new WeakMap<Syntax, Uint8Array>();

export function classesOf(syntax: Syntax): Uint8Array {
  let t = classTables.get(syntax);
  if (!t) {
    t = new Uint8Array(256);
    const { allowed, multiByte } = syntax.charset;
    for (let b = 0; b < 256; b++) t[b] = !allowed[b] ? C_BAD : multiByte && (b & 0xc0) === 0x80 ? C_CONTINUATION : C_DATA;
    const s = syntax.separators;
    t[s.element] = C_ELEMENT;
    t[s.component] = C_COMPONENT;
    if (s.repetition >= 0) t[s.repetition] = C_REPETITION;
    if (s.release >= 0) t[s.release] = C_RELEASE;
    classTables.set(syntax, t);
  }
  return t;
}

/**
 * Splits a segment's bytes into components (element, repetition, component positions) in one pass,
 * counting characters and checking each data byte against the character set. Returns the count.
 */
function tokenize(seg: EdifactSegment): number {
  const { buf, end } = seg;
  if (seg.tagEnd >= end) return 0;
  const classes = classesOf(seg.syntax);
  const allowed = seg.syntax.charset.allowed;
  let n = 0;
  let el = 1;
  let rep = 1;
  let comp = 1;
  let from = seg.tagEnd + 1;
  let len = 0;
  let flags = 0;
  for (let i = from; i < end; i++) {
    const c = classes[buf[i]];
    if (c === C_DATA) { len++; continue; }
    if (c === C_CONTINUATION) continue;
    if (c === C_BAD) { flags |= BAD_CHAR; len++; continue; }
    if (c === C_RELEASE) {
      flags |= RELEASED;
      if (i + 1 < end) i++;
      if (!allowed[buf[i]]) flags |= BAD_CHAR;
      len++;
      continue;
    }
    if (n < MAX_TOKENS) {
      T_EL[n] = el; T_REP[n] = rep; T_COMP[n] = comp; T_START[n] = from; T_END[n] = i; T_LEN[n] = len; T_FLAGS[n] = flags; n++;
    }
    if (c === C_ELEMENT) { el++; rep = 1; comp = 1; } else if (c === C_COMPONENT) comp++; else { rep++; comp = 1; }
    from = i + 1; len = 0; flags = 0;
  }
  if (n < MAX_TOKENS) {
    T_EL[n] = el; T_REP[n] = rep; T_COMP[n] = comp; T_START[n] = from; T_END[n] = end; T_LEN[n] = len; T_FLAGS[n] = flags; n++;
  }
  return n;
}

/** One position of a compiled segment: a simple data element, a composite, or a component. */
export interface Slot {
  ref: string;
  name: string;
  mandatory: boolean;
  repeat: number;
  el?: ElementDef;
  codes?: Set<string>;
  /** The same codes as numbers (length and up to three bytes), when all are that short: looked up without a string. */
  codeKeys?: Set<number>;
  /** A subset's narrower list for this position (code 14 outside it). */
  subset?: Set<string>;
  subsetKeys?: Set<number>;
  components?: Slot[];
}

type Overrides = MessageDef['overrides'][string];
const NO_OVERRIDES: Overrides = {};
const compiled = new WeakMap<SegmentDef, WeakMap<Overrides, Slot[]>>();

/** A segment definition with its elements, composites, code lists and the subset's overrides looked up once. */
function compile(def: SegmentDef, dict: Dictionary, overrides: Overrides = NO_OVERRIDES): Slot[] {
  let byOverrides = compiled.get(def);
  if (!byOverrides) compiled.set(def, (byOverrides = new WeakMap()));
  let slots = byOverrides.get(overrides);
  if (slots) return slots;
  const slot = (ref: string, req: string, at: string, repeat = 1): Slot => {
    const o = overrides[at];
    const composite = dict.composites[ref];
    const el = dict.elements[ref];
    const codes = dict.codes.get(ref);
    const subset = o?.codes ? new Set(o.codes) : undefined;
    return {
      ref, name: (el ?? composite)?.name?.toLowerCase() ?? ref, mandatory: (o?.req ?? req) === 'M', repeat, el,
      codes, codeKeys: keysOf(codes), subset, subsetKeys: keysOf(subset),
      components: composite?.components.map((c, k) => slot(c.ref, c.req, `${at}.${k + 1}`)),
    };
  };
  slots = def.elements.map((e, i) => slot(e.ref, e.req, String(i + 1), e.repeat ?? 1));
  byOverrides.set(overrides, slots);
  return slots;
}

const NONE: ElementIssue[] = [];

/** A code of up to three ASCII characters as one number: length in the top byte, then the bytes. */
function keyOfText(code: string): number {
  let k = code.length;
  for (let i = 0; i < code.length; i++) k = k * 256 + code.charCodeAt(i);
  return k;
}
function keysOf(codes: Set<string> | undefined): Set<number> | undefined {
  if (!codes || [...codes].some((c) => c.length > 3 || /[^\x20-\x7e]/.test(c))) return undefined;
  return new Set([...codes].map(keyOfText));
}
/** The key of token t's bytes, or -1 when it cannot have one (longer, or with release characters). */
function keyOfToken(t: number): number {
  const s = T_START[t];
  const e = T_END[t];
  if (e - s > 3 || T_FLAGS[t] & RELEASED) return -1;
  let k = e - s;
  for (let i = s; i < e; i++) k = k * 256 + SEG.buf[i];
  return k;
}

// The segment in hand: module state rather than closures, because this runs for every segment of
// every file and a closure or a label string per element costs more than the checks themselves.
let SEG: EdifactSegment;
let OUT: ElementIssue[] | undefined;
let SLOTS: Slot[] | undefined;
let DECIMAL = -1;
let RELEASE = -1;

function push(e: ElementIssue): void {
  (OUT ??= []).push(e);
}

/** Token t's value as text, release characters resolved (for messages and code lists). */
function text(t: number): string {
  const v = decodeBytes(SEG.buf, T_START[t], T_END[t], SEG.syntax.charset);
  return T_FLAGS[t] & RELEASED ? v.replace(new RegExp(`\\${String.fromCharCode(RELEASE)}(.)`, 'gs'), '$1') : v;
}

function where(element: number, component: number, repetition: number): Omit<ElementIssue, 'code' | 'message'> {
  return { element, ...(component ? { component } : {}), ...(repetition > 1 ? { repetition } : {}) };
}

function label(element: number, component: number, slot: Slot): string {
  return `${SEG.tag} element ${element}${component ? `.${component}` : ''} (${slot.ref} ${slot.name})`;
}

/**
 * Validates one segment's data elements against its definition (count, mandatory elements and
 * components, representation, length, code lists, the subset's overrides) and every data
 * character against the interchange's character set. Without a definition only the characters
 * are checked. Pure (its scratch state is reset on each call); works on the bytes in place.
 */
export function validateSegment(seg: EdifactSegment, def: SegmentDef | undefined, dict: Dictionary | undefined,
  overrides?: Overrides): ElementIssue[] {
  return validateCompiled(seg, def && dict ? compileSegment(def, dict, overrides) : undefined);
}

/** A segment definition compiled for validateCompiled: look it up once per message type and tag. */
export interface CompiledSegment {
  name: string;
  slots: Slot[];
}

export function compileSegment(def: SegmentDef, dict: Dictionary, overrides?: Overrides): CompiledSegment {
  return { name: def.name, slots: compile(def, dict, overrides) };
}

/** validateSegment with the definition already compiled (undefined: characters only). */
export function validateCompiled(seg: EdifactSegment, compiledDef: CompiledSegment | undefined): ElementIssue[] {
  const n = tokenize(seg);
  SEG = seg;
  OUT = undefined;
  const syntax = seg.syntax;
  DECIMAL = syntax.version === '4' ? -1 : syntax.separators.decimal;
  RELEASE = syntax.separators.release;
  SLOTS = compiledDef?.slots;
  const tag = seg.tag;
  if (syntax.charset.multiByte && !isUtf8(seg.buf.subarray(seg.start, seg.end))) {
    push({ element: 1, code: E.INVALID_CHARACTER, message: `${tag} is not well-formed UTF-8, which ${syntax.charset.id} requires` });
  }
  if (n >= MAX_TOKENS) push({ element: T_EL[n - 1], code: E.TOO_MANY_CONSTITUENTS, message: `${tag} has more than ${MAX_TOKENS} components` });

  // Character set first: it applies whether or not we know the segment.
  for (let t = 0; t < n; t++) {
    if (T_FLAGS[t] & BAD_CHAR) {
      const composite = T_COMP[t] > 1 || !!SLOTS?.[T_EL[t] - 1]?.components;
      push({ ...where(T_EL[t], composite ? T_COMP[t] : 0, T_REP[t]), code: E.INVALID_CHARACTER,
        message: `${tag} element ${T_EL[t]}${composite ? `.${T_COMP[t]}` : ''} ${quote(text(t))} has characters outside the ${syntax.charset.id || 'declared'} character set` });
    }
  }
  const slots = SLOTS;
  if (!slots) return OUT ?? NONE;

  // Trailing empty elements count as absent (many senders write them; ISO 9735 asks they be left out).
  let lastEl = 0;
  for (let t = 0; t < n; t++) if (T_END[t] > T_START[t] && T_EL[t] > lastEl) lastEl = T_EL[t];
  let t = 0;
  const count = lastEl > slots.length ? lastEl : slots.length;
  for (let i = 1; i <= count; i++) {
    const slot = slots[i - 1];
    const first = t;
    let present = false;
    let reps = 0;
    while (t < n && T_EL[t] === i) {
      if (T_END[t] > T_START[t]) present = true;
      if (T_REP[t] > reps) reps = T_REP[t];
      t++;
    }
    if (!slot) {
      if (present) {
        push({ element: i, code: E.TOO_MANY_CONSTITUENTS, message: `${tag} has ${lastEl} data elements; ${compiledDef!.name} (${tag}) defines ${slots.length}` });
        break;
      }
      continue;
    }
    if (!present) {
      if (slot.mandatory) push({ element: i, code: E.MISSING, message: `${label(i, 0, slot)} is mandatory and missing` });
      continue;
    }
    if (reps > slot.repeat) {
      push({ element: i, repetition: slot.repeat + 1, code: E.TOO_MANY_CONSTITUENTS, message: `${label(i, 0, slot)} occurs ${reps} times; at most ${slot.repeat}` });
    }
    // Each occurrence: tokens first..t-1 grouped by repetition.
    for (let r = first; r < t;) {
      const rep = T_REP[r];
      let stop = r;
      while (stop < t && T_REP[stop] === rep) stop++;
      checkOccurrence(r, stop, i, slot);
      r = stop;
    }
  }
  return OUT ?? NONE;
}

function checkOccurrence(from: number, to: number, i: number, slot: Slot): void {
  const rep = T_REP[from];
  if (!slot.components) {
    if (to - from > 1) {
      let last = to - 1;
      while (last > from && T_END[last] === T_START[last]) last--;
      if (last > from) {
        push({ ...where(i, 2, rep), code: E.TOO_MANY_CONSTITUENTS, message: `${label(i, 0, slot)} is a simple data element but has components` });
        return;
      }
    }
    checkValue(from, slot, i, 0, rep);
    return;
  }
  const comps = slot.components;
  let lastComp = 0;
  for (let k = from; k < to; k++) if (T_END[k] > T_START[k]) lastComp = T_COMP[k];
  if (lastComp > comps.length) {
    push({ ...where(i, comps.length + 1, rep), code: E.TOO_MANY_CONSTITUENTS,
      message: `${label(i, 0, slot)} has ${lastComp} components; it defines ${comps.length}` });
  }
  for (let k = 0; k < comps.length; k++) {
    const c = comps[k];
    const tok = from + k < to && T_COMP[from + k] === k + 1 ? from + k : -1;
    if (tok < 0 || T_END[tok] === T_START[tok]) {
      if (c.mandatory) push({ ...where(i, k + 1, rep), code: E.MISSING, message: `${label(i, k + 1, c)} is mandatory and missing` });
      continue;
    }
    checkValue(tok, c, i, k + 1, rep);
  }
}

function checkValue(tok: number, slot: Slot, element: number, component: number, rep: number): void {
  if (T_FLAGS[tok] & BAD_CHAR) return; // reported above
  const el = slot.el;
  if (!el) return;
  const code = checkValueBytes(SEG.buf, T_START[tok], T_END[tok], T_LEN[tok], el, RELEASE, DECIMAL);
  if (code) {
    push({ ...where(element, component, rep), code, message: valueMessage(code, label(element, component, slot), text(tok), el, DECIMAL) });
    return;
  }
  if (slot.codes || slot.subset) {
    // Most code lists hold codes of three characters or fewer: checked on the bytes, no string made.
    const key = keyOfToken(tok);
    if (key >= 0 && (!slot.codes || slot.codeKeys?.has(key)) && (!slot.subset || slot.subsetKeys?.has(key))) return;
    const value = text(tok);
    if (slot.codes && !slot.codes.has(value)) {
      push({ ...where(element, component, rep), code: E.INVALID_VALUE, message: `${label(element, component, slot)} ${quote(value)} is not a code of element ${slot.ref}` });
    } else if (slot.subset && !slot.subset.has(value)) {
      push({ ...where(element, component, rep), code: E.VALUE_NOT_SUPPORTED,
        message: `${label(element, component, slot)} ${quote(value)} is not one of the codes this message subset allows here (${[...slot.subset].slice(0, 12).join(', ')})` });
    }
  }
}

export { representation };
