import fs from 'node:fs';
import path from 'node:path';
import { cachedExtension, extendDictionary, type AddedCodes } from '../added-codes';
import {
  CodeListsSchema, CompositeDictionarySchema, ElementDictionarySchema, SegmentDictionarySchema, TransactionSetDefSchema,
  type CompositeDef, type ElementDef, type SegmentDef, type StructureNode, type TransactionSetDef,
} from './definition.schema';

/** One version's definitions, loaded from `definitions/<version>/` and indexed for the validator. */
export interface X12Dictionary {
  version: string;
  elements: Record<string, ElementDef>;
  composites: Record<string, CompositeDef>;
  segments: Record<string, SegmentDef>;
  codes: Map<string, Set<string>>;
  sets: Map<string, TransactionSetDef>;
  /** Every segment tag used anywhere in a set's structure. */
  tagsBySet: Map<string, Set<string>>;
}

// Data files stay in src/: this resolves the same from src/parsers/x12 and from dist/parsers/x12.
export const DEFINITIONS_DIR = path.resolve(__dirname, '..', '..', '..', 'src', 'parsers', 'x12', 'definitions');
const cache = new Map<string, X12Dictionary | null>();

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function collectTags(nodes: StructureNode[], into: Set<string>): Set<string> {
  for (const n of nodes) {
    if ('segment' in n) into.add(n.segment);
    else collectTags(n.children, into);
  }
  return into;
}

/** The dictionary of a version (e.g. 004010, 005010), or undefined when we have none. */
export function dictionaryFor(version: string): X12Dictionary | undefined {
  if (cache.has(version)) return cache.get(version) ?? undefined;
  const dir = path.join(DEFINITIONS_DIR, version);
  if (!/^\d{6}$/.test(version) || !fs.existsSync(path.join(dir, 'segments.json'))) {
    cache.set(version, null);
    return undefined;
  }
  const sets = new Map<string, TransactionSetDef>();
  const tagsBySet = new Map<string, Set<string>>();
  const setsDir = path.join(dir, 'sets');
  for (const name of fs.existsSync(setsDir) ? fs.readdirSync(setsDir) : []) {
    if (!name.endsWith('.json')) continue;
    const def = TransactionSetDefSchema.parse(readJson(path.join(setsDir, name)));
    sets.set(def.id, def);
    tagsBySet.set(def.id, collectTags(def.structure, new Set()));
  }
  const codes = CodeListsSchema.parse(readJson(path.join(dir, 'codes.json')));
  const dict: X12Dictionary = {
    version,
    elements: ElementDictionarySchema.parse(readJson(path.join(dir, 'elements.json'))),
    composites: CompositeDictionarySchema.parse(readJson(path.join(dir, 'composites.json'))),
    segments: SegmentDictionarySchema.parse(readJson(path.join(dir, 'segments.json'))),
    codes: new Map(Object.entries(codes).map(([k, v]) => [k, new Set(v)])),
    sets,
    tagsBySet,
  };
  cache.set(version, dict);
  return dict;
}

/**
 * The definitions version for a GS08 version code: "004010", "004010VICS", "005010X222A1" all
 * map to their first six digits.
 */
export function versionOf(gs08: string): string {
  return gs08.slice(0, 6);
}

/**
 * The dictionary a partner's sets of one type are checked against: `dict` with the partner's
 * added codes for that type (profile validation.addCodes), made once and cached (added-codes.ts).
 */
export function dictionaryWithCodes(dict: X12Dictionary, added: AddedCodes | undefined): X12Dictionary {
  return added ? cachedExtension(dict, added, extendDictionary) : dict;
}
