import { z } from 'zod';
import { FunctionalAckSchema } from './functional-ack';
import { InvoiceSchema } from './invoice';
import { OrderSchema } from './order';
import { OrderAckSchema } from './order-ack';
import { ShipmentSchema } from './shipment';
import { WarehouseAdviceSchema, WarehouseOrderSchema } from './warehouse';

export * from './common';
export * from './order';
export * from './order-ack';
export * from './shipment';
export * from './invoice';
export * from './warehouse';
export * from './functional-ack';

/** Every canonical document, told apart by `type` (CONTRACTS.md). */
export const CanonicalDocumentSchema = z.discriminatedUnion('type', [
  OrderSchema, OrderAckSchema, ShipmentSchema, InvoiceSchema, WarehouseOrderSchema, WarehouseAdviceSchema, FunctionalAckSchema,
]);
export type CanonicalDocument = z.infer<typeof CanonicalDocumentSchema>;
export type CanonicalType = CanonicalDocument['type'];
