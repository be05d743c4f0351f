import { buildContrl } from '../../src/acks/edifact-acks';
import { readAperak, readContrl } from '../../src/acks/read-edifact-acks';
import type { EdifactValidationContext } from '../../src/parsers/edifact/edifact-validator';
import { readSegments } from '../../src/parsers/edifact/segment-reader';
import type { EdifactSegment } from '../../src/parsers/edifact/segment';
import { validateEdifactBytes } from '../../src/parsers/edifact/validate-stream';
import { markDuplicate } from '../../src/parsers/duplicates';
import type { ValidationError } from '../../src/parsers/validation-report';
import { NORDMART, PARTNERS, SELF, TEST_DEFINITIONS, orders } from '../edifact-fixtures';
import { readEdifact } from '../peer-readers';

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
      'UNH+7+CONTRL:D:3:UN:EAN002\'',
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
  { code: '2', what: 'syntax identifier not supported', text: orders({ [UNB]: UNB.replace('UNOC:3', 'IATB:1') }), level: 'interchange', contrl: /^UCI\+IC1\+.*\+4\+2\+UNB\+2:1'$/m },
  { code: '7', what: 'interchange addressed to someone else', text: orders({ [UNB]: UNB.replace('5790000000001:14', '5790000000099:14') }), level: 'interchange', contrl: /^UCI\+IC1\+.*\+4\+7\+UNB\+4'$/m },
  { code: '12', what: 'a code not in the list', text: orders({ 'BGM+220+PO1+9': 'BGM+220+PO1+X' }), level: 'element', contrl: /^UCS\+2'\nUCD\+12\+4'$/m },
  { code: '12', what: 'an invalid UNB date', text: orders({ [UNB]: UNB.replace('261127', '261340') }), level: 'interchange', contrl: /^UCI\+.*\+4\+12\+UNB\+5:1'$/m },
  { code: '13', what: 'a mandatory segment missing', text: orders({ 'BGM+220+PO1+9': '', 'UNT+8+M1': 'UNT+7+M1' }), level: 'segment', contrl: /^UCS\+\d+\+13'$/m },
  { code: '13', what: 'a mandatory component missing', text: orders({ 'QTY+21:12': 'QTY+21' }), level: 'element', contrl: /^UCD\+13\+2:2'$/m },
  { code: '13', what: 'no UNZ', text: orders({ 'UNZ+1+IC1': '' }), level: 'interchange', contrl: /^UCI\+.*\+4\+13\+UNZ'$/m },
  { code: '14', what: 'a code the subset does not allow', text: orders({ 'UNH+M1+ORDERS:D:96A:UN': 'UNH+M1+ORDERS:D:96A:UN:EAN008', 'BGM+220+PO1+9': 'BGM+220+PO1+1' }), level: 'element', contrl: /^UCD\+14\+4'$/m },
  { code: '15', what: 'a segment with no place in the message', text: orders({ 'UNS+S': "FTX+NOTE'UNS+S", 'UNT+8+M1': 'UNT+9+M1' }), level: 'segment', contrl: /^UCS\+7\+15'$/m },
  { code: '16', what: 'too many data elements', text: orders({ 'UNS+S': 'UNS+S+X' }), level: 'element', contrl: /^UCD\+16\+3'$/m },
  { code: '16', what: 'too many components', text: orders({ 'QTY+21:12': 'QTY+21:12:PCE:X' }), level: 'element', contrl: /^UCD\+16\+2:4'$/m },
  { code: '17', what: 'a message type we hold no definition for', text: orders({ 'UNH+M1+ORDERS:D:96A:UN': 'UNH+M1+INVOIC:D:96A:UN' }), level: 'message', contrl: /^UCM\+M1\+INVOIC:D:96A:UN\+4\+17\+UNH\+3'$/m },
  { code: '17', what: 'a directory we hold no definition for', text: orders({ 'UNH+M1+ORDERS:D:96A:UN': 'UNH+M1+ORDERS:D:97B:UN' }), level: 'message', ctx: { definitions: TEST_DEFINITIONS } },
  { code: '19', what: 'two decimal marks', text: orders({ 'QTY+21:12': 'QTY+21:1.2.3' }), level: 'element', contrl: /^UCD\+19\+2:2'$/m },
  { code: '19', what: 'a decimal comma where the interchange advises a point', text: orders({ 'QTY+21:12': 'QTY+21:1,5' }), level: 'element' },
  { code: '20', what: 'a letter as UNA service character', text: `UNAA+.? '${orders()}`, level: 'file' },
  { code: '21', what: 'lower case in UNOA', text: orders({ [UNB]: UNB.replace('UNOC', 'UNOA'), 'BGM+220+PO1+9': 'BGM+220+po1+9' }), level: 'element', contrl: /^UCD\+21\+3'$/m },
  { code: '22', what: 'segments ended by line breaks', text: orders().replace(/'/g, ''), level: 'file' },
  { code: '23', what: 'a sender in no profile', text: orders({ [UNB]: UNB.replace('5412345000013:14', '4000000000000:14') }), level: 'interchange', contrl: /^UCI\+.*\+4\+23\+UNB\+3'$/m },
  { code: '25', what: 'a test interchange from a partner in production', text: orders({ [UNB]: `${UNB}++++++1` }), level: 'interchange', contrl: /^UCI\+.*\+4\+25\+UNB\+12'$/m },
  { code: '26', what: 'a message reference used twice', text: orders({ 'UNT+8+M1': "UNT+8+M1'UNH+M1+ORDERS:D:96A:UN'BGM+220+PO2+9'UNS+S'UNT+4+M1", 'UNZ+1+IC1': 'UNZ+2+IC1' }), level: 'message', contrl: /^UCM\+M1\+ORDERS:D:96A:UN\+4\+26\+UNH\+2'$/m },
  { code: '28', what: 'UNT reference differs', text: orders({ 'UNT+8+M1': 'UNT+8+M2' }), level: 'message', contrl: /^UCM\+M1\+ORDERS:D:96A:UN\+4\+28\+UNT\+3'$/m },
  { code: '28', what: 'UNZ reference differs', text: orders({ 'UNZ+1+IC1': 'UNZ+1+IC2' }), level: 'interchange', contrl: /^UCI\+IC1\+.*\+4\+28\+UNZ\+3'$/m },
  { code: '29', what: 'UNT count differs', text: orders({ 'UNT+8+M1': 'UNT+9+M1' }), level: 'message', contrl: /^UCM\+M1\+.*\+4\+29\+UNT\+2'$/m },
  { code: '29', what: 'UNZ count differs', text: orders({ 'UNZ+1+IC1': 'UNZ+3+IC1' }), level: 'interchange' },
  { code: '29', what: 'UNE count differs', text: orders({ 'UNH+M1+ORDERS:D:96A:UN': "UNG+ORDERS+5412345000013:14+5790000000001:14+261127:1200+G1+UN+D:96A'UNH+M1+ORDERS:D:96A:UN", 'UNT+8+M1': "UNT+8+M1'UNE+2+G1" }), level: 'group', contrl: /^UCF\+G1\+5412345000013:14\+5790000000001:14\+4\+29\+UNE\+2'$/m },
  { code: '30', what: 'messages inside and outside groups', text: orders({ 'UNT+8+M1': "UNT+8+M1'UNG+ORDERS+5412345000013:14+5790000000001:14+261127:1200+G1+UN+D:96A'UNH+M2+ORDERS:D:96A:UN'BGM+220+PO2+9'UNS+S'UNT+4+M2'UNE+1+G1" }), level: 'interchange' },
  { code: '32', what: 'an interchange with no message', text: `${UNB}'UNZ+0+IC1'`, level: 'interchange', contrl: /^UCI\+.*\+4\+32'$/m },
  { code: '33', what: 'a segment outside any message', text: orders({ 'UNH+M1+ORDERS:D:96A:UN': "FTX+LOOSE'UNH+M1+ORDERS:D:96A:UN" }), level: 'interchange' },
  { code: '35', what: 'a segment repeated beyond its maximum', text: orders({ 'DTM+137:20261127:102': "DTM+137:20261127:102'DTM+2:20261201:102'DTM+63:20261202:102", 'UNT+8+M1': 'UNT+10+M1' }), level: 'segment', contrl: /^UCS\+5\+35'$/m },
  { code: '36', what: 'a segment group repeated beyond its maximum', text: orders({ 'LIN+1': "LIN+1'LIN+2'LIN+3'LIN+4", 'UNT+8+M1': 'UNT+11+M1' }), level: 'segment', contrl: /^UCS\+8\+36'$/m },
  { code: '37', what: 'letters in a number', text: orders({ 'QTY+21:12': 'QTY+21:12A' }), level: 'element', contrl: /^UCD\+37\+2:2'$/m },
  { code: '37', what: 'digits in an alphabetic element', text: orders({ 'UNS+S': 'UNS+1' }), level: 'element' },
  { code: '38', what: 'no digit before the decimal mark', text: orders({ 'QTY+21:12': 'QTY+21:.5' }), level: 'element', contrl: /^UCD\+38\+2:2'$/m },
  { code: '39', what: 'a value too long', text: orders({ 'BGM+220+PO1+9': `BGM+220+${'P'.repeat(36)}+9` }), level: 'element', contrl: /^UCD\+39\+3'$/m },
  { code: '40', what: 'a value too short', text: orders({ 'NAD+BY+5412345000013::9': 'NAD+BY+5412345000013::9+BE' }), level: 'element', contrl: /^UCD\+40\+4'$/m },
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

describe('what the CONTRL copies and how it is written, read back by the edifact package', () => {
  const peer = (text: string) => readEdifact(text);
  const seg = (segs: ReturnType<typeof peer>, name: string) => segs.find((s) => s.name === name)!;

  it('counts 0098 from the segment tag (ISO 9735): GTIN coded SRV under real D96A is UCD+12+4:2', () => {
    const text = orders({ 'LIN+1': 'LIN+1++5412345678908:SRV' });
    const { acks } = contrlOf(text, { self: SELF, partners: PARTNERS });
    const segs = peer(acks.text!);
    // UNH 1, BGM 2, DTM 3, NAD 4, LIN 5: the LIN's third element (C212) is position 4, 7143 its second component.
    const ucs = segs.findIndex((s) => s.name === 'UCS');
    expect(segs[ucs].elements[0]).toEqual(['5']);
    expect(segs[ucs + 1]).toEqual({ name: 'UCD', elements: [['12'], ['4', '2']] });
  });

  it('names itself CONTRL:D:3:UN in syntax 3, without an association for a partner that is not on EANCOM', () => {
    const plain = { ...NORDMART, documents: { ...NORDMART.documents, inbound: NORDMART.documents.inbound.map((d) => ({ ...d, association: undefined })) } };
    const ic = run(orders()).interchanges[0];
    const acks = buildContrl(ic, { self: SELF, partner: plain, controlNumbers: { interchange: 1, message: 1 }, now: NOW });
    expect(seg(peer(acks.text!), 'UNH').elements[1]).toEqual(['CONTRL', 'D', '3', 'UN']);
    const named = { ...NORDMART, documents: { ...NORDMART.documents, outbound: [{ standard: 'EDIFACT' as const, type: 'CONTRL' as const, version: 'D96A', association: 'EAN004' }] } };
    const ean4 = buildContrl(ic, { self: SELF, partner: named, controlNumbers: { interchange: 1, message: 1 }, now: NOW });
    expect(seg(peer(ean4.text!), 'UNH').elements[1]).toEqual(['CONTRL', 'D', '3', 'UN', 'EAN004']);
  });

  // Found by fuzzing (test/fuzz): a CONTRL rejecting UNOX was itself written in UNOX, which our own reader refuses.
  it('answers an interchange in a character set we do not read (UNOX) in UNOA', () => {
    const { result, acks } = contrlOf(orders({ [UNB]: UNB.replace('UNOC:3', 'UNOX:3') }));
    expect(result.report.interchanges[0].errors.map((e) => e.code)).toEqual(['2']);
    expect(acks.text).toMatch(/^UNB\+UNOA:3\+/);
    expect(run(acks.text!, {}).report.interchanges[0].errors).toEqual([]);
  });

  it('fills every mandatory copy when the interchange has no sender, recipient or reference (UNB+++++4)', () => {
    const text = orders({ [UNB]: 'UNB+UNOC:3+++++4' });
    const result = run(text);
    expect(result.report.ok).toBe(false);
    const acks = buildContrl(result.interchanges[0], { self: SELF, partner: NORDMART, controlNumbers: { interchange: 3, message: 3 }, now: NOW });
    const segs = peer(acks.text!);
    // Back to the partner the channel delivered it for; UCI copies what it can and names the rest.
    expect(seg(segs, 'UNB').elements[2]).toEqual(['5412345000013', '14']);
    const uci = seg(segs, 'UCI');
    expect(uci.elements[0]).toEqual(['UNKNOWN']);
    expect(uci.elements[1]).toEqual(['5412345000013', '14']);
    expect(uci.elements[2]).toEqual(['5790000000001', '14']);
    expect(uci.elements[3]).toEqual(['4']);
  });

  it('always goes out: a UNOA interchange with a UNA of "~" and a lower-case sender is answered in UNOB with the standard service characters', () => {
    const text = "UNA:+.? ~UNB+UNOA:3+nordmart:ZZZ+5790000000001:14+261127:1200+IC5~UNH+M1+ORDERS:D:96A:UN~BGM+220+PO1+9~UNT+3+M1~UNZ+1+IC5~";
    const result = run(text);
    const acks = buildContrl(result.interchanges[0], { self: SELF, partner: NORDMART, controlNumbers: { interchange: 4, message: 4 }, now: NOW });
    expect(acks.bytes).toBeDefined();
    expect(acks.spec!.syntax.id).toBe('UNOB');
    expect(acks.text).not.toContain('~');
    const segs = peer(acks.text!);
    expect(seg(segs, 'UNB').elements[0]).toEqual(['UNOB', '3']);
    expect(seg(segs, 'UCI').elements[1]).toEqual(['nordmart', 'ZZZ']);
  });

  it('keeps the partner\'s own service characters when its level can hold them', () => {
    const text = orders({ [UNB]: UNB.replace('UNOC', 'UNOA') }).replace(/'/g, '"').replace(/\+/g, '*').replace(/^/, 'UNA:*.? "');
    const result = run(text);
    expect(result.report.ok).toBe(true);
    const acks = buildContrl(result.interchanges[0], { self: SELF, partner: NORDMART, controlNumbers: { interchange: 5, message: 5 }, now: NOW });
    expect(acks.spec!.syntax.id).toBe('UNOA');
    expect(acks.text!.startsWith('UNA:*.? "')).toBe(true);
  });
});
