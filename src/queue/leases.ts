import type pg from 'pg';
import type PgBoss from 'pg-boss';

/**
 * Job leases over pg-boss (README.md here): which live gateway process holds which active job.
 * Every statement that takes, settles or gives back a job also writes its lease, in one
 * transaction, so a job is never active without its holder being known, and a holder that was
 * presumed dead can no longer settle (fence) what was handed to another process.
 */

/** pg-boss's schema (we never set another). */
const BOSS = 'pgboss';

export interface WorkerIdentity {
  id: string;
  pid: number;
  host: string;
}

export interface LeasedJob<T> {
  id: string;
  data: T;
  retryCount: number;
  retryLimit: number;
  output: { recoveries?: number } | null;
}

export interface RecoveredJob {
  id: string;
  name: string;
  recoveries: number;
  state: 'retry' | 'failed';
}

type BossSettle = (name: string, ids: string[], data: object | null, options: { db: ReturnType<typeof executor> }) => Promise<unknown>;

/** A `{ executeSql }` on one client, so pg-boss's statements join our transaction. */
function executor(client: pg.PoolClient) {
  return { executeSql: (text: string, values?: unknown[]) => client.query(text, values as unknown[]) };
}

export async function inTransaction<R>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<R>): Promise<R> {
  const client = await pool.connect();
  // pg-pool listens for a client's 'error' only while it is idle: a server restart while the client
  // is checked out would otherwise be an unhandled 'error' that ends the process (the fault runs saw
  // it). The query in hand rejects on its own; the broken client is discarded at release.
  let broken: Error | undefined;
  const onError = (err: Error) => { broken = err; };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}

export async function registerWorker(db: pg.Pool | pg.PoolClient, w: WorkerIdentity): Promise<void> {
  await db.query(
    `INSERT INTO queue_workers (id, pid, host) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`, [w.id, w.pid, w.host]);
}

/** False when the row is gone: another process presumed this one dead and took its jobs. */
export async function heartbeat(db: pg.Pool | pg.PoolClient, workerId: string): Promise<boolean> {
  const r = await db.query('UPDATE queue_workers SET heartbeat_at = now() WHERE id = $1', [workerId]);
  return r.rowCount === 1;
}

/** The worker's leases go with it (ON DELETE CASCADE); release its jobs first to hand them on at once. */
export async function removeWorker(db: pg.Pool | pg.PoolClient, workerId: string): Promise<void> {
  await db.query('DELETE FROM queue_workers WHERE id = $1', [workerId]);
}

/** pg-boss's fetch and our leases for what it fetched, in one transaction. */
export async function fetchLeased<T>(pool: pg.Pool, boss: PgBoss, workerId: string, name: string, batchSize: number): Promise<LeasedJob<T>[]> {
  return inTransaction(pool, async (client) => {
    const jobs = (await boss.fetch<T>(name, { batchSize, includeMetadata: true, db: executor(client) })) as unknown as LeasedJob<T>[];
    if (!jobs.length) return [];
    // A lease left by a job that pg-boss rewrote (its own expiry) is taken over, not duplicated.
    // If this worker's row was reaped meanwhile, the foreign key fails and the fetch rolls back.
    await client.query(
      `INSERT INTO queue_leases (job_id, worker_id, queue)
       SELECT unnest($1::uuid[]), $2, $3
       ON CONFLICT (job_id) DO UPDATE SET worker_id = EXCLUDED.worker_id, queue = EXCLUDED.queue, leased_at = now()`,
      [jobs.map((j) => j.id), workerId, name]);
    return jobs;
  });
}

/** Drops this worker's leases on `ids` and returns the ones it still held. */
async function takeBack(client: pg.PoolClient, workerId: string, ids: string[]): Promise<string[]> {
  const r = await client.query('DELETE FROM queue_leases WHERE worker_id = $1 AND job_id = ANY($2::uuid[]) RETURNING job_id', [workerId, ids]);
  return r.rows.map((row: { job_id: string }) => row.job_id);
}

/**
 * Completes the jobs this worker still holds; returns those (the rest were handed to others).
 * One statement, as pg-boss 10's own completeJobs (plans.js) sets a job completed, after taking
 * back our leases: this runs once per finished batch of jobs, and a transaction of two statements
 * cost four round trips.
 */
export async function completeLeased(pool: pg.Pool, workerId: string, name: string, ids: string[]): Promise<string[]> {
  const r = await pool.query(
    `WITH held AS (DELETE FROM queue_leases WHERE worker_id = $1 AND job_id = ANY($2::uuid[]) RETURNING job_id),
     done AS (UPDATE ${BOSS}.job j SET completed_on = now(), state = 'completed', output = NULL
              FROM held WHERE j.name = $3 AND j.id = held.job_id AND j.state = 'active')
     SELECT job_id FROM held`, [workerId, ids, name]);
  return r.rows.map((row: { job_id: string }) => row.job_id);
}

/** pg-boss's fail (retry with backoff, or failed when none are left), if this worker still holds the job. */
export async function failLeased(pool: pg.Pool, boss: PgBoss, workerId: string, name: string, id: string, output: object): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    const held = await takeBack(client, workerId, [id]);
    if (held.length) await (boss.fail as BossSettle).call(boss, name, [id], output, { db: executor(client) });
    return held.length > 0;
  });
}

/**
 * Gives jobs back untouched (a stop): runnable at once, and, with started_on cleared, pg-boss's
 * next fetch does not count a retry (plans.js fetchNextJob increments only when started_on is set).
 */
export async function releaseLeased(db: pg.Pool, workerId: string, name: string, ids: string[]): Promise<string[]> {
  const r = await db.query(
    `WITH held AS (DELETE FROM queue_leases WHERE worker_id = $1 AND job_id = ANY($2::uuid[]) RETURNING job_id)
     UPDATE ${BOSS}.job j SET state = 'retry', start_after = now(), started_on = NULL
     FROM held WHERE j.name = $3 AND j.id = held.job_id AND j.state = 'active'
     RETURNING j.id`, [workerId, ids, name]);
  return r.rows.map((row: { id: string }) => row.id);
}

export interface ReapOptions {
  self: string;
  queues: string[];
  leaseSeconds: number;
  /** Recoveries that cost no retry; past this a job that keeps killing its process uses up its retries. */
  maxFreeRecoveries: number;
}

/**
 * Hands out again every job that is active but held by no live worker: first the workers whose
 * heartbeat is older than the lease are deleted (their leases with them), then their jobs go back
 * to pg-boss's `retry` state, runnable now.
 *
 * `started_on < now() - lease` keeps a job that another process is fetching right now out of
 * reach: its lease row is not yet visible to this statement's snapshot, but its new started_on is
 * (PostgreSQL rechecks a row's own columns after waiting for its lock, not the subquery).
 */
export async function reapDeadWorkers(pool: pg.Pool, o: ReapOptions): Promise<{ dead: WorkerIdentity[]; recovered: RecoveredJob[] }> {
  return inTransaction(pool, async (client) => {
    const dead = await client.query(
      `DELETE FROM queue_workers WHERE heartbeat_at < now() - make_interval(secs => $1) AND id <> $2
       RETURNING id, pid, host`, [o.leaseSeconds, o.self]);
    const recoveries = `COALESCE((j.output->>'recoveries')::int, 0) + 1`;
    const free = `${recoveries} <= $3`;
    const runsAgain = `(${free} OR j.retry_count < j.retry_limit)`;
    const recovered = await client.query(
      `UPDATE ${BOSS}.job j SET
         state = CASE WHEN ${runsAgain} THEN 'retry'::${BOSS}.job_state ELSE 'failed'::${BOSS}.job_state END,
         start_after = now(),
         started_on = CASE WHEN ${free} THEN NULL ELSE j.started_on END,
         completed_on = CASE WHEN ${runsAgain} THEN NULL ELSE now() END,
         output = COALESCE(j.output, '{}'::jsonb) || jsonb_build_object('recoveries', ${recoveries})
       WHERE j.name = ANY($1::text[]) AND j.state = 'active'
         AND j.started_on < now() - make_interval(secs => $2)
         AND NOT EXISTS (SELECT 1 FROM queue_leases l WHERE l.job_id = j.id)
       RETURNING j.id, j.name, (j.output->>'recoveries')::int AS recoveries, j.state::text AS state`,
      [o.queues, o.leaseSeconds, o.maxFreeRecoveries]);
    return { dead: dead.rows, recovered: recovered.rows };
  });
}
