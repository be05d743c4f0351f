import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log/logger';
import { formatIssue, loadProfiles } from './load-profiles';
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
 * Reloads the partner profiles when their folder changes. A set with any problem is refused as
 * a whole and the last good set stays in force: a typo in one file must not take every partner
 * down, nor half-apply.
 */
export class ProfileWatcher {
  private timer?: NodeJS.Timeout;
  private last: string;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly onReload: (registry: PartnerRegistry) => void,
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
    const { profiles, issues } = loadProfiles(this.dir);
    if (issues.length) {
      this.log.error({ problems: issues.map(formatIssue) }, `partner profiles not reloaded, the last good set stays in force: ${formatIssue(issues[0])}`);
      return 'refused';
    }
    this.onReload(new PartnerRegistry(profiles));
    this.log.info({ partners: profiles.map((p) => p.id) }, 'partner profiles reloaded');
    return 'reloaded';
  }
}
