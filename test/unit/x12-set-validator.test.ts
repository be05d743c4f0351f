import type { X12Dictionary } from '../../src/parsers/x12/definitions';
import type { TransactionSetDef } from '../../src/parsers/x12/definition.schema';
import { readSegments, type RawSegment } from '../../src/parsers/x12/segment-reader';
import { validateSet } from '../../src/parsers/x12/set-validator';

// A small dictionary of our own, so the structure rules are tested apart from the real definitions.
const def: TransactionSetDef = {
  id: '850', name: 'Purchase Order', functionalGroup: 'PO',
  structure: [
    { segment: 'ST', req: 'M', max: 1 },
    { segment: 'BEG', req: 'M', max: 1 },
    { segment: 'REF', req: 'O', max: 2 },
    { loop: 'N1', req: 'O', max: 2, children: [{ segment: 'N1', req: 'O', max: 1 }, { segment: 'N3', req: 'O', max: 2 }, { segment: 'N4', req: 'M', max: 1 }] },
    { loop: 'PO1', req: 'M', max: 'unbounded', children: [{ segment: 'PO1', req: 'M', max: 1 }, { segment: 'PID', req: 'O', max: 1000 }] },
    { segment: 'CTT', req: 'O', max: 1 },
    { segment: 'SE', req: 'M', max: 1 },
  ],
};
const an = (min: number, max: number) => ({ name: 'x', type: 'AN' as const, min, max });
const dict: X12Dictionary = {
  version: '004010',
  elements: {
    143: { name: 'Set Id', type: 'ID', min: 3, max: 3 }, 329: an(4, 9), 353: { name: 'Purpose', type: 'ID', min: 2, max: 2 },
    92: { name: 'Type', type: 'ID', min: 2, max: 2 }, 324: an(1, 22), 373: { name: 'Date', type: 'DT', min: 8, max: 8 },
    128: { name: 'Ref Qual', type: 'ID', min: 2, max: 3 }, 127: an(1, 30), 98: { name: 'Entity', type: 'ID', min: 2, max: 3 }, 93: an(1, 60),
    66: { name: 'Id Qual', type: 'ID', min: 1, max: 2 }, 67: an(2, 80), 166: an(1, 55), 19: an(2, 30), 156: { name: 'State', type: 'ID', min: 2, max: 2 },
    350: an(1, 20), 330: { name: 'Qty', type: 'R', min: 1, max: 15 }, 355: { name: 'UOM', type: 'ID', min: 2, max: 2 },
    212: { name: 'Price', type: 'R', min: 1, max: 17 }, 352: an(1, 80), 96: { name: 'Count', type: 'N0', min: 1, max: 10 },
  },
  composites: {},
  segments: {
    ST: { name: 'ST', elements: [{ ref: '143', req: 'M' }, { ref: '329', req: 'M' }], syntax: [] },
    SE: { name: 'SE', elements: [{ ref: '96', req: 'M' }, { ref: '329', req: 'M' }], syntax: [] },
    BEG: { name: 'BEG', elements: [{ ref: '353', req: 'M' }, { ref: '92', req: 'M' }, { ref: '324', req: 'M' }, { ref: '328', req: 'O' }, { ref: '373', req: 'M' }], syntax: [] },
    REF: { name: 'REF', elements: [{ ref: '128', req: 'M' }, { ref: '127', req: 'X' }, { ref: '352', req: 'X' }], syntax: ['R0203'] },
    N1: { name: 'N1', elements: [{ ref: '98', req: 'M' }, { ref: '93', req: 'X' }, { ref: '66', req: 'X' }, { ref: '67', req: 'X' }], syntax: ['R0203', 'P0304'] },
    N3: { name: 'N3', elements: [{ ref: '166', req: 'M' }, { ref: '166', req: 'O' }], syntax: [] },
    N4: { name: 'N4', elements: [{ ref: '19', req: 'O' }, { ref: '156', req: 'O' }], syntax: [] },
    PO1: { name: 'PO1', elements: [{ ref: '350', req: 'O' }, { ref: '330', req: 'X' }, { ref: '355', req: 'X' }, { ref: '212', req: 'X' }], syntax: ['C0302'] },
    PID: { name: 'PID', elements: [{ ref: '352', req: 'O' }], syntax: [] },
    CTT: { name: 'CTT', elements: [{ ref: '96', req: 'M' }], syntax: [] },
    MSG: { name: 'MSG', elements: [{ ref: '352', req: 'M' }], syntax: [] },
  },
  codes: new Map([['353', new Set(['00', '01', '05'])], ['92', new Set(['SA', 'NE'])], ['355', new Set(['EA', 'CA'])], ['143', new Set(['850'])],
    ['128', new Set(['DP', 'IA'])], ['98', new Set(['ST', 'BT'])], ['66', new Set(['92', 'UL'])]]),
  sets: new Map([['850', def]]),
  tagsBySet: new Map([['850', new Set(['ST', 'BEG', 'REF', 'N1', 'N3', 'N4', 'PO1', 'PID', 'CTT', 'SE'])]]),
};

const ISA = 'ISA*00*          *00*          *ZZ*A              *ZZ*B              *261127*1200*U*00401*000000001*0*P*>~';
function set(...lines: string[]): RawSegment[] {
  return readSegments(Buffer.from(`${ISA}${['ST*850*0001', ...lines, `SE*${lines.length + 2}*0001`].join('~')}~`)).slice(1) as RawSegment[];
}
const check = (...lines: string[]) => validateSet(set(...lines), def, dict);
const codes = (...lines: string[]) => check(...lines).segmentErrors.map((e) => `${e.segment}@${e.position}:${e.code}${e.elements.map((x) => `/${x.element}:${x.code}`).join('')}`);

describe('X12 transaction set structure (AK3 codes)', () => {
  it('accepts a set in order, loops repeated', () => {
    const r = check('BEG*00*SA*PO1**20261127', 'REF*DP*038', 'N1*ST*STORE', 'N3*1 MAIN ST', 'N4*SOLON*OH', 'N1*BT*HQ', 'N4*AKRON*OH', 'PO1*1*10*EA*9.5', 'PID*A', 'PO1*2*1*CA*3', 'CTT*2');
    expect(r.segmentErrors).toEqual([]);
    expect(r.setErrors).toEqual([]);
  });

  it('3: a mandatory segment missing, at the position where it was due', () => {
    expect(codes('REF*DP*038', 'PO1*1*10*EA*9.5')).toEqual(['BEG@2:3']);
    expect(codes('BEG*00*SA*PO1**20261127', 'CTT*0')).toEqual(['PO1@3:3']);
  });

  it('3: a mandatory segment missing inside a loop, found when the loop closes', () => {
    expect(codes('BEG*00*SA*PO1**20261127', 'N1*ST*STORE', 'N3*1 MAIN ST', 'PO1*1*10*EA*9.5')).toEqual(['N4@5:3']);
  });

  it('4: a loop over its maximum repeat', () => {
    expect(codes('BEG*00*SA*PO1**20261127', 'N1*ST*A1', 'N4*AA', 'N1*BT*B1', 'N4*BB', 'N1*ST*C1', 'N4*CC', 'PO1*1*10*EA*9.5')).toEqual(['N1@7:4']);
  });

  it('5: a segment over its maximum use', () => {
    expect(codes('BEG*00*SA*PO1**20261127', 'REF*DP*1', 'REF*DP*2', 'REF*DP*3', 'PO1*1*10*EA*9.5')).toEqual(['REF@5:5']);
  });

  it('6, 1: a segment of another set, and an unknown tag', () => {
    expect(codes('BEG*00*SA*PO1**20261127', 'MSG*HELLO', 'PO1*1*10*EA*9.5')).toEqual(['MSG@3:6']);
    expect(codes('BEG*00*SA*PO1**20261127', 'ZZZ*1', 'PO1*1*10*EA*9.5')).toEqual(['ZZZ@3:1']);
  });

  it('7 and 2: out of sequence, and a loop segment before its loop starts', () => {
    expect(codes('BEG*00*SA*PO1**20261127', 'PO1*1*10*EA*9.5', 'REF*DP*038')).toEqual(['REF@4:7']);
    expect(codes('BEG*00*SA*PO1**20261127', 'PID*A', 'PO1*1*10*EA*9.5')).toEqual(['PID@3:2']);
  });

  it('8: element errors, with AK4 codes', () => {
    expect(codes('BEG*00*XX*PO1**20261340', 'PO1*1**EA')).toEqual(['BEG@2:8/2:7/5:8', 'PO1@3:8/2:2']);
    expect(codes('BEG*00*SA**', 'PO1*1*10*EA*9.5*7')).toEqual(['BEG@2:8/3:1/5:1', 'PO1@3:8/5:3']);
    expect(codes('BEG*00*SA*PO1**20261127', 'REF*DP', 'PO1*1*abc*EA*9.5')).toEqual(['REF@3:8/2:2', 'PO1@4:8/2:6']);
  });

  it('names the element, the value and the rule in each message', () => {
    const [e] = check('BEG*00*SA*PO1**20261340', 'PO1*1*10*EA*9.5').segmentErrors;
    expect(e.elements[0]).toMatchObject({ element: 5, ref: '373', code: '8', value: '20261340', message: "BEG05 (373 date) '20261340' is not a valid date (CCYYMMDD)" });
  });
});
