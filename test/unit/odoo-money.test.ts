import { OrderSchema, type Order } from '../../src/canonical';
import { GatewayConfigSchema } from '../../src/config/gateway.config';
import { documentTaxes, lineTaxes, lineUnits, orderedIn, partnerUnitFor } from '../../src/odoo/events/money-mapping';
import { invoiceFrom, orderAckFrom } from '../../src/odoo/events/mappers';
import type { InvoiceRec, ProductRec, SaleOrderRec, UomRec } from '../../src/odoo/events/odoo-records';
import { uomRatio } from '../../src/odoo/writers/money';
import { floatRound } from '../../src/odoo/sandbox/models/uom';
import { reportErrorLines, validateOutbound } from '../../src/parsers/x12/validate-outbound';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { requireProfiles } from '../../src/partners/require-profiles';
import { renderInvoic } from '../../src/translators/edifact/render-invoic';
import { renderOrdrsp } from '../../src/translators/edifact/render-ordrsp';
import { convertUom } from '../../src/translators/resolve';
import { sequentialAllocator, sequentialSsccSerials } from '../../src/translators/x12/control-allocator';
import { renderX12 } from '../../src/translators/x12/render-x12';
import { PROFILES } from '../helpers';

const partners = requireProfiles(PROFILES);
const acme = partners.get('acme-retail')!;
const nordmart = partners.get('nordmart')!;
/** acme without an Odoo unit for its cases: CA lines are converted to eaches. */
const acmeConverted: PartnerProfile = { ...acme, mapping: { ...acme.mapping, uom: { CA: { uom: 'EA', factor: 12 } } } };
const self = GatewayConfigSchema.parse({}).self.x12;

const UNITS: UomRec = { id: 1, name: 'Units', ratio: 1 };
const CASE: UomRec = { id: 27, name: 'Case of 12', ratio: 12 };
const DOZENS: UomRec = { id: 2, name: 'Dozens', ratio: 12 };
const uoms = new Map([UNITS, CASE, DOZENS].map((u) => [u.id, u]));
const taxes = new Map([[1, { id: 1, amount: 15, amount_type: 'percent' }]]);
const widget: ProductRec = { id: 2, default_code: 'ODW-1002', barcode: '012345678912', name: 'Blue widget', uom_id: [1, 'Units'] };
const so: SaleOrderRec = { id: 9, name: 'S00009', state: 'sale', client_order_ref: 'PO-7', date_order: '2026-11-20 10:00:00', commitment_date: false,
  partner_id: [20, 'ACME Retail'], partner_shipping_id: [20, 'ACME Retail'], currency_id: [1, 'USD'], write_date: 'x' };

function order(lines: Order['lines'], currency?: string): Order {
  return OrderSchema.parse({ type: 'order', partnerId: 'acme-retail', poNumber: 'PO-7', purpose: 'original', currency,
    source: { standard: 'X12', version: '004010', senderId: 'ACMERETAIL', receiverId: 'ODOODIST', interchangeControl: '1', setControl: '0001' },
    dates: {}, references: [], notes: [], lines });
}
const line = (quantity: number, uom: string, unitPrice: number) => ({ lineNumber: '1', quantity, uom, unitPrice, ids: { upc: '012345678912', vendorItem: 'ODW-1002' }, productCode: 'ODW-1002' });

async function x12(doc: any, profile: PartnerProfile): Promise<string> {
  const r = await renderX12(doc, profile, { self, controlNumbers: sequentialAllocator(), ssccSerials: sequentialSsccSerials(), now: new Date('2026-11-28T10:00:00Z') });
  expect(reportErrorLines(validateOutbound(r.text, profile, self).report)).toEqual([]);
  return r.text;
}

describe('odoo money: units, prices and taxes as Odoo holds them', () => {
  it('Odoo rounds like float_round HALF-UP (what the sandbox stores)', () => {
    expect([floatRound(3.999167, 2), floatRound(0.7 * 0.15, 2), floatRound(0.335, 2), floatRound(335.93 * 0.15, 2), floatRound(-0.125, 2)]).toEqual([4, 0.11, 0.34, 50.39, -0.13]);
  });

  it('uom ratio: factor_inv in 16-18, factor in 19', () => {
    expect(uomRatio({ factor: 1 / 12, factor_inv: 12 }, 18)).toBe(12);
    expect(uomRatio({ factor: 12 }, 19)).toBe(12);
  });

  it('an order line in a unit with an Odoo unit stays as sent; other units are converted', () => {
    expect(convertUom(acme, 7, 'CA', 47.99, { keepOdooUnits: true })).toEqual({ quantity: 7, uom: 'CA', unitPrice: 47.99 });
    expect(convertUom(acme, 7, 'CA', 47.99)).toEqual({ quantity: 84, uom: 'EA', unitPrice: 3.999167 });
    expect(convertUom(acmeConverted, 7, 'CA', 47.99, { keepOdooUnits: true })).toEqual({ quantity: 84, uom: 'EA', unitPrice: 3.999167 });
  });

  it('line units: a kept pack by its Odoo name, the product unit as ours, any other unit restated in the product unit', () => {
    expect(partnerUnitFor(acme, 'Case of 12')).toBe('CA');
    expect(lineUnits(acme, { uom: [27, 'Case of 12'], quantity: 7, unitPrice: 47.99 }, widget.uom_id, uoms, 'EA')).toEqual({ uom: 'CA', quantity: 7, unitPrice: 47.99 });
    expect(lineUnits(acme, { uom: [1, 'Units'], quantity: 84, unitPrice: 4 }, widget.uom_id, uoms, 'EA')).toEqual({ uom: 'EA', quantity: 84, unitPrice: 4 });
    expect(lineUnits(acme, { uom: [2, 'Dozens'], quantity: 7, unitPrice: 47.99 }, widget.uom_id, uoms, 'EA')).toEqual({ uom: 'EA', quantity: 84, unitPrice: 3.999167 });
    expect(orderedIn(acme, line(7, 'CA', 47.99), 'EA')).toEqual({ quantity: 84, unitPrice: 3.999167 });
    expect(orderedIn(acme, line(7, 'CA', 47.99), 'CA')).toEqual({ quantity: 7, unitPrice: 47.99 });
  });

  it('taxes: per line from price_total - price_subtotal, grouped when they add up to amount_tax, else one of amount_tax', () => {
    const lines = [{ subtotal: 300, total: 345, taxIds: [1] }, { subtotal: 335.93, total: 386.32, taxIds: [1] }];
    expect(lineTaxes(lines[1], taxes)).toEqual([{ type: 'TX', amount: 50.39, percent: 15, taxableAmount: 335.93 }]);
    expect(documentTaxes(lines, 95.39, 635.93, taxes)).toEqual([{ type: 'TX', amount: 95.39, percent: 15, taxableAmount: 635.93 }]);
    // Rounded globally (not Odoo's default): the lines say 95.39, Odoo 95.40; the document says Odoo's.
    expect(documentTaxes(lines, 95.4, 635.93, taxes)).toEqual([{ type: 'TX', amount: 95.4, percent: 15, taxableAmount: 635.93 }]);
    expect(documentTaxes([{ subtotal: 10, total: 10 }], 0, 10, taxes)).toEqual([]);
  });

  it('855, kept case: 7 CA at 47.99 as Odoo holds it is accepted as ordered', async () => {
    const ack = orderAckFrom({ so, profile: acme, today: '2026-11-28', stored: order([line(7, 'CA', 47.99)]), uoms,
      lines: [{ line: { id: 1, product_id: [2, 'x'], product_uom_qty: 7, price_unit: 47.99, name: 'x', uom: [27, 'Case of 12'] }, product: widget }] });
    expect(ack.lines).toMatchObject([{ status: 'accepted', uom: 'CA', orderedQuantity: 7, quantity: 7, unitPrice: 47.99 }]);
    expect(ack.status).toBe('accepted');
    const text = await x12(ack, acme);
    expect(text).toContain('BAK*00*AD*PO-7');
    expect(text).toContain('PO1*1*7*CA*47.99**');
    expect(text).toContain('ACK*IA*7*CA');
  });

  it('855, converted: 84 EA at 3.999167 held at 4.00 is answered 7 CA at 48 with IP, never "accepted as ordered"', async () => {
    const ack = orderAckFrom({ so, profile: acmeConverted, today: '2026-11-28', stored: order([line(84, 'EA', 3.999167)]), uoms,
      lines: [{ line: { id: 1, product_id: [2, 'x'], product_uom_qty: 84, price_unit: 4, name: 'x', uom: [1, 'Units'] }, product: widget }] });
    expect(ack.lines).toMatchObject([{ status: 'price_changed', uom: 'EA', quantity: 84, unitPrice: 4, orderedUnitPrice: 3.999167 }]);
    expect(ack.status).toBe('accepted_with_changes');
    const text = await x12(ack, acmeConverted);
    expect(text).toContain('BAK*00*AC*PO-7');
    expect(text).toContain('PO1*1*7*CA*48**');
    expect(text).toContain('ACK*IP*7*CA');
    // ORDRSP: the line is changed (LIN 1229 = 3) at Odoo's price.
    const body = renderOrdrsp({ ...ack, partnerId: 'nordmart' }, { profile: nordmart, self: { id: '5790000000001' }, now: new Date() });
    expect(body).toContainEqual(['LIN', '1', '3', expect.anything()]);
    expect(body).toContainEqual(['PRI', ['AAA', '4']]);
  });

  it('810 and INVOIC carry Odoo\'s lines, line taxes and totals to the cent', async () => {
    const invoice: InvoiceRec = { id: 4, name: 'INV/2026/00004', state: 'posted', move_type: 'out_invoice', invoice_date: '2026-11-23', invoice_date_due: false,
      invoice_origin: 'S00009', ref: 'PO-7', partner_id: [20, 'x'], currency_id: [2, 'EUR'], amount_untaxed: 335.93, amount_tax: 50.39, amount_total: 386.32, write_date: 'x' };
    const doc = invoiceFrom({ invoice, profile: acme, today: '2026-11-28', stored: order([line(7, 'CA', 47.99)], 'USD'), uoms, taxes,
      lines: [{ line: { id: 1, product_id: [2, 'x'], name: 'x', quantity: 7, price_unit: 47.99, price_subtotal: 335.93, price_total: 386.32, product_uom_id: [27, 'Case of 12'], tax_ids: [1] }, product: widget }] });
    // The invoice's own currency wins over what the order said.
    expect(doc).toMatchObject({ currency: 'EUR', untaxedAmount: 335.93, totalAmount: 386.32, taxes: [{ amount: 50.39, percent: 15 }] });
    expect(doc.lines).toMatchObject([{ quantity: 7, uom: 'CA', unitPrice: 47.99, amount: 335.93, taxes: [{ amount: 50.39 }] }]);
    const text = await x12(doc, acme);
    for (const seg of ['IT1*1*7*CA*47.99**', 'TXI*TX*50.39*15', 'TDS*38632', 'CUR*SE*EUR']) expect(text).toContain(seg);
    const body = renderInvoic({ ...doc, partnerId: 'nordmart' }, { profile: nordmart, self: { id: '5790000000001' }, now: new Date() });
    for (const moa of [['77', '386.32'], ['79', '335.93'], ['125', '335.93'], ['176', '50.39'], ['124', '50.39'], ['203', '335.93']]) {
      expect(body).toContainEqual(['MOA', moa]);
    }
  });
});
