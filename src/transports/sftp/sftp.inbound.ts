import crypto from 'node:crypto';
import path from 'node:path';
import type { Knex } from 'knex';
import { coerceError } from '../../errors/gateway-error';
import { failpoint } from '../../lib/failpoint';
import type { Logger } from '../../log/logger';
import { TickSkipped, type ClusterScheduler, type ScheduleDefinition } from '../../schedule/cluster-scheduler';
import { failureStreak } from '../../store/schedule-runs.repo';
import { loadSightings, saveSightings } from '../../store/sftp-sightings.repo';
import type { InboundTransport, PollSummary, ReceiveFn } from '../transport';
import { backingOffUntil, backoffMs, pollWhen, startTick } from './poll-schedule';
import { sftpOrigin, type SftpInboundSettings } from './sftp.config';
import { RemoteFileError, withSftpSession, type RemoteEntry, type SftpSession } from './sftp.operations';
import { StableFiles, type Sightings } from './stable-files';
import { transportHealth } from '../transport-health';

type Outcome = 'received' | 'waiting' | 'failed' | 'store-down';

/** The cluster schedule of a partner's SFTP poll (`schedules` lists its runs). */
export const sftpScheduleName = (partnerId: string) => `sftp:${partnerId}`;

export interface SftpPollerOptions {
  env?: Record<string, string | undefined>;
  /**
   * The cluster: start() makes the poll the schedule `sftp:<partner>`, each tick run by one process
   * of however many share the store, and the size-mtime rule's last listing is kept in the store
   * (sftp_sightings), so that a tick in another process carries on from it. Without it the poller
   * polls only when asked (pollOnce) and remembers the last listing in memory.
   */
  cluster?: { scheduler: ClusterScheduler; knex: Knex };
}

/**
 * Polls one partner's SFTP folder (Camel's consumer role). A file is taken once the stable rule
 * says it is whole, read into memory, handed to the inbox, and only once the inbox has committed it
 * moved to the archive folder or deleted on the server. A dropped connection ends the poll (its tick
 * fails); ticks within the reconnect backoff since then are skipped, and the next poll finds what was
 * left, the inbox recognising what it already holds.
 */
export class SftpPoller implements InboundTransport {
  readonly kind = 'sftp';
  private readonly stable: StableFiles;
  private readonly source: string;
  private readonly env: Record<string, string | undefined>;
  private readonly cluster?: SftpPollerOptions['cluster'];
  /** Without the cluster: the last listing (size-mtime), here. */
  private remembered: Sightings = new Map();
  private schedule?: ScheduleDefinition;
  private polling?: Promise<PollSummary>;
  private stopped = false;

  constructor(
    private readonly settings: SftpInboundSettings,
    private readonly receiveFn: ReceiveFn,
    private readonly log: Logger,
    options: SftpPollerOptions = {},
  ) {
    this.env = options.env ?? process.env;
    this.cluster = options.cluster;
    this.source = `${sftpOrigin(settings)}${settings.dir}`;
    this.stable = new StableFiles({
      rule: settings.stableRule, markerSuffix: settings.markerSuffix,
      include: settings.include ? new RegExp(settings.include) : undefined,
      exclude: settings.exclude ? new RegExp(settings.exclude) : undefined,
    });
  }

  get partnerId(): string {
    return this.settings.partnerId;
  }

  get scheduleName(): string {
    return sftpScheduleName(this.partnerId);
  }

  /**
   * Adds the poll to the cluster's schedules (a fixed interval, or the profile's cron). A fixed
   * interval also polls at once, claiming the latest tick like any other, so that processes starting
   * together do not all poll.
   */
  start(): void {
    if (!this.cluster) throw new Error('an SftpPoller without a cluster scheduler polls only when asked (pollOnce)');
    const { scheduler } = this.cluster;
    this.stopped = false;
    const when = pollWhen(this.settings.schedule);
    this.schedule = { name: this.scheduleName, when, run: () => this.scheduledPoll() };
    scheduler.add(this.schedule);
    const first = startTick(when, Date.now());
    if (first) {
      scheduler.runTick(this.scheduleName, first).catch((err) =>
        this.log.debug({ partnerId: this.partnerId, err: (err as Error).message }, 'sftp poll at start not run'));
    }
  }

  /** Stops the schedule here (other processes keep theirs); the file in hand is finished first. */
  async stop(): Promise<void> {
    this.stopped = true;
    const removed = this.cluster && this.schedule ? this.cluster.scheduler.remove(this.scheduleName, this.schedule) : undefined;
    await Promise.all([removed, this.polling?.catch(() => undefined)]);
  }

  /** One poll at a time in this process; rejects (TRANSPORT_UNAVAILABLE) when the server cannot be reached or drops the link. */
  pollOnce(): Promise<PollSummary> {
    this.polling ??= this.poll().finally(() => { this.polling = undefined; });
    return this.polling;
  }

  /**
   * One tick of `sftp:<partner>`, in whichever process claimed it. After failed polls (the
   * schedule's runs since its last good one, whoever ran them) ticks are skipped until the reconnect
   * backoff since the last failure has passed. A failed poll fails the run; /metrics' transport
   * figures count polls in the process that ran them.
   */
  private async scheduledPoll(): Promise<string> {
    const { knex } = this.cluster!;
    const s = this.settings;
    if (this.stopped) throw new TickSkipped('the poller is stopping');
    const streak = await failureStreak(knex, this.scheduleName);
    const until = backingOffUntil(s.reconnect, streak.failures, streak.lastFailedAt, streak.now);
    if (until) throw new TickSkipped(`backing off after ${streak.failures} failed poll(s) in a row: no poll before ${until.toISOString()}`);
    if (this.stopped) throw new TickSkipped('the poller is stopping');
    let summary: PollSummary;
    try {
      summary = await this.pollOnce();
    } catch (thrown) {
      const err = coerceError(thrown);
      const attempt = streak.failures + 1;
      transportHealth.pollFailed('sftp', this.partnerId, err.code);
      this.log.warn({ partnerId: this.partnerId, code: err.code, err: err.message, attempt, retryInMs: backoffMs(s.reconnect, attempt) },
        'sftp poll failed; trying again after a backoff');
      throw err;
    }
    transportHealth.pollSucceeded('sftp', this.partnerId);
    if (streak.failures > 0) this.log.info({ partnerId: this.partnerId, after: streak.failures }, 'sftp poll succeeded again');
    return `${summary.received} received, ${summary.waiting} waiting, ${summary.failed} failed`;
  }

  /**
   * The size-mtime rule's last listing: the cluster's, from the store, or this poller's. A store that
   * does not answer makes every file first seen (taken a poll later), never a poll failure.
   */
  private async lastListing(): Promise<Sightings> {
    if (!this.stable.remembers) return new Map();
    if (!this.cluster) return this.remembered;
    try {
      return await loadSightings(this.cluster.knex, this.partnerId, this.source);
    } catch (err) {
      this.log.warn({ partnerId: this.partnerId, err: (err as Error).message }, 'sftp: the last listing could not be read; every file counts as first seen');
      return new Map();
    }
  }

  /** Keeps this listing for the next poll; a store that does not answer leaves the one before (files wait longer, none is taken early). */
  private async remember(seen: Sightings): Promise<void> {
    if (!this.stable.remembers) return;
    if (!this.cluster) {
      this.remembered = seen;
      return;
    }
    try {
      await saveSightings(this.cluster.knex, this.partnerId, this.source, seen);
    } catch (err) {
      this.log.warn({ partnerId: this.partnerId, err: (err as Error).message }, 'sftp: this listing could not be kept for the next poll');
    }
  }

  private poll(): Promise<PollSummary> {
    const s = this.settings;
    return withSftpSession(s, this.log, async (session) => {
      const summary: PollSummary = { received: 0, waiting: 0, failed: 0 };
      const listing = await session.list(s.dir);
      const { ready, waiting, seen } = this.stable.sift(listing, await this.lastListing());
      summary.waiting = waiting;
      try {
        for (const entry of ready.slice(0, s.maxMessagesPerPoll)) {
          if (this.stopped) break;
          let outcome: Outcome;
          try {
            outcome = await this.take(session, entry, seen);
          } catch (err) {
            // The server refused something about this one file; the others may still go.
            if (!(err instanceof RemoteFileError)) throw err;
            this.log.error({ partnerId: this.partnerId, file: entry.name, err: err.message }, 'sftp file left on the server');
            outcome = 'failed';
          }
          if (outcome === 'store-down') {
            summary.failed++;
            break;
          }
          summary[outcome]++;
        }
      } finally {
        // Even when the link dropped mid-poll: what was listed still counts as a sighting for the next poll.
        await this.remember(seen);
      }
      return summary;
    }, this.env);
  }

  /** Takes one file; a file taken or moved aside is dropped from `seen`: the same name again is a new file. */
  private async take(session: SftpSession, e: RemoteEntry, seen: Sightings): Promise<Outcome> {
    const s = this.settings;
    const remote = path.posix.join(s.dir, e.name);
    if (e.size > s.maxFileSize) {
      await this.moveFailed(session, seen, e.name, `${e.size} bytes is more than maxFileSize (${s.maxFileSize} bytes)`);
      return 'failed';
    }
    let content: Buffer;
    try {
      content = await session.read(remote);
    } catch (err) {
      if (err instanceof RemoteFileError && err.notFound) return 'waiting'; // taken by someone else meanwhile
      throw err;
    }
    if (content.length !== e.size) return 'waiting'; // changed while we read it: next poll
    const sha256 = crypto.createHash('sha256').update(content).digest('hex');
    // Path, size, mtime and a digest name this receipt: read again after a crash, it is the same ref.
    const transportRef = `${sftpOrigin(s)}${remote}#${e.size}:${Math.trunc(e.mtimeMs / 1000)}:${sha256.slice(0, 16)}`;
    let messageId: number;
    try {
      ({ messageId } = await this.receiveFn({ content, transport: 'sftp', transportRef, partnerId: this.partnerId, filename: e.name }));
    } catch (thrown) {
      const err = coerceError(thrown);
      // The store is down: leave the file for the next poll. Anything else is about this file.
      if (err.retryable) {
        this.log.warn({ partnerId: this.partnerId, file: e.name, err: err.message }, 'could not store sftp file; will retry');
        return 'store-down';
      }
      await this.moveFailed(session, seen, e.name, `${err.code}: ${err.message}`);
      return 'failed';
    }
    failpoint('sftp.after-store');
    // Stored: only now does the partner's file go.
    if (s.afterProcessing === 'move') {
      await session.mkdirs(s.archiveDir);
      await session.move(remote, path.posix.join(s.archiveDir, `${messageId}-${e.name}`));
    } else {
      await session.remove(remote);
    }
    if (s.stableRule === 'done-marker') await session.remove(path.posix.join(s.dir, this.stable.markerOf(e.name)));
    seen.delete(e.name);
    return 'received';
  }

  /** Moves a file that cannot be taken to moveFailedTo, with the reason in `<name>.reason.txt` beside it. */
  private async moveFailed(session: SftpSession, seen: Sightings, name: string, reason: string): Promise<void> {
    const s = this.settings;
    const target = `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}`;
    this.log.error({ partnerId: this.partnerId, file: name, reason, to: s.failedDir }, 'sftp file moved to the failed folder');
    await session.mkdirs(s.failedDir);
    if (await session.move(path.posix.join(s.dir, name), path.posix.join(s.failedDir, target))) {
      await session.write(path.posix.join(s.failedDir, `${target}.reason.txt`), Buffer.from(`${reason}\n`));
    }
    if (s.stableRule === 'done-marker') await session.remove(path.posix.join(s.dir, this.stable.markerOf(name)));
    seen.delete(name);
  }
}
