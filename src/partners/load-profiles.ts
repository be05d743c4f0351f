import fs from 'node:fs';
import path from 'node:path';
import YAML, { LineCounter, isMap, isNode, isScalar, isSeq, type Document } from 'yaml';
import { yamlErrorAt } from '../lib/yaml-error';
import { checkAddedCodes } from './added-codes-lint';
import { loadCrossReferences } from './cross-references';
import { PartnerProfileSchema, type PartnerProfile } from './profile.schema';

/** One problem in one profile file, placed where an analyst's editor can jump to it. */
export interface ProfileIssue {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
  /** A warning: `partners lint` shows it, but the profile loads. */
  warning?: boolean;
}

export function formatIssue(i: ProfileIssue): string {
  return `${i.file}:${i.line}:${i.col} ${i.path ? `${i.path}: ` : ''}${i.warning ? 'warning: ' : ''}${i.message}`;
}

export interface LoadedProfiles {
  profiles: PartnerProfile[];
  /** Problems: a profile with any is not loaded. */
  issues: ProfileIssue[];
  /** Warnings of the profiles that loaded (e.g. an added code the standard already has). */
  warnings: ProfileIssue[];
}

/**
 * The node at a path of the document, or the deepest one that exists. Map keys are matched by
 * their text, so that a path's '7143' finds a key written unquoted (which YAML reads as a number).
 */
function nodeAt(doc: Document, path: readonly PropertyKey[]): unknown {
  let node: unknown = doc.contents;
  for (const key of path) {
    let next: unknown;
    if (isMap(node)) next = node.items.find((pair) => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key)) === String(key))?.value;
    else if (isSeq(node) && typeof key === 'number') next = node.items[key];
    if (!isNode(next) || !next.range) break;
    node = next;
  }
  return node;
}

/** `<dir>/<id>/profile.yaml` (a folder per partner) or `<dir>/<id>.yaml`. */
export function findProfileFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      for (const name of ['profile.yaml', 'profile.yml']) {
        if (fs.existsSync(path.join(full, name))) { files.push(path.join(full, name)); break; }
      }
    } else if (/\.ya?ml$/.test(entry.name)) {
      files.push(full);
    }
  }
  return files;
}

/** Parses and validates one profile file: a profile, or the issues with line and column. */
export function parseProfile(file: string, text: string): { profile?: PartnerProfile; issues: ProfileIssue[]; warnings: ProfileIssue[] } {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter });
  if (doc.errors.length) return { issues: doc.errors.map((e) => ({ file, path: '', ...yamlErrorAt(e) })), warnings: [] };
  // Point at the deepest node of the path that exists in the file.
  const placed = (path: readonly PropertyKey[], message: string, warning?: boolean): ProfileIssue => {
    const node = nodeAt(doc, path);
    const at = isNode(node) && node.range ? lineCounter.linePos(node.range[0]) : { line: 1, col: 1 };
    return { file, line: at.line, col: at.col, path: path.map(String).join('.'), message, ...(warning ? { warning } : {}) };
  };
  const result = PartnerProfileSchema.safeParse(doc.toJS());
  if (!result.success) return { issues: result.error.issues.map((issue) => placed(issue.path, issue.message)), warnings: [] };
  // What the schema cannot check alone: added codes against the standards' dictionaries.
  const findings = checkAddedCodes(result.data).map((f) => placed(f.path, f.message, f.warning)).sort((a, b) => a.line - b.line || a.col - b.col);
  const issues = findings.filter((f) => !f.warning);
  const warnings = findings.filter((f) => f.warning);
  return issues.length ? { issues, warnings } : { profile: result.data, issues: [], warnings };
}

/**
 * Loads every profile in dir. Also refuses what no single file shows: two profiles with one id,
 * or two claiming the same interchange identifiers (the sender would be ambiguous).
 */
export function loadProfiles(dir: string): LoadedProfiles {
  const profiles: PartnerProfile[] = [];
  const issues: ProfileIssue[] = [];
  const warnings: ProfileIssue[] = [];
  const fileOf = new Map<PartnerProfile, string>();
  for (const file of findProfileFiles(dir)) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      issues.push({ file, line: 1, col: 1, path: '', message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    const parsed = parseProfile(file, text);
    issues.push(...parsed.issues);
    warnings.push(...parsed.warnings);
    if (!parsed.profile) continue;
    const expectedId = path.basename(file) === 'profile.yaml' || path.basename(file) === 'profile.yml'
      ? path.basename(path.dirname(file)) : path.basename(file).replace(/\.ya?ml$/, '');
    if (parsed.profile.id !== expectedId) {
      issues.push({ file, line: 1, col: 1, path: 'id', message: `id '${parsed.profile.id}' must match its folder or file name '${expectedId}'` });
      continue;
    }
    const xrefIssues: { file: string; line: number; col: number; message: string }[] = [];
    const profile = {
      ...parsed.profile,
      files: { profile: file, dir: path.dirname(file) },
      xref: loadCrossReferences(file, parsed.profile.crossReferences, xrefIssues),
    };
    issues.push(...xrefIssues.map((i) => ({ ...i, path: i.file === file ? 'crossReferences' : '' })));
    profiles.push(profile);
    fileOf.set(profile, file);
  }

  const claims = new Map<string, PartnerProfile>();
  for (const p of profiles) {
    const keys = [
      ...p.identifiers.x12.map((i) => [`X12 ${i.qualifier}:${i.id}`, `X12 ${i.qualifier}:${i.id}`] as const),
      ...p.identifiers.edifact.map((i) => [`EDIFACT ${i.id}:${i.qualifier ?? ''}`, `EDIFACT ${i.id}${i.qualifier ? ` (qualifier ${i.qualifier})` : ''}`] as const),
      [`id ${p.id}`, `id '${p.id}'`] as const,
    ];
    for (const [key, label] of keys) {
      const other = claims.get(key);
      if (other && other !== p) {
        issues.push({ file: fileOf.get(p)!, line: 1, col: 1, path: 'identifiers',
          message: `${label} is also claimed by partner '${other.id}' (${fileOf.get(other)})` });
      } else {
        claims.set(key, p);
      }
    }
  }
  const rejected = new Set(issues.map((i) => i.file));
  return { profiles: profiles.filter((p) => !rejected.has(fileOf.get(p)!)), issues, warnings: warnings.filter((w) => !rejected.has(w.file)) };
}
