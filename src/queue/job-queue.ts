import PgBoss from 'pg-boss';
import type { Knex } from 'knex';
import pg from 'pg';
import type { Logger } from '../log/logger';
import { sqlExecutor } from '../store/store';
import { withStartupLock } from '../store/startup-lock';
import { DEFAULT_LEASES, LeaseKeeper, type LeaseSettings } from './lease-keeper';
import { completeLeased, failLeased, fetchLeased, releaseLeased } from './leases';
import { QueueWorker, type JobHandler, type JobLeases, type WorkerOptions } from './queue-worker';

/**
 * The job queue: pg-boss on the store's PostgreSQL (embedded or real), so that jobs survive a
 * restart and several gateway processes share them, each job running once.
 *
 * Why pg-boss 10.4: 12.x declares Node >= 22.12 and we run on Node 20; graphile-worker needs a
 * LISTEN-capable pg pool of its own on a real server, where pg-boss also runs on the embedded
 * store (see the issue note for the figures). pg-boss's own worker sleeps its polling interval
 * after every fetch; QueueWorker fetches in batches and is woken at once by jobs sent here.
 *
 * Who holds a job is ours, not pg-boss's (README.md here): pg-boss only notices a dead worker's
 * job when its expiry passes, 15 minutes by default, and then charges it a retry with backoff.
 */
export const QUEUES = {
  inbound: 'inbound-process',
  outbound: 'outbound-send',
  /**
   * Bulk work (inventory pushes, reports): its own worker and concurrency (queue.bulkConcurrency),
   * so a backlog of it never holds a worker an order or an acknowledgment needs.
   */
  bulk: 'bulk-work',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * pg-boss's own expiry, kept only for a handler that hangs in a live process (leases cover dead
 * ones). Long, because pg-boss would run an expired job again while its handler still runs.
 */
const HUNG_JOB_SECONDS = 60 * 60;
/** Each step of stop() after the workers' grace: closing what is left must not hang the exit. */
const CLOSE_STEP_MS = 2000;

export interface JobQueueOptions {
  connection: pg.ClientConfig;
  log: Logger;
  retryLimit: number;
  retryDelaySeconds: number;
  /** The daemon runs pg-boss's maintenance (archiving, hung-job expiry); short CLI runs leave it to the daemon. */
  supervise: boolean;
  worker: Omit<WorkerOptions, 'log' | 'stopGraceMs'> & { stopGraceMs?: number };
  leases?: Partial<LeaseSettings>;
  /** Several processes may start at once on this database (PostgreSQL): create the queues under the start-up lock. */
  serializeStartup?: boolean;
}

export class JobQueue {
  private readonly pool: pg.Pool;
  private readonly boss: PgBoss;
  private readonly keeper: LeaseKeeper;
  private readonly workers = new Map<string, QueueWorker<any>>();
  private keeperStarted?: Promise<void>;
  private workersStopped?: Promise<void>;
  private stopped?: Promise<void>;

  constructor(private readonly options: JobQueueOptions) {
    // One pool for pg-boss and our lease statements, so that a fetch and its leases share a transaction.
    this.pool = new pg.Pool({ ...(options.connection as object), max: 5, application_name: 'edi-gateway-queue' });
    this.pool.on('error', (err) => options.log.warn({ err: err.message }, 'job queue connection lost'));
    const pool = this.pool;
    this.boss = new PgBoss({
      db: { executeSql: (text: string, values?: unknown[]) => pool.query(text, values as unknown[]) },
      supervise: options.supervise,
      schedule: false,
    });
    this.boss.on('error', (err) => options.log.error({ err }, 'job queue error'));
    this.keeper = new LeaseKeeper(options.connection, { ...DEFAULT_LEASES, ...options.leases }, Object.values(QUEUES), options.log,
      () => { for (const w of this.workers.values()) w.notify(); });
  }

  async start(): Promise<void> {
    // pg-boss's own schema install takes its own lock; its queue creation does not (see startup-lock.ts).
    await this.boss.start();
    await (this.options.serializeStartup ? withStartupLock(this.options.connection, () => this.createQueues()) : this.createQueues());
  }

  private async createQueues(): Promise<void> {
    for (const name of Object.values(QUEUES)) {
      const settings = {
        retryLimit: this.options.retryLimit,
        retryDelay: this.options.retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds: HUNG_JOB_SECONDS,
      };
      await this.boss.createQueue(name, { name, ...settings });
      // createQueue leaves an existing queue as it was: bring its settings up to date.
      await this.boss.updateQueue(name, { name, ...settings });
    }
  }

  /**
   * Adds a job. Given a knex transaction, the job is written in it: it exists exactly when the
   * data it points at was committed.
   */
  async send(name: QueueName, data: object, trx?: Knex.Transaction): Promise<string | null> {
    const id = await this.boss.send(name, data, trx ? { db: sqlExecutor(trx) } : {});
    // Wake the local worker once the job is visible (after the caller's commit, if any).
    if (trx) trx.executionPromise.then(() => this.workers.get(name)?.notify(), () => undefined);
    else this.workers.get(name)?.notify();
    return id;
  }

  /**
   * Adds many jobs, a statement per thousand (a bulk backlog: one push per store, say; a batch of
   * received files). Given a knex transaction, they are written in it, as send() does; the local
   * worker is woken once.
   */
  async sendMany(name: QueueName, data: readonly object[], trx?: Knex.Transaction): Promise<void> {
    const settings = { retryLimit: this.options.retryLimit, retryDelay: this.options.retryDelaySeconds, retryBackoff: true, expireInSeconds: HUNG_JOB_SECONDS };
    for (let i = 0; i < data.length; i += 1000) {
      await this.boss.insert(data.slice(i, i + 1000).map((d) => ({ name, data: d, ...settings })), trx ? { db: sqlExecutor(trx) } : {});
    }
    if (trx) trx.executionPromise.then(() => this.workers.get(name)?.notify(), () => undefined);
    else this.workers.get(name)?.notify();
  }

  /** Starts this queue's worker; `options` (concurrency, batch size) override the config's for this queue alone. */
  work<T extends object>(name: QueueName, handler: JobHandler<T>, options: Partial<Pick<WorkerOptions, 'concurrency' | 'batchSize'>> = {}): QueueWorker<T> {
    const worker = new QueueWorker<T>(this.jobLeases(), name, handler, {
      stopGraceMs: 5000, ...this.options.worker, ...options, log: this.options.log,
    });
    this.workers.set(name, worker);
    worker.start();
    return worker;
  }

  /** What workers of this process may do with jobs: everything goes through this process's leases. */
  private jobLeases(): JobLeases {
    // Registered before the first fetch; a failed registration is tried again by the next fetch.
    const registered = () => (this.keeperStarted ??= this.keeper.start().catch((err) => { this.keeperStarted = undefined; throw err; }));
    const { pool, boss } = this;
    const self = () => this.keeper.workerId;
    return {
      fetch: async (name, batchSize) => {
        await registered();
        return fetchLeased(pool, boss, self(), name, batchSize);
      },
      complete: (name, ids) => completeLeased(pool, self(), name, ids),
      fail: (name, id, output) => failLeased(pool, boss, self(), name, id, output),
      release: (name, ids) => releaseLeased(pool, self(), name, ids),
    };
  }

  /**
   * Stops fetching; jobs in hand get the workers' grace (stopGraceMs), then go back to the queue.
   * The queue stays open for send() (a transport finishing its file), until stop().
   */
  /** Jobs each queue's worker holds (running or about to), for a stop that says what it waits for. */
  inHand(): Record<string, number> {
    return Object.fromEntries([...this.workers].map(([name, w]) => [name, w.inHand]));
  }

  stopWorkers(): Promise<void> {
    this.workersStopped ??= Promise.all([...this.workers.values()].map((w) => w.stop())).then(() => undefined);
    return this.workersStopped;
  }

  /** Bounded: the workers' grace plus a few seconds, whatever state the database is in. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await this.stopWorkers();
      const log = this.options.log;
      await within(CLOSE_STEP_MS, this.keeper.stop(), () => log.warn('job lease keeper did not stop in time; its leases lapse on their own'));
      await within(CLOSE_STEP_MS, this.boss.stop({ graceful: false, close: false }), () => log.warn('pg-boss did not stop in time'));
      await within(CLOSE_STEP_MS, this.pool.end(), () => log.warn('job queue connections did not close in time'));
    })();
    return this.stopped;
  }
}

/** Waits for `work` at most `ms`; past that, says so and goes on (the work is left to finish or fail alone). */
async function within(ms: number, work: Promise<unknown>, late: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    work.then(() => 'done', () => 'done'),
    new Promise<'late'>((r) => { timer = setTimeout(() => r('late'), ms); }),
  ]);
  clearTimeout(timer);
  if (outcome === 'late') late();
}
