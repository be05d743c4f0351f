import { isMap, isNode, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { z } from 'zod';
import { closestWord } from '../lib/closest-word';

/** A path into a profile: map keys and list indexes, as zod issues and our checks give them. */
export type ProfilePath = readonly PropertyKey[];

/** Where a path leads in the YAML document: the deepest node that exists, and whether it is the path's own. */
interface Located {
  node: unknown;
  /** The map entry holding `node`, when the path's last step that exists was a map key. */
  pair?: Pair;
  exact: boolean;
}

/** A map key as the path names it: keys written unquoted (`7143:`, YAML's number) are matched by their text. */
const keyOf = (pair: Pair): string => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key));

/** The node at a path of the document, or the deepest one that exists. */
export function locate(doc: Document, path: ProfilePath): Located {
  let node: unknown = doc.contents;
  let pair: Pair | undefined;
  for (const key of path) {
    let next: unknown;
    let nextPair: Pair | undefined;
    if (isMap(node)) {
      nextPair = node.items.find((p) => keyOf(p) === String(key));
      next = nextPair?.value;
    } else if (isSeq(node) && typeof key === 'number') {
      next = node.items[key];
    }
    if (!isNode(next) || !next.range) return { node, pair, exact: false };
    node = next;
    pair = nextPair;
  }
  return { node, pair, exact: true };
}

/** What one issue becomes: a position and a message (the caller adds file and path). */
export interface PlacedIssue {
  path: PropertyKey[];
  line: number;
  col: number;
  message: string;
}

/** The loose view of zod's internal definitions that walking a schema needs. */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  element?: z.ZodType;
  valueType?: z.ZodType;
  values?: unknown[];
  getter?: () => z.ZodType;
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch', 'success']);

/** The object schema inside wrappers, if it is one. */
function unwrapObject(schema: z.ZodType): Def | undefined {
  let def = defOf(schema);
  while (WRAPPERS.has(def.type) || def.type === 'pipe' || def.type === 'lazy') {
    def = defOf(def.type === 'pipe' ? def.in! : def.type === 'lazy' ? def.getter!() : def.innerType!);
  }
  return def.type === 'object' ? def : undefined;
}

/**
 * The keys a profile may have at a path: those of the object schema(s) there. Of a
 * discriminated union, the keys of the branch the data picks (all branches when none does).
 */
export function knownKeysAt(schema: z.ZodType, path: ProfilePath, data: unknown): string[] {
  const def = defOf(schema);
  if (WRAPPERS.has(def.type)) return knownKeysAt(def.innerType!, path, data);
  if (def.type === 'pipe') return knownKeysAt(def.in!, path, data);
  if (def.type === 'lazy') return knownKeysAt(def.getter!(), path, data);
  const child = (key: PropertyKey) => (data && typeof data === 'object' ? (data as Record<PropertyKey, unknown>)[key] : undefined);
  if (def.type === 'union') {
    let options = def.options ?? [];
    const picked = def.discriminator !== undefined ? child(def.discriminator) : undefined;
    if (picked !== undefined) {
      const matching = options.filter((o) => {
        const d = unwrapObject(o)?.shape?.[def.discriminator!];
        return d && (defOf(d).values ?? []).includes(picked);
      });
      if (matching.length) options = matching;
    }
    return [...new Set(options.flatMap((o) => knownKeysAt(o, path, data)))];
  }
  if (def.type === 'object') {
    if (!path.length) return Object.keys(def.shape ?? {});
    const next = def.shape?.[String(path[0])];
    return next ? knownKeysAt(next, path.slice(1), child(path[0])) : [];
  }
  if (!path.length) return [];
  if (def.type === 'array' && typeof path[0] === 'number') return knownKeysAt(def.element!, path.slice(1), child(path[0]));
  if (def.type === 'record') return knownKeysAt(def.valueType!, path.slice(1), child(path[0]));
  return [];
}

/** `unknown key "x" — did you mean "y"?`, or the keys that can be there when none is close. */
export function unknownKeyMessage(key: string, known: string[]): string {
  const close = closestWord(key, known);
  if (close) return `unknown key "${key}" — did you mean "${close}"?`;
  return known.length ? `unknown key "${key}" (keys here: ${known.join(', ')})` : `unknown key "${key}"`;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Places profile problems in the YAML text, for messages an analyst can act on: an unknown key at
 * its own line and column with the key it most likely meant, and a value YAML read as a number
 * or boolean where the schema wants text (an unquoted `version: 004010`) told to be quoted, a
 * mistyped choice (`mode: Test`) with the choice it most likely meant.
 */
export class ProfilePlacer {
  constructor(private readonly text: string, private readonly doc: Document, private readonly lines: LineCounter,
    private readonly schema: z.ZodType) {}

  /** Line and column of the node at a path, or of the deepest part of the path the file has (1:1 for none). */
  at(path: ProfilePath): { line: number; col: number } {
    return this.pos(locate(this.doc, path).node);
  }

  private pos(node: unknown): { line: number; col: number } {
    return isNode(node) && node.range ? this.lines.linePos(node.range[0]) : { line: 1, col: 1 };
  }

  private source(node: Node | null | undefined): string {
    return node?.range ? this.text.slice(node.range[0], node.range[1]) : String(node);
  }

  /** One zod issue as the problems it reports: an unrecognized_keys issue gives one per key. */
  issues(issue: z.core.$ZodIssue, data: unknown): PlacedIssue[] {
    if (issue.code === 'unrecognized_keys') {
      const parent = locate(this.doc, issue.path);
      const known = knownKeysAt(this.schema, issue.path, data);
      return issue.keys.map((key) => {
        const pair = parent.exact && isMap(parent.node) ? parent.node.items.find((p) => keyOf(p) === key) : undefined;
        return { path: [...issue.path, key], ...this.pos(pair?.key ?? parent.node), message: unknownKeyMessage(key, known) };
      });
    }
    const found = locate(this.doc, issue.path);
    return [{ path: [...issue.path], ...this.pos(found.node), message: (found.exact && this.readAs(issue, found)) || issue.message }];
  }

  /** The message for a scalar whose YAML type is not the one the schema wants, when quoting (or unquoting) fixes it. */
  private readAs(issue: z.core.$ZodIssue, { node, pair }: Located): string | undefined {
    if (!isScalar(node)) return undefined;
    const value = node.value;
    const src = this.source(node);
    const key = pair ? `${this.source(pair.key as Node)}: ` : '';
    const wantsText = issue.code === 'invalid_type' ? issue.expected === 'string'
      : issue.code === 'invalid_value' && issue.values.length > 0 && issue.values.every((v) => typeof v === 'string');
    if (wantsText && (typeof value === 'number' || typeof value === 'boolean')) {
      const read = `${key}${src} is read by YAML as the ${typeof value} ${String(value)}`;
      if (issue.code === 'invalid_value' && !issue.values.includes(src)) {
        return `${read}; write one of ${issue.values.map((v) => quote(String(v))).join(', ')} (quoted)`;
      }
      return `${read}; quote it: ${key}${quote(src)}`;
    }
    if (typeof value === 'string' && issue.code === 'invalid_value') {
      const close = closestWord(value, issue.values.filter((v): v is string => typeof v === 'string'));
      return close ? `${issue.message} — did you mean "${close}"?` : undefined;
    }
    if (typeof value === 'string' && issue.code === 'invalid_type' && (issue.expected === 'boolean' || issue.expected === 'number')) {
      const read = `${key}${src} is read by YAML as the string ${JSON.stringify(value)}`;
      if (issue.expected === 'boolean') return `${read}; write ${key}true or ${key}false`;
      if (value.trim() !== '' && Number.isFinite(Number(value))) return `${read}; write the number without quotes: ${key}${value.trim()}`;
    }
    return undefined;
  }
}
