import { buildX12Acks } from '../../src/acks/x12-acks';
import { loadProfiles } from '../../src/partners/load-profiles';
import { PartnerRegistry } from '../../src/partners/partner-registry';
import { validateX12Bytes } from '../../src/parsers/x12/validate-stream';
import { PROFILES } from '../helpers';
import { readX12 } from '../peer-readers';

const partners = new PartnerRegistry(loadProfiles(PROFILES).profiles);
const self = { qualifier: 'ZZ', id: 'ODOODIST', gsId: 'ODOODIST' };
const ctx = { self, partners };

interface Parts { sender?: string; receiver?: string; version?: '00401' | '00501'; control?: string; ack?: '0' | '1'; usage?: string;
  gs?: string; ge?: string; iea?: string; date?: string }

/** An interchange around the given transaction set lines (ST..SE included as given). */
function interchange(sets: string[][], p: Parts = {}): Buffer {
  const sender = p.sender ?? 'ACMERETAIL';
  const v5 = p.version === '00501';
  const control = p.control ?? '000000417';
  const isa = `ISA*00*          *00*          *ZZ*${sender.padEnd(15)}*ZZ*${(p.receiver ?? 'ODOODIST').padEnd(15)}*${p.date ?? '261127'}*1200*${v5 ? '^' : 'U'}*${v5 ? '00501' : '00401'}*${control}*${p.ack ?? '0'}*${p.usage ?? 'P'}*>`;
  const gs = p.gs ?? `GS*PO*${sender}*ODOODIST*20261127*1200*417*X*${v5 ? '005010' : '004010'}`;
  const lines = [isa, gs, ...sets.flat(), p.ge ?? `GE*${sets.length}*417`, p.iea ?? `IEA*1*${control}`];
  return Buffer.from(`${lines.join('~\n')}~\n`, 'latin1');
}

/** An 850 with the given lines between ST and SE; SE01 counted unless given. */
function po(body: string[], control = '0001', se?: string): string[] {
  return [`ST*850*${control}`, ...body, se ?? `SE*${body.length + 2}*${control}`];
}
const GOOD = ['BEG*00*SA*PO-1**20261127', 'PO1*1*10*EA*9.99**UP*012345678905', 'CTT*1'];

function acks(bytes: Buffer) {
  const r = validateX12Bytes(bytes, ctx);
  const ic = r.interchanges[0];
  const partner = ic.report.partnerId ? partners.get(ic.report.partnerId) : undefined;
  const out = buildX12Acks(ic, { self, partner, controlNumbers: { interchange: 9, group: 3 }, now: new Date('2026-11-27T10:00:00Z') });
  return { report: r.report, text: out.text ?? '', lines: (out.text ?? '').trim().split('\n').map((l) => l.replace(/~$/, '')) };
}
const body = (lines: string[]) => lines.filter((l) => /^(AK|IK|TA1|CTX)/.test(l));

describe('997 for 004010 (acme-retail asks for 997)', () => {
  it('acknowledges an accepted group: AK1, AK2, AK5 A, AK9 A', () => {
    const { report, lines } = acks(interchange([po(GOOD)]));
    expect(report.ok).toBe(true);
    // 10:00 UTC on acme-retail's clock (America/New_York, EST in November): 05:00.
    expect(lines[0]).toBe('ISA*00*          *00*          *ZZ*ODOODIST       *ZZ*ACMERETAIL     *261127*0500*U*00401*000000009*0*P*>');
    expect(lines[1]).toBe('GS*FA*ODOODIST*ACMERETAIL*20261127*0500*3*X*004010');
    expect(body(lines)).toEqual(['AK1*PO*417', 'AK2*850*0001', 'AK5*A', 'AK9*A*1*1*1']);
    expect(lines).toContain('SE*6*0001');
    expect(lines.at(-1)).toBe('IEA*1*000000009');
  });

  it('AK3 8 + AK4 8 for a bad date, with the bad value copied (the CONTRACTS example)', () => {
    const { report, lines } = acks(interchange([po(['BEG*00*SA*PO-1**20261127', 'REF*DP*038', 'REF*IA*123', 'DTM*002*20261340', 'PO1*1*10*EA*9.99**UP*012345678905', 'CTT*1'])]));
    expect(report.interchanges[0].groups[0].sets[0].errors).toEqual([
      expect.objectContaining({ segment: 'DTM', position: 5, element: 2, code: '8', message: "DTM02 (373 date) '20261340' is not a valid date (CCYYMMDD)" }),
    ]);
    expect(body(lines)).toEqual(['AK1*PO*417', 'AK2*850*0001', 'AK3*DTM*5**8', 'AK4*2*373*8*20261340', 'AK5*R*5', 'AK9*R*1*1*0']);
  });

  it.each([
    ['1 mandatory element missing', ['BEG*00*SA**20261127'], 'AK4*3*324*1'],
    ['2 conditional element missing (PO1 C0302)', ['BEG*00*SA*PO-1**20261127', 'PO1*1**EA'], 'AK4*2*330*2'],
    ['4 too short', ['BEG*00*S*PO-1**20261127'], 'AK4*2*92*4*S'],
    ['5 too long', ['BEG*00*SA*PO-1**20261127', 'PO1*1*10*EACH'], 'AK4*3*355*5*EACH'],
    ['6 invalid character', ['BEG*00*SA*PO-1**20261127', 'PO1*1*1O*EA'], 'AK4*2*330*6*1O'],
    ['7 invalid code', ['BEG*99*SA*PO-1**20261127'], 'AK4*1*353*7*99'],
    ['8 invalid date', ['BEG*00*SA*PO-1**20260230'], 'AK4*5*373*8*20260230'],
    ['9 invalid time', ['BEG*00*SA*PO-1**20261127', 'DTM*002*20261201*2561'], 'AK4*3*337*9*2561'],
    ['2 conditional element missing (CTT P0304, paired)', ['BEG*00*SA*PO-1**20261127', 'PO1*1*10*EA*9.99**UP*012345678905', 'CTT*1**5'], 'AK4*4*355*2'],
    ['10 exclusion violated (MEA E0803)', ['BEG*00*SA*PO-1**20261127', 'MEA*PD*WT*10*****01'], 'AK4*3*739*10'],
  ])('AK4 %s', (_name, lines, expected) => {
    const full = lines.some((l) => l.startsWith('PO1')) ? lines : [...lines, 'PO1*1*10*EA*9.99**UP*012345678905'];
    const { lines: out } = acks(interchange([po(full)]));
    expect(out).toContain(expected);
    expect(out).toContain('AK5*R*5');
  });

  it.each([
    ['1 unrecognized segment', [...GOOD.slice(0, 1), 'ZZ9*1', ...GOOD.slice(1)], 'AK3*ZZ9*3**1'],
    ['2 unexpected segment (a PO1-loop segment before any PO1)', [GOOD[0], 'PO4*1*1*EA', ...GOOD.slice(1)], 'AK3*PO4*3**2'],
    ['3 mandatory segment missing', ['CUR*BY*USD', ...GOOD.slice(1)], 'AK3*BEG*2**3'],
    ['5 segment over its maximum use', [GOOD[0], 'INC*1', 'INC*2', ...GOOD.slice(1)], 'AK3*INC*4**5'],
    ['6 segment not in this set', [GOOD[0], 'BAK*00*AC*PO-1*20261127', ...GOOD.slice(1)], 'AK3*BAK*3**6'],
    ['7 segment out of sequence (AK303 names the loop it was found in)', [...GOOD, 'CUR*BY*USD'], 'AK3*CUR*5*CTT*7'],
  ])('AK3 %s', (_name, lines, expected) => {
    const { lines: out } = acks(interchange([po(lines)]));
    expect(out).toContain(expected);
  });

  it('AK5 codes for the set envelope: 2 no SE, 3 SE02 mismatch, 4 SE01 wrong, 7 bad ST02', () => {
    expect(acks(interchange([po(GOOD, '0001', 'SE*5*0002')])).lines).toContain('AK5*R*3');
    expect(acks(interchange([po(GOOD, '0001', 'SE*9*0001')])).lines).toContain('AK5*R*4');
    expect(acks(interchange([po(GOOD, '01')])).lines).toContain('AK5*R*5*7'); // ST02 and SE02 too short as elements, too
    const noSe = interchange([['ST*850*0001', ...GOOD]]);
    expect(acks(noSe).lines).toContain('AK5*R*2');
  });

  it('AK4 3 too many elements, 13 components in a simple element', () => {
    expect(acks(interchange([po(['BEG*00*SA*PO-1**20261127********X', GOOD[1]])])).lines).toContain('AK4*13**3');
    expect(acks(interchange([po([GOOD[0], 'PO1*1*10>5*EA*9.99'])])).lines).toContain('AK4*2*330*13'); // no AK404 copy: the value holds the component separator
  });

  it('AK5 6: a set in the wrong kind of group; AK5 23: an ST02 used twice in a 005010 group', () => {
    const wrongGroup = interchange([po(GOOD)], { gs: 'GS*IN*ACMERETAIL*ODOODIST*20261127*1200*417*X*004010' });
    expect(acks(wrongGroup).lines).toContain('AK5*R*6');
    const twice = interchange([po(GOOD, '0001'), po(GOOD, '0001')], { sender: 'SUMMITGROC', version: '00501' });
    expect(acks(twice).lines).toContain('IK5*R*23');
  });

  it('AK9 2 for a version we have no definitions for, 3 for a missing GE', () => {
    const old = interchange([po(GOOD)], { gs: 'GS*PO*ACMERETAIL*ODOODIST*20261127*1200*417*X*003010' });
    expect(acks(old).lines).toContain('AK9*R*1*1*0*1*2'); // 1: GS04 is YYMMDD in 003010; 2: no 003010 definitions
    const noGe = Buffer.from(interchange([po(GOOD)]).toString('latin1').replace('GE*1*417~\n', ''));
    expect(acks(noGe).lines).toContain('AK9*R*1*1*1*3');
  });

  it('AK5 1: a set the partner does not send, or that we have no definition for', () => {
    const asn = ['ST*856*0001', 'BSN*00*SHIP1*20261127*1200', 'HL*1**S', 'SE*4*0001'];
    const { report, lines } = acks(interchange([asn], { gs: 'GS*SH*ACMERETAIL*ODOODIST*20261127*1200*417*X*004010' }));
    expect(report.interchanges[0].groups[0].sets[0].errors[0]).toMatchObject({ code: '1', message: "partner 'acme-retail' does not send transaction set 856 (see its profile)" });
    expect(lines).toContain('AK5*R*1');
  });

  it('AK9 P when some sets are accepted and some rejected; group codes 4 and 5', () => {
    const { lines } = acks(interchange([po(GOOD, '0001'), po(['BEG*00*SA'], '0002')]));
    expect(lines).toContain('AK9*P*2*2*1');
    expect(acks(interchange([po(GOOD)], { ge: 'GE*1*999' })).lines).toContain('AK9*R*1*1*1*4');
    expect(acks(interchange([po(GOOD)], { ge: 'GE*3*417' })).lines).toContain('AK9*R*3*1*1*5');
  });
});

describe('999 for 005010 (summit-grocers asks for 999)', () => {
  it('writes IK3/IK4/IK5 and the 999 convention, on the partner\'s delimiters', () => {
    const bytes = interchange([po(['BEG*00*SA*PO-1**20261340', 'PO1*1*10*EA*9.99**UP*012345678905'])], { sender: 'SUMMITGROC', version: '00501' });
    const { lines } = acks(bytes);
    expect(lines[0]).toContain('*^*00501*');
    // On summit-grocers' clock (America/Chicago, CST): 04:00.
    expect(lines).toContain('GS*FA*ODOODIST*SUMMITGROC*20261127*0400*3*X*005010X231A1');
    expect(lines).toContain('ST*999*0001*005010X231A1');
    expect(body(lines)).toEqual(['AK1*PO*417*005010', 'AK2*850*0001', 'IK3*BEG*2**8', 'IK4*5*373*8*20261340', 'IK5*R*5', 'AK9*R*1*1*0']);
  });
});

describe('TA1', () => {
  it('answers ISA14 = 1 with TA1 A 000, in the same interchange as the 997', () => {
    const { lines } = acks(interchange([po(GOOD)], { ack: '1' }));
    expect(lines[1]).toBe('TA1*000000417*261127*1200*A*000');
    expect(lines).toContain('AK9*A*1*1*1');
  });

  it.each([
    ['009 receiver is not us', { receiver: 'SOMEONEELSE' }, '009'],
    ['006 sender is not a partner', { sender: 'STRANGER' }, '006'],
    ['001 IEA02 mismatch', { iea: 'IEA*1*000000418' }, '001'],
    ['021 IEA01 group count', { iea: 'IEA*2*000000417' }, '021'],
    ['014 bad ISA date', { date: '261341' }, '014'],
    ['020 test usage for a production partner', { usage: 'T' }, '020'],
  ] as [string, Parts, string][])('rejects with TA1 R %s, and sends no 997', (_n, parts, code) => {
    const { report, lines } = acks(interchange([po(GOOD)], parts));
    expect(report.interchanges[0].status).toBe('rejected');
    if (parts.sender === 'STRANGER') {
      expect(report.interchanges[0].errors.map((e) => e.code)).toContain(code);
      return; // nobody to send it to: no profile
    }
    expect(lines).toContain(`TA1*000000417*${parts.date ?? '261127'}*1200*R*${code}`);
    expect(lines.some((l) => l.startsWith('AK'))).toBe(false);
  });

  it('023 when the input ends before the IEA', () => {
    const bytes = Buffer.from(interchange([po(GOOD)]).toString('latin1').replace(/IEA\*1\*000000417~\n$/, ''));
    const { report } = acks(bytes);
    expect(report.interchanges[0].errors.map((e) => e.code)).toContain('023');
  });
});

describe('a TA1 received (a partner acknowledging our interchange)', () => {
  const withTa1 = (ta1: string) => {
    const isa = 'ISA*00*          *00*          *ZZ*ACMERETAIL     *ZZ*ODOODIST       *261127*1200*U*00401*000000418*0*P*>';
    return validateX12Bytes(Buffer.from(`${isa}~${ta1}~IEA*0*000000418~`), ctx).interchanges[0];
  };

  it('takes a TA1 of five good elements (trailing empty ones aside)', () => {
    for (const ta1 of ['TA1*000000417*261127*1200*A*000', 'TA1*000000417*261127*1200*R*022**', 'TA1*000000417*261127*1200*R*022*>']) {
      const ic = withTa1(ta1);
      expect(ic.report.errors).toEqual([]);
      expect(ic.ta1s.map((s) => s.text)).toEqual([ta1]);
    }
  });

  it('refuses a TA1 with more than its five elements, as bad content (024)', () => {
    const ic = withTa1('TA1*000000417*261127*1200*A*000*EXTRA');
    expect(ic.ta1s).toEqual([]);
    expect(ic.report.errors).toEqual([{ code: '024', segment: 'TA1', message: "TA1 has 6 elements, expected 5: 'TA1*000000417*261127*1200*A*000*EXTRA'" }]);
  });
});

describe('acknowledgments that read back clean, whatever the sender wrote', () => {
  /** The bytes of an interchange written with other delimiters than the helper's '*', '>' and '~\n'. */
  const rewrite = (bytes: Buffer, terminator: string) => Buffer.from(bytes.toString('latin1').replace(/~\n/g, terminator), terminator.charCodeAt(0) > 0xff ? 'utf8' : 'latin1');

  it('writes no empty segments when the sender\'s terminator is a line feed (one line end, not two)', () => {
    const { text } = acks(rewrite(interchange([po(GOOD)], { ack: '1' }), '\n'));
    const segments = text.split('\n');
    expect(segments.pop()).toBe('');
    expect(segments.every((s) => s.length > 0)).toBe(true);
    // node-x12 counts the set as we do: ST, AK1, AK2, AK5, AK9, SE.
    const peer = readX12(segments.filter((s) => !s.startsWith('TA1')).join('\n'));
    expect(peer.functionalGroups[0].transactions[0].segments.map((s) => s.tag)).toEqual(['AK1', 'AK2', 'AK5', 'AK9']);
    expect(segments.find((s) => s.startsWith('TA1'))).toBe('TA1*000000417*261127*1200*A*000');
  });

  it('copies no line break into the TA1 of an interchange hard-wrapped at 80 columns', () => {
    // The wrap falls inside ISA10: "12" + "\n" + "00".
    const wrapped = Buffer.from(interchange([po(GOOD)], { ack: '1' }).toString('latin1').replace('*1200*U*', '*12\n00*U*'), 'latin1');
    const r = validateX12Bytes(wrapped, ctx);
    const out = buildX12Acks(r.interchanges[0], { self, partner: partners.get('acme-retail'), controlNumbers: { interchange: 9, group: 3 }, now: new Date('2026-11-27T10:00:00Z') });
    expect(out.text!.split('\n')[1]).toMatch(/^TA1\*000000417\*261127\*1200\*R\*015~$/);
  });

  it('answers a sender whose terminator is U+2026 with the common delimiters, not with that character', () => {
    const bytes = rewrite(interchange([po(GOOD)], { ack: '1' }), '\u2026');
    const { text } = acks(bytes);
    expect(text).not.toContain('\u2026');
    expect(text.slice(104, 107)).toBe('>~\n');
    expect(text).toContain('TA1*000000417*261127*1200*A*000~');
    expect(readX12(text.split('\n').filter((l) => !l.startsWith('TA1')).join('\n')).functionalGroups).toHaveLength(1);
  });

  // Found by fuzzing (test/fuzz): each of these made buildX12Acks throw, or wrote an ack our own reader refuses.
  it('writes AK401 as a composite for an error in a component (REF04-02 missing)', () => {
    const { report, lines } = acks(interchange([po(['BEG*00*SA*PO-1**20261127', 'REF*DP*042**ZZ', 'PO1*1*10*EA*9.99**UP*012345678905', 'CTT*1'])]));
    expect(report.ok).toBe(false);
    expect(lines.filter((l) => /^AK[34]/.test(l))).toEqual(['AK3*REF*3**8', 'AK4*4>2*127*1']);
  });

  it('leaves out of AK1-AK3 what holds one of its delimiters (a GS06 with the component separator)', () => {
    const { report, lines } = acks(interchange([po(GOOD)], { gs: 'GS*PO*ACMERETAIL*ODOODIST*20261127*1200*41>7*X*004010', ge: 'GE*1*41>7' }));
    expect(report.interchanges[0].groups[0].errors.map((e) => e.code)).toContain('6');
    expect(body(lines)[0]).toBe('AK1*PO');
  });

  it('copies into AK404 no character its Latin-1 bytes cannot hold (a UTF-8 "ž" would become the terminator "~")', () => {
    const bytes = Buffer.from(interchange([po(['BEG*Q0*SA*PO-1**20261127', ...GOOD.slice(1)])]).toString('latin1').replace('BEG*Q0', 'BEG*\u017e0'), 'utf8');
    const { text, lines } = acks(bytes);
    expect(lines.filter((l) => l.startsWith('AK4'))).toEqual(['AK4*1*353*7']);
    const back = validateX12Bytes(Buffer.from(text, 'latin1'), {}).report;
    expect(back.interchanges[0].groups[0].sets[0].errors).toEqual([]);
  });

  it('writes TA101 as digits when ISA13 holds none (a TA1 our reader would refuse otherwise)', () => {
    const { text, lines } = acks(interchange([po(GOOD)], { control: 'A1!' }));
    expect(lines.find((l) => l.startsWith('TA1'))).toMatch(/^TA1\*000000000\*261127\*1200\*R\*\d{3}$/);
    expect(validateX12Bytes(Buffer.from(text, 'latin1'), {}).report.interchanges[0].errors).toEqual([]);
  });

  it('answers with the common delimiters a sender whose ISA16 is its element separator', () => {
    const bytes = Buffer.from(interchange([po(GOOD)]).toString('latin1').replace('*P*>~', '*P**~'), 'latin1');
    const { report, text } = acks(bytes);
    expect(report.interchanges[0].errors.map((e) => e.code)).toContain('027');
    expect(text.slice(104, 107)).toBe('>~\n');
    expect(validateX12Bytes(Buffer.from(text, 'latin1'), {}).report.interchanges[0].errors).toEqual([]);
  });

  it('writes ISA11 of a 00501 reply with a repetition separator that is none of the sender\'s delimiters (its element separator "^")', () => {
    const text = interchange([po(GOOD)], { version: '00501' }).toString('latin1').replace('*^*00501*', '*U*00501*').replace(/\*/g, '^');
    const { report, text: reply } = acks(Buffer.from(text, 'latin1'));
    expect(report.interchanges[0].status).toBe('rejected');
    expect(reply.slice(0, 4)).toBe('ISA^');
    const back = validateX12Bytes(Buffer.from(reply, 'latin1'), {}).report;
    expect([back.errors, back.interchanges[0].errors]).toEqual([[], []]);
  });

  it('writes one AK4 for an element two syntax notes fault (PO406 under C0506 and P0607)', () => {
    const { lines } = acks(interchange([po(['BEG*00*SA*PO-1**20261127', 'PO1*1*10*EA*9.99**UP*012345678905', 'PO4*6*6*EA*PLT94*X**LR*10*CT', 'CTT*1'])]));
    expect(lines.filter((l) => l.startsWith('AK4'))).toEqual(['AK4*6*384*2']);
  });
});
