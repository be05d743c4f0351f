import fs from 'node:fs';
import path from 'node:path';
import YAML, { LineCounter } from 'yaml';
import { yamlErrorAt } from '../lib/yaml-error';
import { checkAddedCodes } from './added-codes-lint';
import { loadCrossReferences, type XrefIssue } from './cross-references';
import { ProfilePlacer, type ProfilePath } from './profile-issues';
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

/** What parseProfile gives: a profile, or the issues with line and column. */
export interface ParsedProfile {
  profile?: PartnerProfile;
  issues: ProfileIssue[];
  warnings: ProfileIssue[];
  /** Line and column of a path in this file (the deepest part of it the file has), for checks made after parsing. */
  at: (path: ProfilePath) => { line: number; col: number };
}

/** Parses and validates one profile file: a profile, or the issues with line and column. */
export function parseProfile(file: string, text: string): ParsedProfile {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter });
  const placer = new ProfilePlacer(text, doc, lineCounter, PartnerProfileSchema);
  const at = (path: ProfilePath) => placer.at(path);
  if (doc.errors.length) return { issues: doc.errors.map((e) => ({ file, path: '', ...yamlErrorAt(e) })), warnings: [], at: () => ({ line: 1, col: 1 }) };
  const issueAt = (path: ProfilePath, line: number, col: number, message: string, warning?: boolean): ProfileIssue =>
    ({ file, line, col, path: path.map(String).join('.'), message, ...(warning ? { warning } : {}) });
  const byPlace = (a: ProfileIssue, b: ProfileIssue) => a.line - b.line || a.col - b.col;
  const data: unknown = doc.toJS();
  const result = PartnerProfileSchema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.flatMap((issue) => placer.issues(issue, data)).map((i) => issueAt(i.path, i.line, i.col, i.message));
    return { issues: issues.sort(byPlace), warnings: [], at };
  }
  // What the schema cannot check alone: added codes against the standards' dictionaries.
  const findings = checkAddedCodes(result.data).map((f) => {
    const { line, col } = at(f.path);
    return issueAt(f.path, line, col, f.message, f.warning);
  }).sort(byPlace);
  const issues = findings.filter((f) => !f.warning);
  const warnings = findings.filter((f) => f.warning);
  return issues.length ? { issues, warnings, at } : { profile: result.data, issues: [], warnings, at };
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
  const atOf = new Map<PartnerProfile, ParsedProfile['at']>();
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
      issues.push({ file, ...parsed.at(['id']), path: 'id', message: `id '${parsed.profile.id}' must match its folder or file name '${expectedId}'` });
      continue;
    }
    const xrefIssues: XrefIssue[] = [];
    const profile = {
      ...parsed.profile,
      files: { profile: file, dir: path.dirname(file) },
      xref: loadCrossReferences(file, parsed.profile.crossReferences, xrefIssues),
    };
    // A table the profile names but that cannot be read is placed at its name in the profile.
    issues.push(...xrefIssues.map(({ path: at, ...i }) => (at ? { ...i, ...parsed.at(at), path: at.join('.') } : { ...i, path: '' })));
    profiles.push(profile);
    fileOf.set(profile, file);
    atOf.set(profile, parsed.at);
  }

  const claims = new Map<string, PartnerProfile>();
  for (const p of profiles) {
    const keys = [
      ...p.identifiers.x12.map((i, n) => [`X12 ${i.qualifier}:${i.id}`, `X12 ${i.qualifier}:${i.id}`, ['identifiers', 'x12', n]] as const),
      ...p.identifiers.edifact.map((i, n) => [`EDIFACT ${i.id}:${i.qualifier ?? ''}`, `EDIFACT ${i.id}${i.qualifier ? ` (qualifier ${i.qualifier})` : ''}`, ['identifiers', 'edifact', n]] as const),
      ...(p.cxml ? [[`cXML ${p.cxml.domain.toLowerCase()}:${p.cxml.identity.toLowerCase()}`, `cXML ${p.cxml.domain} ${p.cxml.identity}`, ['cxml', 'identity']] as const] : []),
      [`id ${p.id}`, `id '${p.id}'`, ['id']] as const,
    ];
    for (const [key, label, at] of keys) {
      const other = claims.get(key);
      if (other && other !== p) {
        issues.push({ file: fileOf.get(p)!, ...atOf.get(p)!(at), path: at[0] === 'id' ? 'id' : at[0] === 'cxml' ? 'cxml.identity' : 'identifiers',
          message: `${label} is also claimed by partner '${other.id}' (${fileOf.get(other)})` });
      } else {
        claims.set(key, p);
      }
    }
  }
  const rejected = new Set(issues.map((i) => i.file));
  return { profiles: profiles.filter((p) => !rejected.has(fileOf.get(p)!)), issues, warnings: warnings.filter((w) => !rejected.has(w.file)) };
}
