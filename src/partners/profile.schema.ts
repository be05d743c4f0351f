import { z } from 'zod';
import { EdifactIdentitySchema, X12IdentitySchema } from '../config/gateway.config';

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

const regex = z.string().refine((v) => {
  try {
    new RegExp(v);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const FolderTransportSchema = z.strictObject({
  /** Overrides the gateway's folder.pollSeconds for this partner. */
  pollSeconds: z.number().positive().optional(),
  stableSeconds: z.number().min(0).optional(),
  /** Only file names matching this regular expression are taken (Camel's `include`). */
  include: regex.optional(),
  /** File names matching this are left alone (Camel's `exclude`); dot files always are. */
  exclude: regex.optional(),
});

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
  }).prefault({}),
  transports: z.strictObject({
    /** Every partner has the folder pair $EDI_GATEWAY_HOME/partners/<id>/{in,out}. */
    folder: FolderTransportSchema.prefault({}),
    /** Production transport; its settings are added by the SFTP/AS2 issue. */
    primary: z.enum(['folder', 'sftp', 'as2']).default('folder'),
  }).prefault({}),
});

export type PartnerProfile = z.infer<typeof PartnerProfileSchema>;
export type PartnerDocument = z.infer<typeof DocumentSchema>;
