import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { coerceError } from '../../errors/gateway-error';
import { failpoint } from '../../lib/failpoint';
import type { Logger } from '../../log/logger';
import type { InboundTransport, OutboundTransport, PollSummary, ReceiveFn } from '../transport';
import type { FolderSettings } from './folder.config';
import { safeJoin } from './safe-path';

interface Seen {
  size: number;
  mtimeMs: number;
}

/** Names in in/ that are someone's work in progress, never ours to take. */
const IN_PROGRESS = /^\.|\.(tmp|part|partial|filepart|crdownload)$/i;

/**
 * The folder transport of one partner: $EDI_GATEWAY_HOME/partners/<id>/{in,out,archive,error}.
 * Inbound: a file is taken once stable (size and mtime unchanged for stableMs), stored, and only
 * then moved to archive/. Outbound: written under a dot-name and renamed, never half-visible.
 */
export class FolderTransport implements InboundTransport, OutboundTransport {
  readonly kind = 'folder';
  private readonly seen = new Map<string, Seen>();
  private timer?: NodeJS.Timeout;
  private polling?: Promise<PollSummary>;
  private stopped = false;

  constructor(
    private readonly settings: FolderSettings,
    private readonly receiveFn: ReceiveFn,
    private readonly log: Logger,
  ) {
    for (const dir of [settings.inDir, settings.outDir, settings.archiveDir, settings.errorDir]) {
      fs.mkdirSync(dir, { recursive: true });
    }
  }

  get partnerId(): string {
    return this.settings.partnerId;
  }

  start(): void {
    this.stopped = false;
    const tick = async () => {
      await this.pollOnce().catch((err) => this.log.error({ err, partnerId: this.partnerId }, 'folder poll failed'));
      if (!this.stopped) this.timer = setTimeout(tick, this.settings.pollMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling?.catch(() => undefined);
  }

  pollOnce(): Promise<PollSummary> {
    // One poll at a time per partner: a slow poll is never overlapped by the next tick.
    this.polling ??= this.poll().finally(() => { this.polling = undefined; });
    return this.polling;
  }

  private candidates(): string[] {
    const s = this.settings;
    return fs.readdirSync(s.inDir, { withFileTypes: true })
      .filter((e) => !IN_PROGRESS.test(e.name))
      .filter((e) => (!s.include || s.include.test(e.name)) && (!s.exclude || !s.exclude.test(e.name)))
      .map((e) => e.name)
      .sort();
  }

  private async poll(): Promise<PollSummary> {
    const summary: PollSummary = { received: 0, waiting: 0, failed: 0 };
    const names = this.candidates();
    const now = Date.now();
    for (const name of names.slice(0, this.settings.maxFilesPerPoll)) {
      if (this.stopped) break;
      const file = path.join(this.settings.inDir, name);
      const stat = fs.lstatSync(file, { throwIfNoEntry: false });
      if (!stat) continue;
      if (!stat.isFile()) {
        // A symlink could point anywhere on the machine; a folder is not a message.
        this.moveToError(name, `not a regular file (${stat.isSymbolicLink() ? 'symbolic link' : 'directory or device'})`);
        summary.failed++;
        continue;
      }
      if (!this.isStable(name, stat, now)) {
        summary.waiting++;
        continue;
      }
      if (await this.take(name, file, stat)) summary.received++;
      else summary.failed++;
    }
    for (const name of this.seen.keys()) if (!names.includes(name)) this.seen.delete(name);
    return summary;
  }

  /**
   * Stable means: seen on an earlier poll with the same size and mtime, and not written to for
   * stableMs. Two sightings, because a copy that keeps the source's mtime (cp -p, rsync -t) can
   * look old while it is still growing.
   */
  private isStable(name: string, stat: fs.Stats, now: number): boolean {
    if (this.settings.stableMs === 0) return true;
    const before = this.seen.get(name);
    this.seen.set(name, { size: stat.size, mtimeMs: stat.mtimeMs });
    return before !== undefined && before.size === stat.size && before.mtimeMs === stat.mtimeMs
      && now - stat.mtimeMs >= this.settings.stableMs;
  }

  /** Stores one file, then moves it. False when it went to error/ or must wait for the next poll. */
  private async take(name: string, file: string, stat: fs.Stats): Promise<boolean> {
    let content: Buffer;
    try {
      content = fs.readFileSync(file);
    } catch (err) {
      this.moveToError(name, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return false;
    }
    if (content.length !== stat.size) return false; // grew while we read it: next poll
    let messageId: number;
    try {
      const result = await this.receiveFn({
        content,
        transport: 'folder',
        transportRef: `${this.partnerId}/${name}@${Math.trunc(stat.mtimeMs)}:${stat.size}`,
        partnerId: this.partnerId,
        filename: name,
      });
      messageId = result.messageId;
    } catch (thrown) {
      const err = coerceError(thrown);
      // The store is down: leave the file where it is and try again next poll. Anything else is
      // about this file, and keeping it in in/ would fail the same way forever.
      if (err.retryable) {
        this.log.warn({ err: err.message, file: name, partnerId: this.partnerId }, 'could not store file; will retry');
        return false;
      }
      this.moveToError(name, `${err.code}: ${err.message}`);
      return false;
    }
    failpoint('folder.after-store');
    // Stored: only now does the source go. A crash before this line leaves the file in in/, and
    // the next poll sees the same transport reference and just moves it.
    this.moveAside(file, this.settings.archiveDir, `${messageId}-${name}`);
    this.seen.delete(name);
    return true;
  }

  private moveToError(name: string, reason: string): void {
    const file = path.join(this.settings.inDir, name);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const target = `${stamp}-${name}`;
    this.log.error({ file: name, partnerId: this.partnerId, reason }, 'inbound file moved to error/');
    this.moveAside(file, this.settings.errorDir, target);
    fs.writeFileSync(path.join(this.settings.errorDir, `${target}.reason.txt`), `${reason}\n`);
    this.seen.delete(name);
  }

  private moveAside(file: string, dir: string, name: string): void {
    try {
      fs.renameSync(file, safeJoin(dir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  /** Writes out/<name> atomically: a reader of out/ sees the whole file or none of it. */
  async send(file: { name: string; content: Buffer }): Promise<{ ref: string }> {
    const target = safeJoin(this.settings.outDir, file.name);
    const temp = safeJoin(this.settings.outDir, `.${file.name}.${crypto.randomBytes(4).toString('hex')}.tmp`);
    const fd = fs.openSync(temp, 'wx', 0o640);
    try {
      fs.writeSync(fd, file.content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.linkSync(temp, target); // fails if the name exists: never overwrite a file not yet collected
    } finally {
      fs.rmSync(temp, { force: true });
    }
    return { ref: target };
  }
}
