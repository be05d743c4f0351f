import type { ElementDef } from './definition.schema';

/** X12 AK4 / IK4 data element syntax error codes (element 723 / 621). */
export const ELEMENT_ERRORS = {
  MANDATORY_MISSING: '1',
  CONDITIONAL_MISSING: '2',
  TOO_MANY_ELEMENTS: '3',
  TOO_SHORT: '4',
  TOO_LONG: '5',
  INVALID_CHARACTER: '6',
  INVALID_CODE: '7',
  INVALID_DATE: '8',
  INVALID_TIME: '9',
  EXCLUSION_VIOLATED: '10',
  TOO_MANY_REPETITIONS: '12',
  TOO_MANY_COMPONENTS: '13',
} as const;

export interface ElementProblem {
  code: string;
  message: string;
}

const DIGIT = (c: number) => c >= 0x30 && c <= 0x39;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** CCYYMMDD, or YYMMDD where the element allows six characters. */
export function isValidDate(v: string): boolean {
  if (v.length !== 8 && v.length !== 6) return false;
  for (let i = 0; i < v.length; i++) if (!DIGIT(v.charCodeAt(i))) return false;
  const year = v.length === 8 ? Number(v.slice(0, 4)) : 2000 + Number(v.slice(0, 2));
  const month = Number(v.slice(-4, -2));
  const day = Number(v.slice(-2));
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeap(year) ? 29 : DAYS[month - 1]);
}

/** HHMM, HHMMSS, or HHMMSSd..d (decimal seconds). */
export function isValidTime(v: string): boolean {
  if (v.length < 4 || v.length > 8 || v.length === 5) return false;
  for (let i = 0; i < v.length; i++) if (!DIGIT(v.charCodeAt(i))) return false;
  return Number(v.slice(0, 2)) <= 23 && Number(v.slice(2, 4)) <= 59 && (v.length < 6 || Number(v.slice(4, 6)) <= 59);
}

/**
 * Checks one non-empty value against its element definition: characters for its type, length as
 * the standard counts it (signs and decimal points do not count for N and R), dates, times and
 * code lists. Returns the first problem, or undefined.
 */
export function checkValue(value: string, def: ElementDef, codes: Set<string> | undefined, label: string | (() => string)): ElementProblem | undefined {
  // The name is built only for a message: this runs for every element of every file.
  const problem = checkValueCode(value, def, codes);
  if (!problem) return undefined;
  const name = typeof label === 'string' ? label : label();
  return { code: problem, message: MESSAGES[problem](name, value, def) };
}

/** A value quoted for a message, control characters shown escaped so a message stays one line. */
export function quote(v: string): string {
  return `'${v.replace(/[\x00-\x1f\x7f]/g, (c) => JSON.stringify(c).slice(1, -1))}'`;
}

const MESSAGES: Record<string, (name: string, value: string, def: ElementDef) => string> = {
  '4': (n, v, d) => `${n} ${quote(v)} is too short: at least ${d.min} characters`,
  '5': (n, v, d) => `${n} ${quote(v)} is too long: at most ${d.max} characters`,
  '6': (n, v, d) => d.type === 'R' ? `${n} ${quote(v)} is not a decimal number`
    : d.type[0] === 'N' ? `${n} ${quote(v)} must be digits only (type ${d.type}, ${d.type === 'N0' ? 'a whole number' : `${d.type[1]} implied decimal places`})`
      : `${n} ${quote(v)} contains a control character`,
  '7': (n, v) => `${n} ${quote(v)} is not a valid code`,
  '8': (n, v, d) => `${n} ${quote(v)} is not a valid date (${d.max === 6 ? 'YYMMDD' : 'CCYYMMDD'})`,
  '9': (n, v) => `${n} ${quote(v)} is not a valid time (HHMM[SS[d..]])`,
};

/** The AK4 code of the first problem with a value, or undefined. */
function checkValueCode(value: string, def: ElementDef, codes: Set<string> | undefined): string | undefined {
  return checkRange(value, 0, value.length, def, codes);
}

/**
 * The AK4 code of the first problem with text[start, end), or undefined. Works on the segment's
 * own text, so that a valid element costs no substring (codes and dates excepted).
 */
export function checkRange(text: string, start: number, end: number, def: ElementDef, codes: Set<string> | undefined): string | undefined {
  let length = end - start;
  switch (def.type) {
    case 'R': {
      let digits = 0;
      let points = 0;
      for (let i = text.charCodeAt(start) === 0x2d ? start + 1 : start; i < end; i++) {
        const c = text.charCodeAt(i);
        if (DIGIT(c)) digits++;
        else if (c === 0x2e && points === 0) points++;
        else return '6';
      }
      if (digits === 0) return '6';
      length = digits;
      break;
    }
    case 'N0': case 'N1': case 'N2': case 'N3': case 'N4': case 'N5': case 'N6': case 'N7': case 'N8': case 'N9': {
      const from = text.charCodeAt(start) === 0x2d ? start + 1 : start;
      if (from === end) return '6';
      for (let i = from; i < end; i++) if (!DIGIT(text.charCodeAt(i))) return '6';
      length = end - from;
      break;
    }
    case 'DT':
      if (!isValidDate(text.slice(start, end))) return '8';
      break;
    case 'TM':
      if (!isValidTime(text.slice(start, end))) return '9';
      break;
    default:
      for (let i = start; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c < 0x20 || c === 0x7f) return '6';
      }
  }
  if (length < def.min) return '4';
  if (length > def.max) return '5';
  if (def.type === 'ID' && codes && !codes.has(text.slice(start, end))) return '7';
  return undefined;
}

/** The message for a code checkRange returned. */
export function problemMessage(code: string, name: string, value: string, def: ElementDef): string {
  return MESSAGES[code](name, value, def);
}
