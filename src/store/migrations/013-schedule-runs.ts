import type { Knex } from 'knex';

/**
 * One row per run of a cluster-wide schedule (src/schedule): the primary key (name, tick) lets one
 * process of however many run a tick; a run still going (its heartbeat fresh) keeps the next tick
 * from starting beside it. The rows are the schedule's history, kept a week.
 *
 * Outbound holds: documents rendered for a partner that sends on a cycle (profile
 * schedules.outbound), waiting for its next tick.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE schedule_runs (
      name          text NOT NULL,
      tick          timestamptz NOT NULL,
      owner         text NOT NULL,
      started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
      heartbeat_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
      finished_at   timestamptz,
      outcome       text CHECK (outcome IN ('ok', 'failed', 'skipped')),
      detail        text,
      PRIMARY KEY (name, tick)
    );
    CREATE INDEX schedule_runs_running ON schedule_runs (name) WHERE finished_at IS NULL;
    CREATE TABLE outbound_holds (
      message_id  bigint PRIMARY KEY REFERENCES messages (id),
      partner_id  text NOT NULL,
      schedule    text NOT NULL,
      held_at     timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX outbound_holds_partner ON outbound_holds (partner_id, schedule);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE outbound_holds; DROP TABLE schedule_runs');
}
