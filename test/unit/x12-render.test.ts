import type { CanonicalDocument, Invoice, Shipment } from '../../src/canonical';
import { loadProfiles } from '../../src/partners/load-profiles';
import { PartnerRegistry } from '../../src/partners/partner-registry';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { selfAsPartner, validateOutbound } from '../../src/parsers/x12/validate-outbound';
import { validateX12Bytes } from '../../src/parsers/x12/validate-stream';
import { isValidSscc } from '../../src/translators/sscc';
import { collectAcceptedSets, translateX12, type PendingX12Set } from '../../src/translators/translate-x12';
import { sequentialAllocator, sequentialSsccSerials } from '../../src/translators/x12/control-allocator';
import { renderX12, type X12RenderOptions } from '../../src/translators/x12/render-x12';
import { PROFILES } from '../helpers';
import { invoice, NOW, orderAck, shipment, warehouseOrder } from '../render-fixtures';

const partners = new PartnerRegistry(loadProfiles(PROFILES).profiles);
const self = { qualifier: 'ZZ', id: 'ODOODIST', gsId: 'ODOODIST' };
const acme = partners.get('acme-retail')!;
const summit = partners.get('summit-grocers')!;
const swift = partners.get('swift-3pl')!;

const options = (over: Partial<X12RenderOptions> = {}): X12RenderOptions =>
  ({ self, controlNumbers: sequentialAllocator(), ssccSerials: sequentialSsccSerials(), now: NOW, ...over });
const render = (docs: CanonicalDocument | CanonicalDocument[], profile: PartnerProfile, over: Partial<X12RenderOptions> = {}) =>
  renderX12(docs, profile, options(over));

/** Segments of rendered text as [tag, e1, e2, ...], for the default delimiters. */
function segments(text: string, element = '*', terminator = '~'): string[][] {
  return text.split(terminator).map((s) => s.replace(/^\r?\n/, '')).filter(Boolean).map((s) => s.split(element));
}
const tagged = (text: string, tag: string) => segments(text).filter((s) => s[0] === tag);

/** A profile changed for one test, the rest as loaded. */
function variant(base: PartnerProfile, change: (p: PartnerProfile) => void): PartnerProfile {
  const p = structuredClone({ ...base, xref: undefined }) as PartnerProfile;
  p.xref = base.xref;
  change(p);
  return p;
}

/** Summit has no GS1 company prefix: its shipments come with their SSCCs. */
function summitShipment(): Shipment {
  const s = shipment({ partnerId: 'summit-grocers' });
  s.orders[0].packs[1].sscc = '006141410000000029';
  return s;
}

describe('every rendered document passes our own validator, as the partner would read it', () => {
  const cases: [string, PartnerProfile, () => CanonicalDocument, string, string][] = [
    ['855 to acme-retail (004010)', acme, () => orderAck(), '855', '004010'],
    ['856 to acme-retail (004010, S-O-P-I)', acme, () => shipment(), '856', '004010'],
    ['810 to acme-retail (004010)', acme, () => invoice(), '810', '004010'],
    ['856 to summit-grocers (005010)', summit, summitShipment, '856', '005010'],
    ['810 to summit-grocers (005010)', summit, () => invoice({ partnerId: 'summit-grocers' }), '810', '005010'],
    ['940 to swift-3pl (004010)', swift, () => warehouseOrder(), '940', '004010'],
  ];
  it.each(cases)('%s', async (_name, profile, doc, type, version) => {
    const { text } = await render(doc(), profile);
    const { report } = validateOutbound(text, profile, self);
    const errors = [...report.errors, ...report.interchanges.flatMap((i) => [...i.errors, ...i.groups.flatMap((g) => [...g.errors, ...g.sets.flatMap((s) => s.errors)])])];
    expect(errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.interchanges).toHaveLength(1);
    expect(report.interchanges[0]).toMatchObject({ version, senderId: 'ODOODIST', receiverId: profile.identifiers.x12[0].id, status: 'accepted' });
    expect(report.interchanges[0].groups[0].sets).toEqual([expect.objectContaining({ type, status: 'accepted' })]);
  });

  it('and the check is real: a broken element is reported', async () => {
    const { text } = await render(invoice(), acme);
    const broken = text.replace('BIG*20261128', 'BIG*20261328');
    const { report } = validateOutbound(broken, acme, self);
    expect(report.ok).toBe(false);
    expect(report.interchanges[0].groups[0].sets[0].errors).toEqual([expect.objectContaining({ segment: 'BIG', element: 1, code: '8' })]);
  });
});

describe('855 order acknowledgment', () => {
  it('answers the PO with BAK, and each line with PO1 and ACK in the partner\'s units and ids', async () => {
    const { text } = await render(orderAck(), acme);
    expect(tagged(text, 'BAK')).toEqual([['BAK', '00', 'AC', 'PO-1001', '20261125', '', '', '', '', '20261126']]);
    expect(tagged(text, 'CUR')).toEqual([['CUR', 'SE', 'USD']]);
    expect(tagged(text, 'REF')).toEqual([['REF', 'VN', 'SO-77']]);
    expect(tagged(text, 'N1')).toEqual([['N1', 'ST', 'ACME Store 0042', '92', '0042']]);
    expect(tagged(text, 'PO1')).toEqual([
      // 24 EA are 2 cases of 12 at 12 x 2.50.
      ['PO1', '1', '2', 'CA', '30', '', 'UP', '012345678905', 'IN', 'A100234', 'VN', 'ODW-1001'],
      // 10 ordered and 5 acknowledged: 5 is no whole number of cases, so the line stays in EA.
      ['PO1', '2', '10', 'EA', '1.25', '', 'UP', '012345678912', 'IN', 'A100235', 'VN', 'ODW-1002'],
      ['PO1', '3', '3', 'EA', '', '', 'IN', 'A100236'],
    ]);
    expect(tagged(text, 'ACK')).toEqual([
      ['ACK', 'IA', '2', 'CA', '068', '20261201'],
      ['ACK', 'IC', '5', 'EA', '068', '20261203'],
      ['ACK', 'IR', '0', 'EA'],
    ]);
    expect(tagged(text, 'CTT')).toEqual([['CTT', '3']]);
  });

  it.each([['accepted', 'AD'], ['accepted_with_changes', 'AC'], ['rejected', 'RD']] as const)('status %s is BAK02 %s', async (status, code) => {
    const { text } = await render(orderAck({ status }), acme);
    expect(tagged(text, 'BAK')[0][2]).toBe(code);
  });

  it('writes a backordered line as ACK01 IB, and the ack date in BAK04 when the PO had no date', async () => {
    const doc = orderAck({ poDate: undefined });
    doc.lines[0].status = 'backordered';
    const { text } = await render(doc, acme);
    expect(tagged(text, 'BAK')[0][4]).toBe('20261126');
    expect(tagged(text, 'ACK')[0][1]).toBe('IB');
  });
});

describe('856 ship notice', () => {
  const hl = (text: string) => tagged(text, 'HL').map((s) => s.slice(1).join(' '));

  it('S-O-P-I: packs under the order, items under packs, HL parents and child codes right, CTT01 counts HL', async () => {
    const { text } = await render(shipment(), acme);
    // NOW is 14:05 UTC; acme-retail reads New York time (EST in November): 09:05.
    expect(tagged(text, 'BSN')).toEqual([['BSN', '00', 'SH-5001', '20261128', '0905', '0001']]);
    expect(hl(text)).toEqual(['1  S 1', '2 1 O 1', '3 2 P 1', '4 3 I 0', '5 2 P 1', '6 5 I 0']);
    expect(tagged(text, 'CTT')).toEqual([['CTT', '6']]);
    expect(tagged(text, 'TD5')).toEqual([['TD5', 'B', '2', 'UPSN', 'M', 'UPS Ground']]);
    expect(tagged(text, 'REF').slice(0, 2)).toEqual([['REF', 'BM', 'BOL-88'], ['REF', 'CN', '1Z999AA10123456784']]);
    // The ship time is on acme-retail's clock; DTM04 says which: Eastern Standard Time.
    expect(tagged(text, 'DTM')).toEqual([['DTM', '011', '20261128', '0930', 'ES'], ['DTM', '017', '20261201']]);
    expect(tagged(text, 'PRF')).toEqual([['PRF', 'PO-1001', '', '', '20261125']]);
    expect(tagged(text, 'SN1')).toEqual([['SN1', '', '2', 'CA', '', '2', 'CA'], ['SN1', '', '5', 'EA', '', '10', 'EA']]);
  });

  it('keeps a pack\'s SSCC and makes one for a pack without, from the profile\'s GS1 company prefix', async () => {
    const { text } = await render(shipment(), acme, { ssccSerials: sequentialSsccSerials(41) });
    const ssccs = tagged(text, 'MAN').map((m) => m[2]);
    expect(ssccs[0]).toBe('106141411234567897');
    // extension 0, acme-retail's prefix 0614141, serial 41 in 9 digits, check digit.
    expect(ssccs[1]).toMatch(/^00614141000000041\d$/);
    expect(isValidSscc(ssccs[1])).toBe(true);
  });

  it('S-O-I: no pack level, items straight under their order', async () => {
    const soi = variant(acme, (p) => { p.outbound.shipmentStructure = 'SOI'; });
    const { text } = await render(shipment(), soi);
    expect(tagged(text, 'BSN')[0][5]).toBe('0004');
    expect(hl(text)).toEqual(['1  S 1', '2 1 O 1', '3 2 I 0', '4 2 I 0']);
    expect(tagged(text, 'MAN')).toEqual([]);
    expect(tagged(text, 'CTT')).toEqual([['CTT', '4']]);
    expect(validateOutbound(text, soi, self).report.ok).toBe(true);
  });

  it('several orders each get their own O level under the one shipment', async () => {
    const doc = shipment();
    doc.orders.push({ ...structuredClone(doc.orders[0]), poNumber: 'PO-1002' });
    doc.orders[1].packs[0].sscc = undefined;
    const { text } = await render(doc, acme);
    expect(hl(text)).toEqual(['1  S 1', '2 1 O 1', '3 2 P 1', '4 3 I 0', '5 2 P 1', '6 5 I 0', '7 1 O 1', '8 7 P 1', '9 8 I 0', '10 7 P 1', '11 10 I 0']);
    expect(tagged(text, 'CTT')).toEqual([['CTT', '11']]);
    expect(new Set(tagged(text, 'MAN').map((m) => m[2])).size).toBe(4);
  });

  it('refuses S-O-P-I items outside packs, packs without SSCC and no prefix, and a wrong check digit', async () => {
    const loose = shipment();
    loose.orders[0].items = [{ ids: { upc: '012345678905' }, quantity: 1, uom: 'EA' }];
    await expect(render(loose, acme)).rejects.toThrow(/shipment SH-5001: acme-retail wants shipments as shipment-order-pack-item .* order PO-1001 has items outside packs/);
    const noPrefix = { ...summit, outbound: { ...summit.outbound, gs1CompanyPrefix: undefined } };
    await expect(render(shipment({ partnerId: 'summit-grocers' }), noPrefix)).rejects.toThrow(/a pack has no SSCC, and summit-grocers's profile has no outbound.gs1CompanyPrefix/);
    const bad = shipment();
    bad.orders[0].packs[0].sscc = '106141411234567890';
    await expect(render(bad, acme)).rejects.toMatchObject({ code: 'DOCUMENT_UNRENDERABLE', message: expect.stringMatching(/SSCC 106141411234567890 has a wrong check digit/) });
  });
});

describe('810 invoice', () => {
  it('writes amounts as their element types ask: TDS and SAC05 with 2 implied decimals, prices and quantities as R', async () => {
    const { text } = await render(invoice(), acme);
    expect(tagged(text, 'BIG')).toEqual([['BIG', '20261128', 'INV-9001', '20261125', 'PO-1001']]);
    expect(tagged(text, 'TDS')).toEqual([['TDS', '8345']]);
    // 12.345 rounds half up to 1235 (no 1234 from 1234.4999... float error).
    expect(tagged(text, 'SAC')).toEqual([
      ['SAC', 'A', 'C310', '', '', '50', '', '', '', '', '', '', '', '', '', 'Discount'],
      ['SAC', 'C', 'D240', '', '', '1235', '', '', '', '', '', '', '', '', '', 'Freight'],
    ]);
    expect(tagged(text, 'IT1')[0]).toEqual(['IT1', '1', '2', 'CA', '30', '', 'UP', '012345678905', 'IN', 'A100234', 'VN', 'ODW-1001']);
    expect(tagged(text, 'ITD')).toEqual([['ITD', '01', '3', '2', '', '10', '', '30', '', '', '', '', '2% 10 NET 30']]);
    expect(tagged(text, 'N1').map((n) => n[1])).toEqual(['BT', 'RE', 'ST']);
    expect(tagged(text, 'CTT')).toEqual([['CTT', '2']]);
  });

  it.each([[-12.345, '-1235'], [0, '0'], [-0.001, '0'], [1234567.891, '123456789'], [0.05, '5']])('TDS01 for a total of %p is %p', async (total, written) => {
    const { text } = await render(invoice({ totalAmount: total }), acme);
    expect(tagged(text, 'TDS')[0][1]).toBe(written);
  });

  it('TXI03 is a percentage in 004010 and a decimal fraction in 005010', async () => {
    expect(tagged((await render(invoice(), acme)).text, 'TXI')[0]).toEqual(['TXI', 'ST', '4.95', '8.25']);
    expect(tagged((await render(invoice({ partnerId: 'summit-grocers' }), summit)).text, 'TXI')[0]).toEqual(['TXI', 'ST', '4.95', '0.0825']);
  });

  it('marks credit notes in BIG07', async () => {
    expect(tagged((await render(invoice({ invoiceType: 'credit_note' }), acme)).text, 'BIG')[0][7]).toBe('CR');
  });
});

describe('940 warehouse shipping order', () => {
  it('writes W05, parties, dates, carrier, and W01 lines with the UPC in W0103 and W76 totals', async () => {
    const { text } = await render(warehouseOrder(), swift);
    expect(tagged(text, 'W05')).toEqual([['W05', 'N', 'WH/OUT/00042', 'PO-1001']]);
    expect(tagged(text, 'N1').map((n) => n[1])).toEqual(['ST', 'DE', 'SF']);
    expect(tagged(text, 'G62')).toEqual([['G62', '10', '20261130'], ['G62', '01', '20261210']]);
    expect(tagged(text, 'W66')).toEqual([['W66', 'PP', 'U', '', '', 'UPS Ground', '', '', '', '', 'UPSN']]);
    expect(tagged(text, 'W01')).toEqual([['W01', '24', 'EA', '012345678905', 'VN', 'ODW-1001'], ['W01', '7.5', 'KG', '', 'VN', 'ODW-2001']]);
    expect(tagged(text, 'LX')).toEqual([['LX', '1'], ['LX', '2']]);
    expect(tagged(text, 'W76')).toEqual([['W76', '31.5']]);
  });

  it('puts a third id pair in W0115/16, and a UPC that is not 12 digits as a UP pair', async () => {
    const doc = warehouseOrder();
    doc.lines = [{ lineNumber: '1', quantity: 1, uom: 'EA', ids: { upc: '12345', ean: '4006381333931', buyerItem: 'B1', sku: 'S1' } }];
    const { text } = await render(doc, swift);
    const w01 = tagged(text, 'W01')[0];
    expect(w01.slice(0, 8)).toEqual(['W01', '1', 'EA', '', 'UP', '12345', 'EN', '4006381333931']);
    expect(w01.slice(15, 17)).toEqual(['IN', 'B1']);
    expect(validateOutbound(text, swift, self).report.ok).toBe(true);
  });
});

describe('the envelope', () => {
  it('004010: ISA11 U, ISA12 00401, GS08 004010, usage from the mode, no TA1 asked', async () => {
    const { text, spec } = await render(invoice(), acme);
    const isa = segments(text)[0];
    expect(isa[11]).toBe('U');
    expect(isa[12]).toBe('00401');
    expect(isa[13]).toBe('000000001');
    expect(isa[14]).toBe('0');
    expect(isa[15]).toBe('P');
    expect(isa[16]).toBe('>');
    expect(tagged(text, 'GS')).toEqual([['GS', 'IN', 'ODOODIST', 'ACMERETAIL', '20261128', '0905', '1', 'X', '004010']]);
    expect(text.length - text.replace(/\n/g, '').length).toBe(segments(text).length);
    expect(spec.receiver).toEqual({ qualifier: 'ZZ', id: 'ACMERETAIL', gsId: 'ACMERETAIL' });
  });

  it('005010: ISA11 is the repetition separator, ISA12 00501, GS08 005010', async () => {
    const { text } = await render(invoice({ partnerId: 'summit-grocers' }), summit);
    const isa = segments(text)[0];
    expect(isa[11]).toBe('^');
    expect(isa[12]).toBe('00501');
    expect(tagged(text, 'GS')[0][8]).toBe('005010');
  });

  it('takes delimiters, line ending, TA1 request and test usage from the profile', async () => {
    const custom = variant(acme, (p) => {
      p.mode = 'test';
      p.outbound.x12 = { ...p.outbound.x12, elementSeparator: '|', segmentTerminator: '\'', componentSeparator: ':', lineEnding: 'crlf', requestTa1: true };
    });
    const { text } = await render(invoice(), custom);
    expect(text.startsWith('ISA|00|')).toBe(true);
    expect(text).toContain('\'\r\nGS|IN|');
    const isa = text.split('\'')[0].split('|');
    expect([isa[14], isa[15], isa[16]]).toEqual(['1', 'T', ':']);
    expect(validateOutbound(text, custom, self).report.ok).toBe(true);
  });

  it('takes control numbers from the allocator: ISA13, GS06, ST02 (and IEA/GE/SE repeat them)', async () => {
    const asked: string[] = [];
    let n = 40;
    const allocator = { next: async (kind: 'isa' | 'gs' | 'st') => { asked.push(kind); return ++n; } };
    const { text, spec } = await render([invoice(), invoice({ invoiceNumber: 'INV-9002' })], acme, { controlNumbers: allocator });
    expect(asked).toEqual(['isa', 'gs', 'st', 'st']);
    expect(segments(text)[0][13]).toBe('000000041');
    expect(tagged(text, 'GS')[0][6]).toBe('42');
    expect(tagged(text, 'ST')).toEqual([['ST', '810', '0043'], ['ST', '810', '0044']]);
    expect(tagged(text, 'GE')).toEqual([['GE', '2', '42']]);
    expect(tagged(text, 'IEA')).toEqual([['IEA', '1', '000000041']]);
    expect(spec.groups).toHaveLength(1);
    expect(validateOutbound(text, acme, self).report.ok).toBe(true);
  });

  it('puts documents of different kinds in one group per functional id', async () => {
    const { text, spec } = await render([invoice(), shipment(), invoice({ invoiceNumber: 'INV-9002' })], acme);
    expect(spec.groups.map((g) => [g.functionalId, g.sets.map((s) => s.type)])).toEqual([['IN', ['810', '810']], ['SH', ['856']]]);
    expect(tagged(text, 'IEA')).toEqual([['IEA', '2', '000000001']]);
    expect(validateOutbound(text, acme, self).report.ok).toBe(true);
  });

  it('says which acknowledgment the partner owes, for recordOutbound', async () => {
    expect((await render(invoice(), acme)).expectAck).toEqual({ kind: '997', withinHours: 24 });
    expect((await render(invoice({ partnerId: 'summit-grocers' }), summit)).expectAck).toEqual({ kind: '999', withinHours: 24 });
    const none = variant(acme, (p) => { p.acknowledgments.expect = []; });
    expect((await render(invoice(), none)).expectAck).toBeUndefined();
  });
});

describe('what cannot be rendered fails with a clear error', () => {
  it('a value holding a delimiter names the document, the element and the delimiter', async () => {
    const err = await render(invoice({ poNumber: 'PO*1001' }), acme).catch((e) => e);
    expect(err).toMatchObject({ code: 'DOCUMENT_UNRENDERABLE' });
    expect(err.message).toMatch(/^invoice INV-9001: BIG04: value "PO\*1001" contains the delimiter '\*'/);
    await expect(render(invoice({ lines: [{ ...invoice().lines[0], description: 'half ~ full' }] }), acme)).rejects.toThrow(/PID05: value "half ~ full" contains the delimiter '~'/);
  });

  it('the repetition separator counts only from 00501, where ISA11 declares it', async () => {
    await expect(render(invoice({ poNumber: 'PO^1' }), acme)).resolves.toBeDefined();
    await expect(render(invoice({ partnerId: 'summit-grocers', poNumber: 'PO^1' }), summit)).rejects.toThrow(/contains the delimiter '\^'/);
  });

  it('a document the profile does not list as outbound, or for another partner', async () => {
    await expect(render(warehouseOrder({ partnerId: 'acme-retail' }), acme)).rejects.toThrow(/acme-retail's profile lists no outbound X12 document for type warehouse_order/);
    await expect(render(orderAck(), summit)).rejects.toThrow(/no outbound X12 document for type order_ack/);
    await expect(render(invoice({ partnerId: 'summit-grocers' }), acme)).rejects.toThrow(/invoice INV-9001 is for partner summit-grocers, not acme-retail/);
  });

  it('a line without any item id', async () => {
    const doc = invoice();
    doc.lines[1] = { ...doc.lines[1], ids: {}, productCode: undefined };
    await expect(render(doc, acme)).rejects.toThrow(/invoice INV-9001: line 2: no item id/);
  });
});

/** Reads rendered EDI back with the inbound translators, as the partner's side of us would. */
function readBack(text: string, partner: PartnerProfile): CanonicalDocument[] {
  // Us as a sender, with the partner's own mappings: quantities and ids come back in our terms.
  const reader = { ...selfAsPartner(partner, self), mapping: partner.mapping, crossReferences: partner.crossReferences, xref: partner.xref };
  const registry = new PartnerRegistry([reader]);
  const pending: PendingX12Set[] = [];
  const r = validateX12Bytes(Buffer.from(text), { self: partner.identifiers.x12[0], partners: registry, onSet: collectAcceptedSets(pending) });
  expect(r.report.ok).toBe(true);
  const translated = translateX12(r.interchanges, pending, registry);
  expect(translated.flatMap((t) => t.issues)).toEqual([]);
  return translated.map((t) => t.document!);
}

describe('round trip through the inbound translators', () => {
  it('an invoice comes back with its numbers, lines in our units and products, charges, taxes and total', async () => {
    const sent = invoice();
    const [back] = readBack((await render(sent, acme)).text, acme) as Invoice[];
    expect(back).toMatchObject({
      type: 'invoice', invoiceNumber: 'INV-9001', invoiceDate: '2026-11-28', poNumber: 'PO-1001', poDate: '2026-11-25', currency: 'USD',
      shipDate: '2026-11-28', totalAmount: 83.45, invoiceType: 'invoice',
      billTo: { name: 'ACME Retail AP', code: '0001' }, remitTo: { name: 'Odoo Distribution' }, shipTo: { code: '0042' },
      terms: { type: '01', discountPercent: 2, discountDays: 10, netDays: 30, description: '2% 10 NET 30' },
      taxes: [{ type: 'ST', amount: 5.36, percent: 8.25 }],
      // Written with two implied decimals: 12.345 comes back as 12.35.
      allowancesCharges: [{ kind: 'charge', code: 'D240', amount: 12.35, description: 'Freight' }],
    });
    expect(back.lines.map((l) => [l.lineNumber, l.quantity, l.uom, l.unitPrice, l.productCode])).toEqual([
      ['1', 24, 'EA', 2.5, 'ODW-1001'],
      ['2', 5, 'EA', 1.25, 'ODW-1002'],
    ]);
    expect(back.lines[1].allowancesCharges).toEqual([{ kind: 'allowance', code: 'C310', amount: 0.5, description: 'Discount' }]);
  });

  it('a shipment comes back with its carrier, references, orders, packs with SSCCs and items', async () => {
    const [back] = readBack((await render(shipment(), acme)).text, acme) as Shipment[];
    expect(back).toMatchObject({
      type: 'shipment', shipmentId: 'SH-5001', purpose: 'original', shipDate: '2026-11-28', estimatedDelivery: '2026-12-01',
      carrier: { scac: 'UPSN', mode: 'M', name: 'UPS Ground' }, billOfLading: 'BOL-88', trackingNumber: '1Z999AA10123456784',
      weight: { value: 42.5, uom: 'LB' }, packageCount: 2, packagingCode: 'CTN25',
      shipTo: { code: '0042', name: 'ACME Store 0042' }, shipFrom: { name: 'Odoo Distribution' },
    });
    expect(back.orders).toHaveLength(1);
    const order = back.orders[0];
    expect(order).toMatchObject({ poNumber: 'PO-1001', poDate: '2026-11-25', orderNumber: 'SO-77', invoiceNumber: 'INV-9001', items: [] });
    expect(order.packs.map((p) => p.sscc)).toEqual(['106141411234567897', '006141410000000012']);
    expect(order.packs[0].weight).toEqual({ value: 20, uom: 'LB' });
    expect(order.packs.flatMap((p) => p.items).map((i) => [i.lineNumber, i.quantity, i.orderedQuantity, i.uom, i.productCode])).toEqual([
      ['1', 24, 24, 'EA', 'ODW-1001'],
      ['2', 5, 10, 'EA', 'ODW-1002'],
    ]);
  });
});
