import { z } from 'zod';
import { CarrierSchema, IsoDateSchema, ItemIdsSchema, PartySchema, ReferenceSchema, SourceSchema, WeightSchema } from './common';

export const ShipmentItemSchema = z.object({
  lineNumber: z.string().optional(),
  ids: ItemIdsSchema,
  quantity: z.number(),
  uom: z.string(),
  orderedQuantity: z.number().optional(),
  description: z.string().optional(),
  productCode: z.string().optional(),
  lot: z.string().optional(),
});

/** A pack (carton, pallet) with its GS1 SSCC-18 (MAN*GM, GIN+BJ). */
export const PackSchema = z.object({
  sscc: z.string().regex(/^\d{18}$/, 'an SSCC is 18 digits').optional(),
  trackingNumber: z.string().optional(),
  weight: WeightSchema.optional(),
  packaging: z.string().optional(),
  items: z.array(ShipmentItemSchema),
});

export const ShipmentOrderSchema = z.object({
  poNumber: z.string(),
  poDate: IsoDateSchema.optional(),
  /** Our sales order or the supplier's order number. */
  orderNumber: z.string().optional(),
  invoiceNumber: z.string().optional(),
  /** S-O-P-I: items inside packs. */
  packs: z.array(PackSchema).default([]),
  /** S-O-I: items straight under the order (no pack level). */
  items: z.array(ShipmentItemSchema).default([]),
});

/**
 * A shipment: ours to a customer (856 / DESADV out, from a done picking) or a supplier's to us
 * (856 / DESADV in, an expected receipt).
 */
export const ShipmentSchema = z.object({
  type: z.literal('shipment'),
  partnerId: z.string(),
  source: SourceSchema.optional(),
  shipmentId: z.string(),
  /** BSN01 / BGM 1225: 00 original, 05 replace, 01 cancel ... */
  purpose: z.enum(['original', 'replace', 'cancel']).default('original'),
  shipDate: IsoDateSchema,
  shipTime: z.string().regex(/^\d{4}$/).optional(),
  estimatedDelivery: IsoDateSchema.optional(),
  carrier: CarrierSchema.optional(),
  trackingNumber: z.string().optional(),
  billOfLading: z.string().optional(),
  proNumber: z.string().optional(),
  weight: WeightSchema.optional(),
  packageCount: z.number().int().optional(),
  packagingCode: z.string().optional(),
  shipFrom: PartySchema.optional(),
  shipTo: PartySchema.optional(),
  references: z.array(ReferenceSchema).default([]),
  orders: z.array(ShipmentOrderSchema).min(1),
});

export type Shipment = z.infer<typeof ShipmentSchema>;
export type ShipmentOrder = z.infer<typeof ShipmentOrderSchema>;
export type Pack = z.infer<typeof PackSchema>;
export type ShipmentItem = z.infer<typeof ShipmentItemSchema>;
