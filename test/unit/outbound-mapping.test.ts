import { loadProfiles } from '../../src/partners/load-profiles';
import { PartnerProfileSchema, type PartnerProfile } from '../../src/partners/profile.schema';
import { outboundItemIds, partnerIdsFor, toPartnerUnits } from '../../src/translators/outbound-mapping';
import { formatBody, formatValue } from '../../src/translators/x12/element-format';
import { dictionaryFor } from '../../src/parsers/x12/definitions';
import { PROFILES } from '../helpers';

const acme = loadProfiles(PROFILES).profiles.find((p) => p.id === 'acme-retail')!;

function withUom(uom: Record<string, { uom: string; factor: number }>): PartnerProfile {
  return PartnerProfileSchema.parse({ id: 'uom-test', name: 'x', mode: 'test', identifiers: { x12: [{ qualifier: 'ZZ', id: 'XX', gsId: 'XX' }] },
    documents: {}, mapping: { uom } });
}

describe('our units -> the partner\'s (the profile\'s uom map inverted)', () => {
  it('EA becomes CA when the quantity is a whole number of cases; the price follows', () => {
    expect(toPartnerUnits(acme, 'EA', [24], 2.5)).toEqual({ uom: 'CA', quantities: [2], unitPrice: 30 });
    expect(toPartnerUnits(acme, 'EA', [36, 12])).toEqual({ uom: 'CA', quantities: [3, 1], unitPrice: undefined });
  });

  it('keeps our unit when any quantity of the line is not a whole number of theirs', () => {
    expect(toPartnerUnits(acme, 'EA', [5], 1.25)).toEqual({ uom: 'EA', quantities: [5], unitPrice: 1.25 });
    expect(toPartnerUnits(acme, 'EA', [24, 10], 1)).toEqual({ uom: 'EA', quantities: [24, 10], unitPrice: 1 });
    expect(toPartnerUnits(acme, 'KG', [24])).toEqual({ uom: 'KG', quantities: [24], unitPrice: undefined });
  });

  it('counts a float that is whole but for rounding noise as whole, and rounds the converted price', () => {
    const p = withUom({ PK: { uom: 'EA', factor: 3 } });
    expect(toPartnerUnits(p, 'EA', [(0.1 + 0.2) * 30], 0.333333)).toEqual({ uom: 'PK', quantities: [3], unitPrice: 0.999999 });
  });

  it('takes the largest unit that divides evenly, or the one the item cross-reference names', () => {
    const p = withUom({ PK: { uom: 'EA', factor: 6 }, CA: { uom: 'EA', factor: 12 }, PC: { uom: 'EA', factor: 1 } });
    expect(toPartnerUnits(p, 'EA', [24]).uom).toBe('CA');
    expect(toPartnerUnits(p, 'EA', [18]).uom).toBe('PK');
    // A partner that calls our each "PC": always written as PC.
    expect(toPartnerUnits(p, 'EA', [7])).toEqual({ uom: 'PC', quantities: [7], unitPrice: undefined });
    expect(toPartnerUnits(p, 'EA', [24], undefined, 'PK')).toEqual({ uom: 'PK', quantities: [4], unitPrice: undefined });
  });
});

describe('our product codes -> the partner\'s item ids (the items table inverted)', () => {
  it('finds every id the table has for the product', () => {
    expect(partnerIdsFor(acme, 'ODW-1002').ids).toEqual({ upc: '012345678912', buyerItem: 'A100235', vendorItem: 'ODW-1002' });
    expect(partnerIdsFor(acme, 'NOPE').ids).toEqual({});
  });

  it('completes the ids a line carries, the line\'s own winning', () => {
    expect(outboundItemIds(acme, { ids: { buyerItem: 'B-OVERRIDE' }, productCode: 'ODW-1001' }).ids)
      .toEqual({ upc: '012345678905', buyerItem: 'B-OVERRIDE', vendorItem: 'ODW-1001' });
    expect(outboundItemIds(acme, { ids: { sku: 'S1' } }).ids).toEqual({ sku: 'S1' });
  });

  it('falls back to our product code as the vendor item number when nothing else names the item', () => {
    expect(outboundItemIds(acme, { ids: {}, productCode: 'ODW-9999' }).ids).toEqual({ vendorItem: 'ODW-9999' });
  });
});

describe('values formatted by element type', () => {
  const d4 = dictionaryFor('004010')!;
  const el = (id: string) => d4.elements[id];

  it('Nn: implied decimals, rounded half up, sign kept, no negative zero', () => {
    expect(formatValue(12.345, el('610'), 'TDS01')).toBe('1235');
    expect(formatValue(-12.345, el('610'), 'TDS01')).toBe('-1235');
    expect(formatValue(0, el('610'), 'TDS01')).toBe('0');
    expect(formatValue(-0.004, el('610'), 'TDS01')).toBe('0');
    expect(formatValue(100, el('610'), 'TDS01')).toBe('10000');
  });

  it('N0 must be whole; R drops trailing zeros and keeps within its digits', () => {
    expect(formatValue(3, el('354'), 'CTT01')).toBe('3');
    expect(() => formatValue(2.5, el('354'), 'CTT01')).toThrow(/CTT01: 2.5 must be a whole number/);
    expect(formatValue(12.5, el('212'), 'IT104')).toBe('12.5');
    expect(formatValue(-3, el('212'), 'IT104')).toBe('-3');
    // W7602 weight is R of 10 digits at most: decimals give way first.
    expect(formatValue(123456.123456, el('81'), 'W7602')).toBe('123456.1235');
    expect(() => formatValue(Number.NaN, el('212'), 'IT104')).toThrow(/not a number/);
  });

  it('ISO dates become CCYYMMDD, or YYMMDD for a six-wide DT', () => {
    expect(formatValue('2026-11-28', el('373'), 'BIG01')).toBe('20261128');
    expect(formatValue('2026-11-28', { name: 'd', type: 'DT', min: 6, max: 6 }, 'X')).toBe('261128');
    expect(formatValue('0930', el('337'), 'DTM03')).toBe('0930');
  });

  it('formats whole segments and refuses unknown segments or too many elements', () => {
    expect(formatBody([['TDS', 1.5], ['DTM', '011', '2026-01-02']], d4)).toEqual([['TDS', '150'], ['DTM', '011', '20260102']]);
    expect(() => formatBody([['ZZZ', 1]], d4)).toThrow(/segment ZZZ is not in the 004010 definitions/);
    expect(() => formatBody([['TDS', 1, 2, 3, 4, 5]], d4)).toThrow(/TDS has 4 elements/);
  });
});
