import type { z } from 'zod';

/** Descriptions for a schema and its fields; a nested object's fields likewise. */
export interface Descriptions {
  description?: string;
  fields?: Record<string, string | Descriptions>;
}

/** The loose view of zod's internal definitions that rebuilding an object needs. */
interface Def { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType }
type Cloneable = z.ZodType & { clone(def: unknown): z.ZodType };

/**
 * A copy of a schema defined elsewhere with descriptions (what the profile's JSON Schema shows
 * in an editor) on it and on its fields, the original left as it is: the copy validates the same
 * (same checks, strictness, defaults, wrappers). A field named here that the schema lacks is
 * skipped (a renamed field then shows undescribed in the JSON Schema, which a unit test refuses).
 */
export function withDescriptions<T extends z.ZodType>(schema: T, d: string | Descriptions): T {
  const { description, fields } = typeof d === 'string' ? { description: d, fields: undefined } : d;
  const out = fields ? rebuild(schema, fields) : schema;
  return (description ? out.describe(description) : out) as T;
}

function rebuild(schema: z.ZodType, fields: Record<string, string | Descriptions>): z.ZodType {
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  if (def.type === 'object') {
    const shape = { ...def.shape };
    for (const [key, d] of Object.entries(fields)) {
      if (shape[key]) shape[key] = withDescriptions(shape[key], d);
    }
    return (schema as Cloneable).clone({ ...def, shape });
  }
  if (def.innerType) return (schema as Cloneable).clone({ ...def, innerType: rebuild(def.innerType, fields) });
  return schema;
}
