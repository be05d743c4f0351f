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

/** Characters a value may never hold: control characters (the delimiters cannot appear at all). */
function hasControl(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

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
export function checkValue(value: string, def: ElementDef, codes: Set<string> | undefined, name: string): ElementProblem | undefined {
  let length = value.length;
  switch (def.type) {
    case 'R': {
      let i = value.charCodeAt(0) === 0x2d ? 1 : 0;
      let digits = 0;
      let points = 0;
      for (; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (DIGIT(c)) digits++;
        else if (c === 0x2e && points === 0) points++;
        else return { code: '6', message: `${name} '${value}' is not a decimal number` };
      }
      if (digits === 0) return { code: '6', message: `${name} '${value}' is not a decimal number` };
      length = digits;
      break;
    }
    case 'N0': case 'N1': case 'N2': case 'N3': case 'N4': case 'N5': case 'N6': case 'N7': case 'N8': case 'N9': {
      const start = value.charCodeAt(0) === 0x2d ? 1 : 0;
      if (start === value.length) return { code: '6', message: `${name} '${value}' is not a number` };
      for (let i = start; i < value.length; i++) {
        if (!DIGIT(value.charCodeAt(i))) {
          return { code: '6', message: `${name} '${value}' must be digits only (type ${def.type}, ${def.type === 'N0' ? 'a whole number' : `${def.type[1]} implied decimal places`})` };
        }
      }
      length -= start;
      break;
    }
    case 'DT':
      if (!isValidDate(value)) return { code: '8', message: `${name} '${value}' is not a valid date (${def.max === 6 ? 'YYMMDD' : 'CCYYMMDD'})` };
      break;
    case 'TM':
      if (!isValidTime(value)) return { code: '9', message: `${name} '${value}' is not a valid time (HHMM[SS[d..]])` };
      break;
    default:
      if (hasControl(value)) return { code: '6', message: `${name} contains a control character` };
  }
  if (length < def.min) return { code: '4', message: `${name} '${value}' is too short: at least ${def.min} characters` };
  if (length > def.max) return { code: '5', message: `${name} '${value}' is too long: at most ${def.max} characters` };
  if (def.type === 'ID' && codes && !codes.has(value)) {
    return { code: '7', message: `${name} '${value}' is not a valid code` };
  }
  return undefined;
}
