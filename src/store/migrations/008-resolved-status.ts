import type { Knex } from 'knex';

/**
 * 'resolved': an exception a person has dealt with outside the gateway (the order keyed by hand,
 * the partner told to resend) and closed with a note. The message and its trail stay; the note is
 * the trail's last event, and a replay is still possible.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE message_state DROP CONSTRAINT message_state_status_check;
    ALTER TABLE message_state ADD CONSTRAINT message_state_status_check
      CHECK (status IN ('received', 'processing', 'retrying', 'done', 'exception', 'duplicate', 'resolved'));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    UPDATE message_state SET status = 'exception' WHERE status = 'resolved';
    ALTER TABLE message_state DROP CONSTRAINT message_state_status_check;
    ALTER TABLE message_state ADD CONSTRAINT message_state_status_check
      CHECK (status IN ('received', 'processing', 'retrying', 'done', 'exception', 'duplicate'));
  `);
}
