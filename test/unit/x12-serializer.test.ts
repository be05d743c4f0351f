import { readSegments, type RawSegment } from '../../src/parsers/x12/segment-reader';
import { segmentText, writeInterchange } from '../../src/parsers/x12/serializer';

const d4010 = { element: '*', component: '>', segment: '~' };
const spec = {
  sender: { qualifier: 'ZZ', id: 'ODOODIST', gsId: 'ODOODIST' },
  receiver: { qualifier: 'ZZ', id: 'ACMERETAIL', gsId: 'ACMERETAIL' },
  version: '00401', controlNumber: 42, usage: 'P' as const, date: new Date('2026-11-27T09:05:00Z'),
  groups: [{ functionalId: 'PR', version: '004010', controlNumber: 7, sets: [
    { type: '855', controlNumber: '0001', body: [['BAK', '00', 'AC', 'PO1', '20261127'], ['PO1', '1', '10', 'EA', '', '', '', '']] },
    { type: '855', controlNumber: '0002', body: [['BAK', '00', 'AC', 'PO2', '20261127']] },
  ] }],
};

describe('X12 serializer', () => {
  it('writes a fixed-width ISA, counts and control numbers, and reads back the same', () => {
    const text = writeInterchange(spec, { delimiters: d4010, lineEnding: '\n' });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toHaveLength(106);
    expect(lines[0]).toBe('ISA*00*          *00*          *ZZ*ODOODIST       *ZZ*ACMERETAIL     *261127*0905*U*00401*000000042*0*P*>~');
    expect(lines[1]).toBe('GS*PR*ODOODIST*ACMERETAIL*20261127*0905*7*X*004010~');
    expect(lines).toContain('PO1*1*10*EA~'); // trailing empty elements dropped
    expect(lines).toContain('SE*4*0001~');
    expect(lines).toContain('GE*2*7~');
    expect(lines.at(-1)).toBe('IEA*1*000000042~');
    const back = readSegments(Buffer.from(text)) as RawSegment[];
    expect(back.map((s) => s.tag)).toEqual(['ISA', 'GS', 'ST', 'BAK', 'PO1', 'SE', 'ST', 'BAK', 'SE', 'GE', 'IEA']);
    expect(back[3].elements).toEqual(['BAK', '00', 'AC', 'PO1', '20261127']);
  });

  it('writes 00501 with the repetition separator in ISA11', () => {
    const text = writeInterchange({ ...spec, version: '00501' }, { delimiters: { ...d4010, repetition: '^' } });
    expect(text.slice(0, 106)).toContain('*^*00501*');
  });

  it('refuses a value holding a delimiter, which X12 cannot escape', () => {
    expect(() => segmentText(['N1', 'ST', 'A*B STORE'], d4010)).toThrow("N102: value \"A*B STORE\" contains the delimiter '*'");
  });

  it('writes a composite given as its components, trailing empty ones dropped, each component checked', () => {
    expect(segmentText(['AK4', ['4', '2'], '127', '1'], d4010)).toBe('AK4*4>2*127*1');
    expect(segmentText(['AK4', ['4', '', ''], '127', '1', ['', '']], d4010)).toBe('AK4*4*127*1');
    expect(() => segmentText(['AK4', ['4', '2>'], '127'], d4010)).toThrow("AK401: value \"2>\" contains the delimiter '>'");
  });
});
