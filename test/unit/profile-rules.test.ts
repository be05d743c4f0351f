import { checkProfileRules, parseElementRef } from '../../src/parsers/profile-rules';
import { PartnerProfileSchema, type PartnerProfile } from '../../src/partners/profile.schema';
import { segsFromElements } from '../../src/translators/segments';

const profile = (validation: Record<string, unknown>): PartnerProfile => PartnerProfileSchema.parse({
  id: 'p1', name: 'P1', mode: 'test', identifiers: { x12: [{ qualifier: 'ZZ', id: 'P1', gsId: 'P1' }] }, documents: {}, validation,
});
const set = segsFromElements([['ST', '850', '0001'], ['BEG', '00', 'SA', 'PO1', '', '20261127'], ['PO1', '1', '5', 'EA', '2', '', 'UP', '0001'],
  ['PO1', '2', '5', 'EA', '2', '', 'VN', 'X1', 'UP', '0002'], ['CTT', '2'], ['SE', '6', '0001']], '>');

describe('partner validation rules', () => {
  it('parses element references with and without a component', () => {
    expect(parseElementRef('PO107')).toEqual({ tag: 'PO1', element: 7 });
    expect(parseElementRef('NAD0201')).toEqual({ tag: 'NAD', element: 2, component: 1 });
    expect(parseElementRef('N104')).toEqual({ tag: 'N1', element: 4 });
  });

  it('finds a segment the partner requires, placed at the trailer', () => {
    expect(checkProfileRules(profile({ requireSegments: { '850': ['DTM', 'CTT'] } }), '850', set))
      .toEqual([{ kind: 'segment_missing', segment: 'DTM', position: 6, message: "partner 'p1' requires a DTM segment in every 850" }]);
  });

  it('finds each occurrence of an element the partner requires', () => {
    const v = checkProfileRules(profile({ requireElements: { '850': ['PO108', 'BEG05'] } }), '850', set);
    expect(v.map((x) => [x.kind, x.segment, x.position, x.element])).toEqual([['element_missing', 'PO1', 3, 8]]);
  });

  it('finds a code outside the partner subset', () => {
    const v = checkProfileRules(profile({ allowCodes: { '850': { PO106: ['UP'], BEG02: ['SA', 'DS'] } } }), '850', set);
    expect(v).toEqual([expect.objectContaining({ kind: 'code_not_allowed', segment: 'PO1', position: 4, element: 6, value: 'VN' })]);
  });

  it('applies rules only to their document type', () => {
    expect(checkProfileRules(profile({ requireSegments: { '810': ['TDS'] } }), '850', set)).toEqual([]);
  });
});

describe('partner rules in X12 validation', () => {
  const { validateX12Bytes } = require('../../src/parsers/x12/validate-stream') as typeof import('../../src/parsers/x12/validate-stream');
  const { PartnerRegistry } = require('../../src/partners/partner-registry') as typeof import('../../src/partners/partner-registry');
  const strict = PartnerProfileSchema.parse({
    id: 'strict', name: 'Strict', mode: 'production', identifiers: { x12: [{ qualifier: 'ZZ', id: 'STRICT', gsId: 'STRICT' }] },
    documents: { inbound: [{ standard: 'X12', type: '850', version: '004010' }] },
    validation: { requireSegments: { '850': ['DTM'] }, requireElements: { '850': ['PO107'] }, allowCodes: { '850': { BEG02: ['SA'] } } },
  });
  const file = (beg02: string, po1: string) => Buffer.from(`ISA*00*          *00*          *ZZ*STRICT         *ZZ*ODOODIST       *261127*1200*U*00401*000000001*0*P*>~GS*PO*STRICT*ODOODIST*20261127*1200*1*X*004010~ST*850*0001~BEG*00*${beg02}*PO1**20261127~${po1}~CTT*1~SE*5*0001~GE*1*1~IEA*1*000000001~`);
  const validate = (b: Buffer) => validateX12Bytes(b, { self: { qualifier: 'ZZ', id: 'ODOODIST' }, partners: new PartnerRegistry([strict]) });

  it('rejects a set that breaks the partner rules with AK3 3, AK4 1 and 7, AK5 5', () => {
    const r = validate(file('DS', 'PO1*1*1*EA*1'));
    const set = r.report.interchanges[0].groups[0].sets[0];
    expect(set.status).toBe('rejected');
    expect(set.errors.map((e) => [e.segment, e.position, e.element, e.code])).toEqual([
      ['BEG', 2, 2, '7'], ['PO1', 3, 7, '1'], ['DTM', 5, undefined, '3']]);
  });

  it('accepts a set that keeps them', () => {
    // The standard lets PO107 go with PO106 empty too; the partner insists on both.
    const bytes = Buffer.from(file('SA', 'PO1*1*1*EA*1**UP*012345678905').toString().replace('BEG*00*SA*PO1**20261127~', 'BEG*00*SA*PO1**20261127~DTM*002*20261201~').replace('SE*5*', 'SE*6*'));
    expect(validate(bytes).report.ok).toBe(true);
  });
});
