import type PgBoss from 'pg-boss';
import { coerceError, type GatewayError } from '../errors/gateway-error';
import type { Logger } from '../log/logger';

export interface JobContext {
  jobId: string;
  /** 0 on the first run, counting retries after. */
  attempt: number;
  /** True when a retryable failure now would not be retried again. */
  lastAttempt: boolean;
}

/** Runs one job. Throw to fail it; what happens next is decided by the error's retryable flag. */
export type JobHandler<T> = (data: T, ctx: JobContext) => Promise<void>;

/** Told of a failure before the queue retries or gives up, so the message's state can say so. */
export interface FailureHook<T> {
  (data: T, err: GatewayError, ctx: JobContext & { willRetry: boolean }): Promise<void>;
}

export interface WorkerOptions {
  log: Logger;
  pollIntervalMs: number;
  batchSize: number;
  concurrency: number;
}

interface FetchedJob<T> {
  id: string;
  data: T;
  retryCount: number;
  retryLimit: number;
}

/**
 * A batch-fetching worker loop over pg-boss: fetch up to batchSize jobs, run them
 * `concurrency` at a time, complete the ones that succeeded in one statement. Sleeps
 * pollIntervalMs when the queue is empty unless notify() wakes it. stop() finishes the jobs in hand.
 */
export class QueueWorker<T extends object> {
  private stopping = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private pendingWake = false;
  onFailure?: FailureHook<T>;

  constructor(
    private readonly boss: PgBoss,
    private readonly name: string,
    private readonly handler: JobHandler<T>,
    private readonly options: WorkerOptions,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  notify(): void {
    this.pendingWake = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const log = this.options.log.child({ queue: this.name });
    while (!this.stopping) {
      this.pendingWake = false;
      let jobs: FetchedJob<T>[] = [];
      try {
        jobs = (await this.boss.fetch<T>(this.name, { batchSize: this.options.batchSize, includeMetadata: true })) as unknown as FetchedJob<T>[];
      } catch (err) {
        log.error({ err }, 'fetching jobs failed');
      }
      if (jobs.length) {
        try {
          await this.runBatch(jobs, log);
        } catch (err) {
          // Completing or failing the batch did not reach the queue: its jobs will expire and run again.
          log.error({ err }, 'settling a batch of jobs failed');
          await new Promise((r) => setTimeout(r, this.options.pollIntervalMs));
        }
        continue;
      }
      if (this.pendingWake || this.stopping) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollIntervalMs);
        this.wake = () => { clearTimeout(timer); resolve(); };
      });
      this.wake = undefined;
    }
  }

  private async runBatch(jobs: FetchedJob<T>[], log: Logger): Promise<void> {
    const done: string[] = [];
    let next = 0;
    const lane = async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        if (await this.runOne(job, log)) done.push(job.id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, jobs.length) }, lane));
    if (done.length) await this.boss.complete(this.name, done);
  }

  /** True when the job is finished (success, or a failure that must not be retried). */
  private async runOne(job: FetchedJob<T>, log: Logger): Promise<boolean> {
    const ctx: JobContext = { jobId: job.id, attempt: job.retryCount, lastAttempt: job.retryCount >= job.retryLimit };
    try {
      await this.handler(job.data, ctx);
      return true;
    } catch (thrown) {
      const err = coerceError(thrown);
      const willRetry = err.retryable && !ctx.lastAttempt;
      log.warn({ jobId: job.id, code: err.code, err: err.message, attempt: job.retryCount, willRetry }, 'job failed');
      try {
        await this.onFailure?.(job.data, err, { ...ctx, willRetry });
      } catch (hookErr) {
        // The failure could not be recorded: leave the job to be retried rather than lose it.
        log.error({ jobId: job.id, err: hookErr }, 'recording a job failure failed; the job will run again');
        await this.boss.fail(this.name, job.id, { code: 'INTERNAL', message: String(hookErr) });
        return false;
      }
      if (willRetry || err.retryable) {
        // pg-boss schedules the retry with backoff, or marks the job failed when none are left.
        await this.boss.fail(this.name, job.id, { code: err.code, message: err.message });
        return false;
      }
      return true; // a permanent failure: the message is parked, the job is over
    }
  }
}
