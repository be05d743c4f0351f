import type { Knex } from 'knex';

/**
 * What we sent, group by group and set by set, and what the partner's TA1 / 997 / 999 said about
 * it: the acknowledgment reconciliation that EDI departments otherwise keep in spreadsheets.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE interchanges ADD COLUMN ta1_status text, ADD COLUMN ta1_code text, ADD COLUMN ta1_message_id bigint REFERENCES messages (id);

    CREATE TABLE outbound_groups (
      id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      interchange_id  bigint NOT NULL REFERENCES interchanges (id),
      message_id      bigint NOT NULL REFERENCES messages (id),
      partner_id      text NOT NULL,
      functional_id   text NOT NULL,
      control_number  text NOT NULL,
      set_count       integer NOT NULL,
      -- the acknowledgment the partner owes (997 / 999), and by when; null when none is owed
      ack_expected    text,
      ack_due_at      timestamptz,
      ack_status      text,
      ack_codes       text,
      ack_message_id  bigint REFERENCES messages (id),
      acked_at        timestamptz
    );
    CREATE INDEX outbound_groups_match ON outbound_groups (partner_id, functional_id, control_number);
    CREATE INDEX outbound_groups_pending ON outbound_groups (ack_due_at) WHERE ack_expected IS NOT NULL AND ack_status IS NULL;

    CREATE TABLE outbound_sets (
      group_id        bigint NOT NULL REFERENCES outbound_groups (id),
      type            text NOT NULL,
      control_number  text NOT NULL,
      ack_status      text,
      ack_detail      text,
      PRIMARY KEY (group_id, control_number)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE outbound_sets; DROP TABLE outbound_groups;
    ALTER TABLE interchanges DROP COLUMN ta1_status, DROP COLUMN ta1_code, DROP COLUMN ta1_message_id;
  `);
}
