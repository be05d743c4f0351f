import pg from 'pg';

/**
 * One key for every schema change the gateway makes at start (its migrations, pg-boss's queues).
 * Arbitrary, fixed: "edigw" in ASCII.
 */
const STARTUP_LOCK_KEY = 0x6564696777;

/**
 * Runs `fn` while this process holds the cluster's start-up lock, a PostgreSQL session advisory
 * lock on a connection of its own. Several gateway processes started at once on a fresh database
 * (replicas of one deployment) would otherwise create the same tables and partitions together:
 * knex refuses a second migrator ("Migration table is already locked") and pg-boss's queue
 * creation deadlocks (40P01). Under the lock they go one after another; the later ones find
 * the work done. The lock ends with its session, so a process killed while holding it frees it.
 */
export async function withStartupLock<T>(connection: pg.ClientConfig, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...connection, application_name: 'edi-gateway-startup' });
  // A connection dropped while we wait must reject the query, not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
    return await fn();
  } finally {
    // Ending the session releases the lock, unlock statement or not.
    await client.end().catch(() => undefined);
  }
}
