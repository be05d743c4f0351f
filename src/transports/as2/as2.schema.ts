import { z } from 'zod';
import { ENCRYPTION_ALGORITHMS } from './encryption-algorithms';
import { MIC_ALGORITHMS } from './mic';

/** An AS2 name: 1-128 printable ASCII characters (RFC 4130 §6.2). */
const as2Name = z.string().regex(/^[\x20-\x7e]{1,128}$/, 'an AS2 name is 1 to 128 printable ASCII characters');

/**
 * A partner's AS2 settings (profile `transports.as2`). Certificates are files or environment
 * variables, never inline: a profile is reviewed in git, and our private key lives only in the
 * gateway's environment (EDI_GATEWAY_AS2_PRIVATE_KEY or _FILE).
 */
export const As2TransportSchema = z.strictObject({
  /** The partner's AS2 name: AS2-From on what they send us, AS2-To on what we send them. */
  partnerAs2Id: as2Name,
  /** Our AS2 name for this partner; defaults to the gateway's as2.id. */
  ourAs2Id: as2Name.optional(),
  /** Where we POST messages for this partner (their AS2 endpoint). Without it nothing is sent over AS2. */
  url: z.url({ protocol: /^https?$/ }).optional(),
  /** The partner's certificate (PEM), relative to the profile file; or certificateEnv. */
  certificateFile: z.string().min(1).optional(),
  /** An environment variable holding the partner's certificate (PEM), for deployments that inject files as env. */
  certificateEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name, e.g. SUMMIT_AS2_CERT').optional(),
  /** Digest we sign with; `none` sends unsigned (not advised). */
  signing: z.enum([...MIC_ALGORITHMS, 'none']).default('sha256'),
  /** Content encryption for what we send; `none` sends in the clear (not advised without TLS). */
  encryption: z.enum([...ENCRYPTION_ALGORITHMS, 'none']).default('aes256-cbc'),
  /** RFC 5402 compression, applied before signing. */
  compress: z.boolean().default(false),
  /** Content-Type of the payload we send; by default from the standard (application/edi-x12, application/edifact). */
  contentType: z.string().optional(),
  mdn: z.strictObject({
    /** Ask for the receipt in the HTTP response (sync), by a later POST to asyncUrl (async), or not at all. */
    mode: z.enum(['sync', 'async', 'none']).default('sync'),
    /** Ask for a signed MDN, and refuse an unsigned one. */
    signed: z.boolean().default(true),
    /** Our public AS2 URL where the partner POSTs asynchronous MDNs (…/as2). */
    asyncUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** No MDN within this long: the message is sent again (same Message-ID), up to resend.attempts times. */
    timeoutSeconds: z.number().int().positive().default(600),
  }).prefault({}),
  resend: z.strictObject({
    /** Resends after a missing MDN before the message becomes an exception. */
    attempts: z.number().int().min(0).max(10).default(2),
  }).prefault({}),
  inbound: z.strictObject({
    /** Refuse unsigned messages from this partner (insufficient-message-security). */
    requireSigned: z.boolean().default(true),
    /** Refuse unencrypted messages from this partner. */
    requireEncrypted: z.boolean().default(false),
  }).prefault({}),
  /** Largest message accepted from this partner, in bytes. */
  maxBytes: z.number().int().positive().default(50 * 1024 * 1024),
}).refine((a) => a.mdn.mode !== 'async' || a.mdn.asyncUrl, { message: 'mdn.mode async needs mdn.asyncUrl (our public …/as2 URL)', path: ['mdn', 'asyncUrl'] })
  .refine((a) => !(a.certificateFile && a.certificateEnv), { message: 'give certificateFile or certificateEnv, not both', path: ['certificateEnv'] });

export type As2Transport = z.infer<typeof As2TransportSchema>;
