import type { Knex } from 'knex';

/**
 * Where each Odoo event scan got to: the (write_date, id) of the last record it handled. Odoo's
 * write_date has whole seconds, so the id breaks ties: nothing written in the same second as the
 * cursor is skipped or repeated across restarts.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE odoo_cursors (
      event            text PRIMARY KEY,
      -- Odoo's UTC datetime text, 'YYYY-MM-DD HH:MM:SS', compared by Odoo, never parsed here
      last_write_date  text NOT NULL,
      last_id          bigint NOT NULL,
      updated_at       timestamptz NOT NULL DEFAULT clock_timestamp()
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE odoo_cursors');
}
