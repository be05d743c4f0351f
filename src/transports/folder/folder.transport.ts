import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { coerceError } from '../../errors/gateway-error';
import { failpoint } from '../../lib/failpoint';
import type { Logger } from '../../log/logger';
import type { InboundTransport, OutboundTransport, PollSummary, ReceiveFn, ReceiveManyFn } from '../transport';
import { CONTENT_PART_BYTES } from '../../store/message-content';
import type { FolderSettings } from './folder.config';
import { safeJoin } from './safe-path';
import { sniff } from '../../parsers/sniff';
import { transportHealth } from '../transport-health';

interface Seen {
  size: number;
  mtimeMs: number;
}

/** Names in in/ that are someone's work in progress, never ours to take. */
const IN_PROGRESS = /^\.|\.(tmp|part|partial|filepart|crdownload)$/i;
/** An in-progress name unchanged this long is probably forgotten: it is logged, once. */
const FORGOTTEN_MS = 10 * 60_000;
const MAX_NAME_BYTES = 200;

/** Why a file's name keeps it from being taken as it is, or undefined when the name is fine. */
export function nameProblem(raw: Buffer, name: string): string | undefined {
  if (name.includes('\ufffd') || !Buffer.from(name).equals(raw)) return 'its name is not valid UTF-8';
  if (/[\x00-\x1f\x7f]/.test(name)) return 'its name holds a control character (a line break, a tab...)';
  if (name.includes('\\')) return 'its name holds a backslash, which other systems read as a folder separator';
  if (raw.length > MAX_NAME_BYTES) return `its name is ${raw.length} bytes long, more than ${MAX_NAME_BYTES}`;
  return undefined;
}

/** A name that can be written anywhere and shown on one line: what makes a name bad becomes '_'. */
export function plainName(name: string): string {
  const plain = name.replace(/[\\/\x00-\x1f\x7f\ufffd]/g, '_').replace(/^\.+/, '_');
  if (Buffer.byteLength(plain) <= MAX_NAME_BYTES) return plain || '_';
  // Cut by bytes, whole characters only: 50 characters of a CJK name are 150 bytes, and the
  // stamp and .reason.txt beside them would pass the file system's 255.
  const chars = [...plain];
  const within = (list: string[]) => {
    let bytes = 0;
    return list.filter((c) => (bytes += Buffer.byteLength(c)) <= MAX_NAME_BYTES / 4);
  };
  return `${within(chars).join('')}…${within(chars.reverse()).reverse().join('')}`;
}

/** writeOutFile's temporary names: `.<name>.<8 hex>.tmp`. */
const OUR_TEMP = /^\..+\.[0-9a-f]{8}\.tmp$/;
/** An unfinished write this old is a dead process's: a live one lasts milliseconds. */
const TEMP_STALE_MS = 30_000;
/** The soonest a file waiting to be stable is looked at again. */
const MIN_RECHECK_MS = 250;

/** Files stored together (one transaction) when a poll finds many: at most this many, and this many bytes. */
const BATCH_FILES = 100;
const BATCH_BYTES = 8 * 1024 * 1024;

/** A file read and checked, its bytes in hand, to be stored (alone or with others) and then moved. */
interface Taken {
  c: Candidate;
  stat: fs.Stats;
  content: Buffer;
  problem?: { code: string; reason: string };
}

interface Candidate {
  /** The name as read, for display and the store (bad bytes as U+FFFD). */
  name: string;
  /** The path in in/ as bytes: a name that is not UTF-8 can only be opened this way. */
  file: Buffer;
  raw: Buffer;
}

/**
 * The folder transport of one partner: $EDI_GATEWAY_HOME/partners/<id>/{in,out,archive,error}.
 * Inbound: a file is taken once stable (size and mtime unchanged for stableMs), stored, and only
 * then moved to archive/. A file it cannot take (a bad name, too big, unreadable, not EDI, another
 * sender's) goes to error/ with `<name>.reason.txt` and is recorded as an exception; one file's
 * trouble never keeps the next from being taken on the same poll. Outbound: written under a
 * dot-name and renamed, never half-visible.
 */
export class FolderTransport implements InboundTransport, OutboundTransport {
  readonly kind = 'folder';
  private readonly seen = new Map<string, Seen>();
  private readonly forgotten = new Set<string>();
  private timer?: NodeJS.Timeout;
  /** When the next poll is due (poll() sets it): pollMs, or sooner when files are waiting for it. */
  private nextPollMs = 0;
  private polling?: Promise<PollSummary>;
  private stopped = false;
  private sweptAt = -Infinity;

  constructor(
    private readonly settings: FolderSettings,
    private readonly receiveFn: ReceiveFn,
    private readonly log: Logger,
    /** Which partner an interchange's sender is (the registry's senderOf), to refuse another's file at the door. */
    private readonly senderOf?: (content: Buffer) => string | undefined,
    /** Stores many receipts in one transaction: the files one poll finds go in batches (each file alone without it). */
    private readonly receiveMany?: ReceiveManyFn,
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
      this.sweepOut(Date.now());
      await this.pollOnce().then(() => transportHealth.pollSucceeded('folder', this.partnerId), (err) => {
        transportHealth.pollFailed('folder', this.partnerId, (err as NodeJS.ErrnoException).code);
        this.log.error({ err, partnerId: this.partnerId }, 'folder poll failed');
      });
      if (!this.stopped) this.timer = setTimeout(tick, this.nextPollMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling?.catch(() => undefined);
  }

  /**
   * Removes what a killed write left in out/: writeOutFile's dot-named temporary files, once
   * older than TEMP_STALE_MS (a live write lasts milliseconds). Never a whole file. Looked at on
   * the first poll and then every TEMP_STALE_MS.
   */
  sweepOut(now: number): void {
    if (now - this.sweptAt < TEMP_STALE_MS) return;
    this.sweptAt = now;
    let names: string[];
    try {
      names = fs.readdirSync(this.settings.outDir);
    } catch {
      return;
    }
    for (const name of names) {
      if (!OUR_TEMP.test(name)) continue;
      const file = path.join(this.settings.outDir, name);
      const stat = fs.lstatSync(file, { throwIfNoEntry: false });
      if (!stat?.isFile() || now - stat.mtimeMs < TEMP_STALE_MS) continue;
      fs.rmSync(file, { force: true });
      this.log.info({ file: name, partnerId: this.partnerId }, 'removed an unfinished write from out/ (a stopped process left it)');
    }
  }

  pollOnce(): Promise<PollSummary> {
    // One poll at a time per partner: a slow poll is never overlapped by the next tick.
    this.polling ??= this.poll().finally(() => { this.polling = undefined; });
    return this.polling;
  }

  private candidates(now: number): Candidate[] {
    const s = this.settings;
    const dir = Buffer.from(`${s.inDir}${path.sep}`);
    const out: Candidate[] = [];
    for (const e of fs.readdirSync(s.inDir, { withFileTypes: true, encoding: 'buffer' })) {
      const raw = e.name;
      const name = raw.toString('utf8');
      const file = Buffer.concat([dir, raw]);
      if (IN_PROGRESS.test(name)) {
        this.noteForgotten(name, file, now);
        continue;
      }
      if ((s.include && !s.include.test(name)) || (s.exclude && s.exclude.test(name))) continue;
      out.push({ name, file, raw });
    }
    return out.sort((a, b) => Buffer.compare(a.raw, b.raw));
  }

  /** An upload's temporary name is left alone, but one untouched for long gets a log line saying why it waits. */
  private noteForgotten(name: string, file: Buffer, now: number): void {
    if (this.forgotten.has(name)) return;
    const stat = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!stat || now - stat.mtimeMs < FORGOTTEN_MS) return;
    this.forgotten.add(name);
    this.log.warn({ file: plainName(name), partnerId: this.partnerId, minutes: Math.round((now - stat.mtimeMs) / 60_000) },
      'file left in in/: names starting with a dot or ending in .tmp/.part are uploads in progress and never taken; rename it to have it taken');
  }

  private async poll(): Promise<PollSummary> {
    const summary: PollSummary = { received: 0, waiting: 0, failed: 0 };
    const now = Date.now();
    const all = this.candidates(now);
    // The limit counts files taken (or refused), not files looked at: a first sighting costs a
    // stat, so 2,000 files dropped at once are all seen on the first poll and taken 500 a poll
    // after, instead of 500 seen, then taken, then the next 500 seen a poll later.
    let handled = 0;
    // Small files read and checked wait here to be stored together (storeBatch), in name order.
    let batch: Taken[] = [];
    let batchBytes = 0;
    const flush = async () => {
      const list = batch;
      batch = [];
      batchBytes = 0;
      for (const outcome of await this.storeBatch(list)) summary[outcome]++;
    };
    for (const c of all) {
      if (this.stopped || handled >= this.settings.maxFilesPerPoll) break;
      try {
        const got = await this.one(c, now);
        if (typeof got === 'string') {
          summary[got]++;
          if (got !== 'waiting') handled++;
          continue;
        }
        handled++;
        if (!this.receiveMany || got.content.length > CONTENT_PART_BYTES) {
          // A big file goes alone, after the ones before it: message ids keep the order files are taken in.
          await flush();
          summary[await this.storeAlone(got)]++;
          continue;
        }
        batch.push(got);
        batchBytes += got.content.length;
        if (batch.length >= BATCH_FILES || batchBytes >= BATCH_BYTES) await flush();
      } catch (err) {
        // Whatever went wrong with this file (a move refused, a disk error), the next is still taken.
        summary.failed++;
        handled++;
        this.log.error({ err: (err as Error).message, file: plainName(c.name), partnerId: this.partnerId }, 'could not take file; will try again next poll');
      }
    }
    await flush();
    const names = new Set(all.map((c) => c.name));
    for (const name of this.seen.keys()) if (!names.has(name)) this.seen.delete(name);
    this.nextPollMs = this.dueAfter(summary, handled);
    return summary;
  }

  /**
   * A backlog is taken at the store's pace, not maxFilesPerPoll per interval: after a poll that
   * stored files and stopped at the limit, the next one starts at once. Files seen but not stable
   * yet are looked at again once stableMs has passed, if that is sooner than the interval (the
   * second sighting is what makes them stable). Otherwise the interval.
   */
  private dueAfter(summary: PollSummary, handled: number): number {
    const s = this.settings;
    if (handled >= s.maxFilesPerPoll && summary.received > 0) return 0;
    if (summary.waiting > 0 && s.stableMs > 0) return Math.min(s.pollMs, Math.max(s.stableMs, MIN_RECHECK_MS));
    return s.pollMs;
  }

  /** A file's outcome when it is done with (refused, not stable yet), or the file read and checked, ready to store. */
  private async one(c: Candidate, now: number): Promise<keyof PollSummary | Taken> {
    const stat = fs.lstatSync(c.file, { throwIfNoEntry: false });
    if (!stat) return 'waiting'; // gone since the listing
    if (!stat.isFile()) {
      // A symlink could point anywhere on the machine; a folder is not a message.
      await this.refuse(c, stat, 'NOT_A_FILE', `not a regular file (${stat.isSymbolicLink() ? 'symbolic link' : 'directory or device'})`);
      return 'failed';
    }
    if (!this.isStable(c.name, stat, now)) return 'waiting';
    const badName = nameProblem(c.raw, c.name);
    if (badName) {
      await this.refuse(c, stat, 'FILE_NAME_REFUSED', `${badName}; the file is kept in error/ as ${plainName(c.name)}`, true);
      return 'failed';
    }
    if (stat.size > this.settings.maxFileBytes) {
      await this.refuse(c, stat, 'FILE_TOO_BIG', `${stat.size} bytes, more than the ${this.settings.maxFileBytes} bytes folder.maxFileMB allows`);
      return 'failed';
    }
    let content: Buffer;
    try {
      content = fs.readFileSync(c.file);
    } catch (err) {
      await this.refuse(c, stat, 'FILE_UNREADABLE', `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return 'failed';
    }
    if (content.length !== stat.size) return 'failed'; // grew while we read it: next poll
    return { c, stat, content, problem: this.contentProblem(content) };
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

  private ref(c: Candidate, stat: fs.Stats): string {
    return `${this.partnerId}/${plainName(c.name)}@${Math.trunc(stat.mtimeMs)}:${stat.size}`;
  }

  /** Why this content is not for this partner's folder, before it is stored: not EDI, or another sender's. */
  private contentProblem(content: Buffer): { code: string; reason: string } | undefined {
    const s = sniff(content.subarray(0, 4096));
    if (s.standard === 'unknown') return { code: 'NOT_EDI', reason: `not X12 or EDIFACT: ${s.reason}` };
    const sender = this.senderOf?.(content);
    if (this.senderOf && sender !== this.partnerId) {
      const who = s.sender.id ? `${s.sender.qualifier ? `${s.sender.qualifier}:` : ''}${s.sender.id}` : '(none)';
      return { code: 'UNKNOWN_SENDER', reason: `the interchange's sender ${who} is ${sender ? `partner ${sender}` : 'in no partner profile'}, not ${this.partnerId}` };
    }
    return undefined;
  }

  private receipt(t: Taken) {
    return { content: t.content, transport: 'folder', transportRef: this.ref(t.c, t.stat), partnerId: this.partnerId, filename: t.c.name };
  }

  /**
   * Many files stored in one transaction, then moved. When the store is down they all stay for the
   * next poll; when the batch fails for another reason (something about one of its files), each
   * is stored on its own, so that only the file at fault is held back or goes to error/.
   */
  private async storeBatch(list: Taken[]): Promise<(keyof PollSummary)[]> {
    if (list.length < 2 || !this.receiveMany) return Promise.all(list.map((t) => this.storeAlone(t)));
    let results;
    try {
      results = await this.receiveMany(list.map((t) => this.receipt(t)));
    } catch (thrown) {
      const err = coerceError(thrown);
      // Only a store out of reach keeps the whole batch back: anything else (even an error that
      // would be retried) may be one file's doing, and must not hold up the others poll after poll.
      if (err.code === 'STORE_UNAVAILABLE' || err.code === 'TRANSPORT_UNAVAILABLE') {
        this.log.warn({ err: err.message, files: list.length, partnerId: this.partnerId }, 'could not store files; will retry');
        return list.map(() => 'failed');
      }
      this.log.warn({ err: err.message, files: list.length, partnerId: this.partnerId }, 'could not store files together: storing them one by one');
      const out: (keyof PollSummary)[] = [];
      for (const t of list) out.push(await this.storeAlone(t));
      return out;
    }
    failpoint('folder.after-store');
    return list.map((t, i) => {
      try {
        return this.settle(t, results[i].messageId);
      } catch (err) {
        // Stored, but not moved (a disk error): the next poll finds its transport reference and moves it.
        this.log.error({ err: (err as Error).message, file: plainName(t.c.name), partnerId: this.partnerId }, 'could not take file; will try again next poll');
        return 'failed';
      }
    });
  }

  /** Stores one file, then moves it: 'failed' when it went to error/ or must wait for the next poll. */
  private async storeAlone(t: Taken): Promise<keyof PollSummary> {
    let messageId: number;
    try {
      ({ messageId } = await this.receiveFn(this.receipt(t)));
    } catch (thrown) {
      const err = coerceError(thrown);
      // The store is down: leave the file where it is and try again next poll. Anything else is
      // about this file, and keeping it in in/ would fail the same way forever.
      if (err.retryable) {
        this.log.warn({ err: err.message, file: plainName(t.c.name), partnerId: this.partnerId }, 'could not store file; will retry');
        return 'failed';
      }
      this.moveToError(t.c, `${err.code}: ${err.message}`);
      return 'failed';
    }
    failpoint('folder.after-store');
    return this.settle(t, messageId);
  }

  /**
   * Stored: only now does the source go. A crash before this leaves the file in in/, and the next
   * poll sees the same transport reference and just moves it. Not EDI or another sender's: stored
   * all the same (the pipeline makes it an exception with the detail), the file to error/ where a
   * person looks for what went wrong.
   */
  private settle(t: Taken, messageId: number): keyof PollSummary {
    if (t.problem) this.moveToError(t.c, `${t.problem.code}: ${t.problem.reason} (message ${messageId})`);
    else this.moveAside(t.c.file, this.settings.archiveDir, `${messageId}-${plainName(t.c.name)}`);
    this.seen.delete(t.c.name);
    return t.problem ? 'failed' : 'received';
  }

  /**
   * A file that is not taken as a message: recorded as an exception (with its bytes when they can
   * be read and are not too many), then moved to error/ with the reason beside it.
   */
  private async refuse(c: Candidate, stat: fs.Stats, code: string, reason: string, keepBytes = false): Promise<void> {
    let content = Buffer.alloc(0);
    if (keepBytes && stat.isFile() && stat.size <= this.settings.maxFileBytes) {
      try {
        content = fs.readFileSync(c.file);
      } catch {
        // recorded without its bytes; the file itself goes to error/
      }
    }
    let note = '';
    try {
      const r = await this.receiveFn({ content, transport: 'folder', transportRef: this.ref(c, stat), partnerId: this.partnerId,
        filename: plainName(c.name), refused: { code, reason } });
      note = ` (message ${r.messageId})`;
    } catch (thrown) {
      const err = coerceError(thrown);
      if (err.retryable) throw err; // the store is down: the file stays, the next poll tries again
    }
    this.moveToError(c, `${code}: ${reason}${note}`);
  }

  private moveToError(c: Candidate, reason: string): void {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const target = `${stamp}-${plainName(c.name)}`;
    this.log.error({ file: plainName(c.name), partnerId: this.partnerId, reason }, 'inbound file moved to error/');
    this.moveAside(c.file, this.settings.errorDir, target);
    fs.writeFileSync(path.join(this.settings.errorDir, `${target}.reason.txt`), `${reason}\n`);
    this.seen.delete(c.name);
  }

  private moveAside(file: Buffer, dir: string, name: string): void {
    try {
      fs.renameSync(file, safeJoin(dir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  /** Writes out/<name> atomically: a reader of out/ sees the whole file or none of it. */
  send(file: { name: string; content: Buffer }): Promise<{ ref: string }> {
    return writeOutFile(this.settings.outDir, file);
  }
}

/**
 * Writes `dir/<name>` atomically: under a dot-name first, synced, then linked to its name (which
 * fails if the name exists: never overwrite a file not yet collected). A reader sees the whole file
 * or none of it. Asynchronous, so that the sync waits for the disk on the thread pool, not on the
 * event loop every job lane shares (synchronously, each 997 written held all of them for its fsync).
 */
export async function writeOutFile(dir: string, file: { name: string; content: Buffer }): Promise<{ ref: string }> {
  const target = safeJoin(dir, file.name);
  const temp = safeJoin(dir, `.${file.name}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.promises.open(temp, 'wx', 0o640);
  try {
    await handle.writeFile(file.content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.promises.link(temp, target);
  } finally {
    await fs.promises.rm(temp, { force: true });
  }
  return { ref: target };
}
