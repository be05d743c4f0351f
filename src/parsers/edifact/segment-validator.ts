import { isUtf8 } from 'node:buffer';
import type { ElementDef, MessageDef, SegmentDef } from './definition.schema';
import type { EdifactDirectory } from './definitions';
import { checkValueBytes, quote, representation, valueMessage } from './element-checks';
import type { EdifactSegment } from './segment';
import { decodeBytes } from './syntax';
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
const MAX_TOKENS = 2048;
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

/**
 * Splits a segment's bytes into components (element, repetition, component positions) in one pass,
 * counting characters and checking each data byte against the character set. Returns the count.
 */
function tokenize(seg: EdifactSegment): number {
  const { buf, end } = seg;
  const s = seg.syntax.separators;
  const allowed = seg.syntax.charset.allowed;
  const multi = seg.syntax.charset.multiByte;
  const { element: es, component: cs, repetition: rs, release: rel } = s;
  let n = 0;
  if (seg.tagEnd >= end) return 0;
  let el = 1;
  let rep = 1;
  let comp = 1;
  let from = seg.tagEnd + 1;
  let len = 0;
  let flags = 0;
  for (let i = from; i < end; i++) {
    let b = buf[i];
    if (b === rel) {
      flags |= RELEASED;
      if (i + 1 < end) b = buf[++i];
      if (!allowed[b]) flags |= BAD_CHAR;
      len++;
      continue;
    }
    if (b === es || b === cs || b === rs) {
      if (n < MAX_TOKENS) {
        T_EL[n] = el; T_REP[n] = rep; T_COMP[n] = comp; T_START[n] = from; T_END[n] = i; T_LEN[n] = len; T_FLAGS[n] = flags; n++;
      }
      if (b === es) { el++; rep = 1; comp = 1; } else if (b === cs) comp++; else { rep++; comp = 1; }
      from = i + 1; len = 0; flags = 0;
      continue;
    }
    if (!allowed[b]) flags |= BAD_CHAR;
    if (!multi || (b & 0xc0) !== 0x80) len++;
  }
  if (n < MAX_TOKENS) {
    T_EL[n] = el; T_REP[n] = rep; T_COMP[n] = comp; T_START[n] = from; T_END[n] = end; T_LEN[n] = len; T_FLAGS[n] = flags; n++;
  }
  return n;
}

interface Slot {
  ref: string;
  name: string;
  mandatory: boolean;
  repeat: number;
  el?: ElementDef;
  codes?: Set<string>;
  /** A subset's narrower list for this position (code 14 outside it). */
  subset?: Set<string>;
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
    return {
      ref, name: (el ?? composite)?.name?.toLowerCase() ?? ref, mandatory: (o?.req ?? req) === 'M', repeat, el,
      codes: dict.codes.get(ref), subset: o?.codes ? new Set(o.codes) : undefined,
      components: composite?.components.map((c, k) => slot(c.ref, c.req, `${at}.${k + 1}`)),
    };
  };
  slots = def.elements.map((e, i) => slot(e.ref, e.req, String(i + 1), e.repeat ?? 1));
  byOverrides.set(overrides, slots);
  return slots;
}

const NONE: ElementIssue[] = [];

/**
 * Validates one segment's data elements against its definition (count, mandatory elements and
 * components, representation, length, code lists, the subset's overrides) and every data
 * character against the interchange's character set. Without a definition only the characters
 * are checked. Pure; works on the bytes in place.
 */
export function validateSegment(seg: EdifactSegment, def: SegmentDef | undefined, dict: Dictionary | undefined,
  overrides?: Overrides): ElementIssue[] {
  const n = tokenize(seg);
  let out: ElementIssue[] | undefined;
  const push = (e: ElementIssue) => (out ??= []).push(e);
  const tag = seg.tag;
  const syntax = seg.syntax;
  const decimal = syntax.version === '4' ? -1 : syntax.separators.decimal;
  const rel = syntax.separators.release;
  const text = (t: number) => {
    const v = decodeBytes(seg.buf, T_START[t], T_END[t], syntax.charset);
    return T_FLAGS[t] & RELEASED ? v.replace(new RegExp(`\\${String.fromCharCode(rel)}(.)`, 'gs'), '$1') : v;
  };
  const at = (t: number) => ({ element: T_EL[t], ...(T_COMP[t] > 1 || isComposite(t) ? { component: T_COMP[t] } : {}), ...(T_REP[t] > 1 ? { repetition: T_REP[t] } : {}) });
  let slots: Slot[] | undefined;
  const isComposite = (t: number) => !!slots?.[T_EL[t] - 1]?.components;
  if (def && dict) slots = compile(def, dict, overrides);
  if (syntax.charset.multiByte && !isUtf8(seg.buf.subarray(seg.start, seg.end))) {
    push({ element: 1, code: E.INVALID_CHARACTER, message: `${tag} is not well-formed UTF-8, which ${syntax.charset.id} requires` });
  }
  if (n >= MAX_TOKENS) push({ element: T_EL[n - 1], code: E.TOO_MANY_CONSTITUENTS, message: `${tag} has more than ${MAX_TOKENS} components` });

  // Character set first: it applies whether or not we know the segment.
  for (let t = 0; t < n; t++) {
    if (T_FLAGS[t] & BAD_CHAR) {
      const value = text(t);
      push({ ...at(t), code: E.INVALID_CHARACTER,
        message: `${tag} element ${position(t)} ${quote(value)} has characters outside the ${syntax.charset.id || 'declared'} character set` });
    }
  }
  if (!slots) return out ?? NONE;

  // Trailing empty elements count as absent (many senders write them; ISO 9735 asks they be left out).
  let lastEl = 0;
  for (let t = 0; t < n; t++) if (T_END[t] > T_START[t] && T_EL[t] > lastEl) lastEl = T_EL[t];
  let t = 0;
  for (let i = 1; i <= Math.max(lastEl, slots.length); i++) {
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
      if (present) push({ element: i, code: E.TOO_MANY_CONSTITUENTS, message: `${tag} has ${lastEl} data elements; ${def!.name} (${tag}) defines ${slots.length}` });
      if (present) break;
      continue;
    }
    if (!present) {
      if (slot.mandatory) push({ element: i, code: E.MISSING, message: `${tag} element ${i} (${slot.ref} ${slot.name}) is mandatory and missing` });
      continue;
    }
    if (reps > slot.repeat) {
      push({ element: i, repetition: slot.repeat + 1, code: E.TOO_MANY_CONSTITUENTS, message: `${tag} element ${i} (${slot.ref} ${slot.name}) occurs ${reps} times; at most ${slot.repeat}` });
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
  return out ?? NONE;

  function position(tok: number): string {
    return `${T_EL[tok]}${T_COMP[tok] > 1 || isComposite(tok) ? `.${T_COMP[tok]}` : ''}`;
  }

  function checkOccurrence(from: number, to: number, i: number, slot: Slot): void {
    const repetition = T_REP[from] > 1 ? { repetition: T_REP[from] } : {};
    if (!slot.components) {
      if (to - from > 1) {
        let last = to - 1;
        while (last > from && T_END[last] === T_START[last]) last--;
        if (last > from) {
          push({ element: i, component: 2, ...repetition, code: E.TOO_MANY_CONSTITUENTS, message: `${tag} element ${i} (${slot.ref} ${slot.name}) is a simple data element but has components` });
          return;
        }
      }
      checkValue(from, slot, `${tag} element ${i} (${slot.ref} ${slot.name})`, { element: i, ...repetition });
      return;
    }
    const comps = slot.components;
    let lastComp = 0;
    for (let k = from; k < to; k++) if (T_END[k] > T_START[k]) lastComp = T_COMP[k];
    if (lastComp > comps.length) {
      push({ element: i, component: comps.length + 1, ...repetition, code: E.TOO_MANY_CONSTITUENTS,
        message: `${tag} element ${i} (${slot.ref} ${slot.name}) has ${lastComp} components; it defines ${comps.length}` });
    }
    for (let k = 0; k < comps.length; k++) {
      const c = comps[k];
      const tok = from + k < to && T_COMP[from + k] === k + 1 ? from + k : -1;
      const name = `${tag} element ${i}.${k + 1} (${c.ref} ${c.name})`;
      if (tok < 0 || T_END[tok] === T_START[tok]) {
        if (c.mandatory) push({ element: i, component: k + 1, ...repetition, code: E.MISSING, message: `${name} is mandatory and missing` });
        continue;
      }
      checkValue(tok, c, name, { element: i, component: k + 1, ...repetition });
    }
  }

  function checkValue(tok: number, slot: Slot, name: string, where: Omit<ElementIssue, 'code' | 'message'>): void {
    if (T_FLAGS[tok] & BAD_CHAR) return; // reported above
    const el = slot.el;
    if (!el) return;
    const code = checkValueBytes(seg.buf, T_START[tok], T_END[tok], T_LEN[tok], el, rel, decimal);
    if (code) {
      push({ ...where, code, message: valueMessage(code, name, text(tok), el, decimal) });
      return;
    }
    if (slot.codes || slot.subset) {
      const value = text(tok);
      if (slot.codes && !slot.codes.has(value)) push({ ...where, code: E.INVALID_VALUE, message: `${name} ${quote(value)} is not a code of element ${slot.ref}` });
      else if (slot.subset && !slot.subset.has(value)) {
        push({ ...where, code: E.VALUE_NOT_SUPPORTED, message: `${name} ${quote(value)} is not one of the codes this message subset allows here (${[...slot.subset].slice(0, 12).join(', ')})` });
      }
    }
  }
}

export { representation };
