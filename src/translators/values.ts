/**
 * Values as EDI writes them, and as canonical documents hold them. Pure conversions, both ways:
 * dates (X12 DT of 6 or 8 digits, EDIFACT 2379 formats), implied-decimal numbers (X12 Nn),
 * real numbers (X12 R, EDIFACT n with a decimal mark).
 */

/** X12 DT (CCYYMMDD, or YYMMDD before 00501) -> YYYY-MM-DD. */
export function x12DateToIso(v: string | undefined): string | undefined {
  if (!v) return undefined;
  if (/^\d{8}$/.test(v)) return `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
  // Six-digit years: 00-49 are 20xx, 50-99 19xx, the window every EDI translator uses.
  if (/^\d{6}$/.test(v)) return `${Number(v.slice(0, 2)) < 50 ? '20' : '19'}${v.slice(0, 2)}-${v.slice(2, 4)}-${v.slice(4, 6)}`;
  return undefined;
}

/** YYYY-MM-DD -> X12 DT of the element's width (8 for CCYYMMDD, 6 for YYMMDD). */
export function isoToX12Date(iso: string, width: 6 | 8 = 8): string {
  const compact = iso.replace(/-/g, '');
  return width === 8 ? compact : compact.slice(2);
}

/** EDIFACT DTM C507: 2380 value in the 2379 format -> YYYY-MM-DD (date part). */
export function edifactDateToIso(v: string | undefined, format: string | undefined): string | undefined {
  if (!v) return undefined;
  switch (format ?? '102') {
    case '102': case '203': case '204': return /^\d{8}/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : undefined;
    case '101': case '201': return x12DateToIso(v.slice(0, 6));
    case '718': return /^\d{8}/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : undefined; // first day of a range
    default: return undefined;
  }
}

/** A real number as written (R, or EDIFACT n with '.' or ',' as decimal mark). */
export function parseReal(v: string | undefined, decimalMark = '.'): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(decimalMark === ',' ? v.replace(',', '.') : v);
  return Number.isFinite(n) ? n : undefined;
}

/** X12 Nn: digits with n implied decimals ("1234" as N2 is 12.34). */
export function parseImplied(v: string | undefined, decimals: number): number | undefined {
  if (v === undefined || v === '' || !/^-?\d+$/.test(v)) return undefined;
  return Number(v) / 10 ** decimals;
}

/** A number as X12 Nn: rounded to n decimals, written without the decimal point. */
export function formatImplied(n: number, decimals: number): string {
  // toPrecision first: 12.345 * 100 is 1234.4999..., which must still round to 1235.
  const scaled = Math.round(Number((Math.abs(n) * 10 ** decimals).toPrecision(15)));
  return `${n < 0 && scaled !== 0 ? '-' : ''}${scaled}`;
}

/**
 * A number as X12 R / EDIFACT n: no exponent, no trailing zeros, at most `maxDecimals` decimals
 * ("12.50" is written 12.5, 3 is 3). The sign is a leading minus.
 */
export function formatReal(n: number, maxDecimals = 4, decimalMark = '.'): string {
  const fixed = n.toFixed(maxDecimals).replace(/\.?0+$/, '');
  const out = fixed === '-0' ? '0' : fixed;
  return decimalMark === '.' ? out : out.replace('.', decimalMark);
}
