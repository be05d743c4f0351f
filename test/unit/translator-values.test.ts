import { parseItemTable, parseLocationTable, type XrefIssue } from '../../src/partners/cross-references';
import { edifactDateToIso, formatImplied, formatReal, isoToX12Date, parseImplied, parseReal, x12DateToIso } from '../../src/translators/values';

describe('EDI values', () => {
  it.each([[12.345, 2, '1235'], [12.344, 2, '1234'], [-3.5, 2, '-350'], [0, 2, '0'], [-0.001, 2, '0'], [1050, 0, '1050'], [7.02, 2, '702']])(
    'formatImplied(%p, %p) = %p', (n, d, out) => expect(formatImplied(n, d)).toBe(out));

  it('reads implied decimals back', () => {
    expect(parseImplied('1235', 2)).toBe(12.35);
    expect(parseImplied('-350', 2)).toBe(-3.5);
    expect(parseImplied('12.5', 2)).toBeUndefined(); // an Nn value never carries a decimal point
  });

  it.each([[12.5, '12.5'], [3, '3'], [0.1 + 0.2, '0.3'], [-0, '0'], [1234.56789, '1234.5679']])('formatReal(%p) = %p', (n, out) => expect(formatReal(n)).toBe(out));

  it('reads reals with either decimal mark', () => {
    expect(parseReal('12,5', ',')).toBe(12.5);
    expect(parseReal('abc')).toBeUndefined();
  });

  it('converts X12 and EDIFACT dates', () => {
    expect(x12DateToIso('20261127')).toBe('2026-11-27');
    expect(x12DateToIso('261127')).toBe('2026-11-27');
    expect(x12DateToIso('991231')).toBe('1999-12-31');
    expect(x12DateToIso('2026-11')).toBeUndefined();
    expect(isoToX12Date('2026-11-27')).toBe('20261127');
    expect(isoToX12Date('2026-11-27', 6)).toBe('261127');
    expect(edifactDateToIso('20261127', '102')).toBe('2026-11-27');
    expect(edifactDateToIso('202611271530', '203')).toBe('2026-11-27');
    expect(edifactDateToIso('261127', '101')).toBe('2026-11-27');
    expect(edifactDateToIso('20261127', '999')).toBeUndefined();
  });
});

describe('cross-reference tables', () => {
  it('indexes items by every id column', () => {
    const issues: XrefIssue[] = [];
    const t = parseItemTable('items.csv', '# comment\nproduct_code,upc,vendor_item,uom\nP1,0001,V1,EA\nP2,,V2,\n', issues);
    expect(issues).toEqual([]);
    expect(t?.get('upc')?.get('0001')).toEqual({ productCode: 'P1', uom: 'EA' });
    expect(t?.get('vendorItem')?.get('V2')).toEqual({ productCode: 'P2' });
  });

  it('names the file, line and column of a bad row', () => {
    const issues: XrefIssue[] = [];
    parseItemTable('items.csv', 'product_code,upc\nP1,0001\n\n,0002\nP3,0001\n', issues);
    expect(issues).toEqual([
      { file: 'items.csv', line: 4, col: 1, message: 'product_code is empty' },
      { file: 'items.csv', line: 5, col: 2, message: "upc '0001' is already mapped to P1" },
    ]);
  });

  it('refuses an items header without an id column or with an unknown one', () => {
    const issues: XrefIssue[] = [];
    expect(parseItemTable('items.csv', 'product_code,colour\nP1,red\n', issues)).toBeUndefined();
    expect(issues[0].message).toMatch(/header must have product_code and at least one of upc, .*; unknown column colour/);
  });

  it('reports a ragged row instead of guessing', () => {
    const issues: XrefIssue[] = [];
    parseLocationTable('locations.csv', 'store_number,delivery_ref\n0042,REF,extra\n', issues);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'locations.csv' });
  });

  it('refuses a store number twice', () => {
    const issues: XrefIssue[] = [];
    const t = parseLocationTable('locations.csv', 'store_number,delivery_ref,name\n0042,A,One\n0042,B,Two\n', issues);
    expect(t?.get('0042')).toEqual({ storeNumber: '0042', deliveryRef: 'A', name: 'One' });
    expect(issues).toEqual([{ file: 'locations.csv', line: 3, col: 1, message: "store_number '0042' appears twice" }]);
  });
});
