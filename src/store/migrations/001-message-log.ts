import type { Knex } from 'knex';

/**
 * The message log. Raw messages are immutable (a trigger refuses UPDATE and DELETE), the audit
 * trail is append-only, and the mutable "where is it now" lives apart in message_state.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE messages (
      id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      direction     text NOT NULL CHECK (direction IN ('in', 'out')),
      transport     text NOT NULL,
      -- the transport's own name for this receipt (folder file + mtime, AS2 Message-ID, SFTP path):
      -- seeing it again means we already stored this very receipt (e.g. a crash before the move)
      transport_ref text,
      partner_id    text,
      filename      text,
      content       bytea,
      sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      size_bytes    bigint NOT NULL CHECK (size_bytes >= 0),
      duplicate_of  bigint REFERENCES messages (id),
      created_at    timestamptz NOT NULL DEFAULT now(),
      -- a duplicate receipt points at the original instead of keeping the same bytes twice
      CHECK (content IS NOT NULL OR duplicate_of IS NOT NULL)
    );
    CREATE UNIQUE INDEX messages_transport_ref ON messages (transport, transport_ref) WHERE transport_ref IS NOT NULL;
    -- one original per (partner, bytes): a second copy can only be stored as a duplicate receipt
    CREATE UNIQUE INDEX messages_original_content ON messages (direction, coalesce(partner_id, ''), sha256)
      WHERE duplicate_of IS NULL;
    CREATE INDEX messages_partner_created ON messages (partner_id, created_at DESC);

    CREATE FUNCTION edi_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
    END $$;
    CREATE TRIGGER messages_immutable BEFORE UPDATE OR DELETE ON messages
      FOR EACH ROW EXECUTE FUNCTION edi_refuse_change();

    CREATE TABLE message_events (
      id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      message_id  bigint NOT NULL REFERENCES messages (id),
      stage       text NOT NULL,
      outcome     text NOT NULL CHECK (outcome IN ('ok', 'failed', 'retrying', 'duplicate', 'info')),
      code        text,
      detail      text,
      data        jsonb,
      at          timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    CREATE INDEX message_events_message ON message_events (message_id, id);
    CREATE TRIGGER message_events_append_only BEFORE UPDATE OR DELETE ON message_events
      FOR EACH ROW EXECUTE FUNCTION edi_refuse_change();

    CREATE TABLE message_state (
      message_id    bigint PRIMARY KEY REFERENCES messages (id),
      status        text NOT NULL CHECK (status IN ('received', 'processing', 'retrying', 'done', 'exception', 'duplicate')),
      stage         text NOT NULL,
      error_code    text,
      error_message text,
      attempts      integer NOT NULL DEFAULT 0,
      updated_at    timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    CREATE INDEX message_state_status ON message_state (status, message_id);

    -- messages whose last recorded stage failed, with why
    CREATE VIEW message_exceptions AS
      SELECT m.id AS message_id, m.direction, m.transport, m.partner_id, m.filename,
             e.stage, e.code AS error_code, e.detail AS error_message, e.at AS failed_at
        FROM messages m
        JOIN LATERAL (SELECT * FROM message_events ev WHERE ev.message_id = m.id ORDER BY ev.id DESC LIMIT 1) e ON true
       WHERE e.outcome = 'failed';
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP VIEW message_exceptions;
    DROP TABLE message_state;
    DROP TABLE message_events;
    DROP TABLE messages;
    DROP FUNCTION edi_refuse_change();
  `);
}
