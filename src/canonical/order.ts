import { z } from 'zod';
import { IsoDateSchema, ItemIdsSchema, NoteSchema, PartySchema, ReferenceSchema, SourceSchema } from './common';

export const OrderPurposeSchema = z.enum(['original', 'replace', 'cancel', 'change']);

export const OrderLineSchema = z.object({
  lineNumber: z.string(),
  quantity: z.number(),
  uom: z.string(),
  unitPrice: z.number().optional(),
  /** Price basis as sent (PO105 / PRI 5125), e.g. PE per each, CT contract. */
  priceBasis: z.string().optional(),
  ids: ItemIdsSchema,
  description: z.string().optional(),
  /** Our product code, when the profile's cross-reference or id preference found one. */
  productCode: z.string().optional(),
  /** Line-level ship-to (SDQ / line N1 loops), store code -> quantity. */
  destinations: z.array(z.object({ code: z.string(), quantity: z.number() })).optional(),
  requestedDelivery: IsoDateSchema.optional(),
});

export const OrderSchema = z.object({
  type: z.literal('order'),
  partnerId: z.string(),
  source: SourceSchema,
  poNumber: z.string(),
  poDate: IsoDateSchema.optional(),
  purpose: OrderPurposeSchema,
  /** BEG02 / BGM 1001 as sent: SA stand-alone, DS drop ship, 220 order ... */
  orderType: z.string().optional(),
  releaseNumber: z.string().optional(),
  currency: z.string().optional(),
  buyer: PartySchema.optional(),
  billTo: PartySchema.optional(),
  shipTo: PartySchema.optional(),
  seller: PartySchema.optional(),
  dates: z.object({
    requestedDelivery: IsoDateSchema.optional(),
    requestedShip: IsoDateSchema.optional(),
    cancelAfter: IsoDateSchema.optional(),
    doNotDeliverBefore: IsoDateSchema.optional(),
  }),
  references: z.array(ReferenceSchema),
  terms: z.object({
    description: z.string().optional(),
    discountPercent: z.number().optional(),
    discountDays: z.number().optional(),
    netDays: z.number().optional(),
  }).optional(),
  carrier: z.object({ scac: z.string().optional(), mode: z.string().optional(), routing: z.string().optional() }).optional(),
  lines: z.array(OrderLineSchema),
  notes: z.array(NoteSchema),
  /** Totals the partner sent to check against (CTT01 line count, AMT total). */
  control: z.object({ lineCount: z.number().optional(), hashTotal: z.number().optional(), totalAmount: z.number().optional() }).optional(),
});

export type Order = z.infer<typeof OrderSchema>;
export type OrderLine = z.infer<typeof OrderLineSchema>;
export type OrderPurpose = z.infer<typeof OrderPurposeSchema>;
