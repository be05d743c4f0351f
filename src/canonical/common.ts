import { z } from 'zod';

/** Dates in canonical documents are calendar dates, `YYYY-MM-DD`, whatever the EDI wrote. */
export const IsoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const AddressSchema = z.object({
  lines: z.array(z.string()).default([]),
  city: z.string().optional(),
  region: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().optional(),
});

/**
 * A party as the partner names it. `code` is the partner's own location number (N104 with
 * N103 = 92, a store number), `gln` a GS1 location number when one is given (N103 = UL, NAD 3055 = 9).
 */
export const PartySchema = z.object({
  name: z.string().optional(),
  code: z.string().optional(),
  /** The qualifier the code came with (N103, NAD 3055), kept for the return trip. */
  codeQualifier: z.string().optional(),
  gln: z.string().optional(),
  address: AddressSchema.optional(),
  /** Our reference for this party when a cross-reference resolved it (a delivery address id). */
  resolved: z.string().optional(),
});

/** Where a canonical document came from: enough to find the exact bytes again. */
export const SourceSchema = z.object({
  standard: z.enum(['X12', 'EDIFACT', 'REST', 'cXML']),
  version: z.string(),
  senderId: z.string(),
  receiverId: z.string(),
  interchangeControl: z.string(),
  groupControl: z.string().optional(),
  setControl: z.string(),
  /** The store's message id, when the document came through the pipeline. */
  messageId: z.number().int().optional(),
});

export const ReferenceSchema = z.object({ qualifier: z.string(), value: z.string(), description: z.string().optional() });

/** Every way a partner may name an item; the profile's preference picks the one that finds our product. */
export const ItemIdsSchema = z.object({
  upc: z.string().optional(),
  gtin: z.string().optional(),
  ean: z.string().optional(),
  buyerItem: z.string().optional(),
  vendorItem: z.string().optional(),
  /** cXML SupplierPartAuxiliaryID: the supplier's second key beside vendorItem (a configuration, a lot), kept to echo back. */
  vendorItemAux: z.string().optional(),
  sku: z.string().optional(),
});

export const CarrierSchema = z.object({
  /** Standard Carrier Alpha Code (TD503 with TD502 = 2). */
  scac: z.string().optional(),
  name: z.string().optional(),
  /** Transportation method (TD504: M motor, U parcel, A air ...). */
  mode: z.string().optional(),
  service: z.string().optional(),
});

export const WeightSchema = z.object({ value: z.number(), uom: z.string() });

export const NoteSchema = z.object({ qualifier: z.string().optional(), text: z.string() });

export type Address = z.infer<typeof AddressSchema>;
export type Party = z.infer<typeof PartySchema>;
export type Source = z.infer<typeof SourceSchema>;
export type Reference = z.infer<typeof ReferenceSchema>;
export type ItemIds = z.infer<typeof ItemIdsSchema>;
export type Carrier = z.infer<typeof CarrierSchema>;
