import { z } from 'zod';

/**
 * X12 transaction set definitions are data, one folder per version
 * (`definitions/004010/`, `definitions/005010/`), in the shape of these schemas:
 *
 *   elements.json    data element dictionary: id -> type and length
 *   composites.json  composite data structures: id -> components
 *   segments.json    segment dictionary: tag -> element list and syntax notes
 *   codes.json       code lists of the ID elements whose codes carry meaning
 *   sets/<id>.json   one transaction set: its segments and loops in order
 */

/** X12 data element types: AN string, ID code, Nn implied-decimal integer, R real, DT date, TM time, B binary. */
export const ElementTypeSchema = z.enum(['AN', 'ID', 'N0', 'N1', 'N2', 'N3', 'N4', 'N5', 'N6', 'N7', 'N8', 'N9', 'R', 'DT', 'TM', 'B']);

export const ElementDefSchema = z.strictObject({
  name: z.string().min(1),
  type: ElementTypeSchema,
  min: z.number().int().min(0),
  max: z.number().int().min(1),
});
export const ElementDictionarySchema = z.record(z.string().regex(/^\d{1,4}$/), ElementDefSchema);

/** M mandatory, O optional, X conditional (its condition is a syntax note of the segment). */
export const UsageSchema = z.enum(['M', 'O', 'X']);

export const ComponentRefSchema = z.strictObject({ ref: z.string(), req: UsageSchema });
export const CompositeDefSchema = z.strictObject({
  name: z.string().min(1),
  components: z.array(ComponentRefSchema).min(1),
  /** Syntax notes between components, same notation as segments' (positions count components). */
  syntax: z.array(z.string()).default([]),
});
export const CompositeDictionarySchema = z.record(z.string().regex(/^C\d{3}$/), CompositeDefSchema);

/** A position in a segment: a simple element (ref = element id) or a composite (ref = C###). */
export const SegmentElementSchema = z.strictObject({
  ref: z.string(),
  req: UsageSchema,
  /** Repeats allowed (005010 repetition separator); 1 when absent. */
  repeat: z.number().int().min(1).optional(),
});

/**
 * Syntax notes as the standard writes them: a letter and two-digit element positions.
 * P paired (all or none), R required (at least one), E exclusion (at most one),
 * C conditional (if the first, then all the others), L list conditional (if the first, then at least one other).
 * E.g. "P0102", "R020304", "C0403", "L010203".
 */
export const SyntaxNoteSchema = z.string().regex(/^[PRECL](\d\d){2,}$/);

export const SegmentDefSchema = z.strictObject({
  name: z.string().min(1),
  elements: z.array(SegmentElementSchema),
  syntax: z.array(SyntaxNoteSchema).default([]),
});
export const SegmentDictionarySchema = z.record(z.string().regex(/^[A-Z][A-Z0-9]{1,2}$/), SegmentDefSchema);

/** Code lists: element id -> allowed codes. Only for the elements whose codes we check. */
export const CodeListsSchema = z.record(z.string().regex(/^\d{1,4}$/), z.array(z.string().min(1)).min(1));

/** `max` of a segment or loop: a number, or "unbounded" for the standard's ">1". */
export const MaxSchema = z.union([z.number().int().min(1), z.literal('unbounded')]);

export type StructureNode =
  | { segment: string; req: 'M' | 'O'; max: number | 'unbounded' }
  | { loop: string; req: 'M' | 'O'; max: number | 'unbounded'; children: StructureNode[] };

export const StructureNodeSchema: z.ZodType<StructureNode> = z.lazy(() => z.union([
  z.strictObject({ segment: z.string(), req: z.enum(['M', 'O']), max: MaxSchema }),
  /** A loop: its first child is the loop's first segment, which starts each repeat. */
  z.strictObject({ loop: z.string(), req: z.enum(['M', 'O']), max: MaxSchema, children: z.array(StructureNodeSchema).min(1) }),
]));

export const TransactionSetDefSchema = z.strictObject({
  id: z.string().regex(/^\d{3}$/),
  name: z.string(),
  /** GS01 functional identifier code for this set, e.g. PO for 850. */
  functionalGroup: z.string().regex(/^[A-Z]{2}$/),
  /** From ST to SE inclusive, in the standard's order (header, detail, summary as one list). */
  structure: z.array(StructureNodeSchema).min(3),
});

export type ElementDef = z.infer<typeof ElementDefSchema>;
export type CompositeDef = z.infer<typeof CompositeDefSchema>;
export type SegmentDef = z.infer<typeof SegmentDefSchema>;
export type TransactionSetDef = z.infer<typeof TransactionSetDefSchema>;
