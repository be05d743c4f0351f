import type { Knex } from 'knex';

/**
 * Canonical documents translated from each inbound message, one row per transaction set or
 * message. Derived data: a replay rewrites the body, and keeps what later stages recorded
 * (the Odoo record it became).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE documents (
      id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      message_id      bigint NOT NULL REFERENCES messages (id),
      -- the set's place in the message, so a replay finds the same row again
      ordinal         integer NOT NULL,
      partner_id      text NOT NULL,
      type            text NOT NULL,
      -- the business key a person searches by: PO number, shipment id, invoice number
      business_key    text,
      source_control  text NOT NULL,
      body            jsonb NOT NULL,
      odoo_model      text,
      odoo_id         bigint,
      created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
      updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
      UNIQUE (message_id, ordinal)
    );
    CREATE INDEX documents_key ON documents (partner_id, type, business_key);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE documents');
}
