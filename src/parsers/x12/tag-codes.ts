/**
 * Segment tags as small integers, read from the text without slicing it: the reader, the envelope
 * and the structure tables compare and index numbers, not freshly cut strings, for every segment.
 * A tag of one to three characters A-Z or 0-9 has a code in [1, TAG_CODES); anything else is NO_TAG.
 */
export const TAG_CODES = 37 * 37 * 37;
export const NO_TAG = -1;

// A-Z -> 1..26, 0-9 -> 27..36, everything else 0 (not a tag character).
const DIGIT_OF = new Uint8Array(128);
for (let c = 0; c < 26; c++) DIGIT_OF[0x41 + c] = c + 1;
for (let c = 0; c < 10; c++) DIGIT_OF[0x30 + c] = 27 + c;

/** The code of the tag that starts codes at `start` and ends at `separator` (a char code) or `end`. */
export function tagCodeAt(codes: ArrayLike<number>, start: number, end: number, separator: number): number {
  let code = 0;
  let i = start;
  for (; i < end && i < start + 4; i++) {
    const c = codes[i];
    if (c === separator) break;
    const d = c < 128 ? DIGIT_OF[c] : 0;
    if (d === 0 || i === start + 3) return NO_TAG;
    code = code * 37 + d;
  }
  const n = i - start;
  if (n === 0) return NO_TAG;
  // Pad to three places so that "N1" and "N1" + nothing never meet another tag's code.
  return n === 1 ? code * 37 * 37 : n === 2 ? code * 37 : code;
}

/** The code of a tag given as a string (NO_TAG when it has none). */
export function tagCode(tag: string): number {
  if (tag.length === 0 || tag.length > 3) return NO_TAG;
  let code = 0;
  for (let i = 0; i < 3; i++) {
    const c = i < tag.length ? tag.charCodeAt(i) : -1;
    const d = c < 0 ? 0 : c < 128 ? DIGIT_OF[c] : 0;
    if (d === 0 && c >= 0) return NO_TAG;
    code = code * 37 + d;
  }
  return code;
}

// Holey but preallocated: indexed by code, filled as tags are met.
const names: (string | undefined)[] = new Array<string | undefined>(TAG_CODES);
const CHARS = ' ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The tag of a code, one shared string per tag. */
export function tagName(code: number): string {
  let s = names[code];
  if (s === undefined) {
    s = (CHARS[Math.floor(code / 1369)] + CHARS[Math.floor(code / 37) % 37] + CHARS[code % 37]).trimEnd();
    names[code] = s;
  }
  return s;
}
