import type { RemoteEntry } from './sftp.operations';

/** Names that are someone's work in progress, never ours to take. */
const IN_PROGRESS = /^\.|\.(tmp|part|partial|filepart|crdownload)$/i;

export interface StableRule {
  rule: 'size-mtime' | 'done-marker';
  markerSuffix: string;
  include?: RegExp;
  exclude?: RegExp;
}

export interface Sifted {
  /** Files the rule says are whole, in name order. */
  ready: RemoteEntry[];
  /** Files seen but not yet whole. */
  waiting: number;
}

/**
 * Decides which listed files are complete. size-mtime: a file is taken when two listings in a row
 * show the same size and mtime (the server's mtime has whole seconds, so one listing cannot tell a
 * file still being written from a finished one). done-marker: when `<name><markerSuffix>` exists.
 * Pure apart from remembering the previous listing.
 */
export class StableFiles {
  private seen = new Map<string, { size: number; mtimeMs: number }>();

  constructor(private readonly rule: StableRule) {}

  isMarker(name: string): boolean {
    return this.rule.rule === 'done-marker' && name.endsWith(this.rule.markerSuffix) && name !== this.rule.markerSuffix;
  }

  markerOf(name: string): string {
    return `${name}${this.rule.markerSuffix}`;
  }

  sift(listing: RemoteEntry[]): Sifted {
    const names = new Set(listing.map((e) => e.name));
    const candidates = listing
      .filter((e) => e.isFile && !IN_PROGRESS.test(e.name) && !this.isMarker(e.name))
      .filter((e) => (!this.rule.include || this.rule.include.test(e.name)) && (!this.rule.exclude || !this.rule.exclude.test(e.name)))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const ready: RemoteEntry[] = [];
    const next = new Map<string, { size: number; mtimeMs: number }>();
    for (const e of candidates) {
      if (this.rule.rule === 'done-marker') {
        if (names.has(this.markerOf(e.name))) ready.push(e);
        continue;
      }
      const before = this.seen.get(e.name);
      next.set(e.name, { size: e.size, mtimeMs: e.mtimeMs });
      if (before && before.size === e.size && before.mtimeMs === e.mtimeMs) ready.push(e);
    }
    // Only the latest listing counts: a file that vanished and came back starts again.
    this.seen = next;
    return { ready, waiting: candidates.length - ready.length };
  }

  /** A file taken (or moved aside) is forgotten: the same name again is a new file. */
  forget(name: string): void {
    this.seen.delete(name);
  }
}
