import type { ElementDef } from './definition.schema';
import { SYNTAX_ERRORS as E } from './syntax-errors';

const DIGIT = (b: number) => b >= 0x30 && b <= 0x39;
const MINUS = 0x2d;
const POINT = 0x2e;
const COMMA = 0x2c;

/**
 * The syntax error code of the first problem with one value, bytes [start, end) of buf, or
 * undefined. `length` is its length in characters (release characters and, in UTF-8, continuation
 * bytes not counted). `decimal` is the advised decimal mark, or -1 when either is allowed
 * (syntax 4). Numeric values follow ISO 9735: an optional leading minus, digits, at most one decimal
 * mark with a digit on each side; neither sign nor mark counts in the length. Works on the bytes
 * in place: a valid value costs no string.
 */
export function checkValueBytes(buf: Uint8Array, start: number, end: number, length: number, def: ElementDef,
  release: number, decimal: number): string | undefined {
  if (def.type === 'n') {
    let i = start;
    if (buf[i] === MINUS) i++;
    let digits = 0;
    let mark = -1;
    for (; i < end; i++) {
      let b = buf[i];
      if (b === release && i + 1 < end) b = buf[++i];
      if (DIGIT(b)) { digits++; continue; }
      if (b === POINT || b === COMMA) {
        if (digits === 0) return E.MISSING_DIGIT_BEFORE_DECIMAL;
        if (mark >= 0 || (decimal >= 0 && b !== decimal)) return E.INVALID_DECIMAL;
        mark = i;
        continue;
      }
      return E.INVALID_TYPE; // letters, a plus sign, a minus sign not in front
    }
    if (digits === 0) return E.INVALID_TYPE;
    if (mark === end - 1) return E.INVALID_DECIMAL;
    length = digits;
  } else if (def.type === 'a') {
    for (let i = start; i < end; i++) if (DIGIT(buf[i])) return E.INVALID_TYPE;
  }
  if (length < def.min) return E.TOO_SHORT;
  if (length > def.max) return E.TOO_LONG;
  return undefined;
}

/** A value quoted for a message: control characters shown escaped so that a message stays one line. */
export function quote(v: string): string {
  return `'${v.replace(/[\x00-\x1f\x7f-\x9f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}

/** EDIFACT's own notation for a representation: an..35, n3, a..3. */
export function representation(def: ElementDef): string {
  return def.min === def.max ? `${def.type}${def.max}` : `${def.type}..${def.max}`;
}

/** The message for a code checkValueBytes returned; `name` says which element it is. */
export function valueMessage(code: string, name: string, value: string, def: ElementDef, decimal: number): string {
  const v = quote(value);
  switch (code) {
    case E.INVALID_TYPE:
      return def.type === 'n'
        ? `${name} ${v} is not a number (${representation(def)}: digits, an optional leading minus and one decimal mark)`
        : `${name} ${v} must not contain digits (${representation(def)}, alphabetic)`;
    case E.MISSING_DIGIT_BEFORE_DECIMAL: return `${name} ${v} needs a digit before its decimal mark`;
    case E.INVALID_DECIMAL: return `${name} ${v} has an invalid decimal mark: one mark${decimal >= 0 ? ` ('${String.fromCharCode(decimal)}', as the interchange advises)` : ''} with a digit on each side`;
    case E.TOO_SHORT: return `${name} ${v} is too short: at least ${def.min} ${def.type === 'n' ? 'digits' : 'characters'} (${representation(def)})`;
    case E.TOO_LONG: return `${name} ${v} is too long: at most ${def.max} ${def.type === 'n' ? 'digits' : 'characters'} (${representation(def)})`;
    default: return `${name} ${v} is not valid (code ${code})`;
  }
}

