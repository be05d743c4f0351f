import { z } from 'zod';
import { IsoDateSchema, ItemIdsSchema, PartySchema, ReferenceSchema, SourceSchema } from './common';

export const AllowanceChargeSchema = z.object({
  kind: z.enum(['allowance', 'charge']),
  /** SAC02 / ALC 7161 service, promotion, allowance or charge code, e.g. D240 freight. */
  code: z.string(),
  amount: z.number(),
  percent: z.number().optional(),
  description: z.string().optional(),
});

export const TaxSchema = z.object({
  /** TXI01 / TAX 5153: ST state sales tax, VA VAT ... */
  type: z.string(),
  amount: z.number(),
  percent: z.number().optional(),
  /** EDIFACT TAX 5305 category (S standard, Z zero, E exempt). */
  category: z.string().optional(),
  /** The amount the tax is computed on (EDIFACT MOA+125 in the TAX group). */
  taxableAmount: z.number().optional(),
});

export const InvoiceLineSchema = z.object({
  lineNumber: z.string(),
  quantity: z.number(),
  uom: z.string(),
  unitPrice: z.number(),
  /** quantity x unitPrice less line allowances, when the document states it. */
  amount: z.number().optional(),
  ids: ItemIdsSchema,
  description: z.string().optional(),
  productCode: z.string().optional(),
  taxes: z.array(TaxSchema).default([]),
  allowancesCharges: z.array(AllowanceChargeSchema).default([]),
});

/** An invoice: ours to a customer (810 / INVOIC out) or a supplier's to us (a vendor bill). */
export const InvoiceSchema = z.object({
  type: z.literal('invoice'),
  partnerId: z.string(),
  source: SourceSchema.optional(),
  invoiceNumber: z.string(),
  invoiceDate: IsoDateSchema,
  /** BIG08 / BGM 1225: original, or a credit/debit note type. */
  invoiceType: z.enum(['invoice', 'credit_note', 'debit_note']).default('invoice'),
  poNumber: z.string().optional(),
  poDate: IsoDateSchema.optional(),
  orderNumber: z.string().optional(),
  currency: z.string().optional(),
  seller: PartySchema.optional(),
  buyer: PartySchema.optional(),
  billTo: PartySchema.optional(),
  shipTo: PartySchema.optional(),
  remitTo: PartySchema.optional(),
  shipDate: IsoDateSchema.optional(),
  references: z.array(ReferenceSchema).default([]),
  terms: z.object({
    /** ITD01 terms type, e.g. 01 basic, 05 discount not applicable. */
    type: z.string().optional(),
    discountPercent: z.number().optional(),
    discountDays: z.number().int().optional(),
    discountDueDate: IsoDateSchema.optional(),
    netDays: z.number().int().optional(),
    netDueDate: IsoDateSchema.optional(),
    description: z.string().optional(),
  }).optional(),
  lines: z.array(InvoiceLineSchema).min(1),
  allowancesCharges: z.array(AllowanceChargeSchema).default([]),
  taxes: z.array(TaxSchema).default([]),
  /** The total before tax (Odoo's amount_untaxed; MOA 79 / 125): when absent, the sum of the line amounts. */
  untaxedAmount: z.number().optional(),
  /** The amount due: lines plus charges and taxes less allowances (TDS01, MOA 77/86). */
  totalAmount: z.number(),
});

export type Invoice = z.infer<typeof InvoiceSchema>;
export type InvoiceLine = z.infer<typeof InvoiceLineSchema>;
export type AllowanceCharge = z.infer<typeof AllowanceChargeSchema>;
export type Tax = z.infer<typeof TaxSchema>;
