import type { Knex } from 'knex';

export interface ScheduleRun {
  name: string;
  tick: Date;
  owner: string;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: 'ok' | 'failed' | 'skipped' | null;
  detail: string | null;
}

/**
 * Takes tick `tick` of schedule `name` for `owner`, unless another process took it, or a run of
 * the same schedule is still going (its heartbeat younger than `leaseSeconds`): then the tick is
 * noted as skipped, so the history says why it did not run. True when this process is to run it.
 */
export async function claimTick(db: Knex, name: string, tick: Date, owner: string, leaseSeconds: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    // One claim of a schedule at a time in the cluster: two processes claiming different ticks at the
    // same moment (one's tick at start, the other's timer) would each see no run going, and both run.
    // Under the lock, each claim's statements see the claim before it. ("edig": this lock class.)
    await trx.raw('SELECT pg_advisory_xact_lock(1701079399, hashtext(?))', [name]);
    // A run whose process died (no heartbeat for the lease) is closed as such: it blocks nothing now.
    await trx.raw(`UPDATE schedule_runs SET finished_at = clock_timestamp(), outcome = 'failed', detail = 'abandoned: its process stopped sending heartbeats'
      WHERE name = ? AND finished_at IS NULL AND heartbeat_at <= clock_timestamp() - make_interval(secs => ?)`, [name, leaseSeconds]);
    const { rows } = await trx.raw(
      `INSERT INTO schedule_runs (name, tick, owner, finished_at, outcome, detail)
       SELECT ?, ?, ?, r.started, CASE WHEN r.started IS NULL THEN NULL ELSE 'skipped' END,
              CASE WHEN r.started IS NULL THEN NULL ELSE 'the previous run (' || r.owner || ', tick ' || r.tick || ') was still going' END
         FROM (SELECT NULL) AS one
         LEFT JOIN LATERAL (SELECT clock_timestamp() AS started, owner, tick::text AS tick FROM schedule_runs
                             WHERE name = ? AND finished_at IS NULL AND heartbeat_at > clock_timestamp() - make_interval(secs => ?)
                             LIMIT 1) r ON true
       ON CONFLICT (name, tick) DO NOTHING
       RETURNING outcome`, [name, tick, owner, name, leaseSeconds]);
    return rows.length === 1 && rows[0].outcome === null;
  });
}

/** Keeps a long run's claim alive, so that the next tick does not start beside it. */
export async function heartbeat(db: Knex, name: string, tick: Date, owner: string): Promise<void> {
  await db('schedule_runs').where({ name, tick, owner }).whereNull('finished_at').update({ heartbeat_at: db.raw('clock_timestamp()') });
}

/** Notes how a run ended, and drops the schedule's history older than a week. */
export async function finishRun(db: Knex, name: string, tick: Date, owner: string, outcome: 'ok' | 'failed' | 'skipped', detail?: string): Promise<void> {
  await db('schedule_runs').where({ name, tick, owner }).update({ finished_at: db.raw('clock_timestamp()'), outcome, detail: detail ?? null });
  await db('schedule_runs').where({ name }).where('tick', '<', db.raw(`now() - interval '7 days'`)).delete();
}

/** The latest runs, newest first (one schedule's, or all). */
export async function listRuns(db: Knex, f: { name?: string; limit?: number } = {}): Promise<ScheduleRun[]> {
  const q = db('schedule_runs').orderBy('tick', 'desc').limit(f.limit ?? 100)
    .select('name', 'tick', 'owner', 'started_at as startedAt', 'finished_at as finishedAt', 'outcome', 'detail');
  if (f.name) q.where({ name: f.name });
  return q;
}

export interface FailureStreak {
  /** Runs that failed since the schedule's last good one (ticks skipped, or still running, passed over); at most the limit asked. */
  failures: number;
  /** When the latest of them ended; null without failures. */
  lastFailedAt: Date | null;
  /** The store's clock: every process reckons a backoff from the same clock, whatever its own says. */
  now: Date;
}

/** How a schedule's recent runs went, for a backoff across the cluster (the SFTP polls). */
export async function failureStreak(db: Knex, name: string, limit = 40): Promise<FailureStreak> {
  const runs: { outcome: 'ok' | 'failed'; finished_at: Date }[] = await db('schedule_runs')
    .where({ name }).whereIn('outcome', ['ok', 'failed']).orderBy('tick', 'desc').limit(limit).select('outcome', 'finished_at');
  const { rows: [{ now }] } = await db.raw('SELECT clock_timestamp() AS now');
  const firstOk = runs.findIndex((r) => r.outcome === 'ok');
  const failures = firstOk === -1 ? runs.length : firstOk;
  return { failures, lastFailedAt: failures ? new Date(runs[0].finished_at) : null, now: new Date(now) };
}
