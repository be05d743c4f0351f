import type { Knex } from 'knex';

/**
 * The last listing of each SFTP partner's inbound folder (src/transports/sftp): the size-mtime rule
 * takes a file once two listings in a row show it with the same size and mtime, and the polls are
 * cluster schedule ticks that may run in different processes, so the listing the next tick compares
 * with is kept here, not in one process's memory. One row per file of the latest listing; `source`
 * names the server and folder (`sftp://user@host:port/dir`): a listing of another folder is of no use.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE sftp_sightings (
      partner_id  text NOT NULL,
      source      text NOT NULL,
      name        text NOT NULL,
      size        bigint NOT NULL,
      mtime_ms    bigint NOT NULL,
      seen_at     timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (partner_id, source, name)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE sftp_sightings');
}
