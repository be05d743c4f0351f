import type { Knex } from 'knex';
import { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../log/logger';
import { QUEUES, type JobQueue } from './job-queue';
import type { JobHandler } from './queue-worker';

/** A bulk job: what to do (a registered kind) and for whom. */
export interface BulkJob {
  kind: string;
  partnerId?: string;
  [key: string]: unknown;
}

/**
 * The bulk queue's work, by kind: inventory pushes, reports, anything that may pile up. Kinds are
 * registered by what owns the work (the runtime registers the channels' inventory push and the
 * reconciliation report); the queue's own worker runs them at queue.bulkConcurrency.
 */
export class BulkWork {
  private readonly kinds = new Map<string, (job: BulkJob) => Promise<string | void>>();

  constructor(private readonly log: Logger) {}

  register(kind: string, run: (job: BulkJob) => Promise<string | void>): void {
    this.kinds.set(kind, run);
  }

  has(kind: string): boolean {
    return this.kinds.has(kind);
  }

  readonly handle: JobHandler<BulkJob> = async (job) => {
    const run = this.kinds.get(job.kind);
    // Permanent: a job of a kind this version does not know will not learn it by retrying.
    if (!run) throw new GatewayError('USAGE', `bulk job of unknown kind '${job.kind}'`);
    const started = Date.now();
    const summary = await run(job);
    this.log.debug({ kind: job.kind, partnerId: job.partnerId, ms: Date.now() - started, summary }, 'bulk job done');
  };
}

/** Queues a bulk job (in the caller's transaction, if given). */
export async function enqueueBulk(queue: JobQueue, job: BulkJob, trx?: Knex.Transaction): Promise<void> {
  await queue.send(QUEUES.bulk, job, trx);
}
