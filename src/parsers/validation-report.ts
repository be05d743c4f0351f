import { z } from 'zod';

/**
 * The validation report of `validate --json` (CONTRACTS.md), the same shape for X12 and EDIFACT.
 * `code` is the AK3/AK4/AK5 (IK3/IK4/IK5) code, the TA1 note code for envelope errors, or for
 * EDIFACT the CONTRL syntax error code.
 */
export const ValidationErrorSchema = z.object({
  segment: z.string().optional(),
  /** The segment's ordinal in the transaction set, ST (UNH) = 1. */
  position: z.number().int().optional(),
  /** 1-based element position. */
  element: z.number().int().optional(),
  component: z.number().int().optional(),
  repetition: z.number().int().optional(),
  code: z.string(),
  message: z.string(),
});

export const SetReportSchema = z.object({
  type: z.string(),
  controlNumber: z.string(),
  status: z.enum(['accepted', 'accepted_with_errors', 'rejected']),
  errors: z.array(ValidationErrorSchema),
  /** Segment errors past the first 200 of a set: counted, not listed (absent when none). */
  errorsOmitted: z.number().int().optional(),
});

export const GroupReportSchema = z.object({
  functionalId: z.string(),
  controlNumber: z.string(),
  version: z.string().optional(),
  status: z.enum(['accepted', 'partially_accepted', 'rejected']),
  errors: z.array(ValidationErrorSchema),
  sets: z.array(SetReportSchema),
  /** Counts, kept even when accepted sets are not listed (streaming a huge file). */
  setCount: z.number().int(),
  acceptedCount: z.number().int(),
});

export const InterchangeReportSchema = z.object({
  standard: z.enum(['X12', 'EDIFACT']),
  version: z.string(),
  senderQualifier: z.string().optional(),
  senderId: z.string(),
  receiverQualifier: z.string().optional(),
  receiverId: z.string(),
  controlNumber: z.string(),
  date: z.string().optional(),
  time: z.string().optional(),
  partnerId: z.string().nullable(),
  status: z.enum(['accepted', 'rejected']),
  duplicate: z.boolean(),
  /** The sender asked for an interchange acknowledgment (ISA14 = 1, UNB 0031 = 1). */
  ackRequested: z.boolean(),
  usage: z.string().optional(),
  /** EDIFACT: the UNB syntax identifier and version, e.g. UNOC:3. */
  syntax: z.string().optional(),
  errors: z.array(ValidationErrorSchema),
  groups: z.array(GroupReportSchema),
});

export const ValidationReportSchema = z.object({
  ok: z.boolean(),
  file: z.string().optional(),
  /** Problems outside any interchange: bytes that are not EDI, a file cut short. */
  errors: z.array(ValidationErrorSchema),
  interchanges: z.array(InterchangeReportSchema),
});

export type ValidationError = z.infer<typeof ValidationErrorSchema>;
export type SetReport = z.infer<typeof SetReportSchema>;
export type GroupReport = z.infer<typeof GroupReportSchema>;
export type InterchangeReport = z.infer<typeof InterchangeReportSchema>;
export type ValidationReport = z.infer<typeof ValidationReportSchema>;
