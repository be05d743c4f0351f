import { parse } from 'csv-parse/sync';
import { OrderSchema, type Invoice, type OrderAck, type Shipment, type WarehouseAdvice } from '../../src/canonical';
import { FLAG_CODES } from '../../src/reconciliation/flags';
import {
  reconcile, type AdviceDocRow, type OrderDocRow, type OutboundAckRow, type OutboundDocRow, type PartnerPolicy, type ReconcileInput,
} from '../../src/reconciliation/reconcile';
import { reconciliationCsv } from '../../src/reconciliation/reconciliation-csv';

/** Crafted store rows: one acme order of 24 EA and 6 CA (72 EA), and what answered it. */
const T0 = new Date('2026-11-20T10:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * 86_400_000);
const ACME: PartnerPolicy = { name: 'ACME Retail', shipWithinDays: 3, invoiceWithinDays: 2, expects: { orderAck: true, shipment: true, invoice: true }, units: { CA: { uom: 'EA', factor: 12 } } };
const SWIFT: PartnerPolicy = { name: 'Swift 3PL', shipWithinDays: 3, invoiceWithinDays: 2, expects: { orderAck: false, shipment: false, invoice: false }, units: {} };
const policy = (id: string) => (id === 'swift-3pl' ? SWIFT : ACME);
let seq = 100;
const facts = (partnerId: string, when: Date, status = 'done') => ({ messageId: ++seq, documentId: seq, partnerId, at: when, status, errorCode: null, errorMessage: null });

function order(over: Partial<OrderDocRow> = {}, po = 'PO-1'): OrderDocRow {
  const body = OrderSchema.parse({ type: 'order', partnerId: 'acme-retail', poNumber: po, purpose: 'original', dates: {}, references: [], notes: [],
    source: { standard: 'X12', version: '004010', senderId: 'ACMERETAIL', receiverId: 'ODOODIST', interchangeControl: '1', setControl: '0001' },
    lines: [
      { lineNumber: '1', quantity: 24, uom: 'EA', unitPrice: 12.5, ids: { vendorItem: 'ODW-1001' }, productCode: 'ODW-1001' },
      { lineNumber: '2', quantity: 6, uom: 'CA', unitPrice: 48, ids: { vendorItem: 'ODW-1002' }, productCode: 'ODW-1002' },
    ] });
  return { ...facts('acme-retail', T0), odooModel: 'sale.order', odooId: 7, body, ...over };
}
const ackRow = (over: Partial<OutboundAckRow> = {}): OutboundAckRow => ({ expected: '997', dueAt: at(1), groupStatus: null, groupCodes: null, setStatus: null, setDetail: null, interchangeStatus: null, ...over });
function out(body: OrderAck | Shipment | Invoice, when: Date, acks: OutboundAckRow[] = [ackRow({ dueAt: new Date(when.getTime() + 86_400_000) })], status = 'done'): OutboundDocRow {
  return { ...facts('acme-retail', when, status), body, acks, mdn: null };
}
const ack855 = (status: OrderAck['status'] = 'accepted'): OrderAck => ({ type: 'order_ack', partnerId: 'acme-retail', poNumber: 'PO-1', orderNumber: 'S00007', ackDate: '2026-11-20', status,
  lines: [{ lineNumber: '1', status: 'accepted', orderedQuantity: 24, quantity: 24, uom: 'EA', ids: {}, productCode: 'ODW-1001' },
    { lineNumber: '2', status: 'accepted', orderedQuantity: 6, quantity: 6, uom: 'CA', ids: {}, productCode: 'ODW-1002' }] });
const asn = (second = 72, id = 'WH-OUT-00007'): Shipment => ({ type: 'shipment', partnerId: 'acme-retail', shipmentId: id, purpose: 'original', shipDate: '2026-11-21', references: [],
  orders: [{ poNumber: 'PO-1', orderNumber: 'S00007', packs: [{ items: [
    { lineNumber: '1', ids: {}, quantity: 24, uom: 'EA', productCode: 'ODW-1001' }, { lineNumber: '2', ids: {}, quantity: second, uom: 'EA', productCode: 'ODW-1002' }] }], items: [] }] });
const invoice = (second = 6, number = 'INV/2026/0001'): Invoice => ({ type: 'invoice', partnerId: 'acme-retail', invoiceNumber: number, invoiceDate: '2026-11-22', invoiceType: 'invoice',
  poNumber: 'PO-1', orderNumber: 'S00007', references: [], allowancesCharges: [], taxes: [], totalAmount: 300 + second * 48,
  lines: [{ lineNumber: '1', quantity: 24, uom: 'EA', unitPrice: 12.5, ids: {}, productCode: 'ODW-1001', taxes: [], allowancesCharges: [] },
    { lineNumber: '2', quantity: second, uom: 'CA', unitPrice: 48, ids: {}, productCode: 'ODW-1002', taxes: [], allowancesCharges: [] }] });
function advice(second: number, po: string | null = 'PO-1', picking = 'WH/OUT/00007'): AdviceDocRow {
  const body: WarehouseAdvice = { type: 'warehouse_advice', partnerId: 'swift-3pl', orderNumber: picking, poNumber: po ?? undefined, references: [],
    lines: [{ shippedQuantity: 24, uom: 'EA', ids: { vendorItem: 'ODW-1001' }, productCode: 'ODW-1001' }, { shippedQuantity: second, uom: 'EA', ids: { vendorItem: 'ODW-1002' }, productCode: 'ODW-1002' }] };
  return { ...facts('swift-3pl', at(1)), body };
}

const run = (input: Partial<ReconcileInput>, now = at(1.5), odooEnabled = true) =>
  reconcile({ orders: [order()], outbound: [], advices: [], ...input }, { now, policy, odooEnabled });
const codes = (input: Partial<ReconcileInput>, now?: Date, odooEnabled?: boolean) => run(input, now, odooEnabled)[0].flags.map((f) => f.code);

/** The whole lifecycle, every quantity agreeing: 855, 856 and 810 sent, each acknowledged. */
const accepted = [ackRow({ groupStatus: 'A', setStatus: 'A' })];
const complete = (): Partial<ReconcileInput> => ({
  outbound: [out(ack855(), at(0.1), accepted), out(asn(), at(1), accepted), out(invoice(), at(1.2), accepted)],
  advices: [advice(72)],
});

describe('reconcile (crafted store rows)', () => {
  it('a complete order: quantities in our unit side by side, Odoo ids, every acknowledgment accepted, no flag', () => {
    const [row] = run(complete(), at(30));
    expect(row).toMatchObject({
      partnerId: 'acme-retail', partnerName: 'ACME Retail', poNumber: 'PO-1', receivedAt: T0.toISOString(), odoo: { saleOrderId: 7, saleOrderName: 'S00007' },
      ordered: { lines: 2, quantity: 96, amount: 588 }, acknowledged: { type: 'accept', quantity: 96 },
      shipped: { quantity: 96, shipments: ['WH-OUT-00007'], advisedQuantity: 96 }, invoiced: { quantity: 96, amount: 588, invoices: ['INV/2026/0001'] },
    });
    expect(row.lines).toEqual([
      expect.objectContaining({ key: 'ODW-1001', ordered: 24, acknowledged: 24, shipped: 24, advised: 24, invoiced: 24, unit: 'EA' }),
      expect.objectContaining({ key: 'ODW-1002', ordered: 72, acknowledged: 72, shipped: 72, advised: 72, invoiced: 72, unit: 'EA' }),
    ]);
    expect(row.documents.map((d) => [d.type, d.ack])).toEqual([['order_ack', 'accepted'], ['shipment', 'accepted'], ['invoice', 'accepted']]);
    expect(row.flags).toEqual([]);
  });

  it('SHIPPED_QTY_DIFFERS: absent when the 856 ships what was ordered, present naming the line when it ships less, or when the 945 says otherwise', () => {
    expect(codes({ outbound: [out(asn(72), at(1))] })).not.toContain('SHIPPED_QTY_DIFFERS');
    const [short] = run({ outbound: [out(asn(60), at(1))] });
    expect(short.flags.map((f) => f.code)).toEqual(['SHIPPED_QTY_DIFFERS']);
    expect(short.flags[0].message).toContain('ODW-1002: 60 shipped / 72 ordered EA');
    // Only the warehouse's 945 so far: it is what was shipped.
    expect(codes({ advices: [advice(72)] })).not.toContain('SHIPPED_QTY_DIFFERS');
    expect(codes({ advices: [advice(60)] })).toContain('SHIPPED_QTY_DIFFERS');
    // Both agree with the order, but not with each other.
    expect(codes({ outbound: [out(asn(72), at(1))], advices: [advice(60)] })).toContain('SHIPPED_QTY_DIFFERS');
  });

  it('INVOICED_QTY_DIFFERS: absent when the 810 bills what shipped (cases against eaches), present when it bills more; a credit note counts back', () => {
    const shipped = out(asn(60), at(1));
    expect(codes({ outbound: [shipped, out(invoice(5), at(1.2))] })).not.toContain('INVOICED_QTY_DIFFERS');
    const [over] = run({ outbound: [shipped, out(invoice(6), at(1.2))] });
    expect(over.flags.map((f) => f.code)).toContain('INVOICED_QTY_DIFFERS');
    expect(over.flags.find((f) => f.code === 'INVOICED_QTY_DIFFERS')!.message).toContain('ODW-1002: 72 invoiced / 60 shipped EA');
    const credit: Invoice = { ...invoice(1, 'RINV/1'), invoiceType: 'credit_note', lines: [invoice(1).lines[1]], totalAmount: 48 };
    const [credited] = run({ outbound: [shipped, out(invoice(6), at(1.2)), out(credit, at(1.3))] });
    expect(credited.invoiced).toEqual({ quantity: 84, amount: 540, invoices: ['INV/2026/0001', 'RINV/1'] });
    expect(credited.flags.map((f) => f.code)).not.toContain('INVOICED_QTY_DIFFERS');
    // Billed with nothing shipped.
    expect(codes({ outbound: [out(invoice(6), at(1.2))] })).toContain('INVOICED_QTY_DIFFERS');
  });

  it("ASN_MISSING: only past the partner's window, not once an 856 is sent, not for a partner that takes none, not for a cancelled order", () => {
    expect(codes({}, at(2.9))).not.toContain('ASN_MISSING');
    expect(codes({}, at(3.1))).toContain('ASN_MISSING');
    expect(codes({ outbound: [out(asn(), at(1))] }, at(3.1))).not.toContain('ASN_MISSING');
    // The 945 came, the customer was never told: still missing, and the text says the warehouse shipped.
    const [told] = run({ advices: [advice(72)] }, at(3.1));
    expect(told.flags.find((f) => f.code === 'ASN_MISSING')!.message).toContain('the warehouse advised 96 shipped');
    expect(reconcile({ orders: [order()], outbound: [], advices: [] }, { now: at(9), odooEnabled: true, policy: () => ({ ...ACME, expects: { ...ACME.expects, shipment: false } }) })[0].flags).toEqual([]);
    expect(codes({ orders: [order({ body: { ...order().body, purpose: 'cancel' } })] }, at(9))).toEqual([]);
  });

  it('INVOICE_MISSING: shipped and not invoiced past invoiceWithinDays of the last shipment; not before, not once invoiced', () => {
    const shipped = out(asn(), at(1));
    expect(codes({ outbound: [shipped] }, at(2.9))).not.toContain('INVOICE_MISSING');
    expect(codes({ outbound: [shipped] }, at(3.1))).toContain('INVOICE_MISSING');
    expect(codes({ outbound: [shipped, out(invoice(), at(3.5))] }, at(9))).not.toContain('INVOICE_MISSING');
    // A 945 alone is a shipment too.
    expect(codes({ advices: [advice(72)] }, at(3.1))).toContain('INVOICE_MISSING');
  });

  it('ACK_REJECTED: a 997 set R, a group R, a CONTRL 4, a TA1 R or an APERAK rejection; accepted (A, E, CONTRL 7) is not', () => {
    for (const good of [{ groupStatus: 'A', setStatus: 'A' }, { groupStatus: 'E' }, { groupStatus: 'P', setStatus: 'A' }, { groupStatus: '7', expected: 'CONTRL' }]) {
      expect(codes({ outbound: [out(asn(), at(1), [ackRow(good)])] })).toEqual([]);
    }
    for (const bad of [{ groupStatus: 'P', setStatus: 'R' }, { groupStatus: 'R' }, { groupStatus: '4', expected: 'CONTRL' }, { interchangeStatus: 'R', groupStatus: 'A' },
      { groupStatus: 'A', setStatus: 'A', setDetail: 'APERAK rejected; error 13' }]) {
      const [row] = run({ outbound: [out(asn(), at(1), [ackRow(bad)])] });
      expect(row.flags.map((f) => f.code)).toEqual(['ACK_REJECTED']);
      expect(row.documents[0].ack).toBe('rejected');
    }
    // The pipeline's mark on our message stands even when the tables say nothing.
    const marked = { ...out(asn(), at(1), []), status: 'exception', errorCode: 'PARTNER_REJECTED', errorMessage: 'the partner rejected group 12' };
    expect(codes({ outbound: [marked] })).toEqual(['ACK_REJECTED']);
  });

  it('ACK_OVERDUE: an expected 997 past its due time; pending before it; none expected (a channel, a partner without acks) never', () => {
    const sent = out(ack855(), at(0.1), [ackRow({ dueAt: at(1.1) })]);
    const [before] = run({ outbound: [sent] }, at(1));
    expect(before.documents[0].ack).toBe('pending');
    expect(before.flags).toEqual([]);
    const [after] = run({ outbound: [sent] }, at(1.2));
    expect(after.documents[0].ack).toBe('overdue');
    expect(after.flags.map((f) => f.code)).toEqual(['ACK_OVERDUE']);
    const [none] = run({ outbound: [out(ack855(), at(0.1), [ackRow({ expected: null, dueAt: null })])] }, at(2));
    expect(none.documents[0].ack).toBe('not_expected');
    expect(none.flags).toEqual([]);
  });

  it('NOT_IN_ODOO and ORDER_EXCEPTION: a settled order without a sale order; the message an exception; neither for an order still in the pipeline or with Odoo off', () => {
    expect(codes({ orders: [order()] })).toEqual([]);
    expect(codes({ orders: [order({ odooId: null, odooModel: null })] })).toEqual(['NOT_IN_ODOO']);
    expect(codes({ orders: [order({ odooId: null, odooModel: null, status: 'processing' })] })).toEqual([]);
    expect(codes({ orders: [order({ odooId: null, odooModel: null })] }, undefined, false)).toEqual([]);
    const failed = order({ odooId: null, odooModel: null, status: 'exception', errorCode: 'ODOO_PRODUCT_NOT_FOUND', errorMessage: 'no product ODW-1001' });
    const [row] = run({ orders: [failed] });
    expect(row.flags.map((f) => f.code)).toEqual(['ORDER_EXCEPTION', 'NOT_IN_ODOO']);
    expect(row.flags[0].message).toContain('ODOO_PRODUCT_NOT_FOUND: no product ODW-1001');
    // Replayed and written: the later run's link counts.
    expect(codes({ orders: [failed, order({ status: 'done' })] })).toEqual([]);
  });

  it('DELIVERY_FAILED: a document for the PO that could not be sent', () => {
    expect(codes({ outbound: [out(asn(), at(1))] })).toEqual([]);
    const stuck = { ...out(asn(), at(1), []), status: 'exception', errorCode: 'AS2_MDN_MISSING', errorMessage: 'no MDN within 30 minutes' };
    expect(codes({ outbound: [stuck] })).toEqual(['DELIVERY_FAILED']);
  });

  it('a 945 goes to the PO it names; when two partners share the PO, to the one whose 856 is for that picking; without a PO, by the picking alone', () => {
    const other = { ...order({}, 'PO-1'), partnerId: 'summit-grocers', body: { ...order().body, partnerId: 'summit-grocers' } };
    const rows = run({ orders: [order(), other], outbound: [out(asn(72, 'WH-OUT-00007'), at(1))], advices: [advice(60)] });
    expect(rows.find((r) => r.partnerId === 'acme-retail')!.shipped.advisedQuantity).toBe(84);
    expect(rows.find((r) => r.partnerId === 'summit-grocers')!.shipped.advisedQuantity).toBeNull();
    const [byPicking] = run({ outbound: [out(asn(72, 'WH-OUT-00007'), at(1))], advices: [advice(72, null)] });
    expect(byPicking.shipped.advisedQuantity).toBe(96);
    expect(run({ advices: [advice(72, null)] })[0].shipped.advisedQuantity).toBeNull();
  });

  it('the CSV reads back (csv-parse) with commas, quotes and line breaks in values', () => {
    const po = 'PO-7,"A"\nB';
    const rows = run({ orders: [order({ odooId: null, odooModel: null }, po)] });
    const text = reconciliationCsv(rows);
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ partner: 'acme-retail', po_number: po, ordered_qty: '96', flags: 'NOT_IN_ODOO', received_at: T0.toISOString() });
    expect(records[0].flag_details).toBe(rows[0].flags[0].message);
    expect(text.split('\r\n')[0].split(',')).toContain('invoice_fa');
  });

  it('every flag code has words (README lists the same codes)', () => {
    const readme = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', '..', 'README.md'), 'utf8') as string;
    for (const code of FLAG_CODES) expect(readme).toContain(`\`${code}\``);
  });
});
