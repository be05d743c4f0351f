import { loadProfiles } from '../../src/partners/load-profiles';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { readSegments } from '../../src/parsers/edifact/segment-reader';
import type { EdifactSegment } from '../../src/parsers/edifact/segment';
import type { Source } from '../../src/canonical';
import { translateContrl } from '../../src/translators/edifact/contrl';
import { translateDesadv } from '../../src/translators/edifact/desadv';
import { translateInvoic } from '../../src/translators/edifact/invoic';
import { renderEdifact } from '../../src/translators/edifact/render-edifact';
import type { Seg } from '../../src/translators/segments';
import { sequentialAllocator, sequentialSsccSerials } from '../../src/translators/x12/control-allocator';
import { PROFILES } from '../helpers';
import { invoice, NOW, shipment } from '../render-fixtures';

const nordmart = loadProfiles(PROFILES).profiles.find((p) => p.id === 'nordmart')!;
const source: Source = { standard: 'EDIFACT', version: 'D96A', senderId: 'X', receiverId: 'Y', interchangeControl: '1', setControl: '1' };

/** The segments of the first message (UNH..UNT) of an interchange, in the translators' shape. */
function message(bytes: Buffer): Seg[] {
  const segs = readSegments(bytes).filter((s): s is EdifactSegment => s.kind === 'segment');
  const from = segs.findIndex((s) => s.tag === 'UNH');
  const to = segs.findIndex((s) => s.tag === 'UNT');
  return segs.slice(from, to + 1).map((s, i) => ({ tag: s.tag, elements: s.elements.slice(1), position: i + 1 }));
}

async function rendered(doc: Parameters<typeof renderEdifact>[0], profile: PartnerProfile = nordmart) {
  return renderEdifact(doc, profile, { self: { id: '5790000000001', qualifier: '14' }, controlNumbers: sequentialAllocator<'unb' | 'unh'>(), ssccSerials: sequentialSsccSerials(), now: NOW });
}

const dc = { name: 'Nordmart DC Göteborg', gln: '5412345000020', code: '5412345000020', codeQualifier: '9' };

describe('EDIFACT documents out and back', () => {
  it('DESADV: packs with SSCCs, lines, quantities and the order reference survive the round trip', async () => {
    const doc = shipment({ partnerId: 'nordmart', shipTo: dc });
    const r = await rendered(doc);
    const back = translateDesadv(message(r.bytes), { profile: nordmart, source });
    expect(back.issues).toEqual([]);
    expect(back.document).toMatchObject({ type: 'shipment', shipmentId: 'SH-5001', shipDate: '2026-11-28', estimatedDelivery: '2026-12-01',
      billOfLading: 'BOL-88', shipTo: { gln: '5412345000020', name: 'Nordmart DC Göteborg' } });
    const packs = (back.document as { orders: { poNumber: string; packs: { sscc?: string; items: { quantity: number; uom: string; productCode?: string }[] }[] }[] }).orders[0];
    expect(packs.poNumber).toBe('PO-1001');
    expect(packs.packs.map((p) => p.sscc)).toEqual(['106141411234567897', expect.stringMatching(/^0579000000000\d{5}$/)]);
    expect(packs.packs.map((p) => p.items.map((i) => [i.quantity, i.uom, i.productCode]))).toEqual([[[24, 'EA', 'ODW-1001']], [[5, 'EA', 'ODW-1002']]]);
  });

  it('INVOIC: totals, line amounts, taxes and charges survive the round trip', async () => {
    const doc = invoice({ partnerId: 'nordmart', currency: 'EUR', shipTo: dc });
    const r = await rendered(doc);
    const back = translateInvoic(message(r.bytes), { profile: nordmart, source });
    expect(back.issues).toEqual([]);
    expect(back.document).toMatchObject({ type: 'invoice', invoiceNumber: 'INV-9001', invoiceDate: '2026-11-28', poNumber: 'PO-1001', currency: 'EUR',
      totalAmount: 83.45, lines: [{ quantity: 24, unitPrice: 2.5, amount: 60, productCode: 'ODW-1001' }, { quantity: 5, unitPrice: 1.25, productCode: 'ODW-1002' }],
      allowancesCharges: [{ kind: 'charge', code: 'FC', amount: 12.345, description: 'Freight' }],
      taxes: [{ type: 'ST', amount: 5.36, percent: 8.25 }] });
  });

  it('names the line with an unknown item', () => {
    const bytes = Buffer.from("UNH+1+DESADV:D:96A:UN'BGM+351+D1+9'DTM+11:20261128:102'RFF+ON:PO9'CPS+1'LIN+1++4000000000000:EN'QTY+12:3'UNT+8+1'", 'latin1');
    const back = translateDesadv(message(bytes), { profile: nordmart, source });
    expect(back.document).toBeUndefined();
    expect(back.issues).toMatchObject([{ code: 'UNKNOWN_ITEM', lineNumber: '1', value: '4000000000000' }]);
  });

  it('CONTRL: the interchange verdict and each rejected message with its segment and element errors', () => {
    const bytes = Buffer.from("UNH+1+CONTRL:2:2:UN'UCI+NM1+5790000000001:14+5412345000013:14+4'UCM+1+DESADV:D:96A:UN+4'UCS+6+12'UCD+12+2:1'UCM+2+DESADV:D:96A:UN+7'UNT+7+1'", 'latin1');
    const back = translateContrl(message(bytes), { profile: nordmart, source });
    expect(back.document).toMatchObject({ type: 'functional_ack', kind: 'CONTRL', interchangeControl: 'NM1', interchange: { status: 'rejected' },
      groups: [{ status: 'partially_accepted', sets: [
        { type: 'DESADV', controlNumber: '1', status: 'rejected', errors: [{ position: 6, code: '12' }, { position: 6, element: 2, code: '12' }] },
        { type: 'DESADV', controlNumber: '2', status: 'accepted', errors: [] }] }] });
  });
});
