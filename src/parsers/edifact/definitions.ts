import fs from 'node:fs';
import path from 'node:path';
import {
  CodeListsSchema, CompositeDictionarySchema, ElementDictionarySchema, MessageDefSchema, SegmentDictionarySchema,
  type CompositeDef, type ElementDef, type MessageDef, type MessageNode, type SegmentDef,
} from './definition.schema';

/** One directory's definitions (D96A, D01B), loaded from `definitions/<directory>/` and indexed for the validator. */
export interface EdifactDirectory {
  directory: string;
  elements: Record<string, ElementDef>;
  composites: Record<string, CompositeDef>;
  segments: Record<string, SegmentDef>;
  /** Element id -> allowed codes, for the elements whose code lists we hold (see definitions/README.md). */
  codes: Map<string, Set<string>>;
  /** Message type -> the plain directory message (no association code). */
  messages: Map<string, MessageDef>;
  /** `${type}.${association}` -> a subset, e.g. "ORDERS.EAN008". */
  subsets: Map<string, MessageDef>;
}

// Data files stay in src/: this resolves the same from src/parsers/edifact and from dist/parsers/edifact.
export const DEFINITIONS_DIR = path.resolve(__dirname, '..', '..', '..', 'src', 'parsers', 'edifact', 'definitions');
const cache = new Map<string, EdifactDirectory | null>();

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * The definitions of a directory named as UNH S009 names it, version + release ("D" + "96A" =
 * "D96A"), or undefined when we have none. Loaded and schema-checked once, then cached.
 */
export function edifactDirectory(directory: string): EdifactDirectory | undefined {
  if (cache.has(directory)) return cache.get(directory) ?? undefined;
  const dir = path.join(DEFINITIONS_DIR, directory);
  if (!/^D\d\d[AB]$/.test(directory) || !fs.existsSync(path.join(dir, 'segments.json'))) {
    cache.set(directory, null);
    return undefined;
  }
  const messages = new Map<string, MessageDef>();
  const subsets = new Map<string, MessageDef>();
  const messagesDir = path.join(dir, 'messages');
  for (const name of fs.existsSync(messagesDir) ? fs.readdirSync(messagesDir).sort() : []) {
    if (!name.endsWith('.json')) continue;
    const def = MessageDefSchema.parse(readJson(path.join(messagesDir, name)));
    if (def.association) subsets.set(`${def.id}.${def.association}`, def);
    else messages.set(def.id, def);
  }
  const codes = CodeListsSchema.parse(readJson(path.join(dir, 'codes.json')));
  const loaded: EdifactDirectory = {
    directory,
    elements: ElementDictionarySchema.parse(readJson(path.join(dir, 'elements.json'))),
    composites: CompositeDictionarySchema.parse(readJson(path.join(dir, 'composites.json'))),
    segments: SegmentDictionarySchema.parse(readJson(path.join(dir, 'segments.json'))),
    codes: new Map(Object.entries(codes).map(([k, v]) => [k, new Set(v)])),
    messages,
    subsets,
  };
  cache.set(directory, loaded);
  return loaded;
}

/** The directory name from UNH S009 version (0052, "D") and release (0054, "96A"): "D96A". */
export function directoryOf(version: string, release: string): string {
  return `${version}${release}`.toUpperCase();
}

/**
 * The definition a message is validated against: the subset for its association assigned code
 * (UNH 0057, e.g. EAN008) when we hold one, else the plain directory message, else undefined
 * (unknown directory or message type).
 */
export function messageDefinition(directory: string, type: string, association?: string): MessageDef | undefined {
  const dir = edifactDirectory(directory);
  if (!dir) return undefined;
  if (association) {
    const subset = dir.subsets.get(`${type}.${association}`);
    if (subset) return subset;
  }
  return dir.messages.get(type);
}

/** Every segment tag a message's structure names, UNH and UNT included. */
export function messageTags(def: MessageDef): Set<string> {
  const tags = new Set<string>();
  const walk = (nodes: MessageNode[]): void => {
    for (const n of nodes) {
      if ('segment' in n) tags.add(n.segment);
      else walk(n.children);
    }
  };
  walk(def.structure);
  return tags;
}

/** The directories we hold definitions for, e.g. ["D01B", "D96A"]. */
export function supportedDirectories(): string[] {
  return fs.existsSync(DEFINITIONS_DIR)
    ? fs.readdirSync(DEFINITIONS_DIR).filter((d) => /^D\d\d[AB]$/.test(d) && fs.existsSync(path.join(DEFINITIONS_DIR, d, 'segments.json'))).sort()
    : [];
}
