import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger';
import { formatIssue } from './load-profiles';
import { loadPartnerSet } from './require-profiles';
import { PartnerRegistry } from './partner-registry';

/**
 * What the profiles folder looks like: every file's path, size and mtime, tables and samples
 * included. Cheap to take every few seconds, and any edit an analyst saves changes it.
 */
export function folderFingerprint(dir: string): string {
  const parts: string[] = [];
  const walk = (d: string, depth: number) => {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(d, e.name);
      // Samples are the analyst's test data, not configuration: editing them reloads nothing.
      if (e.isDirectory()) { if (depth < 2 && e.name !== 'samples') walk(full, depth + 1); continue; }
      try { const st = fs.statSync(full); parts.push(`${full}:${st.size}:${st.mtimeMs}`); } catch { /* removed meanwhile */ }
    }
  };
  walk(dir, 0);
  return parts.join('\n');
}

/**
 * Reloads the partner profiles when their folder changes. A partner whose profile or tables no
 * longer load keeps its last good profile (and one that never loaded stays out), with an error in
 * the log: a typo in one partner's file must not take it, or anyone else, down; the others reload.
 */
export class ProfileWatcher {
  private timer?: NodeJS.Timeout;
  private last: string;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly onReload: (registry: PartnerRegistry) => void,
    /** The profiles in force now, whose good versions stand in for broken ones. */
    private readonly current: () => PartnerRegistry = () => new PartnerRegistry([]),
  ) {
    this.last = folderFingerprint(dir);
  }

  start(everySeconds: number): void {
    if (everySeconds <= 0) return;
    this.timer = setInterval(() => this.check(), everySeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One look: reloads when something changed. Returns what happened, for tests and logs. */
  check(): 'unchanged' | 'reloaded' | 'refused' {
    const now = folderFingerprint(this.dir);
    if (now === this.last) return 'unchanged';
    this.last = now;
    const { registry, broken } = loadPartnerSet(this.dir);
    const kept = broken.flatMap((b) => {
      const last = this.current().get(b.id);
      this.log.error({ partnerId: b.id, problems: b.issues.map(formatIssue) },
        `partner profile not reloaded: ${last ? 'its last good profile stays in force' : 'it stays left out'}: ${b.reason}`);
      return last ? [last] : [];
    });
    const profiles = [...registry.profiles, ...kept];
    if (!registry.profiles.length && broken.length) return 'refused';
    this.onReload(new PartnerRegistry(profiles));
    this.log.info({ partners: profiles.map((p) => p.id), ...(broken.length ? { notReloaded: broken.map((b) => b.id) } : {}) }, 'partner profiles reloaded');
    return 'reloaded';
  }
}
