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
