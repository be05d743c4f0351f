import crypto from 'node:crypto';
import path from 'node:path';
import { coerceError } from '../../errors/gateway-error';
import { failpoint } from '../../lib/failpoint';
import type { Logger } from '../../log/logger';
import type { InboundTransport, PollSummary, ReceiveFn } from '../transport';
import { backoffMs, msToNextPoll } from './poll-schedule';
import { sftpOrigin, type SftpInboundSettings } from './sftp.config';
import { RemoteFileError, withSftpSession, type RemoteEntry, type SftpSession } from './sftp.operations';
import { StableFiles } from './stable-files';
import { transportHealth } from '../transport-health';

type Outcome = 'received' | 'waiting' | 'failed' | 'store-down';

/**
 * Polls one partner's SFTP folder (Camel's consumer role). A file is taken once the stable rule
 * says it is whole, read into memory, handed to the inbox, and only once the inbox has committed it
 * moved to the archive folder or deleted on the server. A dropped connection ends the poll; the next
 * one, after a backoff, finds what was left and the inbox recognises what it already holds.
 */
export class SftpPoller implements InboundTransport {
  readonly kind = 'sftp';
  private readonly stable: StableFiles;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<PollSummary>;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly settings: SftpInboundSettings,
    private readonly receiveFn: ReceiveFn,
    private readonly log: Logger,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {
    this.stable = new StableFiles({
      rule: settings.stableRule, markerSuffix: settings.markerSuffix,
      include: settings.include ? new RegExp(settings.include) : undefined,
      exclude: settings.exclude ? new RegExp(settings.exclude) : undefined,
    });
  }

  get partnerId(): string {
    return this.settings.partnerId;
  }

  start(): void {
    this.stopped = false;
    const tick = async () => {
      let delay: number;
      try {
        await this.pollOnce();
        transportHealth.pollSucceeded('sftp', this.partnerId);
        if (this.failures > 0) this.log.info({ partnerId: this.partnerId }, 'sftp poll succeeded again');
        this.failures = 0;
        delay = msToNextPoll(this.settings.schedule);
      } catch (thrown) {
        const err = coerceError(thrown);
        this.failures++;
        transportHealth.pollFailed('sftp', this.partnerId, err.code);
        delay = backoffMs(this.settings.reconnect, this.failures);
        this.log.warn({ partnerId: this.partnerId, code: err.code, err: err.message, attempt: this.failures, retryInMs: delay },
          'sftp poll failed; trying again after a backoff');
      }
      if (!this.stopped) this.timer = setTimeout(tick, delay);
    };
    // A fixed interval polls at once; a cron schedule waits for its first tick.
    this.timer = setTimeout(tick, 'cron' in this.settings.schedule ? msToNextPoll(this.settings.schedule) : 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling?.catch(() => undefined);
  }

  /** One poll at a time; rejects (TRANSPORT_UNAVAILABLE) when the server cannot be reached or drops the link. */
  pollOnce(): Promise<PollSummary> {
    this.polling ??= this.poll().finally(() => { this.polling = undefined; });
    return this.polling;
  }

  private poll(): Promise<PollSummary> {
    const s = this.settings;
    return withSftpSession(s, this.log, async (session) => {
      const summary: PollSummary = { received: 0, waiting: 0, failed: 0 };
      const { ready, waiting } = this.stable.sift(await session.list(s.dir));
      summary.waiting = waiting;
      for (const entry of ready.slice(0, s.maxMessagesPerPoll)) {
        if (this.stopped) break;
        let outcome: Outcome;
        try {
          outcome = await this.take(session, entry);
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
      return summary;
    }, this.env);
  }

  private async take(session: SftpSession, e: RemoteEntry): Promise<Outcome> {
    const s = this.settings;
    const remote = path.posix.join(s.dir, e.name);
    if (e.size > s.maxFileSize) {
      await this.moveFailed(session, e.name, `${e.size} bytes is more than maxFileSize (${s.maxFileSize} bytes)`);
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
      await this.moveFailed(session, e.name, `${err.code}: ${err.message}`);
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
    this.stable.forget(e.name);
    return 'received';
  }

  /** Moves a file that cannot be taken to moveFailedTo, with the reason in `<name>.reason.txt` beside it. */
  private async moveFailed(session: SftpSession, name: string, reason: string): Promise<void> {
    const s = this.settings;
    const target = `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}`;
    this.log.error({ partnerId: this.partnerId, file: name, reason, to: s.failedDir }, 'sftp file moved to the failed folder');
    await session.mkdirs(s.failedDir);
    if (await session.move(path.posix.join(s.dir, name), path.posix.join(s.failedDir, target))) {
      await session.write(path.posix.join(s.failedDir, `${target}.reason.txt`), Buffer.from(`${reason}\n`));
    }
    if (s.stableRule === 'done-marker') await session.remove(path.posix.join(s.dir, this.stable.markerOf(name)));
    this.stable.forget(name);
  }
}
