import { checkValue, isValidDate, isValidTime } from '../../src/parsers/x12/element-checks';
import { checkSyntaxNotes } from '../../src/parsers/x12/segment-validator';

const el = (type: any, min: number, max: number) => ({ name: 'Test Element', type, min, max });

describe('X12 element value checks (AK4 codes)', () => {
  it.each([
    ['20261127', true], ['20240229', true], ['20230229', false], ['20261340', false], ['20261100', false], ['261127', true], ['2026112', false], ['2026-11-', false],
  ])('date %s valid: %s', (v, ok) => expect(isValidDate(v)).toBe(ok));

  it.each([['1200', true], ['2359', true], ['2400', false], ['1260', false], ['120059', true], ['12005999', true], ['12005', false], ['12:0', false]])(
    'time %s valid: %s', (v, ok) => expect(isValidTime(v)).toBe(ok));

  it('counts N and R lengths without sign and decimal point', () => {
    expect(checkValue('-12345', el('N2', 1, 5), undefined, 'X')).toBeUndefined();
    expect(checkValue('123456', el('N2', 1, 5), undefined, 'X')).toMatchObject({ code: '5' });
    expect(checkValue('-1234.5', el('R', 1, 5), undefined, 'X')).toBeUndefined();
    expect(checkValue('12.3.4', el('R', 1, 9), undefined, 'X')).toMatchObject({ code: '6' });
    expect(checkValue('12.5', el('N0', 1, 9), undefined, 'X')).toMatchObject({ code: '6' });
    expect(checkValue('-', el('N0', 1, 9), undefined, 'X')).toMatchObject({ code: '6' });
  });

  it('reports too short, too long, bad codes, bad dates and times with their codes', () => {
    expect(checkValue('A', el('AN', 2, 30), undefined, 'X')).toMatchObject({ code: '4' });
    expect(checkValue('ABCD', el('ID', 2, 3), undefined, 'X')).toMatchObject({ code: '5' });
    expect(checkValue('XX', el('ID', 2, 2), new Set(['00', '01']), 'BEG01')).toMatchObject({ code: '7', message: "BEG01 'XX' is not a valid code" });
    expect(checkValue('20261340', el('DT', 8, 8), undefined, 'DTM02')).toMatchObject({ code: '8' });
    expect(checkValue('2561', el('TM', 4, 8), undefined, 'X')).toMatchObject({ code: '9' });
    expect(checkValue('bell\u0007', el('AN', 1, 30), undefined, 'X')).toMatchObject({ code: '6' });
    // A line break in a value is shown escaped: a message stays on one line.
    expect(checkValue('1\n305', el('AN', 1, 30), undefined, 'ST02')).toMatchObject({ code: '6', message: "ST02 '1\\n305' contains a control character" });
  });
});

describe('X12 syntax notes', () => {
  const at = (...present: number[]) => (n: number) => present.includes(n);
  const label = (n: number) => `N1${String(n).padStart(2, '0')}`;

  it('P: all or none', () => {
    expect(checkSyntaxNotes(['P0304'], at(3), label)).toEqual([expect.objectContaining({ position: 4, code: '2' })]);
    expect(checkSyntaxNotes(['P0304'], at(), label)).toEqual([]);
    expect(checkSyntaxNotes(['P0304'], at(3, 4), label)).toEqual([]);
  });
  it('R: at least one', () => {
    expect(checkSyntaxNotes(['R0203'], at(), label)).toEqual([expect.objectContaining({ position: 2, code: '2' })]);
    expect(checkSyntaxNotes(['R0203'], at(3), label)).toEqual([]);
  });
  it('E: not more than one', () => {
    expect(checkSyntaxNotes(['E0203'], at(2, 3), label)).toEqual([expect.objectContaining({ position: 3, code: '10' })]);
    expect(checkSyntaxNotes(['E0203'], at(2), label)).toEqual([]);
  });
  it('C: if the first then all the others', () => {
    expect(checkSyntaxNotes(['C040506'], at(4, 5), label)).toEqual([expect.objectContaining({ position: 6, code: '2' })]);
    expect(checkSyntaxNotes(['C040506'], at(5), label)).toEqual([]);
  });
  it('L: if the first then at least one other', () => {
    expect(checkSyntaxNotes(['L010203'], at(1), label)).toEqual([expect.objectContaining({ position: 2, code: '2' })]);
    expect(checkSyntaxNotes(['L010203'], at(1, 3), label)).toEqual([]);
  });
});
