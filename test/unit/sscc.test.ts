import { buildSscc, gs1CheckDigit, isValidSscc, ssccCheckDigit } from '../../src/translators/sscc';

/** GS1 General Specifications 7.9.1: weights 3,1,3,... from the right; the check digit tops the sum up to a multiple of 10. */
describe('SSCC-18 (GS1 General Specifications 2.2, check digit 7.9)', () => {
  it('computes the check digit of known valid SSCCs and GTINs', () => {
    // The BWIPP (postscriptbarcode) SSCC-18 example, printed with and without its check digit.
    expect(ssccCheckDigit('09528765432101234')).toBe(6);
    expect(isValidSscc('095287654321012346')).toBe(true);
    // Hand-checked: 1*3+0+6*3+1+4*3+1+4*3+1+1*3+2+3*3+4+5*3+6+7*3+8+9*3 = 143 -> 7.
    expect(ssccCheckDigit('10614141123456789')).toBe(7);
    expect(isValidSscc('106141411234567897')).toBe(true);
    // The same algorithm on a UPC-A (GTIN-12): 036000241457 ends in its check digit 7.
    expect(gs1CheckDigit('03600024145')).toBe(7);
    expect(gs1CheckDigit('01234567890')).toBe(5);
  });

  it('gives 0 when the weighted sum is already a multiple of ten', () => {
    // 17 zeros: sum 0 -> 0, not 10.
    expect(ssccCheckDigit('00000000000000000')).toBe(0);
    expect(isValidSscc('000000000000000000')).toBe(true);
  });

  it('refuses SSCCs whose check digit, length or characters are wrong', () => {
    expect(isValidSscc('106141411234567890')).toBe(false);
    expect(isValidSscc('095287654321012345')).toBe(false);
    // Two neighbours swapped: the 3/1 weights catch it.
    expect(isValidSscc('016141411234567897')).toBe(false);
    expect(isValidSscc('10614141123456789')).toBe(false);
    expect(isValidSscc('10614141123456789A')).toBe(false);
    expect(() => ssccCheckDigit('1234')).toThrow(/17 digits/);
  });

  it('builds extension digit + company prefix + zero-padded serial + check digit', () => {
    expect(buildSscc({ companyPrefix: '0614141', serial: 1 })).toBe('006141410000000012');
    expect(buildSscc({ extension: 1, companyPrefix: '0614141', serial: 123456789 })).toBe('106141411234567897');
    // A 10-digit prefix leaves 6 digits of serial.
    const long = buildSscc({ companyPrefix: '9521234567', serial: 42 });
    expect(long).toMatch(/^09521234567000042\d$/);
    expect(isValidSscc(long)).toBe(true);
  });

  it('refuses a serial that does not fit the digits the prefix leaves, and bad prefixes', () => {
    expect(() => buildSscc({ companyPrefix: '9521234567', serial: 1_000_000 })).toThrow(/does not fit in the 6 digits/);
    expect(() => buildSscc({ companyPrefix: '061414', serial: 1 })).toThrow(/7 to 10 digits/);
    expect(() => buildSscc({ companyPrefix: '0614141', serial: 1, extension: 10 })).toThrow(/extension digit/);
  });
});
