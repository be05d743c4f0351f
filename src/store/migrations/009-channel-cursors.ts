import type { Knex } from 'knex';

/**
 * Where a marketplace pull got to, per partner and feed (Shopify's updated_at watermark, Amazon's
 * LastUpdatedAfter): kept in the store so a restart, or another gateway process, carries on from
 * there. Only a saving: a pulled order's transport ref keeps it from being stored twice anyway.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE channel_cursors (
      partner_id text NOT NULL,
      feed text NOT NULL,
      value text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (partner_id, feed)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE channel_cursors');
}
