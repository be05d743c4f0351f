import { z } from 'zod';
import { IsoDateSchema, ItemIdsSchema, PartySchema, SourceSchema } from './common';

/**
 * How we answer a line: ACK01 IA accepted, IC changed (quantity), IP price changed (Odoo holds
 * another unit price than the partner sent, e.g. rounded to its 2 decimals), IR rejected,
 * IB backordered.
 */
export const LineAckStatusSchema = z.enum(['accepted', 'changed', 'price_changed', 'rejected', 'backordered']);

export const OrderAckLineSchema = z.object({
  lineNumber: z.string(),
  status: LineAckStatusSchema,
  orderedQuantity: z.number(),
  quantity: z.number(),
  uom: z.string(),
  /** The unit price as Odoo holds it (per `uom`): what we will invoice. */
  unitPrice: z.number().optional(),
  /** The unit price the partner sent (per `uom`), when it differs from unitPrice. */
  orderedUnitPrice: z.number().optional(),
  ids: ItemIdsSchema,
  description: z.string().optional(),
  /** Our product code: the renderer finds the partner's ids for it in the items table. */
  productCode: z.string().optional(),
  scheduledDate: IsoDateSchema.optional(),
});

/** Our answer to an order (855 / ORDRSP). */
export const OrderAckSchema = z.object({
  type: z.literal('order_ack'),
  partnerId: z.string(),
  poNumber: z.string(),
  poDate: IsoDateSchema.optional(),
  /** Our sales order reference. */
  orderNumber: z.string().optional(),
  ackDate: IsoDateSchema,
  /** AC accepted with changes, AD accepted as sent, RD rejected (BAK02). */
  status: z.enum(['accepted', 'accepted_with_changes', 'rejected']),
  currency: z.string().optional(),
  shipTo: PartySchema.optional(),
  lines: z.array(OrderAckLineSchema),
  source: SourceSchema.optional(),
});

export type OrderAck = z.infer<typeof OrderAckSchema>;
export type OrderAckLine = z.infer<typeof OrderAckLineSchema>;
