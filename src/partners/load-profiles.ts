import fs from 'node:fs';
import path from 'node:path';
import YAML, { LineCounter, isNode } from 'yaml';
import { yamlErrorAt } from '../lib/yaml-error';
import { loadCrossReferences } from './cross-references';
import { PartnerProfileSchema, type PartnerProfile } from './profile.schema';

/** One problem in one profile file, placed where an analyst's editor can jump to it. */
export interface ProfileIssue {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
}

export function formatIssue(i: ProfileIssue): string {
  return `${i.file}:${i.line}:${i.col} ${i.path ? `${i.path}: ` : ''}${i.message}`;
}

export interface LoadedProfiles {
  profiles: PartnerProfile[];
  issues: ProfileIssue[];
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
export function parseProfile(file: string, text: string): { profile?: PartnerProfile; issues: ProfileIssue[] } {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter });
  if (doc.errors.length) return { issues: doc.errors.map((e) => ({ file, path: '', ...yamlErrorAt(e) })) };
  const result = PartnerProfileSchema.safeParse(doc.toJS());
  if (result.success) return { profile: result.data, issues: [] };
  return {
    issues: result.error.issues.map((issue) => {
      // Point at the deepest node of the path that exists in the file.
      let at = { line: 1, col: 1 };
      for (let n = issue.path.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(issue.path.slice(0, n) as (string | number)[], true);
        if (isNode(node) && node.range) { at = lineCounter.linePos(node.range[0]); break; }
      }
      return { file, line: at.line, col: at.col, path: issue.path.join('.'), message: issue.message };
    }),
  };
}

/**
 * Loads every profile in dir. Also refuses what no single file shows: two profiles with one id,
 * or two claiming the same interchange identifiers (the sender would be ambiguous).
 */
export function loadProfiles(dir: string): LoadedProfiles {
  const profiles: PartnerProfile[] = [];
  const issues: ProfileIssue[] = [];
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
  return { profiles: profiles.filter((p) => !rejected.has(fileOf.get(p)!)), issues };
}
