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

/** A second EDIFACT partner on D96A ORDERS that adds nothing. */
const other: PartnerProfile = { ...profile('nordmart'), id: 'other-retailer', identifiers: { x12: [], edifact: [{ id: '5412345000099', qualifier: '14' }] } };

function edifact(bytes: Buffer, partners: PartnerProfile[], fullCheck = false) {
  const r = validateEdifactBytes(bytes, { self: { id: '5790000000001', qualifier: '14' }, partners: new PartnerRegistry(partners), fullCheck });
  expect(r.report.interchanges[0].errors).toEqual([]);
  return r.report.interchanges[0].groups[0].sets[0];
}

describe('validation.addCodes: EDIFACT', () => {
  const plain = profile('nordmart');
  const adding = withCodes(plain, { ORDERS: { '7143': ['SRV'] } });

  it.each([false, true])('LIN 7143 SRV is not in UNCL D96A: rejected with 12 at LIN C212 7143 for a partner that adds nothing (full check: %s)', (fullCheck) => {
    const set = edifact(ordersSrv(), [{ ...plain, validation: { ...plain.validation, addCodes: {} } }], fullCheck);
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
