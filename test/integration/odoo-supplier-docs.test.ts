import type { Runtime } from '../../src/daemon/runtime';
import { InvoiceSchema, ShipmentSchema } from '../../src/canonical';
import { writeSupplierInvoice, writeSupplierShipment } from '../../src/odoo/writers';
import { silentLog } from '../helpers';
import { odooRuntime, startSandbox, type SandboxOdoo } from '../odoo-helpers';

/** A supplier sends us a ship notice and an invoice for one of our purchase orders. */
describe('supplier documents into Odoo (sandbox)', () => {
  let sb: SandboxOdoo;
  let rt: Runtime;
  let po: { id: number; name: string };
  beforeAll(async () => {
    sb = await startSandbox();
    rt = await odooRuntime('pglite', sb);
    const [vendor] = sb.execute('res.partner', 'search_read', [[['ref', '=', 'SWIFT-3PL']]], { fields: ['id'] }) as any[];
    const products = sb.execute('product.product', 'search_read', [[['default_code', 'in', ['ODW-1001', 'ODW-1002']]]], { fields: ['id', 'default_code'], order: 'default_code asc' }) as any[];
    const id = [sb.execute('purchase.order', 'create', [[{ partner_id: vendor.id, order_line: products.map((p) => [0, 0, { product_id: p.id, product_qty: 10, price_unit: 3 }]) }]])].flat()[0] as number;
    sb.execute('purchase.order', 'button_confirm', [[id]]);
    po = (sb.execute('purchase.order', 'read', [[id]], { fields: ['name'] }) as any[])[0];
  });
  afterAll(async () => {
    await rt?.close();
    await sb?.close();
  });
  const ctx = () => ({ client: rt.odoo(), profile: rt.partners().get('acme-retail')!, log: silentLog });
  const asn = () => ShipmentSchema.parse({ type: 'shipment', partnerId: 'acme-retail', shipmentId: 'ASN-77', shipDate: '2026-11-28', carrier: { scac: 'ODFL' },
    orders: [{ poNumber: po.name, packs: [{ sscc: '006141411234567890', items: [{ ids: { vendorItem: 'ODW-1001' }, quantity: 8, uom: 'EA' }, { ids: { vendorItem: 'ODW-1002' }, quantity: 10, uom: 'EA' }] }] }] });

  it('a ship notice sets the receipt\'s expected quantities and notes its packs, once', async () => {
    const first = await writeSupplierShipment(asn(), ctx());
    expect(first.model).toBe('stock.picking');
    const moves = sb.execute('stock.move', 'search_read', [[['picking_id', '=', first.id]]], { fields: ['quantity', 'state'], order: 'id asc' }) as any[];
    expect(moves.map((m) => m.quantity)).toEqual([8, 10]);
    expect(moves.every((m) => m.state !== 'done')).toBe(true);
    const again = await writeSupplierShipment(asn(), ctx());
    expect(again).toMatchObject({ id: first.id, note: expect.stringMatching(/already has ASN ASN-77/) });
    const notes = sb.execute('mail.message', 'search_read', [[['model', '=', 'stock.picking'], ['res_id', '=', first.id]]], { fields: ['body'] }) as any[];
    expect(notes.filter((n) => String(n.body).includes('ASN ASN-77'))).toHaveLength(1);
    expect(String(notes[0].body)).toContain('006141411234567890');
  });

  it('an invoice becomes one draft vendor bill linked to the purchase order', async () => {
    const inv = InvoiceSchema.parse({ type: 'invoice', partnerId: 'acme-retail', invoiceNumber: 'SUP-INV-9', invoiceDate: '2026-11-29', poNumber: po.name,
      lines: [{ lineNumber: '1', quantity: 8, uom: 'EA', unitPrice: 3, ids: { vendorItem: 'ODW-1001' } }], totalAmount: 24 });
    const first = await writeSupplierInvoice(inv, ctx());
    const second = await writeSupplierInvoice(inv, ctx());
    expect(second.id).toBe(first.id);
    const [bill] = sb.execute('account.move', 'read', [[first.id]], { fields: ['move_type', 'state', 'ref', 'invoice_origin', 'invoice_line_ids'] }) as any[];
    expect(bill).toMatchObject({ move_type: 'in_invoice', state: 'draft', ref: 'SUP-INV-9', invoice_origin: po.name });
    expect(bill.invoice_line_ids).toHaveLength(1);
  });

  it('names an unknown purchase order, and writes nothing', async () => {
    const inv = InvoiceSchema.parse({ type: 'invoice', partnerId: 'acme-retail', invoiceNumber: 'SUP-INV-10', invoiceDate: '2026-11-29', poNumber: 'P99999',
      lines: [{ lineNumber: '1', quantity: 1, uom: 'EA', unitPrice: 3, ids: { vendorItem: 'ODW-1001' } }], totalAmount: 3 });
    await expect(writeSupplierInvoice(inv, ctx())).rejects.toMatchObject({ code: 'ODOO_RECORD_NOT_FOUND', message: expect.stringMatching(/no purchase order P99999/) });
    expect(sb.execute('account.move', 'search_count', [[['ref', '=', 'SUP-INV-10']]])).toBe(0);
  });
});
