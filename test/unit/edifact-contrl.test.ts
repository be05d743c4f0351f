import { buildContrl } from '../../src/acks/edifact-acks';
import { readAperak, readContrl } from '../../src/acks/read-edifact-acks';
import type { EdifactValidationContext } from '../../src/parsers/edifact/edifact-validator';
import { readSegments } from '../../src/parsers/edifact/segment-reader';
import type { EdifactSegment } from '../../src/parsers/edifact/segment';
import { validateEdifactBytes } from '../../src/parsers/edifact/validate-stream';
import { markDuplicate } from '../../src/parsers/duplicates';
import type { ValidationError } from '../../src/parsers/validation-report';
import { NORDMART, PARTNERS, SELF, TEST_DEFINITIONS, orders } from '../edifact-fixtures';

const CTX: EdifactValidationContext = { self: SELF, partners: PARTNERS, definitions: TEST_DEFINITIONS };
const NOW = new Date(Date.UTC(2026, 10, 27, 13, 5));

function run(text: string, ctx: EdifactValidationContext = CTX) {
  return validateEdifactBytes(Buffer.from(text, 'latin1'), ctx);
}

function contrlOf(text: string, ctx: EdifactValidationContext = CTX) {
  const result = run(text, ctx);
  const ic = result.interchanges[0];
  const acks = buildContrl(ic, { self: SELF, partner: NORDMART, controlNumbers: { interchange: 41, message: 7 }, now: NOW });
  return { result, acks, segments: readSegments(Buffer.from(acks.text ?? '')).filter((s): s is EdifactSegment => s.kind === 'segment') };
}

type Level = 'file' | 'interchange' | 'group' | 'message' | 'segment' | 'element';

function errorsAt(text: string, level: Level, ctx: EdifactValidationContext = CTX): ValidationError[] {
  const { report } = run(text, ctx);
  const ics = report.interchanges;
  const sets = ics.flatMap((i) => i.groups.flatMap((g) => g.sets));
  switch (level) {
    case 'file': return report.errors;
    case 'interchange': return ics.flatMap((i) => i.errors);
    case 'group': return ics.flatMap((i) => i.groups.flatMap((g) => g.errors));
    case 'message': return sets.flatMap((s) => s.errors.filter((e) => e.position === undefined));
    case 'segment': return sets.flatMap((s) => s.errors.filter((e) => e.position !== undefined && e.element === undefined));
    default: return sets.flatMap((s) => s.errors.filter((e) => e.element !== undefined && e.position !== undefined));
  }
}

describe('a valid interchange', () => {
  it('is accepted and acknowledged with UCI 7 and UCM 7, in syntax 3 with the profile\'s CONTRL directory', () => {
    const { result, acks, segments } = contrlOf(orders());
    expect(result.report.ok).toBe(true);
    expect(result.report.interchanges[0]).toMatchObject({ standard: 'EDIFACT', version: 'D96A', syntax: 'UNOC:3', partnerId: 'nordmart', status: 'accepted' });
    expect(acks.action).toBe('7');
    expect(acks.text).toBe([
      'UNB+UNOC:3+5790000000001:14+5412345000013:14+261127:1305+41\'',
      'UNH+7+CONTRL:D:96A:UN\'',
      'UCI+IC1+5412345000013:14+5790000000001:14+7\'',
      'UCM+M1+ORDERS:D:96A:UN+7\'',
      'UNT+4+7\'',
      'UNZ+1+41\'',
      '',
    ].join('\n'));
    expect(segments.map((s) => s.tag)).toEqual(['UNB', 'UNH', 'UCI', 'UCM', 'UNT', 'UNZ']);
  });

  it('owes nothing to a partner that neither asks nor wants CONTRL', () => {
    const quiet = { ...NORDMART, acknowledgments: { ...NORDMART.acknowledgments, send: [] } };
    const ic = run(orders()).interchanges[0];
    expect(buildContrl(ic, { self: SELF, partner: quiet, controlNumbers: { interchange: 1, message: 1 }, now: NOW }).text).toBeUndefined();
    const asked = run(orders({ 'UNB+UNOC:3+5412345000013:14+5790000000001:14+261127:1200+IC1': 'UNB+UNOC:3+5412345000013:14+5790000000001:14+261127:1200+IC1++++1' })).interchanges[0];
    expect(asked.report.ackRequested).toBe(true);
    expect(buildContrl(asked, { self: SELF, partner: quiet, controlNumbers: { interchange: 1, message: 1 }, now: NOW }).action).toBe('7');
  });
});

const UNB = 'UNB+UNOC:3+5412345000013:14+5790000000001:14+261127:1200+IC1';

/**
 * Each CONTRL syntax error code we emit, with an input that triggers it, the level it is reported
 * at, and the CONTRL line that carries it.
 */
const CASES: { code: string; what: string; text: string; level: Level; contrl?: RegExp; ctx?: EdifactValidationContext }[] = [
  { code: '2', what: 'syntax identifier not supported', text: orders({ [UNB]: UNB.replace('UNOC:3', 'IATB:1') }), level: 'interchange', contrl: /^UCI\+IC1\+.*\+4\+2\+UNB\+1:1'$/m },
  { code: '7', what: 'interchange addressed to someone else', text: orders({ [UNB]: UNB.replace('5790000000001:14', '5790000000099:14') }), level: 'interchange', contrl: /^UCI\+IC1\+.*\+4\+7\+UNB\+3'$/m },
  { code: '12', what: 'a code not in the list', text: orders({ 'BGM+220+PO1+9': 'BGM+220+PO1+X' }), level: 'element', contrl: /^UCS\+2'\nUCD\+12\+3'$/m },
  { code: '12', what: 'an invalid UNB date', text: orders({ [UNB]: UNB.replace('261127', '261340') }), level: 'interchange', contrl: /^UCI\+.*\+4\+12\+UNB\+4:1'$/m },
  { code: '13', what: 'a mandatory segment missing', text: orders({ 'BGM+220+PO1+9': '', 'UNT+8+M1': 'UNT+7+M1' }), level: 'segment', contrl: /^UCS\+\d+\+13'$/m },
  { code: '13', what: 'a mandatory component missing', text: orders({ 'QTY+21:12': 'QTY+21' }), level: 'element', contrl: /^UCD\+13\+1:2'$/m },
  { code: '13', what: 'no UNZ', text: orders({ 'UNZ+1+IC1': '' }), level: 'interchange', contrl: /^UCI\+.*\+4\+13\+UNZ'$/m },
  { code: '14', what: 'a code the subset does not allow', text: orders({ 'UNH+M1+ORDERS:D:96A:UN': 'UNH+M1+ORDERS:D:96A:UN:EAN008', 'BGM+220+PO1+9': 'BGM+220+PO1+1' }), level: 'element', contrl: /^UCD\+14\+3'$/m },
  { code: '15', what: 'a segment with no place in the message', text: orders({ 'UNS+S': "FTX+NOTE'UNS+S", 'UNT+8+M1': 'UNT+9+M1' }), level: 'segment', contrl: /^UCS\+7\+15'$/m },
  { code: '16', what: 'too many data elements', text: orders({ 'UNS+S': 'UNS+S+X' }), level: 'element', contrl: /^UCD\+16\+2'$/m },
  { code: '16', what: 'too many components', text: orders({ 'QTY+21:12': 'QTY+21:12:PCE:X' }), level: 'element', contrl: /^UCD\+16\+1:4'$/m },
  { code: '17', what: 'a message type we hold no definition for', text: orders({ 'UNH+M1+ORDERS:D:96A:UN': 'UNH+M1+INVOIC:D:96A:UN' }), level: 'message', contrl: /^UCM\+M1\+INVOIC:D:96A:UN\+4\+17\+UNH\+2'$/m },
  { code: '17', what: 'a directory we hold no definition for', text: orders({ 'UNH+M1+ORDERS:D:96A:UN': 'UNH+M1+ORDERS:D:97B:UN' }), level: 'message', ctx: { definitions: TEST_DEFINITIONS } },
  { code: '19', what: 'two decimal marks', text: orders({ 'QTY+21:12': 'QTY+21:1.2.3' }), level: 'element', contrl: /^UCD\+19\+1:2'$/m },
  { code: '19', what: 'a decimal comma where the interchange advises a point', text: orders({ 'QTY+21:12': 'QTY+21:1,5' }), level: 'element' },
  { code: '20', what: 'a letter as UNA service character', text: `UNAA+.? '${orders()}`, level: 'file' },
  { code: '21', what: 'lower case in UNOA', text: orders({ [UNB]: UNB.replace('UNOC', 'UNOA'), 'BGM+220+PO1+9': 'BGM+220+po1+9' }), level: 'element', contrl: /^UCD\+21\+2'$/m },
  { code: '22', what: 'segments ended by line breaks', text: orders().replace(/'/g, ''), level: 'file' },
  { code: '23', what: 'a sender in no profile', text: orders({ [UNB]: UNB.replace('5412345000013:14', '4000000000000:14') }), level: 'interchange', contrl: /^UCI\+.*\+4\+23\+UNB\+2'$/m },
  { code: '25', what: 'a test interchange from a partner in production', text: orders({ [UNB]: `${UNB}++++++1` }), level: 'interchange', contrl: /^UCI\+.*\+4\+25\+UNB\+11'$/m },
  { code: '26', what: 'a message reference used twice', text: orders({ 'UNT+8+M1': "UNT+8+M1'UNH+M1+ORDERS:D:96A:UN'BGM+220+PO2+9'UNS+S'UNT+4+M1", 'UNZ+1+IC1': 'UNZ+2+IC1' }), level: 'message', contrl: /^UCM\+M1\+ORDERS:D:96A:UN\+4\+26\+UNH\+1'$/m },
  { code: '28', what: 'UNT reference differs', text: orders({ 'UNT+8+M1': 'UNT+8+M2' }), level: 'message', contrl: /^UCM\+M1\+ORDERS:D:96A:UN\+4\+28\+UNT\+2'$/m },
  { code: '28', what: 'UNZ reference differs', text: orders({ 'UNZ+1+IC1': 'UNZ+1+IC2' }), level: 'interchange', contrl: /^UCI\+IC1\+.*\+4\+28\+UNZ\+2'$/m },
  { code: '29', what: 'UNT count differs', text: orders({ 'UNT+8+M1': 'UNT+9+M1' }), level: 'message', contrl: /^UCM\+M1\+.*\+4\+29\+UNT\+1'$/m },
  { code: '29', what: 'UNZ count differs', text: orders({ 'UNZ+1+IC1': 'UNZ+3+IC1' }), level: 'interchange' },
  { code: '29', what: 'UNE count differs', text: orders({ 'UNH+M1+ORDERS:D:96A:UN': "UNG+ORDERS+5412345000013:14+5790000000001:14+261127:1200+G1+UN+D:96A'UNH+M1+ORDERS:D:96A:UN", 'UNT+8+M1': "UNT+8+M1'UNE+2+G1" }), level: 'group', contrl: /^UCF\+G1\+5412345000013\+5790000000001\+4\+29\+UNE\+1'$/m },
  { code: '30', what: 'messages inside and outside groups', text: orders({ 'UNT+8+M1': "UNT+8+M1'UNG+ORDERS+5412345000013:14+5790000000001:14+261127:1200+G1+UN+D:96A'UNH+M2+ORDERS:D:96A:UN'BGM+220+PO2+9'UNS+S'UNT+4+M2'UNE+1+G1" }), level: 'interchange' },
  { code: '32', what: 'an interchange with no message', text: `${UNB}'UNZ+0+IC1'`, level: 'interchange', contrl: /^UCI\+.*\+4\+32'$/m },
  { code: '33', what: 'a segment outside any message', text: orders({ 'UNH+M1+ORDERS:D:96A:UN': "FTX+LOOSE'UNH+M1+ORDERS:D:96A:UN" }), level: 'interchange' },
  { code: '35', what: 'a segment repeated beyond its maximum', text: orders({ 'DTM+137:20261127:102': "DTM+137:20261127:102'DTM+2:20261201:102'DTM+63:20261202:102", 'UNT+8+M1': 'UNT+10+M1' }), level: 'segment', contrl: /^UCS\+5\+35'$/m },
  { code: '36', what: 'a segment group repeated beyond its maximum', text: orders({ 'LIN+1': "LIN+1'LIN+2'LIN+3'LIN+4", 'UNT+8+M1': 'UNT+11+M1' }), level: 'segment', contrl: /^UCS\+8\+36'$/m },
  { code: '37', what: 'letters in a number', text: orders({ 'QTY+21:12': 'QTY+21:12A' }), level: 'element', contrl: /^UCD\+37\+1:2'$/m },
  { code: '37', what: 'digits in an alphabetic element', text: orders({ 'UNS+S': 'UNS+1' }), level: 'element' },
  { code: '38', what: 'no digit before the decimal mark', text: orders({ 'QTY+21:12': 'QTY+21:.5' }), level: 'element', contrl: /^UCD\+38\+1:2'$/m },
  { code: '39', what: 'a value too long', text: orders({ 'BGM+220+PO1+9': `BGM+220+${'P'.repeat(36)}+9` }), level: 'element', contrl: /^UCD\+39\+2'$/m },
  { code: '40', what: 'a value too short', text: orders({ 'NAD+BY+5412345000013::9': 'NAD+BY+5412345000013::9+BE' }), level: 'element', contrl: /^UCD\+40\+3'$/m },
];

describe('each CONTRL syntax error code, with an input that triggers it', () => {
  it.each(CASES)('$code: $what', ({ code, text, level, contrl, ctx }) => {
    const errors = errorsAt(text, level, ctx ?? CTX);
    expect(errors.map((e) => e.code)).toContain(code);
    expect(run(text, ctx ?? CTX).report.ok).toBe(false);
    if (contrl) {
      const { acks } = contrlOf(text, ctx ?? CTX);
      expect(acks.text).toMatch(contrl);
    }
  });

  it('26 for an interchange received before: UCI 4 with the duplicate code', () => {
    const result = run(orders());
    markDuplicate(result.report.interchanges[0], { messageId: 3, recordedAt: NOW });
    const acks = buildContrl(result.interchanges[0], { self: SELF, partner: NORDMART, controlNumbers: { interchange: 2, message: 2 }, now: NOW });
    expect(acks.text).toMatch(/^UCI\+IC1\+5412345000013:14\+5790000000001:14\+4\+26'$/m);
    expect(acks.text).not.toMatch(/^UCM/m);
  });
});

describe('CONTRL on CONTRL, and reading a CONTRL', () => {
  const contrl = (ack: string) => [
    "UNB+UNOC:3+5412345000013:14+5790000000001:14+261127:1200+IC9++++1'",
    "UNH+1+CONTRL:D:96A:UN'",
    `UCI+41+5790000000001:14+5412345000013:14+${ack}'`,
    "UCM+M7+INVOIC:D:96A:UN:EAN008+4+29+UNT+1'",
    "UCS+5+13'",
    "UCD+12+3:1'",
    "UNT+6+1'",
    "UNZ+1+IC9'",
  ].join('');

  it('answers a CONTRL interchange only with UCI 8 (received), when asked', () => {
    // The real D96A CONTRL definition, not the test directory.
    const { acks, result } = contrlOf(contrl('7'), { self: SELF, partners: PARTNERS });
    expect(result.report.ok).toBe(true);
    expect(acks.action).toBe('8');
    expect(acks.text).toMatch(/^UCI\+IC9\+5412345000013:14\+5790000000001:14\+8'$/m);
    expect(acks.text).not.toMatch(/^UCM/m);
  });

  it('reads what the partner says about our interchange, message by message', () => {
    const segments = readSegments(Buffer.from(contrl('7'))).filter((s): s is EdifactSegment => s.kind === 'segment');
    const body = segments.slice(1, -1);
    expect(readContrl(body)).toEqual({
      interchangeRef: '41', action: '7', groups: [],
      messages: [{ reference: 'M7', type: 'INVOIC', action: '4', errorCode: '29', groupRef: undefined, details: ['segment 5: error 13', '  element 3.1: error 12'] }],
    });
  });
});

describe('syntax 4', () => {
  it('answers in syntax 4 with CONTRL:4:1 and the CCYYMMDD date', () => {
    const text = orders({ [UNB]: 'UNB+UNOC:4+5412345000013:14+5790000000001:14+20261127:1200+IC1' });
    const { acks, result } = contrlOf(text);
    expect(result.report.ok).toBe(true);
    expect(acks.text).toContain("UNB+UNOC:4+5790000000001:14+5412345000013:14+20261127:1305+41'");
    expect(acks.text).toContain("UNH+7+CONTRL:4:1:UN'");
  });

  it('reads the repetition separator and rejects more repeats than the element allows', () => {
    const text = orders({ [UNB]: 'UNB+UNOC:4+5412345000013:14+5790000000001:14+20261127:1200+IC1', 'QTY+21:12': 'QTY+21:12*21:13' });
    const errors = errorsAt(text, 'element');
    expect(errors).toContainEqual(expect.objectContaining({ segment: 'QTY', element: 1, code: '16' }));
  });
});

describe('APERAK and the partner profile', () => {
  const aperak = (fn: string, erc: string) => readSegments(Buffer.from(
    `UNH+1+APERAK:D:96A:UN'BGM+27+AP1+${fn}'DTM+137:20261127:102'RFF+ACW:D7'${erc}FTX+AAI+++BAD GTIN:LINE 3'UNT+7+1'`,
  )).filter((s): s is EdifactSegment => s.kind === 'segment');

  it('reads which of our messages an APERAK names (RFF+ACW) and whether it rejects it', () => {
    expect(readAperak(aperak('27', "ERC+12'"))).toMatchObject({ messageRef: 'D7', function: '27', errorCodes: ['12'], rejected: true, texts: ['BAD GTIN LINE 3'] });
    expect(readAperak(aperak('29', ''))).toMatchObject({ messageRef: 'D7', rejected: false });
  });

  it('17 for a message type the partner\'s profile does not list, though we hold its definition', () => {
    const withInvoic = { ...TEST_DEFINITIONS, message: (d: string, t: string, a?: string) => TEST_DEFINITIONS.message(d, t === 'INVOIC' ? 'ORDERS' : t, a) };
    const errors = errorsAt(orders({ 'UNH+M1+ORDERS:D:96A:UN': 'UNH+M1+INVOIC:D:96A:UN' }), 'message', { ...CTX, definitions: withInvoic });
    expect(errors).toContainEqual(expect.objectContaining({ code: '17', message: "partner 'nordmart' does not send INVOIC (see its profile)" }));
  });
});
