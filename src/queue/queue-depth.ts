import type { Knex } from 'knex';
import { QUEUES } from './job-queue';

export interface QueueDepth {
  queue: string;
  /** Jobs waiting to run (pg-boss 'created' and 'retry'), and jobs a worker holds ('active'). */
  waiting: number;
  retrying: number;
  active: number;
  /** Seconds since the oldest waiting job was made; 0 when none waits. */
  oldestWaitingSeconds: number;
}

/**
 * Each queue's depth, read from pg-boss's job table (schema pgboss, one partition per queue) in
 * the shared store: every gateway process on it reports the same. Only unfinished jobs are read,
 * through pg-boss's own index on them.
 */
export async function queueDepths(knex: Knex): Promise<QueueDepth[]> {
  const names = Object.values(QUEUES) as string[];
  const { rows } = await knex.raw(
    `SELECT name, state::text AS state, count(*)::int AS n,
            coalesce(extract(epoch FROM now() - min(created_on)), 0)::float8 AS oldest
       FROM pgboss.job
      WHERE name = ANY(?) AND state IN ('created', 'retry', 'active')
      GROUP BY name, state`, [names]);
  return names.map((queue) => {
    const of = (state: string) => rows.find((r: { name: string; state: string }) => r.name === queue && r.state === state);
    const waiting = [of('created'), of('retry')].filter(Boolean);
    return {
      queue,
      waiting: waiting.reduce((n, r) => n + r.n, 0),
      retrying: of('retry')?.n ?? 0,
      active: of('active')?.n ?? 0,
      oldestWaitingSeconds: Math.max(0, ...waiting.map((r) => Number(r.oldest))),
    };
  });
}
