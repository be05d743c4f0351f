import type { Knex } from 'knex';

/**
 * The envelope index (which interchanges each message held: for duplicate detection and for
 * matching acknowledgments) and the per-partner control number sequences.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE interchanges (
      id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      message_id       bigint NOT NULL REFERENCES messages (id),
      -- the interchange's place in its message: a file may hold several
      ordinal          integer NOT NULL,
      direction        text NOT NULL CHECK (direction IN ('in', 'out')),
      standard         text NOT NULL CHECK (standard IN ('X12', 'EDIFACT')),
      sender_qualifier text NOT NULL DEFAULT '',
      sender_id        text NOT NULL,
      receiver_qualifier text NOT NULL DEFAULT '',
      receiver_id      text NOT NULL,
      control_number   text NOT NULL,
      partner_id       text,
      status           text NOT NULL,
      duplicate_of     bigint REFERENCES interchanges (id),
      recorded_at      timestamptz NOT NULL DEFAULT now(),
      UNIQUE (message_id, ordinal)
    );
    CREATE INDEX interchanges_sender_control ON interchanges (standard, sender_qualifier, sender_id, control_number, recorded_at);

    CREATE TABLE control_numbers (
      partner_id  text NOT NULL,
      -- isa, gs, st (X12); unb, ung, unh (EDIFACT)
      kind        text NOT NULL,
      last_value  bigint NOT NULL CHECK (last_value >= 0),
      updated_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (partner_id, kind)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE control_numbers; DROP TABLE interchanges;');
}
