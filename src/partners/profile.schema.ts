import cron from 'node-cron';
import { z } from 'zod';
import { regexField as regex } from './regex-field';
import { EdifactIdentitySchema, X12IdentitySchema } from '../config/gateway.config';
import { SftpTransportSchema } from '../transports/sftp/sftp.schema';
import type { CrossReferences } from './cross-references';
import { As2TransportSchema } from '../transports/as2/as2.schema';
import { DEFAULT_TIME_ZONE, isTimeZone } from '../translators/partner-time';

/**
 * The partner profile: one YAML file per partner, written by EDI analysts. This is the one schema;
 * later issues extend it here (validation additions, mappings, SFTP/AS2 settings, Odoo settings).
 */
export const X12_DOCUMENTS = ['850', '855', '856', '810', '940', '945', '846', '997', '999'] as const;
export const EDIFACT_DOCUMENTS = ['ORDERS', 'ORDRSP', 'DESADV', 'INVOIC', 'CONTRL', 'APERAK'] as const;

const DocumentSchema = z.discriminatedUnion('standard', [
  z.strictObject({
    standard: z.literal('X12'),
    type: z.enum(X12_DOCUMENTS),
    version: z.enum(['004010', '005010']),
  }),
  z.strictObject({
    standard: z.literal('EDIFACT'),
    type: z.enum(EDIFACT_DOCUMENTS),
    /** Directory, e.g. D96A, D01B. */
    version: z.string().regex(/^D\d{2}[AB]$/, 'an EDIFACT directory such as D96A or D01B'),
    /** Association assigned code (UNH 0057), e.g. EAN008 for EANCOM. */
    association: z.string().optional(),
  }),
]);


const FolderTransportSchema = z.strictObject({
  /** Overrides the gateway's folder.pollSeconds for this partner. */
  pollSeconds: z.number().positive().optional(),
  stableSeconds: z.number().min(0).optional(),
  /** Only file names matching this regular expression are taken (Camel's `include`). */
  include: regex.optional(),
  /** File names matching this are left alone (Camel's `exclude`); dot files always are. */
  exclude: regex.optional(),
});

const cronExpression = z.string().refine((v) => cron.validate(v), 'not a valid cron expression (minute hour day month weekday, e.g. "*/15 * * * *")');

/** An element reference as analysts write it: segment tag and two-digit position, e.g. PO107 or NAD0201 (component 1). */
const elementRef = z.string().regex(/^[A-Z][A-Z0-9]{1,2}\d{2}(\d{2})?$/, 'a segment tag and element position, e.g. PO107, or with a component, e.g. NAD0201');
const segmentTag = z.string().regex(/^[A-Z][A-Z0-9]{1,2}$/, 'a segment tag, e.g. DTM');
const documentType = z.string().regex(/^(\d{3}|[A-Z]{6})$/, 'a document type, e.g. 850 or ORDERS');
/** A data element number of a directory's dictionary: X12 1-4 digits (355), EDIFACT 4 digits (7143). */
const dataElementNumber = z.string().regex(/^\d{1,4}$/, 'a data element number, e.g. 7143 (EDIFACT) or 355 (X12)');

export const ITEM_ID_KINDS = ['upc', 'gtin', 'ean', 'buyerItem', 'vendorItem', 'sku'] as const;
export const ItemIdKindSchema = z.enum(ITEM_ID_KINDS);

/** Mapping choices: how this partner's values become ours and back. */
const MappingSchema = z.strictObject({
  /** Which id finds our product, first match wins. vendorItem and sku are our default_code, upc/gtin/ean our barcode. */
  productId: z.array(ItemIdKindSchema).min(1).default(['vendorItem', 'upc', 'gtin', 'ean', 'buyerItem', 'sku']),
  /** Party id qualifiers that carry the store (location) number: N103 (X12), NAD 3055 or 1131 (EDIFACT). */
  storeNumberQualifiers: z.array(z.string()).default(['92', '91', 'UL', '9']),
  /**
   * Partner unit -> ours, with how many of ours one of theirs is (CA -> EA x 12). With `odooUom`,
   * the name of an Odoo unit of measure (uom.uom) that is that pack (e.g. 'Case of 12': category
   * Unit, 12 times the product's unit), an order line in this unit stays in it in Odoo: 7 CA at
   * 47.99 is written as 7 'Case of 12' at 47.99, and what we send back speaks of the same 7 CA.
   * Without it the line is converted (84 EA at 3.999167) and Odoo rounds the unit price to its
   * 2 decimals (4.00): the 855 then says which price Odoo holds (ACK01 IP, line status
   * price_changed) and the invoice bills that price.
   */
  uom: z.record(z.string(), z.strictObject({
    uom: z.string().min(1),
    factor: z.number().positive().default(1),
    /** uom.uom name in Odoo; checked against the product's unit and `factor` before an order is written. */
    odooUom: z.string().min(1).optional(),
  })).default({}),
  /** What an item missing from the cross-reference does: an error naming it, or pass its ids on for Odoo to match. */
  unknownItems: z.enum(['error', 'pass']).default('error'),
  /** Same for a store number missing from the locations table. */
  unknownLocations: z.enum(['error', 'pass']).default('error'),
}).prefault({});

/** CSV tables beside the profile, paths relative to the profile file. */
const CrossReferenceFilesSchema = z.strictObject({
  /** Columns: product_code and one or more of upc, gtin, ean, buyer_item, vendor_item, sku (optional uom). */
  items: z.string().optional(),
  /** Columns: store_number, delivery_ref (our delivery address reference), optional name. */
  locations: z.string().optional(),
}).prefault({});

const X12EnvelopeSchema = z.strictObject({
  elementSeparator: z.string().length(1).default('*'),
  segmentTerminator: z.string().length(1).default('~'),
  componentSeparator: z.string().length(1).default('>'),
  /** ISA11 for 00501 and later. */
  repetitionSeparator: z.string().length(1).default('^'),
  lineEnding: z.enum(['none', 'lf', 'crlf']).default('lf'),
  /** ISA14: ask the partner for a TA1. */
  requestTa1: z.boolean().default(false),
}).prefault({}).refine((e) => new Set([e.elementSeparator, e.segmentTerminator, e.componentSeparator, e.repetitionSeparator]).size === 4,
  'the four X12 delimiters must all differ');

const EdifactEnvelopeSchema = z.strictObject({
  /** Syntax identifier and version (UNB 0001/0002). */
  syntax: z.enum(['UNOA', 'UNOB', 'UNOC', 'UNOD', 'UNOE', 'UNOF', 'UNOW', 'UNOY']).default('UNOC'),
  syntaxVersion: z.enum(['3', '4']).default('3'),
  /** UNA service string advice: always written, or only when the delimiters differ from the defaults. */
  una: z.enum(['always', 'when-needed']).default('always'),
  lineEnding: z.enum(['none', 'lf', 'crlf']).default('lf'),
  /** UNB 0031: ask the partner for a CONTRL. */
  requestAck: z.boolean().default(false),
}).prefault({});

/** How we write to this partner. */
const OutboundSchema = z.strictObject({
  x12: X12EnvelopeSchema,
  edifact: EdifactEnvelopeSchema,
  /** 856 hierarchy: shipment-order-pack-item (pick and pack) or shipment-order-item. */
  shipmentStructure: z.enum(['SOPI', 'SOI']).default('SOPI'),
  /** GS1 company prefix for the SSCC-18 of our packs (7 to 10 digits). */
  gs1CompanyPrefix: z.string().regex(/^\d{7,10}$/, 'a GS1 company prefix is 7 to 10 digits').optional(),
  /**
   * The partner's clock (IANA zone): every date and time we write (envelopes, BSN/BAK/BIG dates,
   * DTM, G62, UNB, EDIFACT DTM) is on it, with the X12 time code where the segment has one.
   */
  timeZone: z.string().default(DEFAULT_TIME_ZONE)
    .refine(isTimeZone, { error: (iss) => `'${String(iss.input)}' is not an IANA time zone (e.g. America/New_York, America/Chicago, Europe/Stockholm, UTC)` }),
}).prefault({});

/** Odoo settings for this partner's documents (the Odoo connector reads these). */
const OdooSettingsSchema = z.strictObject({
  /** The customer (res.partner): its ref, its external id (module.name) or its exact name. */
  customer: z.string().min(1).optional(),
  /** stock.warehouse code orders ship from. */
  warehouse: z.string().optional(),
  /**
   * product.pricelist name for orders that name no currency, or whose currency is this
   * pricelist's. A sale order's currency is its pricelist's.
   */
  pricelist: z.string().optional(),
  /**
   * Currency (ISO 4217, as CUR02 / CUX 6345 send it) -> product.pricelist name in that currency,
   * e.g. { EUR: 'Nordmart EUR' }. An order in a currency neither this nor `pricelist` places is an
   * exception (ODOO_CURRENCY_UNPLACED), never an order in the company's currency.
   */
  pricelists: z.record(z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code, e.g. EUR'), z.string().min(1)).default({}),
  /** Order line prices: the partner's price as sent, or Odoo's pricelist. */
  priceSource: z.enum(['partner', 'pricelist']).default('partner'),
  /** Confirm sale orders on arrival. */
  autoConfirm: z.boolean().default(false),
  /** A ship-to with no delivery address in Odoo is created as a child contact (else an exception). */
  createDeliveryAddresses: z.boolean().default(false),
  /** A 945 that ships less than ordered leaves a backorder (else the rest is cancelled). */
  backorders: z.boolean().default(true),
}).prefault({});

const SchedulesSchema = z.strictObject({
  /** When outbound documents for this partner are sent (cron, gateway time zone). */
  outbound: cronExpression.optional(),
  /** When the partner's SFTP or folder is polled, when not every pollSeconds. */
  poll: cronExpression.optional(),
}).prefault({});

export const AckKindSchema = z.enum(['TA1', '997', '999', 'CONTRL']);

export const PartnerProfileSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes, e.g. acme-retail'),
  name: z.string().min(1),
  /** Test partners' interchanges carry ISA15 = T / UNB 0035 = 1; production ones P / absent. */
  mode: z.enum(['test', 'production']),
  identifiers: z.strictObject({
    x12: z.array(X12IdentitySchema).default([]),
    edifact: z.array(EdifactIdentitySchema).default([]),
  }).refine((ids) => ids.x12.length + ids.edifact.length > 0, 'at least one X12 or EDIFACT identifier is needed'),
  documents: z.strictObject({
    inbound: z.array(DocumentSchema).default([]),
    outbound: z.array(DocumentSchema).default([]),
  }),
  acknowledgments: z.strictObject({
    /** What we send back for their interchanges. */
    send: z.array(AckKindSchema).default([]),
    /** What we expect back for ours, and within how many hours. */
    expect: z.array(AckKindSchema).default([]),
    expectWithinHours: z.number().positive().default(24),
  }).prefault({}),
  validation: z.strictObject({
    /** An interchange control number seen again from this partner within this many days is a duplicate. */
    duplicateWindowDays: z.number().int().positive().default(365),
    /** Segments this partner always sends, per document type (beyond the standard's mandatory ones). */
    requireSegments: z.record(documentType, z.array(segmentTag)).default({}),
    /** Elements this partner always fills, per document type, e.g. { '850': [PO107] }. */
    requireElements: z.record(documentType, z.array(elementRef)).default({}),
    /** Code subsets this partner allows, per document type, e.g. { '850': { BEG01: ['00', '01'] } }. */
    allowCodes: z.record(documentType, z.record(elementRef, z.array(z.string().min(1)).min(1))).default({}),
    /**
     * Codes this partner sends beyond the standard's list, per document type and data element
     * number, e.g. { ORDERS: { '7143': [SRV] } } or { '850': { '355': [XQ] } }: accepted from this
     * partner only, wherever the element appears in that document. `partners lint` checks each
     * against the standard's dictionary.
     */
    addCodes: z.record(documentType, z.record(dataElementNumber, z.array(z.string().min(1)).min(1))).default({}).describe(
      'Codes this partner sends beyond the standard\'s code list, per document type and data element number, e.g. '
      + '{ ORDERS: { "7143": [SRV] } } or { "850": { "355": [XQ] } }. Accepted from this partner only, wherever the element '
      + 'appears in that document (not in the envelope\'s service segments). The element must be a coded element whose list '
      + 'the gateway checks for the document\'s version; partners lint reports codes the list already has.'),
  }).prefault({}),
  mapping: MappingSchema,
  crossReferences: CrossReferenceFilesSchema,
  outbound: OutboundSchema,
  odoo: OdooSettingsSchema,
  schedules: SchedulesSchema,
  transports: z.strictObject({
    /** Every partner has the folder pair $EDI_GATEWAY_HOME/partners/<id>/{in,out}. */
    folder: FolderTransportSchema.prefault({}),
    /** Production transport; its settings are added by the SFTP/AS2 issue. */
    primary: z.enum(['folder', 'sftp', 'as2']).default('folder'),
    /** The partner's SFTP server (src/transports/sftp/README.md). */
    sftp: SftpTransportSchema.optional(),
    /** AS2 (RFC 4130) settings: src/transports/as2/README.md. */
    as2: As2TransportSchema.optional(),
  }).prefault({}),
}).superRefine((p, ctx) => {
  // What no single field shows: documents of a standard need an identity in that standard.
  const docs = [...p.documents.inbound.map((d, i) => ['inbound', i, d] as const), ...p.documents.outbound.map((d, i) => ['outbound', i, d] as const)];
  for (const [dir, i, d] of docs) {
    if (d.standard === 'X12' && p.identifiers.x12.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['documents', dir, i], message: `an X12 ${d.type} needs an X12 identifier under identifiers.x12` });
    }
    if (d.standard === 'EDIFACT' && p.identifiers.edifact.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['documents', dir, i], message: `an EDIFACT ${d.type} needs an EDIFACT identifier under identifiers.edifact` });
    }
  }
  const acks = { '997': 'X12', '999': 'X12', TA1: 'X12', CONTRL: 'EDIFACT' } as const;
  for (const side of ['send', 'expect'] as const) {
    p.acknowledgments[side].forEach((kind, i) => {
      if (!docs.some(([, , d]) => d.standard === acks[kind])) {
        ctx.addIssue({ code: 'custom', path: ['acknowledgments', side, i], message: `${kind} acknowledges ${acks[kind]} documents, and this partner exchanges none` });
      }
    });
  }
});

/**
 * A loaded profile: the file's content, and what the loader read beside it (the cross-reference
 * tables). `files` is absent for profiles built in code (tests, `partners new`).
 */
export type PartnerProfile = z.infer<typeof PartnerProfileSchema> & {
  files?: { profile: string; dir: string };
  xref?: CrossReferences;
};
export type PartnerDocument = z.infer<typeof DocumentSchema>;
