import type { MessageDef } from '../src/parsers/edifact/definition.schema';
import type { DefinitionSource } from '../src/parsers/edifact/message-validator';
import type { Dictionary } from '../src/parsers/edifact/segment-validator';
import { PartnerRegistry } from '../src/partners/partner-registry';
import { PartnerProfileSchema } from '../src/partners/profile.schema';

/** A small directory of our own for the EDIFACT unit tests: they must not depend on the real data's details. */
const an = (max: number) => ({ name: `an..${max}`, type: 'an' as const, min: 1, max });
export const TEST_DICTIONARY: Dictionary = {
  elements: {
    '1001': an(3), '1131': an(3), '3055': an(3), '1000': an(35), '1004': an(35), '1225': an(3), '2005': an(3), '2380': an(35), '2379': an(3),
    '3035': an(3), '3039': an(35), '3139': an(3), '1082': { name: 'Line item number', type: 'n', min: 1, max: 6 },
    '6063': an(3), '6060': { name: 'Quantity', type: 'n', min: 1, max: 15 }, '6411': an(3), '0081': { name: 'Section identification', type: 'a', min: 1, max: 1 },
    '3207': { name: 'Country', type: 'a', min: 3, max: 3 },
  },
  composites: {
    C002: { name: 'Document/message name', components: [{ ref: '1001', req: 'C' }, { ref: '1131', req: 'C' }, { ref: '3055', req: 'C' }, { ref: '1000', req: 'C' }] },
    C507: { name: 'Date/time/period', components: [{ ref: '2005', req: 'M' }, { ref: '2380', req: 'C' }, { ref: '2379', req: 'C' }] },
    C082: { name: 'Party identification details', components: [{ ref: '3039', req: 'M' }, { ref: '1131', req: 'C' }, { ref: '3055', req: 'C' }] },
    C186: { name: 'Quantity details', components: [{ ref: '6063', req: 'M' }, { ref: '6060', req: 'M' }, { ref: '6411', req: 'C' }] },
  },
  segments: {
    BGM: { name: 'Beginning of message', elements: [{ ref: 'C002', req: 'C' }, { ref: '1004', req: 'C' }, { ref: '1225', req: 'C' }] },
    DTM: { name: 'Date/time/period', elements: [{ ref: 'C507', req: 'M' }] },
    NAD: { name: 'Name and address', elements: [{ ref: '3035', req: 'M' }, { ref: 'C082', req: 'C' }, { ref: '3207', req: 'C' }] },
    CTA: { name: 'Contact information', elements: [{ ref: '3139', req: 'C' }] },
    LIN: { name: 'Line item', elements: [{ ref: '1082', req: 'C' }] },
    QTY: { name: 'Quantity', elements: [{ ref: 'C186', req: 'M' }] },
    UNS: { name: 'Section control', elements: [{ ref: '0081', req: 'M' }] },
    FTX: { name: 'Free text', elements: [{ ref: '1000', req: 'C' }] },
  },
  codes: new Map([['1225', new Set(['1', '9'])]]),
};

const structure: MessageDef['structure'] = [
  { segment: 'UNH', req: 'M', max: 1 },
  { segment: 'BGM', req: 'M', max: 1 },
  { segment: 'DTM', req: 'C', max: 2 },
  { group: 'SG1', req: 'C', max: 2, children: [{ segment: 'NAD', req: 'M', max: 1 }, { segment: 'CTA', req: 'C', max: 1 }] },
  { group: 'SG2', req: 'C', max: 3, children: [{ segment: 'LIN', req: 'M', max: 1 }, { segment: 'QTY', req: 'C', max: 1 }] },
  { segment: 'UNS', req: 'M', max: 1 },
  { segment: 'UNT', req: 'M', max: 1 },
];
export const TEST_ORDERS: MessageDef = { id: 'ORDERS', name: 'Purchase order', directory: 'D96A', overrides: {}, structure };
/** A subset in the EANCOM manner: BGM 1225 narrowed to 9. */
export const TEST_ORDERS_EAN008: MessageDef = { ...TEST_ORDERS, association: 'EAN008', overrides: { BGM: { '3': { codes: ['9'] } } } };

export const TEST_DEFINITIONS: DefinitionSource = {
  dictionary: (d) => (d === 'D96A' ? TEST_DICTIONARY : undefined),
  message: (d, t, a) => (d !== 'D96A' || t !== 'ORDERS' ? undefined : a === 'EAN008' ? TEST_ORDERS_EAN008 : TEST_ORDERS),
};

export const NORDMART = PartnerProfileSchema.parse({
  id: 'nordmart', name: 'Nordmart', mode: 'production',
  identifiers: { edifact: [{ id: '5412345000013', qualifier: '14' }] },
  documents: {
    inbound: [{ standard: 'EDIFACT', type: 'ORDERS', version: 'D96A', association: 'EAN008' }, { standard: 'EDIFACT', type: 'CONTRL', version: 'D96A' }],
    outbound: [{ standard: 'EDIFACT', type: 'CONTRL', version: 'D96A' }],
  },
  acknowledgments: { send: ['CONTRL'], expect: ['CONTRL'] },
});
export const PARTNERS = new PartnerRegistry([NORDMART]);
export const SELF = { id: '5790000000001', qualifier: '14' };

/** A valid ORDERS interchange from Nordmart to us; `replace` swaps segments by their text. */
export function orders(replace: Record<string, string> = {}): string {
  const segs = [
    'UNB+UNOC:3+5412345000013:14+5790000000001:14+261127:1200+IC1',
    'UNH+M1+ORDERS:D:96A:UN',
    'BGM+220+PO1+9',
    'DTM+137:20261127:102',
    'NAD+BY+5412345000013::9',
    'LIN+1',
    'QTY+21:12',
    'UNS+S',
    'UNT+8+M1',
    'UNZ+1+IC1',
  ];
  return segs.map((s) => (s in replace ? replace[s] : s)).filter(Boolean).map((s) => (s.endsWith("'") ? s : `${s}'`)).join('\n') + '\n';
}
