import type { Knex } from 'knex';

/**
 * Odoo events are found by scanning a window of write_date that overlaps what was already
 * scanned (src/odoo/README.md says why). What each record became is kept here, one row per
 * (event, record): a rescan of the overlap finds its records here and does nothing twice, and two
 * gateway processes cannot both claim one record (the primary key).
 *
 * odoo_cursors now holds, per event: last_write_date, the newest write_date seen by a complete
 * scan (the window's upper end last time); floor_write_date, where the first scan found Odoo
 * (history before it is never sent); and a lease, so that one process scans an event at a time.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE odoo_event_records (
      event       text NOT NULL,
      record_id   bigint NOT NULL,
      outcome     text NOT NULL CHECK (outcome IN ('queued', 'skipped', 'failed')),
      detail      text,
      message_id  bigint REFERENCES messages (id),
      -- Odoo's write_date as read when the record was handled (whole seconds, UTC)
      write_date  text NOT NULL,
      handled_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (event, record_id)
    );
    ALTER TABLE odoo_cursors ADD COLUMN floor_write_date text;
    ALTER TABLE odoo_cursors ADD COLUMN lease_owner text;
    ALTER TABLE odoo_cursors ADD COLUMN lease_until timestamptz;
    UPDATE odoo_cursors SET floor_write_date = last_write_date;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE odoo_event_records;
    ALTER TABLE odoo_cursors DROP COLUMN floor_write_date, DROP COLUMN lease_owner, DROP COLUMN lease_until;
  `);
}
