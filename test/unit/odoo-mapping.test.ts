import fs from 'node:fs';
import path from 'node:path';
import { GatewayConfigSchema } from '../../src/config/gateway.config';
import { OrderSchema, type Order } from '../../src/canonical';
import { invoiceFrom, matchLines, orderAckFrom, shipmentFrom, warehouseOrderFrom } from '../../src/odoo/events/mappers';
import type { InvoiceRec, PartnerRec, PickingRec, ProductRec, SaleOrderRec } from '../../src/odoo/events/odoo-records';
import { productKeys, orderXmlid, orderLineXmlid } from '../../src/odoo/writers/keys';
import { orderLoadRows } from '../../src/odoo/writers/order-load';
import { shippedPerMove } from '../../src/odoo/writers/picking-moves';
import { requireProfiles } from '../../src/partners/require-profiles';
import { reportErrorLines, validateOutbound } from '../../src/parsers/x12/validate-outbound';
import { sequentialAllocator, sequentialSsccSerials } from '../../src/translators/x12/control-allocator';
import { renderX12 } from '../../src/translators/x12/render-x12';
import { PROFILES } from '../helpers';
import type { CanonicalDocument } from '../../src/canonical';
import type { PartnerProfile } from '../../src/partners/profile.schema';

const partners = requireProfiles(PROFILES);
const acme = partners.get('acme-retail')!;
const summit = partners.get('summit-grocers')!;
const swift = partners.get('swift-3pl')!;
const self = GatewayConfigSchema.parse({}).self.x12;
const stored850: Order = OrderSchema.parse(JSON.parse(fs.readFileSync(path.join(PROFILES, 'acme-retail/samples/inbound/850-store-order.expected.json'), 'utf8'))[0]);

/** Renders for the partner and reads it back with our own validator, as the partner would. */
async function renderChecked(doc: CanonicalDocument, profile: PartnerProfile): Promise<string> {
  const r = await renderX12(doc, profile, { self, controlNumbers: sequentialAllocator(), ssccSerials: sequentialSsccSerials(), now: new Date('2026-11-28T10:00:00Z') });
  const check = validateOutbound(r.text, profile, self);
  expect(reportErrorLines(check.report)).toEqual([]);
  return r.text;
}

const products: Record<string, ProductRec> = {
  1: { id: 1, default_code: 'ODW-1001', barcode: '012345678905', name: 'Red widget 12 inch' },
  2: { id: 2, default_code: 'ODW-1002', barcode: '012345678912', name: 'Blue widget' },
  4: { id: 4, default_code: 'ODW-2001', barcode: '10614141000012', name: 'Summit case' },
};
const store42: PartnerRec = { id: 30, name: 'ACME Store 0042 Springfield', ref: 'ACME-ST-0042', street: '1200 Main Street', street2: false, city: 'Springfield', zip: '62701', stateCode: 'IL', countryCode: 'US' };
const so: SaleOrderRec = { id: 9, name: 'S00009', state: 'sale', client_order_ref: '4500012345', date_order: '2026-11-20 10:00:00', commitment_date: '2026-12-05 12:00:00',
  partner_id: [20, 'ACME Retail'], partner_shipping_id: [30, 'ACME Store 0042'], currency_id: [1, 'USD'], write_date: '2026-11-20 10:00:01' };

describe('Odoo records -> canonical documents -> the partner\'s X12', () => {
  it('acme 855: lines as ordered (CA back from EA) and as confirmed, from the stored 850', async () => {
    const ack = orderAckFrom({ so, profile: acme, today: '2026-11-28', stored: stored850,
      lines: [
        { line: { id: 1, product_id: [1, 'x'], product_uom_qty: 24, price_unit: 12.5, name: 'x' }, product: products[1] },
        { line: { id: 2, product_id: [2, 'x'], product_uom_qty: 60, price_unit: 4, name: 'x' }, product: products[2] },
      ] });
    expect(ack).toMatchObject({ poNumber: '4500012345', orderNumber: 'S00009', poDate: '2026-11-20', status: 'accepted_with_changes', shipTo: { code: '0042' } });
    expect(ack.lines.map((l) => [l.lineNumber, l.status, l.orderedQuantity, l.quantity, l.scheduledDate])).toEqual([
      ['1', 'accepted', 24, 24, '2026-12-05'], ['2', 'changed', 72, 60, '2026-12-05']]);
    const text = await renderChecked(ack, acme);
    expect(text).toContain('PO1*2*6*CA*48**UP*012345678912');
    expect(text).toContain('ACK*IC*5*CA*068*20261205');
    expect(text).toContain('N1*ST*ACME STORE 0042*92*0042');
  });

  it('acme 856 from a done picking, without a stored order: the store code comes back from the locations table', async () => {
    const picking: PickingRec = { id: 5, name: 'WH/OUT/00005', state: 'done', origin: 'S00009 - 4500012345', partner_id: [30, 'x'], scheduled_date: false,
      date_done: '2026-11-22 15:30:00', carrier_tracking_ref: '1Z999', picking_type_id: [2, 'x'], write_date: '2026-11-22 15:30:00' };
    const shipment = shipmentFrom({ picking, so, shipTo: store42, profile: acme, today: '2026-11-28',
      moves: [{ move: { id: 1, product_id: [1, 'x'], product_uom_qty: 24, done: 24 }, product: products[1] },
        { move: { id: 2, product_id: [2, 'x'], product_uom_qty: 72, done: 0 }, product: products[2] }] });
    // Odoo's 15:30 UTC is 10:30 on acme-retail's clock (New York, EST).
    expect(shipment).toMatchObject({ shipmentId: 'WH-OUT-00005', shipDate: '2026-11-22', shipTime: '1030', trackingNumber: '1Z999',
      shipTo: { code: '0042', codeQualifier: '92', address: { city: 'Springfield', region: 'IL', country: 'US' } } });
    expect(shipment.orders[0].packs[0].items.map((i) => [i.productCode, i.quantity])).toEqual([['ODW-1001', 24]]);
    const text = await renderChecked(shipment, acme);
    expect(text).toMatch(/MAN\*GM\*\d{18}~/);
    expect(text).toContain('PRF*4500012345');
  });

  it('856 from a picking with several tracking numbers (comma-joined, as a 945 or an Odoo carrier leaves them): the first is CN, the others 2I', async () => {
    const picking: PickingRec = { id: 7, name: 'WH/OUT/00007', state: 'done', origin: 'S00009 - 4500012345', partner_id: [30, 'x'], scheduled_date: false,
      date_done: '2026-11-22 15:30:00', carrier_tracking_ref: '1Z999AA10123456784,1Z999AA10123456791', picking_type_id: [2, 'x'], write_date: 'x' };
    const shipment = shipmentFrom({ picking, so, shipTo: store42, profile: acme, today: '2026-11-28',
      moves: [{ move: { id: 1, product_id: [1, 'x'], product_uom_qty: 24, done: 24 }, product: products[1] }] });
    expect(shipment).toMatchObject({ trackingNumber: '1Z999AA10123456784', references: [{ qualifier: '2I', value: '1Z999AA10123456791' }] });
    const text = await renderChecked(shipment, acme);
    expect(text).toContain('REF*CN*1Z999AA10123456784~');
    expect(text).toContain('REF*2I*1Z999AA10123456791~');
  });

  it('summit 856 and 810 in 005010 with the summit GTINs', async () => {
    const summitSo = { ...so, client_order_ref: 'SG-77', partner_id: [21, 'Summit'] as [number, string] };
    const picking: PickingRec = { id: 6, name: 'WH/OUT/00006', state: 'done', origin: false, partner_id: [31, 'x'], scheduled_date: false, date_done: '2026-11-22 09:00:00', picking_type_id: [2, 'x'], write_date: 'x' };
    const shipment = shipmentFrom({ picking, so: summitSo, profile: summit, today: '2026-11-28', moves: [{ move: { id: 1, product_id: [4, 'x'], product_uom_qty: 10, done: 10 }, product: products[4] }] });
    const asn = await renderChecked(shipment, summit);
    expect(asn).toContain('LIN*1*UK*10614141000012*VN*ODW-2001~');
    expect(asn).toContain('SN1**10*CA~'); // summit's items table: ODW-2001 is sold by the case
    const invoice: InvoiceRec = { id: 3, name: 'INV/2026/00003', state: 'posted', move_type: 'out_invoice', invoice_date: '2026-11-23', invoice_date_due: false,
      invoice_origin: 'S00009', ref: 'SG-77', partner_id: [21, 'x'], currency_id: [1, 'USD'], amount_untaxed: 100, amount_tax: 8.25, amount_total: 108.25, write_date: 'x' };
    const doc = invoiceFrom({ invoice, profile: summit, today: '2026-11-28', billTo: { ...store42, id: 21, name: 'Summit Grocers', ref: 'SUMMIT-GROCERS' },
      lines: [{ line: { id: 1, product_id: [4, 'x'], name: 'x', quantity: 10, price_unit: 10, price_subtotal: 100 }, product: products[4] }] });
    expect(doc).toMatchObject({ invoiceNumber: 'INV/2026/00003', poNumber: 'SG-77', orderNumber: 'S00009', totalAmount: 108.25, taxes: [{ type: 'TX', amount: 8.25 }] });
    const text = await renderChecked(doc, summit);
    expect(text).toContain('TDS*10825');
  });

  it('acme 810 from a posted invoice with the stored order\'s terms and parties', async () => {
    const invoice: InvoiceRec = { id: 4, name: 'INV/2026/00004', state: 'posted', move_type: 'out_invoice', invoice_date: '2026-11-23', invoice_date_due: false,
      invoice_origin: 'S00009', ref: '4500012345', partner_id: [20, 'x'], currency_id: [1, 'USD'], amount_untaxed: 540, amount_tax: 0, amount_total: 540, write_date: 'x' };
    const doc = invoiceFrom({ invoice, profile: acme, today: '2026-11-28', stored: stored850,
      lines: [{ line: { id: 1, product_id: [1, 'x'], name: 'x', quantity: 24, price_unit: 12.5, price_subtotal: 300 }, product: products[1] },
        { line: { id: 2, product_id: [2, 'x'], name: 'x', quantity: 60, price_unit: 4, price_subtotal: 240 }, product: products[2] }] });
    expect(doc).toMatchObject({ poDate: '2026-11-20', terms: { netDays: 60, discountPercent: 2 }, billTo: { code: '9000' } });
    const text = await renderChecked(doc, acme);
    expect(text).toContain('IT1*2*5*CA*48**');
  });

  it('swift 940 from a ready picking: W0502 is the picking name the 945 will echo', async () => {
    const picking: PickingRec = { id: 7, name: 'SWF/OUT/00001', state: 'assigned', origin: 'S00009 - 4500012345', partner_id: [30, 'x'], scheduled_date: '2026-11-21 08:00:00', date_done: false, picking_type_id: [9, 'x'], write_date: 'x' };
    const doc = warehouseOrderFrom({ picking, so, shipTo: store42, customer: acme, warehouse: swift, depositor: { code: self.id, codeQualifier: '91' },
      moves: [{ move: { id: 1, product_id: [1, 'x'], product_uom_qty: 24, done: 0 }, product: products[1] }] });
    expect(doc).toMatchObject({ orderNumber: 'SWF/OUT/00001', poNumber: '4500012345', requestedShip: '2026-11-21', shipTo: { code: '0042' }, references: [{ qualifier: 'CO', value: 'S00009' }] });
    const text = await renderChecked(doc, swift);
    expect(text).toContain('W05*N*SWF/OUT/00001*4500012345');
    expect(text).toContain('VN*ODW-1001');
  });

  it('pairs Odoo lines with stored lines by product code, then by position', () => {
    const stored = stored850.lines;
    expect(matchLines([{ productCode: 'ODW-1002' }, { productCode: 'ODW-9' }], stored).map((l) => l?.lineNumber)).toEqual(['2', '1']);
    expect(matchLines([{ productCode: 'ODW-1001' }], undefined)).toEqual([undefined]);
  });
});

describe('order writer payload', () => {
  it('one load() with the order\'s and each line\'s external id; later rows leave the order columns empty', () => {
    // Line 2 came as 6 CA at 48, and CA is Odoo's 'Case of 12' (id 27): every line gets its unit, the case line at the case price.
    const uoms = { field: 'product_uom' as const, ids: new Map([['1', 1], ['2', 27]]) };
    const { fields, rows } = orderLoadRows(stored850, acme, { customerId: 20, shippingId: 30, products: new Map([['1', 1], ['2', 2]]), warehouseId: 1, uoms });
    expect(fields).toEqual(['id', 'partner_id/.id', 'partner_shipping_id/.id', 'client_order_ref', 'origin', 'commitment_date', 'warehouse_id/.id',
      'order_line/id', 'order_line/product_id/.id', 'order_line/product_uom_qty', 'order_line/product_uom/.id', 'order_line/price_unit']);
    expect(rows).toEqual([
      ['edi.so_acme_retail_4500012345', '20', '30', '4500012345', 'EDI acme-retail 000001001/0001', '2026-12-05 12:00:00', '1', 'edi.sol_acme_retail_4500012345_1', '1', '24', '1', '12.5'],
      ['', '', '', '', '', '', '', 'edi.sol_acme_retail_4500012345_2', '2', '6', '27', '48'],
    ]);
    // Without units (no line in an Odoo pack) there is no unit column, and the lines go as stored.
    const plain = orderLoadRows(stored850, acme, { customerId: 20, products: new Map([['1', 1], ['2', 2]]) });
    expect(plain.fields).not.toContain('order_line/product_uom/.id');
    expect(plain.rows[1].slice(-2)).toEqual(['6', '48']);
  });
  it('leaves prices to the pricelist when the profile says so', () => {
    const { fields, rows } = orderLoadRows({ ...stored850, partnerId: 'summit-grocers' }, summit, { customerId: 21, products: new Map([['1', 1], ['2', 2]]), pricelistId: 3 });
    expect(fields).toContain('pricelist_id/.id');
    expect(fields).not.toContain('order_line/price_unit');
    expect(rows[0]).toContain('3');
  });
  it('keys and product lookups', () => {
    expect(orderXmlid('acme-retail', 'PO/1.2')).toBe('so_acme_retail_PO_1_2');
    expect(orderLineXmlid('acme-retail', 'P1', '003')).toBe('sol_acme_retail_P1_003');
    expect(productKeys(acme, { productCode: 'ODW-1001', ids: { upc: '012345678905', vendorItem: 'ODW-1001', buyerItem: 'A1' } })).toEqual([
      { field: 'default_code', value: 'ODW-1001' }, { field: 'barcode', value: '012345678905' }]);
    expect(productKeys(summit, { ids: { gtin: '10614141000012', vendorItem: 'ODW-2001' } })).toEqual([
      { field: 'barcode', value: '10614141000012' }, { field: 'default_code', value: 'ODW-2001' }]);
  });
  it('spreads shipped quantities over a product\'s moves, zero for products the advice does not name', () => {
    const advice = { type: 'warehouse_advice', partnerId: 'swift-3pl', orderNumber: 'X', references: [],
      lines: [{ shippedQuantity: 30, uom: 'EA', ids: {} }, { shippedQuantity: 5, uom: 'EA', ids: {} }] } as any;
    const r = shippedPerMove(advice, new Map([[0, 1], [1, 9]]), [
      { id: 10, product_id: [1, 'a'], product_uom_qty: 24 }, { id: 11, product_id: [1, 'a'], product_uom_qty: 10 }, { id: 12, product_id: [2, 'b'], product_uom_qty: 5 }]);
    expect([...r.quantities]).toEqual([[10, 24], [11, 6], [12, 0]]);
    expect(r.unknown).toEqual(['9']);
  });
});
