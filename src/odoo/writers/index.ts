import type { CanonicalDocument } from '../../canonical';
import { writeOrder } from './order.writer';
import { writeSupplierInvoice } from './supplier-invoice.writer';
import { writeSupplierShipment } from './supplier-shipment.writer';
import { writeWarehouseAdvice } from './warehouse-advice.writer';
import type { OdooWriter } from './writer';

export * from './writer';
export { writeOrder } from './order.writer';
export { writeWarehouseAdvice, validatePicking } from './warehouse-advice.writer';
export { writeSupplierShipment } from './supplier-shipment.writer';
export { writeSupplierInvoice } from './supplier-invoice.writer';

/**
 * The writer of each canonical type that goes into Odoo; one line per type. Types without one
 * (a functional ack, an outbound-only type) are left alone by the odoo stage.
 */
export const ODOO_WRITERS: Partial<Record<CanonicalDocument['type'], OdooWriter<any>>> = {
  order: writeOrder,
  warehouse_advice: writeWarehouseAdvice,
  shipment: writeSupplierShipment,
  invoice: writeSupplierInvoice,
};
