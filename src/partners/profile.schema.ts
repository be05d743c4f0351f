import cron from 'node-cron';
import { z } from 'zod';
import { regexField as regex } from './regex-field';
import { EdifactIdentitySchema, X12IdentitySchema } from '../config/gateway.config';
import { SftpTransportSchema } from '../transports/sftp/sftp.schema';
import type { CrossReferences } from './cross-references';
import { As2TransportSchema } from '../transports/as2/as2.schema';
import { AS2_DESCRIPTIONS, SFTP_DESCRIPTIONS, withDescriptions } from './transport-descriptions';
import { DEFAULT_TIME_ZONE, isTimeZone } from '../translators/partner-time';
import { CxmlProfileSchema } from '../marketplaces/cxml/cxml.schema';
import { ShopifyProfileSchema } from '../marketplaces/shopify/shopify.schema';
import { AmazonProfileSchema } from '../marketplaces/amazon/amazon.schema';

/**
 * The partner profile: one YAML file per partner, written by EDI analysts. This is the one schema;
 * later issues extend it here (validation additions, mappings, SFTP/AS2 settings, Odoo settings).
 */
export const X12_DOCUMENTS = ['850', '855', '856', '810', '940', '945', '846', '997', '999'] as const;
export const EDIFACT_DOCUMENTS = ['ORDERS', 'ORDRSP', 'DESADV', 'INVOIC', 'CONTRL', 'APERAK'] as const;

const DocumentSchema = z.discriminatedUnion('standard', [
  z.strictObject({
    standard: z.literal('X12').describe('The standard of this document: X12 or EDIFACT.'),
    type: z.enum(X12_DOCUMENTS).describe("X12 transaction set, quoted: '850' order, '855' order acknowledgment, '856' ship notice, "
      + "'810' invoice, '940' warehouse shipping order, '945' warehouse shipping advice, '846' inventory, '997'/'999' acknowledgments."),
    version: z.enum(['004010', '005010']).describe("X12 version, quoted: '004010' or '005010'."),
  }),
  z.strictObject({
    standard: z.literal('EDIFACT').describe('The standard of this document: X12 or EDIFACT.'),
    type: z.enum(EDIFACT_DOCUMENTS).describe('EDIFACT message type: ORDERS, ORDRSP, DESADV, INVOIC, CONTRL or APERAK.'),
    version: z.string().regex(/^D\d{2}[AB]$/, 'an EDIFACT directory such as D96A or D01B')
      .describe('EDIFACT directory (UNH 0052 and 0054), e.g. D96A or D01B.'),
    association: z.string().optional()
      .describe('Association assigned code (UNH 0057), e.g. EAN008 for EANCOM; leave it out for plain UN/EDIFACT.'),
  }),
]);


const FolderTransportSchema = z.strictObject({
  pollSeconds: z.number().positive().optional()
    .describe("Seconds between looks into this partner's in/ folder. Default: the gateway's folder.pollSeconds."),
  stableSeconds: z.number().min(0).optional()
    .describe("Seconds a file must stay unchanged in in/ before it is taken. Default: the gateway's folder.stableSeconds."),
  include: regex.optional().describe('Only file names matching this regular expression are taken, e.g. \'\\.edi$\'. Default: all.'),
  exclude: regex.optional().describe('File names matching this regular expression are left alone; dot files always are.'),
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
  productId: z.array(ItemIdKindSchema).min(1).default(['vendorItem', 'upc', 'gtin', 'ean', 'buyerItem', 'sku'])
    .describe("Which of a line's item ids finds our product, in this order (first match wins): vendorItem and sku are Odoo's "
      + 'internal reference, upc, gtin and ean its barcode; any id found in items.csv comes first. '
      + 'Default: vendorItem, upc, gtin, ean, buyerItem, sku.'),
  storeNumberQualifiers: z.array(z.string()).default(['92', '91', 'UL', '9'])
    .describe("Party id qualifiers whose id is a store number looked up in locations.csv: X12 N103, EDIFACT NAD 3055 or 1131. "
      + "Quote numbers: ['92', UL]. Default: '92', '91', UL, '9'."),
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
    uom: z.string().min(1).describe("Our unit code the partner's unit becomes, e.g. EA."),
    factor: z.number().positive().default(1).describe("How many of our unit one of the partner's is, e.g. 12 for a case of 12. Default 1."),
    /** uom.uom name in Odoo; checked against the product's unit and `factor` before an order is written. */
    odooUom: z.string().min(1).optional()
      .describe("Name of the Odoo unit of measure that is this pack, e.g. 'Case of 12': order lines stay in it in Odoo at the "
        + "partner's price. Without it they are converted to our unit, and Odoo rounds the unit price to 2 decimals."),
  })).default({}).describe("The partner's units of measure -> ours, e.g. { CA: { uom: EA, factor: 12 } }: 7 CA are 84 EA. "
    + 'Default: none (units pass as sent).'),
  unknownItems: z.enum(['error', 'pass']).default('error')
    .describe("An item that items.csv lacks: error (the line is refused, naming the item) or pass (its ids go on for Odoo to match). Default error."),
  unknownLocations: z.enum(['error', 'pass']).default('error')
    .describe('A store number that locations.csv lacks: error (refused, naming it) or pass (passed on as sent). Default error.'),
}).prefault({}).describe("How this partner's values become ours and back: product ids, store numbers, units.");

/** CSV tables beside the profile, paths relative to the profile file. */
const CrossReferenceFilesSchema = z.strictObject({
  items: z.string().optional().describe("Item table (CSV) relative to this profile's folder, e.g. items.csv. Columns: product_code "
    + 'and one or more of upc, gtin, ean, buyer_item, vendor_item, sku; optional uom. Default: none.'),
  locations: z.string().optional().describe("Store table (CSV) relative to this profile's folder, e.g. locations.csv. Columns: "
    + "store_number, delivery_ref (our delivery address: an Odoo contact's reference or external id), optional name. Default: none."),
}).prefault({}).describe("CSV tables beside the profile that map the partner's item ids and store numbers to ours.");

const X12EnvelopeSchema = z.strictObject({
  elementSeparator: z.string().length(1).default('*').describe("Element separator we write (ISA's fourth character), one character. Default '*'."),
  segmentTerminator: z.string().length(1).default('~').describe("Segment terminator we write, one character. Default '~'."),
  componentSeparator: z.string().length(1).default('>').describe("Component (sub-element) separator, ISA16, one character. Default '>'."),
  repetitionSeparator: z.string().length(1).default('^').describe("Repetition separator, ISA11 from 005010 on, one character. Default '^'."),
  lineEnding: z.enum(['none', 'lf', 'crlf']).default('lf').describe('What we write after each segment terminator: none, lf or crlf. Default lf.'),
  requestTa1: z.boolean().default(false).describe('Ask the partner for a TA1 interchange acknowledgment (ISA14 = 1). Default false.'),
}).prefault({}).refine((e) => new Set([e.elementSeparator, e.segmentTerminator, e.componentSeparator, e.repetitionSeparator]).size === 4,
  'the four X12 delimiters must all differ')
  .describe('The X12 envelope of what we send this partner: delimiters (all four must differ), line endings, TA1 request.');

const EdifactEnvelopeSchema = z.strictObject({
  syntax: z.enum(['UNOA', 'UNOB', 'UNOC', 'UNOD', 'UNOE', 'UNOF', 'UNOW', 'UNOY']).default('UNOC')
    .describe('Syntax identifier (UNB 0001), the character set we write: UNOA/UNOB restricted, UNOC ISO 8859-1, UNOW/UNOY UTF-8. Default UNOC.'),
  syntaxVersion: z.enum(['3', '4']).default('3').describe("Syntax version (UNB 0002), quoted: '3' or '4'. Default '3'."),
  una: z.enum(['always', 'when-needed']).default('always')
    .describe('UNA service string advice: always written, or only when our delimiters differ from the defaults (when-needed). Default always.'),
  lineEnding: z.enum(['none', 'lf', 'crlf']).default('lf').describe('What we write after each segment terminator: none, lf or crlf. Default lf.'),
  requestAck: z.boolean().default(false).describe('Ask the partner for a CONTRL (UNB 0031 = 1). Default false.'),
}).prefault({}).describe('The EDIFACT envelope of what we send this partner: syntax, UNA, line endings, CONTRL request.');

/** How we write to this partner. */
const OutboundSchema = z.strictObject({
  x12: X12EnvelopeSchema,
  edifact: EdifactEnvelopeSchema,
  shipmentStructure: z.enum(['SOPI', 'SOI']).default('SOPI')
    .describe('856 hierarchy: SOPI (shipment, order, pack, item: pick and pack) or SOI (shipment, order, item). Default SOPI.'),
  gs1CompanyPrefix: z.string().regex(/^\d{7,10}$/, 'a GS1 company prefix is 7 to 10 digits').optional()
    .describe("Our GS1 company prefix, 7 to 10 digits, quoted (e.g. '0614141'): the start of our packs' SSCC-18 in 856 and DESADV."),
  /**
   * The partner's clock (IANA zone): every date and time we write (envelopes, BSN/BAK/BIG dates,
   * DTM, G62, UNB, EDIFACT DTM) is on it, with the X12 time code where the segment has one.
   */
  timeZone: z.string().default(DEFAULT_TIME_ZONE)
    .refine(isTimeZone, { error: (iss) => `'${String(iss.input)}' is not an IANA time zone (e.g. America/New_York, America/Chicago, Europe/Stockholm, UTC)` })
    .describe("The partner's clock, an IANA time zone such as America/New_York: every date and time we write is on it, with the X12 "
      + 'time code where a segment has one. Default UTC.'),
}).prefault({}).describe('How we write to this partner: envelopes, 856 hierarchy, SSCC prefix, time zone.');

/** Odoo settings for this partner's documents (the Odoo connector reads these). */
const OdooSettingsSchema = z.strictObject({
  customer: z.string().min(1).optional()
    .describe("The Odoo customer (res.partner) of this partner's orders: its reference, its external id (module.name) or its exact name."),
  warehouse: z.string().optional()
    .describe("Code of the Odoo warehouse (stock.warehouse) orders ship from, e.g. WH. Default: Odoo's default for the order."),
  /**
   * product.pricelist name for orders that name no currency, or whose currency is this
   * pricelist's. A sale order's currency is its pricelist's.
   */
  pricelist: z.string().optional()
    .describe("Odoo pricelist name for orders that name no currency, or whose currency is this pricelist's."),
  /**
   * Currency (ISO 4217, as CUR02 / CUX 6345 send it) -> product.pricelist name in that currency,
   * e.g. { EUR: 'Nordmart EUR' }. An order in a currency neither this nor `pricelist` places is an
   * exception (ODOO_CURRENCY_UNPLACED), never an order in the company's currency.
   */
  pricelists: z.record(z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code, e.g. EUR'), z.string().min(1)).default({})
    .describe("Currency (ISO 4217, as CUR02 or CUX sends it) -> Odoo pricelist name in that currency, e.g. { EUR: 'Nordmart EUR' }. "
      + 'An order in a currency that neither this nor pricelist places is an exception. Default: none.'),
  priceSource: z.enum(['partner', 'pricelist']).default('partner')
    .describe("Order line prices: partner (the partner's price as sent) or pricelist (Odoo's). Default partner."),
  autoConfirm: z.boolean().default(false).describe('Confirm sale orders in Odoo as they arrive. Default false.'),
  createDeliveryAddresses: z.boolean().default(false)
    .describe('Create a ship-to that Odoo lacks as a delivery contact of the customer (true) or make it an exception (false). Default false.'),
  backorders: z.boolean().default(true)
    .describe('A 945 that ships less than ordered leaves a backorder (true) or cancels the rest (false). Default true.'),
}).prefault({}).describe("Odoo settings for this partner's documents: customer, warehouse, pricelists, confirmation.");

const SchedulesSchema = z.strictObject({
  outbound: z.union([cronExpression, z.record(z.string().regex(/^(default|[0-9]{3}|[A-Z]{6}|[a-z_]+)$/, "a document type ('810', 'INVOIC', 'invoice') or default"), cronExpression)]).optional()
    .describe("When documents for this partner go out, in its outbound.timeZone: one cron for all (minute hour day month weekday, e.g. '*/30 * * * *'), "
      + "or one per document type with a default, e.g. { '810': '0 18 * * *', default: '*/30 * * * *' }. Documents wait for the next tick and go together. "
      + 'Functional acknowledgments (997, 999, CONTRL) and documents of types not named (without a default) go at once. Default: everything at once.'),
  poll: cronExpression.optional()
    .describe("When the partner's SFTP server is polled: cron, e.g. '*/5 * * * *'. Default: every transports.sftp.inbound.pollSeconds."),
}).prefault({}).describe('When documents go out and the partner is polled (cron expressions).');

/**
 * The order-lifecycle reconciliation's windows (src/reconciliation): how long an order may go
 * without a ship notice, and a shipment without an invoice, before the report flags it.
 */
const ReconciliationSettingsSchema = z.strictObject({
  shipWithinDays: z.number().positive().default(3)
    .describe("Days after an order is received within which we ship it and send the ship notice (856, DESADV, the channel's "
      + 'fulfillment): past it, an order with none is flagged ASN_MISSING. Default 3.'),
  invoiceWithinDays: z.number().min(0).default(2)
    .describe('Days after a shipment within which we invoice it (810, INVOIC): past it, a shipped order without an invoice is '
      + 'flagged INVOICE_MISSING. Default 2.'),
}).prefault({}).describe('When the reconciliation report flags an order as not shipped or not invoiced in time.');

/** What the alerts (src/alerts, gateway config `alerts`) watch for this partner beyond its exceptions and acknowledgments. */
const PartnerAlertsSchema = z.strictObject({
  silentAfterHours: z.number().positive().optional()
    .describe('Alert when the partner has sent nothing for this many hours (a retailer that orders daily: 26). Default: not watched.'),
}).prefault({}).describe("Alerts about this partner's traffic.");

export const AckKindSchema = z.enum(['TA1', '997', '999', 'CONTRL']);

// Schemas defined elsewhere (shared with gateway.yaml, or owned by the transports), described for the profile.
const X12PartnerIdentity = withDescriptions(X12IdentitySchema, { fields: {
  qualifier: 'ISA05/ISA07 id qualifier, two letters or digits, e.g. ZZ (mutually defined), 01 (DUNS), 12 (phone), quoted if digits.',
  id: 'ISA06/ISA08 interchange id, 1 to 15 characters, e.g. ACMERETAIL.',
  gsId: 'GS02/GS03 application id, 2 to 15 characters; often the same as id.',
} });
const EdifactPartnerIdentity = withDescriptions(EdifactIdentitySchema, { fields: {
  id: "UNB 0004/0010 interchange id, up to 35 characters, e.g. a GLN '5412345000013'.",
  qualifier: "UNB 0007 id code qualifier, quoted, e.g. '14' (GLN) or ZZ. Optional.",
} });
const SftpTransportForProfile = withDescriptions(SftpTransportSchema, SFTP_DESCRIPTIONS);
const As2TransportForProfile = withDescriptions(As2TransportSchema, AS2_DESCRIPTIONS);

/** Partners that are not EDI: each has a block of its own settings, named as the kind. */
const CHANNEL_KINDS = ['cxml', 'shopify', 'amazon'] as const;
const CHANNEL_BLOCK_FIELDS: Record<(typeof CHANNEL_KINDS)[number], string> = {
  cxml: 'identity, domain, sharedSecretEnv',
  shopify: 'shop, accessTokenEnv',
  amazon: 'sellerId, marketplaceIds, clientIdEnv, clientSecretEnv, refreshTokenEnv',
};

export const PartnerProfileSchema = z.strictObject({
  $schema: z.string().optional()
    .describe('The JSON Schema editors check this file with; optional (the yaml-language-server comment on the first line does the same).'),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes, e.g. acme-retail')
    .describe("The partner's id: lower-case letters, digits and dashes, e.g. acme-retail. Must be the name of the profile's folder."),
  name: z.string().min(1).describe("The partner's name, as lists and messages show it."),
  kind: z.enum(['edi', ...CHANNEL_KINDS]).default('edi')
    .describe('What the partner speaks: edi (X12 or EDIFACT, identified by identifiers); cxml (a procurement network buyer '
      + 'that POSTs cXML OrderRequests to /cxml/<id>, identified by the cxml block); shopify (a Shopify store, the shopify '
      + 'block); amazon (an Amazon seller account on SP-API, the amazon block). Default edi.'),
  mode: z.enum(['test', 'production'])
    .describe('test or production: interchanges with a test partner carry ISA15 = T (EDIFACT UNB 0035 = 1), with a production partner P (no 0035).'),
  identifiers: z.strictObject({
    x12: z.array(X12PartnerIdentity).default([]).describe("The partner's X12 identities (ISA and GS ids). Default: none."),
    edifact: z.array(EdifactPartnerIdentity).default([]).describe("The partner's EDIFACT identities (UNB ids). Default: none."),
  }).prefault({})
    .describe("How the partner's interchanges name it: X12 and/or EDIFACT ids, at least one for a kind: edi partner."),
  cxml: CxmlProfileSchema.optional(),
  shopify: ShopifyProfileSchema.optional(),
  amazon: AmazonProfileSchema.optional(),
  documents: z.strictObject({
    inbound: z.array(DocumentSchema).default([]).describe('Documents the partner sends us, each with standard, type and version. Default: none.'),
    outbound: z.array(DocumentSchema).default([]).describe('Documents we send the partner, each with standard, type and version. Default: none.'),
  }).prefault({}).describe('The documents exchanged with this partner.'),
  acknowledgments: z.strictObject({
    send: z.array(AckKindSchema).default([])
      .describe("What we send back for the partner's interchanges: TA1, '997' (X12 004010), '999' (X12 005010), CONTRL (EDIFACT). Default: none."),
    expect: z.array(AckKindSchema).default([])
      .describe('What the partner sends back for ours (TA1, \'997\', \'999\', CONTRL); one missing after expectWithinHours is an exception. Default: none.'),
    expectWithinHours: z.number().positive().default(24)
      .describe('Hours the partner has to send the acknowledgments in expect. Default 24.'),
  }).prefault({}).describe('Which acknowledgments we send for what the partner sends, and which we expect back.'),
  validation: z.strictObject({
    duplicateWindowDays: z.number().int().positive().default(365)
      .describe('Days during which an interchange control number seen again from this partner is a duplicate (rejected, TA1 025). Default 365.'),
    requireSegments: z.record(documentType, z.array(segmentTag)).default({})
      .describe("Segments this partner always sends beyond the standard's mandatory ones, per document type, e.g. { '850': [DTM, CTT] }: "
        + 'a set without one is in error. X12 only. Default: none.'),
    requireElements: z.record(documentType, z.array(elementRef)).default({})
      .describe("Elements this partner always fills, per document type, e.g. { '850': [PO107] } (segment tag and position). X12 only. Default: none."),
    allowCodes: z.record(documentType, z.record(elementRef, z.array(z.string().min(1)).min(1))).default({})
      .describe("The codes of an element's list this partner may use, per document type and element, e.g. { '850': { BEG02: [SA, DS] } }: "
        + 'any other is in error. X12 only. Default: none.'),
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
  }).prefault({}).describe("Checks of this partner's documents beyond the standard: duplicates, required segments and elements, code lists."),
  mapping: MappingSchema,
  crossReferences: CrossReferenceFilesSchema,
  outbound: OutboundSchema,
  odoo: OdooSettingsSchema,
  schedules: SchedulesSchema,
  reconciliation: ReconciliationSettingsSchema,
  alerts: PartnerAlertsSchema,
  transports: z.strictObject({
    folder: FolderTransportSchema.prefault({})
      .describe('The folder pair every partner has, $EDI_GATEWAY_HOME/partners/<id>/{in,out}: how in/ is read.'),
    primary: z.enum(['folder', 'sftp', 'as2']).default('folder')
      .describe('The production transport: folder, sftp or as2 (set up under transports.sftp or transports.as2). Default folder.'),
    /** The partner's SFTP server (src/transports/sftp/README.md). */
    sftp: SftpTransportForProfile.optional(),
    /** AS2 (RFC 4130) settings: src/transports/as2/README.md. */
    as2: As2TransportForProfile.optional(),
  }).prefault({}).describe('How files travel to and from this partner: the folder pair, SFTP or AS2.'),
}).superRefine((p, ctx) => {
  if (p.kind === 'edi' && p.identifiers.x12.length + p.identifiers.edifact.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['identifiers'], message: 'at least one X12 or EDIFACT identifier is needed' });
  }
  // Each channel kind has its own block, and a block belongs to its kind only.
  for (const kind of CHANNEL_KINDS) {
    if (p.kind === kind && !p[kind]) {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: `a kind: ${kind} partner needs a ${kind} block (${CHANNEL_BLOCK_FIELDS[kind]})` });
    }
    if (p.kind !== kind && p[kind]) {
      ctx.addIssue({ code: 'custom', path: [kind], message: `a ${kind} block belongs to a kind: ${kind} partner: add kind: ${kind}` });
    }
  }
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
