import { coerceError, type GatewayError } from '../errors/gateway-error';
import { hangpoint } from '../lib/failpoint';
import type { Logger } from '../log/logger';
import type { LeasedJob } from './leases';

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
  /** How long stop() lets the jobs in hand finish before it gives them back to the queue. */
  stopGraceMs: number;
}

/** The queue as a worker sees it: every call takes or settles this process's leases (leases.ts). */
export interface JobLeases {
  fetch<T>(name: string, batchSize: number): Promise<LeasedJob<T>[]>;
  /** Returns the ids it completed: the others had been handed to another process. */
  complete(name: string, ids: string[]): Promise<string[]>;
  fail(name: string, id: string, output: object): Promise<boolean>;
  release(name: string, ids: string[]): Promise<string[]>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The plain fields of a job's data (messageId, replay ...), for its log lines. */
function jobFields(data: object): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v)));
}

/**
 * Jobs a fetch asks for per idle lane: few enough to leave the rest to other processes, and
 * enough to make few fetches, because pg-boss's fetch sorts every ready job of the queue
 * (ORDER BY priority, created_on, id over an index on name and start_after): its cost grows with
 * the backlog. At 4 a lane, 20,000 no-op jobs on the embedded store went at 213 jobs/s.
 */
const PREFETCH_PER_LANE = 25;

/** A job running longer than this holds its lane: no jobs are fetched for that lane meanwhile. */
const LONG_JOB_MS = 1000;

/**
 * A worker of `concurrency` lanes. Each lane takes the next fetched job; one fetch at a time
 * (never two at once) leases up to PREFETCH_PER_LANE jobs per lane not held by a long job, at most batchSize.
 * The fetch starts when fewer jobs are in hand than such lanes, before they run dry, so
 * short jobs rarely wait on the round trip (the queue bench: 213 jobs/s when lanes fetched only
 * once they had run dry).
 * A lane never waits for the others: a long job (a file of 88,000 orders) holds its own lane
 * and the rest keep taking new jobs. Finished jobs are completed together (one statement for
 * those that finish while the last is being written). With nothing to fetch the worker sleeps
 * pollIntervalMs unless notify() wakes it.
 *
 * stop() is bounded: jobs not yet started are given back at once, running ones get stopGraceMs,
 * then they too are given back (runnable at once, no retry counted) and their handlers, if they
 * ever finish, settle nothing.
 */
export class QueueWorker<T extends object> {
  private stopping = false;
  private abandoned = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private pendingWake = false;
  /** Fetched and not yet settled: what stop() gives back. */
  private readonly held = new Map<string, LeasedJob<T>>();
  /** Fetched and not yet started, in the order the queue gave them. */
  private readonly fetched: LeasedJob<T>[] = [];
  private fetching?: Promise<void>;
  /** Lanes running a job for over LONG_JOB_MS (a big file): they will not take another soon. */
  private longLanes = 0;
  private stopped?: Promise<void>;
  private readonly log: Logger;
  onFailure?: FailureHook<T>;

  constructor(
    private readonly leases: JobLeases,
    private readonly name: string,
    private readonly handler: JobHandler<T>,
    private readonly options: WorkerOptions,
  ) {
    this.log = options.log.child({ queue: name });
  }

  start(): void {
    this.loop ??= this.run();
  }

  notify(): void {
    this.pendingWake = true;
    this.wake?.();
  }

  /** Jobs fetched and not yet settled (running or waiting for a lane). */
  get inHand(): number {
    return this.held.size;
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    if (!this.loop) return;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      this.loop.then(() => true),
      new Promise<false>((r) => { timer = setTimeout(() => r(false), this.options.stopGraceMs); }),
    ]);
    clearTimeout(timer);
    if (finished) return;
    this.abandoned = true;
    const ids = [...this.held.keys()];
    this.held.clear();
    if (!ids.length) return;
    this.log.warn({ jobs: ids.length, graceMs: this.options.stopGraceMs }, 'jobs still running at stop: given back to the queue to run again');
    await this.leases.release(this.name, ids).catch((err) =>
      this.log.error({ err: (err as Error).message, jobs: ids }, 'could not give jobs back at stop; they run again once this worker\'s lease lapses'));
  }

  private async run(): Promise<void> {
    const completer = this.completer();
    await Promise.all(Array.from({ length: this.options.concurrency }, () => this.lane(completer)));
    // A fetch ahead still in flight adds to `fetched` (or gives its jobs back) before the rest is given back.
    await this.fetching;
    await completer.drain();
    if (this.abandoned) return; // stop() gave back whatever was left
    const unstarted = this.fetched.splice(0).map((j) => j.id);
    if (unstarted.length) await this.giveBack(unstarted);
  }

  private async lane(completer: ReturnType<QueueWorker<T>['completer']>): Promise<void> {
    while (!this.stopping) {
      const job = this.fetched.shift() ?? await this.refill();
      if (!job || this.stopping) {
        if (job) this.fetched.unshift(job);
        continue;
      }
      this.fetchAhead();
      let long = false;
      const timer = setTimeout(() => { long = true; this.longLanes++; }, LONG_JOB_MS);
      try {
        if (await this.runOne(job)) completer.add(job.id);
      } finally {
        clearTimeout(timer);
        if (long) this.longLanes--;
      }
    }
  }

  /** The next job, after one fetch shared by every lane that found none; none when the queue is empty (after a sleep). */
  private async refill(): Promise<LeasedJob<T> | undefined> {
    this.fetching ??= this.fetchMore().finally(() => { this.fetching = undefined; });
    await this.fetching;
    return this.fetched.shift();
  }

  /** Lanes that will take a job soon: those not held by a long one. */
  private freeLanes(): number {
    return this.options.concurrency - this.longLanes;
  }

  /** How many jobs to have in hand: PREFETCH_PER_LANE for each free lane (at least one), at most batchSize. */
  private wanted(): number {
    return Math.min(this.options.batchSize, Math.max(1, this.freeLanes()) * PREFETCH_PER_LANE);
  }

  /**
   * Starts a fetch, not waited for, when fewer jobs are in hand than free lanes: the next batch is
   * on its way before they run dry. Never while every lane is held by a long job: jobs leased here
   * would wait behind it where another process could run them now.
   */
  private fetchAhead(): void {
    const free = this.freeLanes();
    if (this.fetching || this.stopping || free <= 0 || this.fetched.length >= free) return;
    this.fetching = this.fetchMore().finally(() => { this.fetching = undefined; });
  }

  private async fetchMore(): Promise<void> {
    this.pendingWake = false;
    const want = this.wanted() - this.fetched.length;
    if (want <= 0) return;
    let jobs: LeasedJob<T>[];
    try {
      jobs = await this.leases.fetch<T>(this.name, want);
    } catch (err) {
      this.log.error({ err }, 'fetching jobs failed');
      await sleep(this.options.pollIntervalMs);
      return;
    }
    if (jobs.length && this.stopping) {
      // Fetched ahead while stop() began: nobody will run them here.
      await this.giveBack(jobs.filter((j) => !this.held.has(j.id)).map((j) => j.id));
      return;
    }
    if (jobs.length) {
      for (const j of jobs) {
        if (this.held.has(j.id)) {
          // Still running here: this process's lease had lapsed (a heartbeat stalled past it) and the job
          // went back to the queue. The lease is ours again, so the run in hand settles it; never run it twice.
          this.log.warn({ jobId: j.id }, 'fetched a job this process is still running; it is settled when that run ends');
          continue;
        }
        this.held.set(j.id, j);
        this.fetched.push(j);
      }
      return;
    }
    if (this.pendingWake || this.stopping) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.pollIntervalMs);
      this.wake = () => { clearTimeout(timer); resolve(); };
    });
    this.wake = undefined;
  }

  /** Completes finished jobs as they come, one statement at a time, batching what finishes meanwhile. */
  private completer() {
    const pending: string[] = [];
    let writing: Promise<void> | undefined;
    const flush = async (): Promise<void> => {
      while (pending.length && !this.abandoned) {
        const ids = pending.splice(0);
        try {
          const completed = new Set(await this.leases.complete(this.name, ids));
          const lost = ids.filter((id) => !completed.has(id));
          if (lost.length) this.log.warn({ jobs: lost }, 'finished jobs had been handed to another worker meanwhile; not completed here');
          for (const id of ids) this.held.delete(id);
        } catch (err) {
          this.log.error({ err: (err as Error).message, jobs: ids.length }, 'completing jobs failed; trying again');
          pending.unshift(...ids);
          await sleep(this.options.pollIntervalMs);
        }
      }
    };
    return {
      add: (id: string) => {
        pending.push(id);
        writing ??= flush().finally(() => { writing = undefined; });
      },
      drain: async () => {
        while (writing) await writing;
      },
    };
  }

  /** Hands jobs back unrun (a stop before they started, or a failure that could not be recorded). */
  private async giveBack(ids: string[]): Promise<void> {
    try {
      await this.leases.release(this.name, ids);
    } catch (err) {
      this.log.error({ err: (err as Error).message, jobs: ids }, 'could not give jobs back; they run again when this worker stops or its lease lapses');
      return;
    }
    for (const id of ids) this.held.delete(id);
  }

  private async fail(job: LeasedJob<T>, output: { code: string; message: string }): Promise<void> {
    if (this.abandoned) return;
    try {
      // pg-boss overwrites a job's output on failure: keep the count of recoveries in it (leases.ts).
      const held = await this.leases.fail(this.name, job.id, { ...output, recoveries: job.output?.recoveries });
      if (!held) this.log.warn({ jobId: job.id }, 'a failed job had been handed to another worker meanwhile; its failure is not recorded here');
      this.held.delete(job.id);
    } catch (err) {
      this.log.error({ jobId: job.id, err: (err as Error).message }, 'recording a job failure in the queue failed; giving the job back');
      await this.giveBack([job.id]);
    }
  }

  /** True when the job is finished (success, or a failure that must not be retried). */
  private async runOne(job: LeasedJob<T>): Promise<boolean> {
    const ctx: JobContext = { jobId: job.id, attempt: job.retryCount, lastAttempt: job.retryCount >= job.retryLimit };
    try {
      await hangpoint('queue.job-hangs');
      await this.handler(job.data, ctx);
      return true;
    } catch (thrown) {
      if (this.abandoned) return false; // given back at stop: another run records the outcome
      const err = coerceError(thrown);
      const willRetry = err.retryable && !ctx.lastAttempt;
      // Which message: a job's data names it (messageId, replay), so the line can be followed to the trail.
      this.log.warn({ jobId: job.id, ...jobFields(job.data), code: err.code, err: err.message, attempt: job.retryCount, willRetry }, 'job failed');
      try {
        await this.onFailure?.(job.data, err, { ...ctx, willRetry });
      } catch (hookErr) {
        // The failure could not be recorded: leave the job to be retried rather than lose it.
        this.log.error({ jobId: job.id, err: hookErr }, 'recording a job failure failed; the job will run again');
        await this.fail(job, { code: 'INTERNAL', message: String(hookErr) });
        return false;
      }
      if (willRetry || err.retryable) {
        // pg-boss schedules the retry with backoff, or marks the job failed when none are left.
        await this.fail(job, { code: err.code, message: err.message });
        return false;
      }
      return true; // a permanent failure: the message is parked, the job is over
    }
  }
}
