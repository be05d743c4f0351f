/**
 * GS1 Serial Shipping Container Codes (SSCC-18), the ids of our packs (856 MAN*GM, DESADV GIN+BJ).
 * An SSCC is: extension digit, GS1 company prefix (7 to 10 digits), serial reference (the rest of
 * 16 digits), GS1 check digit (GS1 General Specifications, 2.2 SSCC and 7.9 check digit calculation).
 */

/**
 * The GS1 standard check digit of a digit string (GS1 General Specifications 7.9.1): weights 3
 * and 1 alternate from the rightmost digit, and the check digit brings the sum to a multiple of ten.
 */
export function gs1CheckDigit(digits: string): number {
  if (!/^\d+$/.test(digits)) throw new Error(`a GS1 check digit needs digits only, not ${JSON.stringify(digits)}`);
  let sum = 0;
  for (let i = digits.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) sum += Number(digits[i]) * weight;
  return (10 - (sum % 10)) % 10;
}

/** The check digit of the first 17 digits of an SSCC. */
export function ssccCheckDigit(first17: string): number {
  if (!/^\d{17}$/.test(first17)) throw new Error(`an SSCC without its check digit is 17 digits, not ${JSON.stringify(first17)}`);
  return gs1CheckDigit(first17);
}

/** True when the value is 18 digits whose last is the GS1 check digit of the others. */
export function isValidSscc(sscc: string): boolean {
  return /^\d{18}$/.test(sscc) && ssccCheckDigit(sscc.slice(0, 17)) === Number(sscc[17]);
}

/**
 * Builds an SSCC from its parts. The serial reference gets the digits the company prefix leaves
 * (16 - prefix length), zero-padded; a serial too large for them is refused, never truncated,
 * since a truncated serial would repeat one already used.
 */
export function buildSscc(parts: { extension?: number; companyPrefix: string; serial: number }): string {
  const extension = parts.extension ?? 0;
  if (!Number.isInteger(extension) || extension < 0 || extension > 9) throw new Error(`the SSCC extension digit is 0 to 9, not ${extension}`);
  if (!/^\d{7,10}$/.test(parts.companyPrefix)) throw new Error(`a GS1 company prefix is 7 to 10 digits, not ${JSON.stringify(parts.companyPrefix)}`);
  const width = 16 - parts.companyPrefix.length;
  if (!Number.isSafeInteger(parts.serial) || parts.serial < 0 || parts.serial >= 10 ** width) {
    throw new Error(`SSCC serial reference ${parts.serial} does not fit in the ${width} digits company prefix ${parts.companyPrefix} leaves`);
  }
  const first17 = `${extension}${parts.companyPrefix}${String(parts.serial).padStart(width, '0')}`;
  return `${first17}${ssccCheckDigit(first17)}`;
}
