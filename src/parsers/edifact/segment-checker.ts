import { isUtf8 } from 'node:buffer';
import type { ElementDef } from './definition.schema';
import type { EdifactSegment } from './segment';
import * as full from './segment-validator';
import type { CompiledSegment, Slot } from './segment-validator';
import type { Syntax } from './syntax';

// The full check's byte classes, copied to module constants: read through the module's exports
// object they cost a property load per byte.
const C_DATA = full.C_DATA;
const C_BAD = full.C_BAD;
const C_ELEMENT = full.C_ELEMENT;
const C_COMPONENT = full.C_COMPONENT;
const C_CONTINUATION = full.C_CONTINUATION;
const C_RELEASE = full.C_RELEASE;
const MAX_TOKENS = full.MAX_TOKENS;
const classesOf = full.classesOf;

/**
 * The fast half of element validation: says only whether a segment is clean, in one pass over its
 * bytes, tokens checked as they end (no token table, no string for a clean value). It never words
 * an error: when it says "not clean", validateCompiled (segment-validator.ts) is run over the
 * message to say what is wrong, so codes and messages have one source. It must never call clean
 * what validateCompiled would fault; in rare shapes (syntax 4 repetitions, codes that are not one
 * to three letters or digits, a released character in a coded value) it sends a clean segment to
 * the full check, which then finds nothing.
 */

const enum Type { NONE, AN, A, N }

interface FastValue {
  type: Type;
  min: number;
  max: number;
  el: ElementDef | undefined;
  mandatory: boolean;
  /** Alphanumeric (or undefined) with no code list: a length check is all there is. */
  plain: boolean;
  /** Bit per code of one to three letters or digits (codeKey); undefined when the slot has no list. */
  codes: Uint8Array | undefined;
  subset: Uint8Array | undefined;
  /** For a composite: its components, and whether one at or after each index is mandatory. */
  components: FastValue[] | undefined;
  mandatoryFrom: boolean[] | undefined;
}

export interface FastSegment {
  slots: FastValue[];
  /** mandatoryFrom[i]: a data element at 0-based index i or after is mandatory. */
  mandatoryFrom: boolean[];
}

/** Base-37 key of a code of one to three characters 0-9 A-Z (0 stands for "no character"). */
const KEY_SPACE = 37 * 37 * 37;
const CODE_CHAR = new Uint8Array(256);
for (let b = 0x30; b <= 0x39; b++) CODE_CHAR[b] = b - 0x30 + 1;
for (let b = 0x41; b <= 0x5a; b++) CODE_CHAR[b] = b - 0x41 + 11;

function codeKeyOfText(code: string): number {
  if (code.length < 1 || code.length > 3) return -1;
  let k = 0;
  for (let i = 0; i < 3; i++) {
    const c = i < code.length ? code.charCodeAt(i) : -1;
    const v = c < 0 ? 0 : c < 256 ? CODE_CHAR[c] : 0;
    if (c >= 0 && v === 0) return -1;
    k = k * 37 + v;
  }
  return k;
}

const bitsets = new WeakMap<Set<string>, Uint8Array>();
function bitsOf(codes: Set<string> | undefined): Uint8Array | undefined {
  if (!codes) return undefined;
  let bits = bitsets.get(codes);
  if (!bits) {
    bits = new Uint8Array((KEY_SPACE >> 3) + 1);
    for (const code of codes) {
      const k = codeKeyOfText(code);
      if (k >= 0) bits[k >> 3] |= 1 << (k & 7);
    }
    bitsets.set(codes, bits);
  }
  return bits;
}

const mandatoryFrom = (values: { mandatory: boolean }[]) => values.map((_, i) => values.slice(i).some((v) => v.mandatory)).concat(false);

function fastValue(slot: Slot): FastValue {
  const el = slot.el;
  const components = slot.components?.map(fastValue);
  return {
    type: !el ? Type.NONE : el.type === 'n' ? Type.N : el.type === 'a' ? Type.A : Type.AN,
    min: el?.min ?? 0, max: el?.max ?? 1 << 30, el, mandatory: slot.mandatory,
    // An element repeated (syntax 4) is left to the full check; so is a repetition separator anywhere.
    codes: bitsOf(slot.codes), subset: bitsOf(slot.subset),
    components, mandatoryFrom: components && mandatoryFrom(components),
    plain: (!el || el.type === 'an') && !slot.codes && !slot.subset,
  };
}

const fastSegments = new WeakMap<Slot[], FastSegment>();
/** The fast form of a compiled segment definition, made once per definition and overrides. */
export function fastSegment(compiled: CompiledSegment): FastSegment {
  let f = fastSegments.get(compiled.slots);
  if (!f) {
    const slots = compiled.slots.map(fastValue);
    fastSegments.set(compiled.slots, f = { slots, mandatoryFrom: mandatoryFrom(slots) });
  }
  return f;
}

// The syntax in hand: an interchange's segments share one, so its byte classes are looked up once.
let lastSyntax: Syntax | undefined;
let CLASSES: Uint8Array = new Uint8Array(256);
let ALLOWED: Uint8Array = new Uint8Array(256);
let DECIMAL = -1;
let RELEASE = -1;
let MULTI = false;

function useSyntax(syntax: Syntax): void {
  lastSyntax = syntax;
  CLASSES = classesOf(syntax);
  ALLOWED = syntax.charset.allowed;
  DECIMAL = syntax.version === '4' ? -1 : syntax.separators.decimal;
  RELEASE = syntax.separators.release;
  MULTI = syntax.charset.multiByte;
}

const MINUS = 0x2d;
const POINT = 0x2e;
const COMMA = 0x2c;

/** Whether value bytes [s, e) (`len` characters, `released` when a release character is among them) pass v's checks. */
function valueIsClean(buf: Buffer, s: number, e: number, len: number, released: boolean, v: FastValue): boolean {
  switch (v.type) {
    case Type.NONE: return true; // no definition for the element: nothing to check, not even its codes
    case Type.AN: if (len < v.min || len > v.max) return false; break;
    case Type.A:
      for (let i = s; i < e; i++) { const b = buf[i]; if (b >= 0x30 && b <= 0x39) return false; }
      if (len < v.min || len > v.max) return false;
      break;
    default: {
      // ISO 9735 numbers: an optional leading minus, digits, one decimal mark with a digit on each side.
      let i = s;
      if (buf[i] === MINUS) i++;
      let digits = 0;
      let mark = -1;
      for (; i < e; i++) {
        let b = buf[i];
        if (b === RELEASE && i + 1 < e) b = buf[++i];
        if (b >= 0x30 && b <= 0x39) { digits++; continue; }
        if ((b === POINT || b === COMMA) && digits > 0 && mark < 0 && (DECIMAL < 0 || b === DECIMAL)) { mark = i; continue; }
        return false;
      }
      if (digits === 0 || mark === e - 1 || digits < v.min || digits > v.max) return false;
    }
  }
  if (v.codes === undefined && v.subset === undefined) return true;
  // Codes are one to three letters or digits as a bit each; anything else is the full check's to judge.
  if (released || e - s > 3) return false;
  let k = 0;
  for (let i = 0; i < 3; i++) {
    let c = 0;
    if (s + i < e) {
      c = CODE_CHAR[buf[s + i]];
      if (c === 0) return false;
    }
    k = k * 37 + c;
  }
  if (v.codes !== undefined && (v.codes[k >> 3] & (1 << (k & 7))) === 0) return false;
  if (v.subset !== undefined && (v.subset[k >> 3] & (1 << (k & 7))) === 0) return false;
  return true;
}

/**
 * Whether validateCompiled(seg, compiled) would find nothing: every character in the character set,
 * no more elements or components than defined, mandatory ones present, representation, length and
 * code lists as defined. Syntax 4 repetitions are left to the full check.
 */
export function segmentIsClean(seg: EdifactSegment, f: FastSegment): boolean {
  const syntax = seg.syntax;
  if (syntax !== lastSyntax) useSyntax(syntax);
  const buf = seg.buf;
  const end = seg.end;
  if (MULTI && !isUtf8(buf.subarray(seg.start, end))) return false;
  const slots = f.slots;
  if (seg.tagEnd >= end) return !f.mandatoryFrom[0];
  // A segment has fewer tokens than bytes after its tag: only one of 2,048 bytes or more can have
  // too many (the full check's 16), and it is left to the full check rather than counted here.
  if (end - seg.tagEnd >= MAX_TOKENS) return false;
  const classes = CLASSES;
  let el = 0;
  let comp = 0;
  let i = seg.tagEnd + 1;
  let from = i;
  // Bytes of the token that are not characters of their own (release characters, UTF-8 continuations).
  let skip = 0;
  let released = false;
  // The element in hand: any of its tokens non-empty; a mandatory component of it empty or absent.
  let present = false;
  let compMissing = false;
  let slot: FastValue | undefined = slots[0];
  for (;;) {
    let c = C_ELEMENT;
    while (i < end) {
      while (i + 4 <= end && (classes[buf[i]] | classes[buf[i + 1]] | classes[buf[i + 2]] | classes[buf[i + 3]]) === 0) i += 4;
      if (i >= end) break;
      c = classes[buf[i]];
      if (c === C_DATA) { i++; continue; }
      if (c === C_CONTINUATION) { skip++; i++; continue; }
      if (c === C_RELEASE) {
        released = true;
        if (i + 1 < end) { i++; skip++; }
        if (!ALLOWED[buf[i]]) return false;
        i++;
        continue;
      }
      break;
    }
    if (i >= end) c = C_ELEMENT;
    else if (c !== C_ELEMENT && c !== C_COMPONENT) return false; // a character outside the set, or a repetition
    // Token [from, i) of element el, component comp (0-based).
    if (i > from) {
      if (slot === undefined) return false; // more data elements than defined
      present = true;
      const v = slot.components === undefined ? (comp === 0 ? slot : undefined) : slot.components[comp];
      if (v === undefined) return false; // a component a simple element or the composite does not have
      if (v.plain) {
        const len = i - from - skip;
        if (len < v.min || len > v.max) return false;
      } else if (!valueIsClean(buf, from, i, i - from - skip, released, v)) return false;
    } else if (slot !== undefined && slot.components !== undefined) {
      const v = slot.components[comp];
      if (v !== undefined && v.mandatory) compMissing = true;
    }
    if (c === C_ELEMENT) {
      // The element closes: mandatory and absent, or present with a mandatory component missing.
      if (slot !== undefined) {
        if (!present) { if (slot.mandatory) return false; }
        else if (slot.components !== undefined && (compMissing || slot.mandatoryFrom![comp + 1])) return false;
      }
      el++;
      if (i >= end) break;
      comp = 0;
      slot = slots[el];
      present = false;
      compMissing = false;
    } else comp++;
    i++;
    from = i;
    skip = 0;
    released = false;
  }
  // Elements after the last one written.
  return !f.mandatoryFrom[el];
}
