/**
 * Decoded X12 text as an array of char codes rather than a string: a loop over a typed array reads
 * a character about twice as fast as charCodeAt on a string, and the reader and the checkers read
 * every character. ASCII and Latin-1 text are their own bytes (a Buffer, no copy); text with
 * characters beyond U+00FF (UTF-8 input) is held as UTF-16 code units. Strings are made only for
 * what is shown or compared as text.
 */
export type CharCodes = Buffer | Uint16Array;

export const NO_CODES: CharCodes = Buffer.alloc(0);

/** The char codes of a string. */
export function toCharCodes(text: string): CharCodes {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0xff) {
      const u = new Uint16Array(text.length);
      for (let k = 0; k < text.length; k++) u[k] = text.charCodeAt(k);
      return u;
    }
  }
  return Buffer.from(text, 'latin1');
}

/** codes[start, end) as a string. */
export function codesToString(codes: CharCodes, start: number, end: number): string {
  // A few characters (tags, codes, control numbers) are quicker joined here than through a native call.
  if (end - start <= 12) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(codes[i]);
    return s;
  }
  if (codes instanceof Buffer) return codes.toString('latin1', start, end);
  let s = '';
  for (let i = start; i < end; i += 4096) s += String.fromCharCode(...codes.subarray(i, Math.min(end, i + 4096)));
  return s;
}

/** a followed by b, in the narrowest form that holds both. */
export function concatCharCodes(a: CharCodes, b: CharCodes): CharCodes {
  if (a instanceof Buffer && b instanceof Buffer) return Buffer.concat([a, b]);
  const u = new Uint16Array(a.length + b.length);
  u.set(a, 0);
  u.set(b, a.length);
  return u;
}
