import type { Knex } from 'knex';

/**
 * A big message's bytes in parts of 1 MiB (message-content.ts) instead of one bytea value. One
 * 50 MB value makes PostgreSQL hold several copies of it at once (the bind message, the datum,
 * its compression, its WAL record); in the embedded store that memory is PGlite's WebAssembly
 * heap, which never shrinks: one such file left the daemon 530 MB bigger for good. Parts are as
 * immutable as the messages they belong to; `content_parts` says how many there are.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE messages ADD COLUMN content_parts integer CHECK (content_parts > 0);
    ALTER TABLE messages DROP CONSTRAINT messages_check;
    ALTER TABLE messages ADD CONSTRAINT messages_content_check
      CHECK (content IS NOT NULL OR duplicate_of IS NOT NULL OR content_parts IS NOT NULL);
    CREATE TABLE message_content_parts (
      message_id bigint NOT NULL REFERENCES messages (id),
      seq        integer NOT NULL CHECK (seq >= 0),
      bytes      bytea NOT NULL,
      PRIMARY KEY (message_id, seq)
    );
    CREATE TRIGGER message_content_parts_immutable BEFORE UPDATE OR DELETE ON message_content_parts
      FOR EACH ROW EXECUTE FUNCTION edi_refuse_change();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE message_content_parts;
    ALTER TABLE messages DROP CONSTRAINT messages_content_check;
    ALTER TABLE messages ADD CONSTRAINT messages_check CHECK (content IS NOT NULL OR duplicate_of IS NOT NULL);
    ALTER TABLE messages DROP COLUMN content_parts;
  `);
}
