import type { RemoteEntry } from './sftp.operations';

/** Names that are someone's work in progress, never ours to take. */
const IN_PROGRESS = /^\.|\.(tmp|part|partial|filepart|crdownload)$/i;

export interface StableRule {
  rule: 'size-mtime' | 'done-marker';
  markerSuffix: string;
  include?: RegExp;
  exclude?: RegExp;
}

/** A listing as the size-mtime rule remembers it: name -> size and mtime. */
export type Sightings = Map<string, { size: number; mtimeMs: number }>;

export interface Sifted {
  /** Files the rule says are whole, in name order. */
  ready: RemoteEntry[];
  /** Files seen but not yet whole. */
  waiting: number;
  /**
   * What the next listing is compared with (size-mtime; always empty for done-marker). The caller
   * keeps it (in the store, for the cluster's next tick), less the files it took or moved aside:
   * the same name again is then a new file.
   */
  seen: Sightings;
}

/**
 * Decides which listed files are complete. size-mtime: a file is taken when two listings in a row
 * show the same size and mtime (the server's mtime has whole seconds, so one listing cannot tell a
 * file still being written from a finished one). done-marker: when `<name><markerSuffix>` exists.
 * Pure: the previous listing comes in, the one to remember goes out.
 */
export class StableFiles {
  constructor(private readonly rule: StableRule) {}

  /** Whether the rule needs the previous listing (size-mtime); done-marker needs no memory. */
  get remembers(): boolean {
    return this.rule.rule === 'size-mtime';
  }

  isMarker(name: string): boolean {
    return this.rule.rule === 'done-marker' && name.endsWith(this.rule.markerSuffix) && name !== this.rule.markerSuffix;
  }

  markerOf(name: string): string {
    return `${name}${this.rule.markerSuffix}`;
  }

  sift(listing: RemoteEntry[], before: Sightings = new Map()): Sifted {
    const names = new Set(listing.map((e) => e.name));
    const candidates = listing
      .filter((e) => e.isFile && !IN_PROGRESS.test(e.name) && !this.isMarker(e.name))
      .filter((e) => (!this.rule.include || this.rule.include.test(e.name)) && (!this.rule.exclude || !this.rule.exclude.test(e.name)))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const ready: RemoteEntry[] = [];
    const seen: Sightings = new Map();
    for (const e of candidates) {
      if (this.rule.rule === 'done-marker') {
        if (names.has(this.markerOf(e.name))) ready.push(e);
        continue;
      }
      const last = before.get(e.name);
      seen.set(e.name, { size: e.size, mtimeMs: e.mtimeMs });
      if (last && last.size === e.size && last.mtimeMs === e.mtimeMs) ready.push(e);
    }
    // Only the latest listing counts: a file that vanished and came back starts again.
    return { ready, waiting: candidates.length - ready.length, seen };
  }
}
