import fs from 'node:fs';
import path from 'node:path';
import { validateEdifactBytes } from '../../src/parsers/edifact/validate-stream';
import { validateX12Bytes } from '../../src/parsers/x12/validate-stream';
import { loadProfiles } from '../../src/partners/load-profiles';
import { PartnerRegistry } from '../../src/partners/partner-registry';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { PROFILES } from '../helpers';

// Issue 12 item 8: a partner's own codes (profile validation.addCodes), for that partner only.

const loaded = loadProfiles(PROFILES).profiles;
const profile = (id: string) => structuredClone(loaded.find((p) => p.id === id)!);
const withCodes = (p: PartnerProfile, addCodes: Record<string, Record<string, string[]>>): PartnerProfile => ({ ...p, validation: { ...p.validation, addCodes } });

/** Nordmart's sample ORDERS with its first LIN naming the item by a GTIN under D01B's SRV, as European retailers send it under D96A. */
const ordersSrv = (sender = '5412345000013', extra = '') => Buffer.from(fs.readFileSync(path.join(PROFILES, 'nordmart/samples/inbound/ORDERS-dc-order.edi'), 'latin1')
  .replace('UNB+UNOC:3+5412345000013:14', `UNB+UNOC:3+${sender}:14`)
  .replace("LIN+1++5790000110018:EN'", "LIN+1++5790000110018:SRV'")
  .replace("CUX+2:EUR:9'", `CUX+2:EUR:9'${extra}`)
  .replace('UNT+20+1', `UNT+${20 + (extra ? 1 : 0)}+1`), 'latin1');

/** Nordmart as it was before its profile added SRV. */
const nordmartPlain = withCodes(profile('nordmart'), {});
/** A second EDIFACT partner on D96A ORDERS that adds nothing. */
const other: PartnerProfile = { ...nordmartPlain, id: 'other-retailer', identifiers: { x12: [], edifact: [{ id: '5412345000099', qualifier: '14' }] } };

function edifact(bytes: Buffer, partners: PartnerProfile[], fullCheck = false) {
  const r = validateEdifactBytes(bytes, { self: { id: '5790000000001', qualifier: '14' }, partners: new PartnerRegistry(partners), fullCheck });
  expect(r.report.interchanges[0].errors).toEqual([]);
  return r.report.interchanges[0].groups[0].sets[0];
}

describe('validation.addCodes: EDIFACT', () => {
  const plain = nordmartPlain;
  const adding = withCodes(plain, { ORDERS: { '7143': ['SRV'] } });

  it('nordmart\'s shipped profile adds SRV for ORDERS 7143', () => {
    expect(profile('nordmart').validation.addCodes).toEqual({ ORDERS: { '7143': ['SRV'] } });
    expect(edifact(ordersSrv(), [profile('nordmart')]).status).toBe('accepted');
  });

  it('nordmart\'s SRV sample (partner-profiles/nordmart/samples/inbound/ORDERS-srv-gtin.edi): accepted from nordmart, 12 at LIN 7143 without the addition', () => {
    const file = fs.readFileSync(path.join(PROFILES, 'nordmart/samples/inbound/ORDERS-srv-gtin.edi'));
    expect(file.toString('latin1')).toContain("LIN+1++5412345678908:SRV'");
    expect(edifact(file, [profile('nordmart')])).toMatchObject({ status: 'accepted', errors: [] });
    for (const fullCheck of [false, true]) {
      const set = edifact(file, [nordmartPlain], fullCheck);
      expect(set.status).toBe('rejected');
      expect(set.errors).toEqual([expect.objectContaining({ segment: 'LIN', element: 3, component: 2, code: '12', message: expect.stringContaining('7143') })]);
    }
  });

  it.each([false, true])('LIN 7143 SRV is not in UNCL D96A: rejected with 12 at LIN C212 7143 for a partner that adds nothing (full check: %s)', (fullCheck) => {
    const set = edifact(ordersSrv(), [plain], fullCheck);
    expect(set.status).toBe('rejected');
    expect(set.errors).toEqual([expect.objectContaining({ segment: 'LIN', position: 11, element: 3, component: 2, code: '12' })]);
    expect(set.errors[0].message).toContain("'SRV'");
  });

  it.each([false, true])('accepted from the partner whose profile adds it (full check: %s)', (fullCheck) => {
    expect(edifact(ordersSrv(), [adding], fullCheck)).toMatchObject({ status: 'accepted', errors: [] });
  });

  it('for that partner only: another partner in the same registry is still held to D96A, before and after', () => {
    const both = [adding, other];
    expect(edifact(ordersSrv('5412345000099'), both).status).toBe('rejected');
    expect(edifact(ordersSrv(), both).status).toBe('accepted');
    const after = edifact(ordersSrv('5412345000099'), both);
    expect(after.status).toBe('rejected');
    expect(after.errors.map((e) => [e.segment, e.element, e.component, e.code])).toEqual([['LIN', 3, 2, '12']]);
  });

  it('for that document type and element only: SRV elsewhere, or another unknown code in 7143, is still rejected', () => {
    const typo = Buffer.from(ordersSrv().toString('latin1').replace(':SRV', ':SRX'), 'latin1');
    expect(edifact(typo, [adding]).errors.map((e) => [e.segment, e.element, e.component, e.code])).toEqual([['LIN', 3, 2, '12']]);
    // SRV as a party qualifier (3035) is not added by a 7143 addition.
    const party = Buffer.from(ordersSrv().toString('latin1').replace("LIN+1++5790000110018:SRV'", "LIN+1++5790000110018:EN'").replace('NAD+SU+', 'NAD+SRV+'), 'latin1');
    expect(edifact(party, [adding]).errors.map((e) => [e.segment, e.element, e.code])).toEqual([['NAD', 1, '12']]);
    // An addition for another message type changes nothing for ORDERS.
    expect(edifact(ordersSrv(), [withCodes(plain, { DESADV: { '7143': ['SRV'] } })]).status).toBe('rejected');
  });

  it('an addition for an element whose list we do not hold does not start checking it', () => {
    // 6345 (currency) is an open list we do not check: adding to it must not make EUR an unknown code.
    expect(edifact(ordersSrv(), [withCodes(plain, { ORDERS: { '7143': ['SRV'], '6345': ['XEU'] } })]).status).toBe('accepted');
  });

  it.each([false, true])('5463 O (About) is in UNCL D96A: ALC+O is accepted, ALC+I (not in the list) is not (full check: %s)', (fullCheck) => {
    const alc = (q: string) => Buffer.from(ordersSrv('5412345000013', `ALC+${q}'`).toString('latin1').replace(':SRV', ':EN'), 'latin1');
    expect(edifact(alc('O'), [plain], fullCheck)).toMatchObject({ status: 'accepted', errors: [] });
    expect(edifact(alc('I'), [plain], fullCheck).errors.map((e) => [e.segment, e.element, e.code])).toEqual([['ALC', 1, '12']]);
  });
});

describe('validation.addCodes: X12', () => {
  const strict = { ...profile('acme-retail'), validation: { ...profile('acme-retail').validation, addCodes: {} } };
  const file = (unit: string, sender = 'ACMERETAIL') => Buffer.from(`ISA*00*          *00*          *ZZ*${sender.padEnd(15)}*ZZ*ODOODIST       *261127*1200*U*00401*000000001*0*P*>~`
    + `GS*PO*${sender}*ODOODIST*20261127*1200*1*X*004010~ST*850*0001~BEG*00*SA*PO1**20261127~PO1*1*3*${unit}*2.5**VN*ODW-1001~CTT*1~SE*5*0001~GE*1*1~IEA*1*000000001~`);
  const x12 = (bytes: Buffer, partners: PartnerProfile[]) => {
    const r = validateX12Bytes(bytes, { self: { qualifier: 'ZZ', id: 'ODOODIST' }, partners: new PartnerRegistry(partners) });
    expect(r.report.interchanges[0].errors).toEqual([]);
    return r.report.interchanges[0].groups[0].sets[0];
  };
  const acmeOther: PartnerProfile = { ...strict, id: 'acme-other', identifiers: { ...strict.identifiers, x12: [{ qualifier: 'ZZ', id: 'ACMEOTHER', gsId: 'ACMEOTHER' }] } };

  it('PO103 XQ is not in the 004010 list of 355: AK4 code 7 without the addition, accepted with it, and still 7 for another partner', () => {
    expect(x12(file('XQ'), [strict]).errors.map((e) => [e.segment, e.position, e.element, e.code])).toEqual([['PO1', 3, 3, '7']]);
    const adding = withCodes(strict, { '850': { '355': ['XQ'] } });
    expect(x12(file('XQ'), [adding, acmeOther])).toMatchObject({ status: 'accepted', errors: [] });
    expect(x12(file('XQ', 'ACMEOTHER'), [adding, acmeOther]).errors.map((e) => [e.segment, e.element, e.code])).toEqual([['PO1', 3, '7']]);
    // The standard's codes stay good, and other unknown ones stay bad.
    expect(x12(file('EA'), [adding]).status).toBe('accepted');
    expect(x12(file('XZ'), [adding]).errors.map((e) => [e.segment, e.element, e.code])).toEqual([['PO1', 3, '7']]);
  });
});

describe('validation.addCodes: partners lint', () => {
  const { parseProfile } = require('../../src/partners/load-profiles') as typeof import('../../src/partners/load-profiles');
  const nordmartYaml = fs.readFileSync(path.join(PROFILES, 'nordmart/profile.yaml'), 'utf8');
  const acmeYaml = fs.readFileSync(path.join(PROFILES, 'acme-retail/profile.yaml'), 'utf8');
  /** nordmart's profile with its addCodes block replaced by `block` (YAML lines under addCodes:). */
  const nordmart = (block: string) => nordmartYaml.replace("  addCodes:\n    ORDERS: { '7143': [SRV] }\n", `  addCodes:\n${block}`);
  const lint = (text: string) => {
    const r = parseProfile('profile.yaml', text);
    return { loaded: !!r.profile, problems: r.issues.map((i) => `${i.line}:${i.col} ${i.path}: ${i.message}`), warnings: r.warnings.map((i) => `${i.line}:${i.col} ${i.path}: ${i.message}`) };
  };
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('the shipped profiles lint clean, nordmart with its SRV', () => {
    expect(lint(nordmartYaml)).toEqual({ loaded: true, problems: [], warnings: [] });
  });

  it('a code the standard already has is a warning at its place, and the profile still loads', () => {
    const text = nordmart("    ORDERS:\n      7143: [SRV, EN]\n");
    expect(lint(text)).toEqual({ loaded: true, problems: [],
      warnings: [`${lineOf(text, '7143: [SRV, EN]')}:19 validation.addCodes.ORDERS.7143.1: 'EN' is already in the UN/EDIFACT D96A code list of 7143 (item number type, coded, an..3): adding it does nothing`] });
  });

  it('problems, each at file:line:col: a document not exchanged, an element not in the dictionary, without a list we check, service elements, bad codes', () => {
    const text = nordmart([
      '    APERAK: { \'7143\': [SRV] }',
      '    ORDERS:',
      '      \'7143\': [SRVX, srv, S-1]',
      '      \'9999\': [X]',
      '      \'1004\': [X]',
      '      \'6345\': [XEU]',
      '      \'0065\': [ORDERX]',
      '      \'5463\': [A, \'1\']',
      '',
    ].join('\n'));
    const r = lint(text);
    expect(r.loaded).toBe(false);
    const at = (needle: string, col: number) => `${lineOf(text, needle)}:${col}`;
    expect(r.problems).toEqual([
      `${at('APERAK:', 13)} validation.addCodes.APERAK: APERAK is not a document this partner exchanges (its documents: ORDERS, CONTRL, DESADV, INVOIC)`,
      `${at("'7143': [SRVX", 16)} validation.addCodes.ORDERS.7143.0: 'SRVX' is too long for 7143 (item number type, coded, an..3): at most 3 characters`,
      `${at("'7143': [SRVX", 22)} validation.addCodes.ORDERS.7143.1: 'srv' is not a code 7143 (item number type, coded, an..3) can carry: codes are upper-case letters and digits`,
      `${at("'7143': [SRVX", 27)} validation.addCodes.ORDERS.7143.2: 'S-1' is not a code 7143 (item number type, coded, an..3) can carry: codes are upper-case letters and digits`,
      `${at("'9999'", 15)} validation.addCodes.ORDERS.9999: element 9999 is not in the UN/EDIFACT D96A data element dictionary (EDIFACT element numbers have 4 digits)`,
      `${at("'1004'", 15)} validation.addCodes.ORDERS.1004: 1004 (document/message number, an..35): the gateway holds no UN/EDIFACT D96A code list for it, so its codes are not checked and any code is accepted already`,
      `${at("'6345'", 15)} validation.addCodes.ORDERS.6345: 6345 (currency, coded, an..3): the gateway holds no UN/EDIFACT D96A code list for it, so its codes are not checked and any code is accepted already`,
      `${at("'0065'", 15)} validation.addCodes.ORDERS.0065: 0065 is a service data element (ISO 9735 envelope): its codes are the syntax's, not a partner's to extend`,
    ]);
    // '1' is not in the 5463 list (A-Y): a good addition; A is: a warning.
    expect(r.warnings).toEqual([
      `${at("'5463'", 16)} validation.addCodes.ORDERS.5463.0: 'A' is already in the UN/EDIFACT D96A code list of 5463 (allowance or charge qualifier, an..3): adding it does nothing`]);
  });

  it('X12: the element must be an ID element with a list, used in the set; the code must fit its length', () => {
    const text = acmeYaml.replace(/^mapping:/m, [
      'validation:', '  addCodes:', "    '850':", "      '355': [XQ, EA, X]", "      '352': [X1]", "      '143': ['851']", "      '717': [Z]", 'mapping:'].join('\n'));
    const r = lint(text);
    expect(r.problems).toEqual([
      `${lineOf(text, "'355'")}:23 validation.addCodes.850.355.2: 'X' is too short for 355 (unit or basis for measurement code, ID 2/2): at least 2 characters`,
      `${lineOf(text, "'352'")}:14 validation.addCodes.850.352: 352 (description, AN 1/80) is not a coded element in X12 004010: only ID elements have code lists`,
      // ST01 is the envelope's, and names the set: not a partner's to extend.
      `${lineOf(text, "'143'")}:14 validation.addCodes.850.143: 143 (transaction set identifier code, ID 3/3) does not occur in a X12 004010 850`,
      `${lineOf(text, "'717'")}:14 validation.addCodes.850.717: 717 (transaction set acknowledgment code, ID 1/1) does not occur in a X12 004010 850`,
    ]);
    expect(r.warnings).toEqual([`${lineOf(text, "'355'")}:19 validation.addCodes.850.355.1: 'EA' is already in the X12 004010 code list of 355 (unit or basis for measurement code, ID 2/2): adding it does nothing`]);
  });
});
