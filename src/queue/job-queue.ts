import PgBoss from 'pg-boss';
import type { Knex } from 'knex';
import type pg from 'pg';
import type { Logger } from '../log/logger';
import { sqlExecutor } from '../store/store';
import { QueueWorker, type JobHandler, type WorkerOptions } from './queue-worker';

/**
 * The job queue: pg-boss on the store's PostgreSQL (embedded or real), so that jobs survive a
 * restart and several gateway processes share them, each job running once.
 *
 * Why pg-boss 10.4: 12.x declares Node >= 22.12 and we run on Node 20; graphile-worker needs a
 * LISTEN-capable pg pool of its own on a real server, where pg-boss also runs on the embedded
 * store (see the issue note for the figures). pg-boss's own worker sleeps its polling interval
 * after every fetch; QueueWorker fetches in batches and is woken at once by jobs sent here.
 */
export const QUEUES = {
  inbound: 'inbound-process',
  outbound: 'outbound-send',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobQueueOptions {
  connection: pg.ClientConfig;
  log: Logger;
  retryLimit: number;
  retryDelaySeconds: number;
  /** The daemon runs pg-boss's maintenance (expiry, archiving); short CLI runs leave it to the daemon. */
  supervise: boolean;
  worker: Omit<WorkerOptions, 'log'>;
}

export class JobQueue {
  private readonly boss: PgBoss;
  private readonly workers = new Map<string, QueueWorker<any>>();

  constructor(private readonly options: JobQueueOptions) {
    this.boss = new PgBoss({
      ...(options.connection as object),
      max: 3,
      application_name: 'edi-gateway-queue',
      supervise: options.supervise,
      schedule: false,
    });
    this.boss.on('error', (err) => options.log.error({ err }, 'job queue error'));
  }

  async start(): Promise<void> {
    await this.boss.start();
    for (const name of Object.values(QUEUES)) {
      await this.boss.createQueue(name, {
        name,
        retryLimit: this.options.retryLimit,
        retryDelay: this.options.retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds: 15 * 60,
      });
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

  work<T extends object>(name: QueueName, handler: JobHandler<T>): QueueWorker<T> {
    const worker = new QueueWorker<T>(this.boss, name, handler, { ...this.options.worker, log: this.options.log });
    this.workers.set(name, worker);
    worker.start();
    return worker;
  }

  /** Stops fetching, lets the jobs in hand finish, then closes the queue's connections. */
  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    await this.boss.stop({ graceful: true, wait: true, close: true, timeout: 30_000 });
  }
}
