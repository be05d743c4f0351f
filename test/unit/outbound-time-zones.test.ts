import { GatewayConfigSchema } from '../../src/config/gateway.config';
import { buildX12Acks } from '../../src/acks/x12-acks';
import { buildContrl } from '../../src/acks/edifact-acks';
import { orderAckFrom, shipmentFrom, warehouseOrderFrom, invoiceFrom } from '../../src/odoo/events/mappers';
import type { InvoiceRec, PickingRec, ProductRec, SaleOrderRec } from '../../src/odoo/events/odoo-records';
import { readSegments } from '../../src/parsers/edifact/segment-reader';
import type { EdifactSegment } from '../../src/parsers/edifact/segment';
import { validateEdifactBytes } from '../../src/parsers/edifact/validate-stream';
import { reportErrorLines, validateOutbound } from '../../src/parsers/x12/validate-outbound';
import { validateX12Bytes } from '../../src/parsers/x12/validate-stream';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { requireProfiles } from '../../src/partners/require-profiles';
import { edifactContext } from '../../src/pipeline/edifact-inspect';
import { renderEdifact } from '../../src/translators/edifact/render-edifact';
import { sequentialAllocator, sequentialSsccSerials } from '../../src/translators/x12/control-allocator';
import { renderX12 } from '../../src/translators/x12/render-x12';
import { PROFILES, x12Interchange } from '../helpers';
import { shipment } from '../render-fixtures';

/** Outbound dates and times on the partner's clock: from Odoo's UTC to the segments the partner reads. */
const partners = requireProfiles(PROFILES);
const acme = partners.get('acme-retail')!;
const summit = partners.get('summit-grocers')!;
const swift = partners.get('swift-3pl')!;
const nordmart = partners.get('nordmart')!;
const config = GatewayConfigSchema.parse({});
const self = config.self.x12;
const withZone = (p: PartnerProfile, timeZone: string): PartnerProfile => ({ ...p, outbound: { ...p.outbound, timeZone } });

const product: ProductRec = { id: 1, default_code: 'ODW-1001', barcode: '012345678905', name: 'Red widget' };
/** Done at 02:00 UTC on 15 July: 22:00 the evening before in New York (EDT), 21:00 in Chicago (CDT). */
const picking: PickingRec = { id: 5, name: 'WH/OUT/00005', state: 'done', origin: 'S00009', partner_id: [30, 'x'], scheduled_date: '2026-07-15 03:30:00',
  date_done: '2026-07-15 02:00:00', carrier_tracking_ref: false, picking_type_id: [2, 'x'], write_date: '2026-07-15 02:00:00' };
const moves = [{ move: { id: 1, product_id: [1, 'x'] as [number, string], product_uom_qty: 24, done: 24 }, product }];
const lines = (segs: string) => segs.split('~').map((s) => s.trim()).filter(Boolean);

async function renderChecked(doc: Parameters<typeof renderX12>[0], profile: PartnerProfile, now: Date): Promise<string[]> {
  const r = await renderX12(doc, profile, { self, controlNumbers: sequentialAllocator(), ssccSerials: sequentialSsccSerials(), now });
  expect(reportErrorLines(validateOutbound(r.text, profile, self).report)).toEqual([]);
  return lines(r.text);
}

describe('outbound datetimes in the partner\'s time zone', () => {
  it('an 856 for a picking done 02:00 UTC ships the previous evening in New York, with DTM04 ED; envelope and BSN on the same clock', async () => {
    const doc = shipmentFrom({ picking, moves, profile: acme, today: '2026-07-15' });
    expect(doc).toMatchObject({ shipDate: '2026-07-14', shipTime: '2200' });
    // Rendered at 02:10 UTC: still 14 July in New York.
    const segs = await renderChecked(doc, acme, new Date('2026-07-15T02:10:00Z'));
    expect(segs[0].split('*').slice(9, 11)).toEqual(['260714', '2210']);
    expect(segs[1].split('*').slice(4, 6)).toEqual(['20260714', '2210']);
    expect(segs.find((s) => s.startsWith('BSN*'))!.split('*').slice(3, 5)).toEqual(['20260714', '2210']);
    expect(segs).toContain('DTM*011*20260714*2200*ED');
  });

  it('Chicago in winter: CS; UTC (the default) is UT and keeps the UTC day', async () => {
    const winter = { ...picking, date_done: '2026-01-15 02:00:00' };
    const summitDoc = shipmentFrom({ picking: winter, moves, profile: summit, today: '2026-01-15' });
    expect(summitDoc).toMatchObject({ shipDate: '2026-01-14', shipTime: '2000' });
    const utc = withZone(acme, 'UTC');
    const utcDoc = shipmentFrom({ picking: winter, moves, profile: utc, today: '2026-01-15' });
    expect(utcDoc).toMatchObject({ shipDate: '2026-01-15', shipTime: '0200' });
    const segs = await renderChecked(utcDoc, utc, new Date('2026-01-15T02:10:00Z'));
    expect(segs[0].split('*').slice(9, 11)).toEqual(['260115', '0210']);
    expect(segs).toContain('DTM*011*20260115*0200*UT');
  });

  it('855 dates (BAK, ACK) from Odoo datetimes move to the zone; invoice_date, a pure date, stays', async () => {
    const so: SaleOrderRec = { id: 9, name: 'S00009', state: 'sale', client_order_ref: 'PO-9', date_order: '2026-07-15 01:00:00', commitment_date: '2026-07-20 03:00:00',
      partner_id: [20, 'x'], partner_shipping_id: false as unknown as [number, string], currency_id: [1, 'USD'], write_date: 'x' };
    const ack = orderAckFrom({ so, profile: acme, today: '2026-07-15', lines: [{ line: { id: 1, product_id: [1, 'x'], product_uom_qty: 24, price_unit: 2, name: 'x' }, product }] });
    expect(ack).toMatchObject({ ackDate: '2026-07-14', lines: [{ scheduledDate: '2026-07-19' }] });
    const segs = await renderChecked(ack, acme, new Date('2026-07-15T01:05:00Z'));
    expect(segs.find((s) => s.startsWith('BAK*'))).toBe('BAK*00*AD*PO-9*20260714*****20260714');
    expect(segs.find((s) => s.startsWith('ACK*'))).toMatch(/\*068\*20260719$/);
    const invoice: InvoiceRec = { id: 3, name: 'INV/1', state: 'posted', move_type: 'out_invoice', invoice_date: '2026-07-15', invoice_date_due: false, invoice_origin: false,
      ref: 'PO-9', partner_id: [20, 'x'], currency_id: [1, 'USD'], amount_untaxed: 48, amount_tax: 0, amount_total: 48, write_date: 'x' };
    const inv = invoiceFrom({ invoice, profile: acme, today: '2026-07-15', lines: [{ line: { id: 1, product_id: [1, 'x'], name: 'x', quantity: 24, price_unit: 2, price_subtotal: 48 }, product }] });
    expect(inv.invoiceDate).toBe('2026-07-15');
  });

  it('940 G62 requested ship date on the warehouse\'s clock', async () => {
    // 03:30 UTC on 15 July is 22:30 on the 14th in Chicago (swift-3pl).
    const wo = warehouseOrderFrom({ picking, moves, warehouse: swift, depositor: { name: 'Odoo Distribution' } });
    expect(wo.requestedShip).toBe('2026-07-14');
    const segs = await renderChecked(wo, swift, new Date('2026-07-15T03:35:00Z'));
    expect(segs).toContain('G62*10*20260714');
  });

  it('997: ISA09/10 and GS04/05 on the partner\'s clock', () => {
    const result = validateX12Bytes(x12Interchange('ACMERETAIL', '000000417'), { self: { qualifier: self.qualifier, id: self.id }, partners });
    const acks = buildX12Acks(result.interchanges[0], { self, partner: acme, controlNumbers: { interchange: 1, group: 1 }, now: new Date('2026-07-15T02:00:00Z') });
    const segs = lines(acks.text!);
    expect(segs[0].split('*').slice(9, 11)).toEqual(['260714', '2200']);
    expect(segs[1].split('*').slice(4, 6)).toEqual(['20260714', '2200']);
  });

  it('EDIFACT: UNB date and time on Stockholm time (CEST +2), for a DESADV and a CONTRL', async () => {
    const r = await renderEdifact(shipment({ partnerId: 'nordmart', shipDate: '2026-07-15', shipTime: '0100',
      shipTo: { name: 'Nordmart DC', gln: '5412345000020', code: '5412345000020', codeQualifier: '9' } }), nordmart,
    { self: config.self.edifact, controlNumbers: sequentialAllocator<'unb' | 'unh'>(), ssccSerials: sequentialSsccSerials(), now: new Date('2026-07-14T22:30:00Z') });
    const segs = readSegments(r.bytes).filter((s): s is EdifactSegment => s.kind === 'segment');
    const unb = segs.find((s) => s.tag === 'UNB')!;
    expect(unb.elements[4]).toEqual(['260715', '0030']);
    expect(segs.filter((s) => s.tag === 'DTM').map((s) => s.elements[1])).toContainEqual(['11', '202607150100', '203']);

    const orders = Buffer.from([
      "UNB+UNOC:3+5412345000013:14+5790000000001:14+260715:0030+TZ1'", "UNH+M1+ORDERS:D:96A:UN:EAN008'", "BGM+220+PO1+9'", "DTM+137:20260715:102'",
      "NAD+BY+5412345000013::9'", "LIN+1++5790000110018:EN'", "QTY+21:12'", "UNS+S'", "UNT+8+M1'", "UNZ+1+TZ1'",
    ].join('\n'), 'latin1');
    const result = validateEdifactBytes(orders, edifactContext(config, partners));
    const contrl = buildContrl(result.interchanges[0], { self: config.self.edifact, partner: nordmart, controlNumbers: { interchange: 1, message: 1 }, now: new Date('2026-01-15T23:30:00Z') });
    // 23:30 UTC in January is 00:30 the next day in Stockholm (CET +1).
    expect(contrl.text).toMatch(/UNB\+UNOC:3\+5790000000001:14\+5412345000013:14\+260116:0030\+1/);
  });
});
