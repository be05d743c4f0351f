import { z } from 'zod';
import { PartnerProfileSchema } from './profile.schema';

/**
 * The JSON Schema of profile.yaml, generated from the one zod schema so the two never disagree.
 * Editors (VS Code's YAML extension, JetBrains) complete and check fields from it while the
 * analyst types. Rules zod checks in code (regular expressions that compile, distinct
 * delimiters, cron syntax) are still caught by `partners lint`.
 */
export function profileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PartnerProfileSchema, { io: 'input', unrepresentable: 'any', target: 'draft-7' });
  return { ...schema, $id: 'https://github.com/edi-gateway/edi-gateway/partner-profiles/profile.schema.json', title: 'edi-gateway partner profile' };
}

export function profileJsonSchemaText(): string {
  return `${JSON.stringify(profileJsonSchema(), null, 2)}\n`;
}
