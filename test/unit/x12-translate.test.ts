import { loadProfiles } from '../../src/partners/load-profiles';
import { PartnerRegistry } from '../../src/partners/partner-registry';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { validateX12Bytes } from '../../src/parsers/x12/validate-stream';
import { collectAcceptedSets, translateX12, type PendingX12Set, type TranslatedSet } from '../../src/translators/translate-x12';
import { PROFILES } from '../helpers';

const loaded = loadProfiles(PROFILES).profiles;

/** Wraps set bodies in a valid 004010 envelope from `sender`. */
function interchange(sender: string, gsId: string, fid: string, sets: string[][], control = '000000901', version = '004010'): Buffer {
  const isaVersion = version === '005010' ? '00501' : '00401';
  const isa = `ISA*00*          *00*          *ZZ*${sender.padEnd(15)}*ZZ*ODOODIST       *261127*1200*${isaVersion === '00501' ? '^' : 'U'}*${isaVersion}*${control}*0*P*>~`;
  const body = sets.map((segs, i) => {
    const st = String(i + 1).padStart(4, '0');
    return [`ST*${segs[0]}*${st}`, ...segs.slice(1), `SE*${segs.length + 1}*${st}`].join('~');
  }).join('~');
  return Buffer.from(`${isa}GS*${fid}*${gsId}*ODOODIST*20261127*1200*901*X*${version}~${body}~GE*${sets.length}*901~IEA*1*${control}~`, 'latin1');
}

function translate(bytes: Buffer, profiles: PartnerProfile[] = loaded): TranslatedSet[] {
  const partners = new PartnerRegistry(profiles);
  const pending: PendingX12Set[] = [];
  const result = validateX12Bytes(bytes, { self: { qualifier: 'ZZ', id: 'ODOODIST' }, partners, onSet: collectAcceptedSets(pending) });
  expect(result.report.errors).toEqual([]);
  return translateX12(result.interchanges, pending, partners);
}

/** The acme-retail profile with some fields changed, as an analyst would edit it. */
function acme(change: (p: PartnerProfile) => PartnerProfile = (p) => p): PartnerProfile[] {
  return loaded.map((p) => (p.id === 'acme-retail' ? change(structuredClone(p)) : p));
}

const order850 = (po1: string[], shipTo = 'N1*ST*STORE*92*0042', beg = 'BEG*00*SA*PO-1**20261127') =>
  interchange('ACMERETAIL', 'ACMERETAIL', 'PO', [['850', beg, shipTo, ...po1, `CTT*${po1.length}`]]);

describe('X12 850 -> Order', () => {
  it('reads purpose, dates, parties, lines and totals', () => {
    const [t] = translate(order850(['PO1*1*24*EA*12.5*PE*UP*012345678905*VN*ODW-1001', 'PID*F****RED WIDGET'], 'N1*ST*STORE 42*92*0042', 'BEG*05*SA*PO-9*R2*20261126'));
    expect(t.issues).toEqual([]);
    expect(t.document).toMatchObject({
      type: 'order', poNumber: 'PO-9', poDate: '2026-11-26', purpose: 'replace', releaseNumber: 'R2',
      shipTo: { name: 'STORE 42', code: '0042', codeQualifier: '92', resolved: 'ACME-ST-0042' },
      lines: [{ lineNumber: '1', quantity: 24, uom: 'EA', unitPrice: 12.5, description: 'RED WIDGET', productCode: 'ODW-1001',
        ids: { upc: '012345678905', vendorItem: 'ODW-1001' } }],
      source: { standard: 'X12', senderId: 'ACMERETAIL', interchangeControl: '000000901', groupControl: '901', setControl: '0001' },
    });
  });

  it.each([['00', 'original'], ['01', 'cancel'], ['04', 'change'], ['05', 'replace']])('BEG01 %s is purpose %s', (code, purpose) => {
    const [t] = translate(order850(['PO1*1*1*EA*1**VN*ODW-1001'], undefined, `BEG*${code}*SA*PO-1**20261127`));
    expect(t.document).toMatchObject({ purpose });
  });

  it('converts units with the profile uom map (CA of 12 -> EA, price per EA), unless the unit is an Odoo unit', () => {
    // acme's CA is Odoo's 'Case of 12' (odooUom): the order keeps the case and its price.
    const [kept] = translate(order850(['PO1*1*2*CA*48*PE*VN*ODW-1002']));
    expect(kept.document).toMatchObject({ lines: [{ quantity: 2, uom: 'CA', unitPrice: 48 }] });
    const [t] = translate(order850(['PO1*1*2*CA*48*PE*VN*ODW-1002']), acme((p) => ({ ...p, mapping: { ...p.mapping, uom: { CA: { uom: 'EA', factor: 12 } } } })));
    expect(t.document).toMatchObject({ lines: [{ quantity: 24, uom: 'EA', unitPrice: 4 }] });
    const [raw] = translate(order850(['PO1*1*2*CA*48*PE*VN*ODW-1002']), acme((p) => ({ ...p, mapping: { ...p.mapping, uom: {} } })));
    expect(raw.document).toMatchObject({ lines: [{ quantity: 2, uom: 'CA', unitPrice: 48 }] });
  });

  it('picks the product by the profile id preference', () => {
    // The UPC names ODW-1003 and the buyer item names ODW-1001: the preference decides which wins.
    const line = ['PO1*1*1*EA*1**UP*012345678929*IN*A100234'];
    const [byUpc] = translate(order850(line), acme((p) => ({ ...p, mapping: { ...p.mapping, productId: ['upc', 'buyerItem'] } })));
    const [byBuyer] = translate(order850(line), acme((p) => ({ ...p, mapping: { ...p.mapping, productId: ['buyerItem', 'upc'] } })));
    expect(byUpc.document).toMatchObject({ lines: [{ productCode: 'ODW-1003' }] });
    expect(byBuyer.document).toMatchObject({ lines: [{ productCode: 'ODW-1001' }] });
  });

  it('names each unknown item, per line, and produces no document', () => {
    const [t] = translate(order850(['PO1*1*1*EA*1**VN*ODW-1001', 'PO1*2*1*EA*1**UP*999999999993', 'PO1*3*1*EA*1**VN*NOPE-7']));
    expect(t.document).toBeUndefined();
    expect(t.issues.map((i) => [i.code, i.lineNumber, i.value])).toEqual([['UNKNOWN_ITEM', '2', '999999999993'], ['UNKNOWN_ITEM', '3', 'NOPE-7']]);
    expect(t.issues[1].message).toMatch(/line 3: item vendorItem NOPE-7 is not in acme-retail's item cross-reference/);
  });

  it('passes unknown items on when the profile says so', () => {
    const [t] = translate(order850(['PO1*1*1*EA*1**VN*NOPE-7']), acme((p) => ({ ...p, mapping: { ...p.mapping, unknownItems: 'pass' } })));
    expect(t.issues).toEqual([]);
    expect(t.document).toMatchObject({ lines: [{ ids: { vendorItem: 'NOPE-7' } }] });
  });

  it('names an unknown store number', () => {
    const [t] = translate(order850(['PO1*1*1*EA*1**VN*ODW-1001'], 'N1*ST*NEW STORE*92*0999'));
    expect(t.issues).toMatchObject([{ code: 'UNKNOWN_LOCATION', value: '0999', message: expect.stringMatching(/ship-to store number 0999/) }]);
  });

  it('does not look a GLN up in a store-number table when the qualifier is not a store qualifier', () => {
    const [t] = translate(order850(['PO1*1*1*EA*1**VN*ODW-1001'], 'N1*ST*DC*ZZ*0999'),
      acme((p) => ({ ...p, mapping: { ...p.mapping, storeNumberQualifiers: ['92'] } })));
    expect(t.issues).toEqual([]);
  });

  it('translates nothing from a duplicate or rejected interchange', () => {
    const partners = new PartnerRegistry(loaded);
    const pending: PendingX12Set[] = [];
    const result = validateX12Bytes(order850(['PO1*1*1*EA*1**VN*ODW-1001']), { self: { qualifier: 'ZZ', id: 'ODOODIST' }, partners, onSet: collectAcceptedSets(pending) });
    result.interchanges[0].report.duplicate = true;
    expect(translateX12(result.interchanges, pending, partners)).toEqual([]);
  });
});

describe('X12 945, 856, 810, 997 -> canonical', () => {
  it('945 -> WarehouseAdvice with shipped quantities, tracking and bill of lading', () => {
    const [t] = translate(interchange('SWIFT3PL', 'SWIFT3PL', 'SW', [['945', 'W06*F*WH/OUT/7*20261122*SHP-1**PO-7', 'N1*ST*STORE*92*0042', 'N9*BM*BOL1', 'N9*CN*1Z1',
      'G62*11*20261123', 'W27*M*UPSN', 'LX*1', 'W12*CP*10*8*2*EA*012345678905*VN*ODW-1001', 'W03*8*12.5*LB']]));
    expect(t.issues).toEqual([]);
    expect(t.document).toMatchObject({ type: 'warehouse_advice', orderNumber: 'WH/OUT/7', poNumber: 'PO-7', shipmentId: 'SHP-1', shipDate: '2026-11-23',
      trackingNumber: '1Z1', trackingNumbers: ['1Z1'], billOfLading: 'BOL1', carrier: { scac: 'UPSN', mode: 'M' }, weight: { value: 12.5, uom: 'LB' },
      lines: [{ status: 'CP', orderedQuantity: 10, shippedQuantity: 8, uom: 'EA', ids: { upc: '012345678905', vendorItem: 'ODW-1001' } }] });
  });

  const swift945 = (...segs: string[]) => interchange('SWIFT3PL', 'SWIFT3PL', 'SW', [['945', 'W06*F*WH/OUT/7*20261122*SHP-1**PO-7', 'N1*ST*STORE*92*0042', ...segs, 'W03*8*12.5*LB']]);
  const w12 = 'W12*CC*8*8*0*EA*012345678905*VN*ODW-1001';

  it('945: a tracking number in the LX loop (N9*CN after LX) is the advice\'s tracking number', () => {
    const [t] = translate(swift945('N9*BM*BOL1', 'W27*M*UPSN', 'LX*1', 'MAN*GM*006141411234567890', 'N9*CN*1Z999AA10123456784', w12));
    expect(t.issues).toEqual([]);
    expect(t.document).toMatchObject({ trackingNumber: '1Z999AA10123456784', trackingNumbers: ['1Z999AA10123456784'], billOfLading: 'BOL1',
      lines: [{ sscc: '006141411234567890', shippedQuantity: 8 }] });
    // The heading's references stay the heading's.
    expect(t.document).toMatchObject({ references: [{ qualifier: 'BM', value: 'BOL1' }] });
  });

  it('945: one tracking number per package, from the heading, each LX (N9 CN or 2I, MAN CP) and W12 detail, distinct, in order', () => {
    const [t] = translate(swift945('N9*CN*PRO-55', 'LX*1', 'MAN*CP*1Z999AA10123456784', 'N9*2I*1Z999AA10123456784', w12,
      'LX*2', 'MAN*GM*006141411234567906**CP*1Z999AA10123456791', w12.replace('CC*8*8', 'CC*2*2'), 'N9*2I*1Z999AA10123456808', 'LX*3', 'N9*CN*PRO-55', w12.replace('CC*8*8', 'CC*1*1')));
    expect(t.issues).toEqual([]);
    expect(t.document).toMatchObject({ trackingNumber: 'PRO-55', trackingNumbers: ['PRO-55', '1Z999AA10123456784', '1Z999AA10123456791', '1Z999AA10123456808'] });
  });

  it('945: without any, no tracking number (a bill of lading alone is not one)', () => {
    const [t] = translate(swift945('N9*BM*BOL1', 'N9*PO*PO-7', 'LX*1', 'MAN*GM*006141411234567890', w12));
    expect(t.issues).toEqual([]);
    expect(t.document).not.toHaveProperty('trackingNumber');
    expect(t.document).not.toHaveProperty('trackingNumbers');
  });

  const supplier = (): PartnerProfile[] => acme((p) => ({ ...p, documents: { ...p.documents,
    inbound: [...p.documents.inbound, { standard: 'X12', type: '856', version: '004010' }, { standard: 'X12', type: '810', version: '004010' }] } }));

  it('856 -> Shipment following HL parents (S-O-P-I)', () => {
    const set = ['856', 'BSN*00*ASN-1*20261120*1015*0001', 'HL*1**S', 'TD1*CTN25*2****G*30*LB', 'TD5*B*2*UPSN*M', 'REF*BM*BOL-1', 'DTM*011*20261120',
      'N1*ST*STORE*92*0042', 'HL*2*1*O', 'PRF*PO-1***20261110', 'HL*3*2*P', 'MAN*GM*006141411234567890', 'HL*4*3*I', 'LIN**VN*ODW-1001', 'SN1**6*EA',
      'HL*5*2*P', 'MAN*GM*006141411234567906', 'HL*6*5*I', 'LIN**VN*ODW-1002', 'SN1**2*CA', 'CTT*6'];
    const [t] = translate(interchange('ACMERETAIL', 'ACMERETAIL', 'SH', [set]), supplier());
    expect(t.issues).toEqual([]);
    expect(t.document).toMatchObject({ type: 'shipment', shipmentId: 'ASN-1', shipDate: '2026-11-20', billOfLading: 'BOL-1', packageCount: 2,
      weight: { value: 30, uom: 'LB' }, carrier: { scac: 'UPSN' },
      orders: [{ poNumber: 'PO-1', poDate: '2026-11-10', packs: [
        { sscc: '006141411234567890', items: [{ quantity: 6, uom: 'EA', productCode: 'ODW-1001' }] },
        { sscc: '006141411234567906', items: [{ quantity: 24, uom: 'EA', productCode: 'ODW-1002' }] }] }] });
  });

  it('810 -> Invoice with N2 total, allowances and terms', () => {
    const set = ['810', 'BIG*20261125*INV-1*20261110*PO-1', 'N1*RE*ACME REMIT*92*9000', 'ITD*01*3*2**10**30', 'IT1*1*10*EA*2.5**VN*ODW-1001',
      'IT1*2*1*CA*48**VN*ODW-1002', 'TDS*7025', 'SAC*A*C310***250', 'CTT*2'];
    const [t] = translate(interchange('ACMERETAIL', 'ACMERETAIL', 'IN', [set]), supplier());
    expect(t.issues).toEqual([]);
    expect(t.document).toMatchObject({ type: 'invoice', invoiceNumber: 'INV-1', invoiceDate: '2026-11-25', poNumber: 'PO-1', totalAmount: 70.25,
      terms: { discountPercent: 2, discountDays: 10, netDays: 30 }, remitTo: { name: 'ACME REMIT' },
      allowancesCharges: [{ kind: 'allowance', code: 'C310', amount: 2.5 }],
      lines: [{ quantity: 10, unitPrice: 2.5, amount: 25 }, { quantity: 12, uom: 'EA', unitPrice: 4, amount: 48 }] });
  });

  it('997 -> FunctionalAck with its AK3/AK4 errors', () => {
    const [t] = translate(interchange('ACMERETAIL', 'ACMERETAIL', 'FA', [['997', 'AK1*SH*17', 'AK2*856*0017', 'AK3*TD5*6**8', 'AK4*3*67*7*ZZ', 'AK5*R*5', 'AK9*R*1*1*0']]));
    expect(t.document).toMatchObject({ type: 'functional_ack', kind: '997', groups: [{ functionalId: 'SH', controlNumber: '17', status: 'rejected',
      sets: [{ type: '856', controlNumber: '0017', status: 'rejected', errors: [{ segment: 'TD5', position: 6, code: '8' },
        { segment: 'TD5', position: 6, element: 3, code: '7' }, { code: '5' }] }] }] });
  });
});
