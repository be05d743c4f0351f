import type { Invoice, OrderAck, Shipment, WarehouseOrder } from '../src/canonical';
import { InvoiceSchema, OrderAckSchema, ShipmentSchema, WarehouseOrderSchema } from '../src/canonical';

/** Canonical outbound documents for the renderer tests, parsed so schema defaults are filled. */

export const NOW = new Date('2026-11-28T14:05:00Z');

const shipTo = { name: 'ACME Store 0042', code: '0042', codeQualifier: '92',
  address: { lines: ['12 Main St'], city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' } };

export function orderAck(over: Partial<OrderAck> = {}): OrderAck {
  return OrderAckSchema.parse({
    type: 'order_ack', partnerId: 'acme-retail', poNumber: 'PO-1001', poDate: '2026-11-25', orderNumber: 'SO-77',
    ackDate: '2026-11-26', status: 'accepted_with_changes', currency: 'USD', shipTo,
    lines: [
      // 24 EA = 2 CA: acme-retail counts in cases of 12.
      { lineNumber: '1', status: 'accepted', orderedQuantity: 24, quantity: 24, uom: 'EA', unitPrice: 2.5, ids: { upc: '012345678905' }, productCode: 'ODW-1001', description: 'Widget, blue', scheduledDate: '2026-12-01' },
      // 5 EA: not a whole number of cases, so it stays EA; ids come from the items table.
      { lineNumber: '2', status: 'changed', orderedQuantity: 10, quantity: 5, uom: 'EA', unitPrice: 1.25, ids: {}, productCode: 'ODW-1002', scheduledDate: '2026-12-03' },
      { lineNumber: '3', status: 'rejected', orderedQuantity: 3, quantity: 0, uom: 'EA', ids: { buyerItem: 'A100236' } },
    ],
    ...over,
  });
}

export function shipment(over: Partial<Shipment> = {}): Shipment {
  return ShipmentSchema.parse({
    type: 'shipment', partnerId: 'acme-retail', shipmentId: 'SH-5001', shipDate: '2026-11-28', shipTime: '0930',
    estimatedDelivery: '2026-12-01', carrier: { scac: 'UPSN', mode: 'M', name: 'UPS Ground' },
    trackingNumber: '1Z999AA10123456784', billOfLading: 'BOL-88', weight: { value: 42.5, uom: 'LB' }, packagingCode: 'CTN25',
    shipFrom: { name: 'Odoo Distribution', code: 'WH1', codeQualifier: '92', address: { lines: ['1 Depot Rd'], city: 'Joliet', region: 'IL', postalCode: '60431', country: 'US' } },
    shipTo,
    orders: [
      {
        poNumber: 'PO-1001', poDate: '2026-11-25', orderNumber: 'SO-77', invoiceNumber: 'INV-9001',
        packs: [
          { sscc: '106141411234567897', weight: { value: 20, uom: 'LB' }, packaging: 'CTN25',
            items: [{ lineNumber: '1', ids: { upc: '012345678905' }, productCode: 'ODW-1001', quantity: 24, orderedQuantity: 24, uom: 'EA', description: 'Widget, blue' }] },
          // No SSCC: made from acme-retail's GS1 company prefix.
          { items: [{ lineNumber: '2', ids: {}, productCode: 'ODW-1002', quantity: 5, orderedQuantity: 10, uom: 'EA' }] },
        ],
      },
    ],
    ...over,
  });
}

export function invoice(over: Partial<Invoice> = {}): Invoice {
  return InvoiceSchema.parse({
    type: 'invoice', partnerId: 'acme-retail', invoiceNumber: 'INV-9001', invoiceDate: '2026-11-28', poNumber: 'PO-1001',
    poDate: '2026-11-25', orderNumber: 'SO-77', currency: 'USD', shipDate: '2026-11-28',
    billTo: { name: 'ACME Retail AP', code: '0001', codeQualifier: '92', address: { lines: ['PO Box 9'], city: 'Chicago', region: 'IL', postalCode: '60601', country: 'US' } },
    remitTo: { name: 'Odoo Distribution', address: { lines: ['1 Depot Rd', 'Suite 4'], city: 'Joliet', region: 'IL', postalCode: '60431', country: 'US' } },
    shipTo,
    references: [{ qualifier: 'BM', value: 'BOL-88' }],
    terms: { type: '01', discountPercent: 2, discountDays: 10, netDays: 30, description: '2% 10 NET 30' },
    lines: [
      { lineNumber: '1', quantity: 24, uom: 'EA', unitPrice: 2.5, amount: 60, ids: { upc: '012345678905' }, productCode: 'ODW-1001', description: 'Widget, blue',
        taxes: [{ type: 'ST', amount: 4.95, percent: 8.25 }] },
      { lineNumber: '2', quantity: 5, uom: 'EA', unitPrice: 1.25, ids: {}, productCode: 'ODW-1002',
        allowancesCharges: [{ kind: 'allowance', code: 'C310', amount: 0.5, description: 'Discount' }] },
    ],
    allowancesCharges: [{ kind: 'charge', code: 'D240', amount: 12.345, description: 'Freight' }],
    taxes: [{ type: 'ST', amount: 5.36, percent: 8.25 }],
    totalAmount: 83.45,
    ...over,
  });
}

export function warehouseOrder(over: Partial<WarehouseOrder> = {}): WarehouseOrder {
  return WarehouseOrderSchema.parse({
    type: 'warehouse_order', partnerId: 'swift-3pl', orderNumber: 'WH/OUT/00042', poNumber: 'PO-1001', shipTo,
    depositor: { name: 'Odoo Distribution', code: 'ODOODIST', codeQualifier: '91' },
    shipFrom: { name: 'Swift 3PL Joliet', address: { lines: ['9 Warehouse Way'], city: 'Joliet', region: 'IL', postalCode: '60431', country: 'US' } },
    requestedShip: '2026-11-30', cancelAfter: '2026-12-10', carrier: { scac: 'UPSN', name: 'UPS Ground', mode: 'U' },
    references: [{ qualifier: 'CO', value: 'SO-77' }],
    notes: [{ qualifier: 'WHI', text: 'Deliver to dock 3' }],
    lines: [
      { lineNumber: '1', quantity: 24, uom: 'EA', ids: { upc: '012345678905', vendorItem: 'ODW-1001' }, description: 'Widget, blue' },
      { lineNumber: '2', quantity: 7.5, uom: 'KG', ids: {}, productCode: 'ODW-2001' },
    ],
    ...over,
  });
}
