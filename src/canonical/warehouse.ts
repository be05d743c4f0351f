import { z } from 'zod';
import { CarrierSchema, IsoDateSchema, ItemIdsSchema, NoteSchema, PartySchema, ReferenceSchema, SourceSchema, WeightSchema } from './common';

export const WarehouseOrderLineSchema = z.object({
  lineNumber: z.string(),
  quantity: z.number(),
  uom: z.string(),
  ids: ItemIdsSchema,
  description: z.string().optional(),
  productCode: z.string().optional(),
});

/** A shipping order to a 3PL warehouse (940), from an Odoo delivery picking. */
export const WarehouseOrderSchema = z.object({
  type: z.literal('warehouse_order'),
  partnerId: z.string(),
  source: SourceSchema.optional(),
  /** W0502 depositor order number: our picking reference, echoed in the 945. */
  orderNumber: z.string(),
  /** W0503 purchase order number of the customer. */
  poNumber: z.string().optional(),
  /** W0501 N original, F cancel ... */
  purpose: z.enum(['original', 'cancel', 'change']).default('original'),
  shipTo: PartySchema,
  shipFrom: PartySchema.optional(),
  /** The depositor (us) as the warehouse knows us (N1*DE). */
  depositor: PartySchema.optional(),
  requestedShip: IsoDateSchema.optional(),
  cancelAfter: IsoDateSchema.optional(),
  carrier: CarrierSchema.optional(),
  references: z.array(ReferenceSchema).default([]),
  notes: z.array(NoteSchema).default([]),
  lines: z.array(WarehouseOrderLineSchema).min(1),
});

export const WarehouseAdviceLineSchema = z.object({
  lineNumber: z.string().optional(),
  /** W1201: CC complete, CP partial, CL cancelled ... */
  status: z.string().optional(),
  orderedQuantity: z.number().optional(),
  shippedQuantity: z.number(),
  uom: z.string(),
  ids: ItemIdsSchema,
  productCode: z.string().optional(),
  lot: z.string().optional(),
  sscc: z.string().optional(),
});

/** A 3PL's shipping advice (945): what left the warehouse for one of our orders. */
export const WarehouseAdviceSchema = z.object({
  type: z.literal('warehouse_advice'),
  partnerId: z.string(),
  source: SourceSchema.optional(),
  /** W0602: our order number from the 940. */
  orderNumber: z.string(),
  poNumber: z.string().optional(),
  shipmentId: z.string().optional(),
  shipDate: IsoDateSchema.optional(),
  carrier: CarrierSchema.optional(),
  /** The shipment's tracking number: the first of trackingNumbers. */
  trackingNumber: z.string().optional(),
  /**
   * Every distinct tracking number of the advice, in the order it gives them: N9/REF CN (carrier's
   * reference, e.g. a PRO number) or 2I (tracking number) in the heading, then those of each LX
   * loop (one per package when the carrier numbers packages, with MAN*CP carrier-assigned package
   * ids), and of its W12 detail. Absent when there is none.
   */
  trackingNumbers: z.array(z.string()).optional(),
  billOfLading: z.string().optional(),
  weight: WeightSchema.optional(),
  packageCount: z.number().int().optional(),
  shipTo: PartySchema.optional(),
  /** The heading's N9/REF references (those of the LX loops give trackingNumbers). */
  references: z.array(ReferenceSchema).default([]),
  lines: z.array(WarehouseAdviceLineSchema).min(1),
});

export type WarehouseOrder = z.infer<typeof WarehouseOrderSchema>;
export type WarehouseAdvice = z.infer<typeof WarehouseAdviceSchema>;
export type WarehouseAdviceLine = z.infer<typeof WarehouseAdviceLineSchema>;
