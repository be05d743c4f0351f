import path from 'node:path';
import { GatewayError } from '../errors/gateway-error';
import { formatIssue, loadProfiles, type ProfileIssue } from './load-profiles';
import { PartnerRegistry } from './partner-registry';
import type { PartnerProfile } from './profile.schema';

/** A partner whose profile or tables do not load: left out, with why. */
export interface BrokenPartner {
  id: string;
  issues: ProfileIssue[];
  /** One line: the first problem, and how many more (partners lint lists them all). */
  reason: string;
}

export interface PartnerSet {
  registry: PartnerRegistry;
  broken: BrokenPartner[];
}

/** Which partner a problem belongs to: the folder under the profiles folder its file is in (or the profile file's own name). */
export function partnerOfFile(dir: string, file: string): string {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  const [first, ...rest] = rel.split(path.sep);
  return rest.length ? first : first.replace(/\.ya?ml$/, '');
}

/**
 * Every partner whose profile and tables load, and those that do not, each with its problems. One
 * partner's broken items.csv must not stop the others: commands about them and the daemon go on,
 * and the broken one is named wherever it is left out.
 */
export function loadPartnerSet(dir: string): PartnerSet {
  const { profiles, issues } = loadProfiles(dir);
  const byPartner = new Map<string, ProfileIssue[]>();
  for (const i of issues) {
    const id = partnerOfFile(dir, i.file);
    byPartner.set(id, [...(byPartner.get(id) ?? []), i]);
  }
  const broken = [...byPartner].map(([id, list]) => ({
    id, issues: list, reason: `${formatIssue(list[0])}${list.length > 1 ? ` (and ${list.length - 1} more; run 'edi-gateway partners lint')` : ''}`,
  }));
  const left = new Set(broken.map((b) => b.id));
  const good = profiles.filter((p: PartnerProfile) => !left.has(p.id) && !left.has(partnerOfFile(dir, p.files?.profile ?? p.id)));
  return { registry: new PartnerRegistry(good), broken };
}

export interface RequireOptions {
  /** Told of each partner left out (the CLI prints a line, the daemon logs an error). */
  onBroken?: (b: BrokenPartner) => void;
  /** The partner the command is about: its own problems are an error, not a warning. */
  need?: string;
}

/**
 * The partners that load. A broken partner is left out and reported through onBroken; only when
 * the command is about that very partner (options.need) is it a PROFILE_INVALID error.
 */
export function requireProfiles(dir: string, options: RequireOptions = {}): PartnerRegistry {
  const { registry, broken } = loadPartnerSet(dir);
  const needed = options.need ? broken.find((b) => b.id === options.need) : undefined;
  if (needed) throw new GatewayError('PROFILE_INVALID', needed.reason);
  for (const b of broken) options.onBroken?.(b);
  return registry;
}

/** The CLI's way to say a partner was left out: one plain line on stderr per partner. */
export function warnBrokenOnStderr(b: BrokenPartner): void {
  process.stderr.write(`edi-gateway: warning: partner '${b.id}' left out: ${b.reason}\n`);
}
