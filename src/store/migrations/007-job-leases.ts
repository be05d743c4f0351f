import type { Knex } from 'knex';

/**
 * Who holds which job (src/queue/README.md). Every gateway process that works the queue has a row
 * in queue_workers and renews heartbeat_at every few seconds; each job it fetched has a row in
 * queue_leases, written in the fetch's transaction and deleted in the one that settles the job.
 * A job that is active in pg-boss but leased by no live worker is handed out again at once.
 *
 * No foreign key to pg-boss's job table: pg-boss rewrites job rows (DELETE + INSERT on failure)
 * and owns its schema; a lease left behind by such a rewrite is replaced by the next fetch.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE queue_workers (
      id            uuid PRIMARY KEY,
      pid           integer NOT NULL,
      host          text NOT NULL,
      started_at    timestamptz NOT NULL DEFAULT now(),
      -- the database's clock, never the process's: one clock for every host
      heartbeat_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX queue_workers_heartbeat ON queue_workers (heartbeat_at);
    CREATE TABLE queue_leases (
      job_id     uuid PRIMARY KEY,
      worker_id  uuid NOT NULL REFERENCES queue_workers (id) ON DELETE CASCADE,
      queue      text NOT NULL,
      leased_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX queue_leases_worker ON queue_leases (worker_id);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE queue_leases; DROP TABLE queue_workers');
}
