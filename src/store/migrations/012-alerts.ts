import type { Knex } from 'knex';

/**
 * Alerts (src/alerts): each raised once, by its unique key, however many gateway processes look;
 * kept with its delivery state so that a webhook or SMTP server that is down gets it later, and a
 * person can see what was said and whether it got through.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE alerts (
      id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      key              text NOT NULL UNIQUE,
      kind             text NOT NULL,
      severity         text NOT NULL CHECK (severity IN ('critical', 'warning')),
      partner_id       text,
      message_id       bigint,
      title            text NOT NULL,
      detail           text NOT NULL,
      raised_at        timestamptz NOT NULL DEFAULT now(),
      delivery         text NOT NULL CHECK (delivery IN ('pending', 'sent', 'failed', 'none')),
      webhook_sent_at  timestamptz,
      email_sent_at    timestamptz,
      attempts         integer NOT NULL DEFAULT 0,
      next_attempt_at  timestamptz NOT NULL DEFAULT now(),
      claimed_until    timestamptz,
      last_error       text
    );
    CREATE INDEX alerts_pending ON alerts (next_attempt_at) WHERE delivery = 'pending';
    CREATE INDEX alerts_raised ON alerts (raised_at DESC);
    CREATE INDEX message_state_updated ON message_state (updated_at) WHERE status = 'exception';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX message_state_updated; DROP TABLE alerts');
}
