import type { Knex } from 'knex';

/**
 * API tokens with roles (viewer, operator, admin). Only the token's SHA-256 is kept: a copy of the
 * store (a backup, a snapshot) does not let anyone call the API. A revoked token keeps its row, so
 * its name stays taken and `tokens list` shows who had access and until when.
 *
 * The partial index on message_events serves /metrics: failures counted by code read that index,
 * not the whole trail.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE api_tokens (
      id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name          text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
      role          text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
      token_sha256  text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
      created_at    timestamptz NOT NULL DEFAULT now(),
      revoked_at    timestamptz,
      last_used_at  timestamptz
    );
    CREATE INDEX message_events_failures ON message_events (code) WHERE outcome IN ('failed', 'retrying');
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX message_events_failures; DROP TABLE api_tokens');
}
