import { z } from 'zod';
import { SourceSchema } from './common';

export const AckErrorSchema = z.object({
  segment: z.string().optional(),
  position: z.number().int().optional(),
  element: z.number().int().optional(),
  code: z.string(),
  message: z.string().optional(),
});

/** A partner's acknowledgment of one of our interchanges (TA1, 997, 999, CONTRL). */
export const FunctionalAckSchema = z.object({
  type: z.literal('functional_ack'),
  partnerId: z.string(),
  source: SourceSchema,
  kind: z.enum(['TA1', '997', '999', 'CONTRL']),
  /** The interchange (ISA13 / UNB 0020) being acknowledged, when the ack names it. */
  interchangeControl: z.string().optional(),
  groups: z.array(z.object({
    functionalId: z.string().optional(),
    controlNumber: z.string(),
    status: z.enum(['accepted', 'accepted_with_errors', 'partially_accepted', 'rejected']),
    errors: z.array(AckErrorSchema).default([]),
    sets: z.array(z.object({
      type: z.string(),
      controlNumber: z.string(),
      status: z.enum(['accepted', 'accepted_with_errors', 'rejected']),
      errors: z.array(AckErrorSchema),
    })),
  })),
  /** For a TA1 or an interchange-level CONTRL: the verdict on the interchange itself. */
  interchange: z.object({ status: z.enum(['accepted', 'accepted_with_errors', 'rejected']), code: z.string().optional() }).optional(),
});

export type FunctionalAck = z.infer<typeof FunctionalAckSchema>;
