import { z } from 'zod';

/**
 * EDIFACT directory definitions are data, one folder per directory (`definitions/D96A/`,
 * `definitions/D01B/`), in the shape of these schemas:
 *
 *   elements.json           data element dictionary: id -> representation (a3, an..35, n..15)
 *   composites.json         composite data elements: C### -> components
 *   segments.json           segment dictionary: tag -> data elements in order
 *   codes.json              code lists of the coded elements whose codes carry meaning
 *   messages/<TYPE>.json    one message: its segments and segment groups in order (UNH..UNT)
 *   messages/<TYPE>.<ASSOC>.json  a subset for an association assigned code (UNH 0057), e.g.
 *                                 ORDERS.EAN008.json for EANCOM; used instead of the plain one
 *                                 when the message header names that code
 *
 * The service segments (UNA, UNB, UNG, UNH, UNT, UNE, UNZ) belong to ISO 9735, not to the
 * directories; the envelope code checks them.
 */

/** EDIFACT representation: a alphabetic, n numeric, an alphanumeric. */
export const RepresentationSchema = z.enum(['a', 'n', 'an']);

export const ElementDefSchema = z.strictObject({
  name: z.string().min(1),
  type: RepresentationSchema,
  /** Minimum length: equals max for fixed-length elements (a3), 1 for variable (an..35). */
  min: z.number().int().min(1),
  max: z.number().int().min(1),
});
export const ElementDictionarySchema = z.record(z.string().regex(/^\d{4}$/), ElementDefSchema);

/** M mandatory, C conditional (optional unless a dependency note or a subset says otherwise). */
export const UsageSchema = z.enum(['M', 'C']);

export const ComponentRefSchema = z.strictObject({ ref: z.string().regex(/^\d{4}$/), req: UsageSchema });
export const CompositeDefSchema = z.strictObject({
  name: z.string().min(1),
  components: z.array(ComponentRefSchema).min(1),
});
export const CompositeDictionarySchema = z.record(z.string().regex(/^[CS]\d{3}$/), CompositeDefSchema);

/** A position in a segment: a simple data element (4 digits) or a composite (C###). */
export const SegmentElementSchema = z.strictObject({
  ref: z.string().regex(/^(\d{4}|[CS]\d{3})$/),
  req: UsageSchema,
  /** Repeats allowed (syntax 4 repetition); 1 when absent. */
  repeat: z.number().int().min(1).optional(),
});

export const SegmentDefSchema = z.strictObject({
  name: z.string().min(1),
  elements: z.array(SegmentElementSchema).min(1),
});
export const SegmentDictionarySchema = z.record(z.string().regex(/^[A-Z]{3}$/), SegmentDefSchema);

/** Code lists: element id -> allowed codes. Only for the elements whose codes we check. */
export const CodeListsSchema = z.record(z.string().regex(/^\d{4}$/), z.array(z.string().min(1)).min(1));

export type MessageNode =
  | { segment: string; req: 'M' | 'C'; max: number }
  | { group: string; req: 'M' | 'C'; max: number; children: MessageNode[] };

export const MessageNodeSchema: z.ZodType<MessageNode> = z.lazy(() => z.union([
  z.strictObject({ segment: z.string().regex(/^[A-Z]{3}$/), req: UsageSchema, max: z.number().int().min(1) }),
  /** A segment group (SG1, SG2, ...): its first child is its trigger segment, which starts each repeat. */
  z.strictObject({ group: z.string().regex(/^SG\d+$/), req: UsageSchema, max: z.number().int().min(1), children: z.array(MessageNodeSchema).min(1) }),
]));

export const MessageDefSchema = z.strictObject({
  /** Message type, e.g. ORDERS. */
  id: z.string().regex(/^[A-Z]{6}$/),
  name: z.string(),
  /** Directory, e.g. D96A. */
  directory: z.string().regex(/^D\d\d[AB]$/),
  /** Association assigned code for a subset (EAN008); absent for the plain directory message. */
  association: z.string().optional(),
  /**
   * Segment-level overrides a subset makes (EANCOM marks conditional elements required and
   * narrows code lists): tag -> position -> usage or allowed codes. A position is the 1-based data element
   * ("2") or data element and component ("1.1"). A tag applies wherever the segment appears.
   */
  overrides: z.record(z.string(), z.record(z.string(), z.strictObject({
    req: UsageSchema.optional(),
    codes: z.array(z.string()).optional(),
  }))).default({}),
  /** From UNH to UNT inclusive, in the directory's order. */
  structure: z.array(MessageNodeSchema).min(2),
});

export type ElementDef = z.infer<typeof ElementDefSchema>;
export type CompositeDef = z.infer<typeof CompositeDefSchema>;
export type SegmentDef = z.infer<typeof SegmentDefSchema>;
export type MessageDef = z.infer<typeof MessageDefSchema>;
