import type { Knex } from 'knex';

/**
 * Above this, a message's bytes are stored in parts of this size (migration 010 says why). EDI
 * files are mostly small: those stay one value in messages.content, as before.
 */
export const CONTENT_PART_BYTES = 1024 * 1024;

/** Parts read per query: a few MiB at a time through the store, never the whole file at once. */
const PARTS_PER_READ = 4;

/** How a message's row holds its bytes: inline, or the number of parts that follow it. */
export function contentColumns(content: Buffer): { content: Buffer | null; content_parts: number | null } {
  if (content.length <= CONTENT_PART_BYTES) return { content, content_parts: null };
  return { content: null, content_parts: Math.ceil(content.length / CONTENT_PART_BYTES) };
}

/** Writes the parts of a message stored with contentColumns(), in the transaction that inserted its row. */
export async function insertContentParts(trx: Knex.Transaction, messageId: number, content: Buffer): Promise<void> {
  if (content.length <= CONTENT_PART_BYTES) return;
  for (let seq = 0; seq * CONTENT_PART_BYTES < content.length; seq++) {
    const bytes = content.subarray(seq * CONTENT_PART_BYTES, (seq + 1) * CONTENT_PART_BYTES);
    await trx.raw('INSERT INTO message_content_parts (message_id, seq, bytes) VALUES (?, ?, ?)', [messageId, seq, bytes]);
  }
}

/**
 * The stored bytes of a message; a duplicate receipt's are its original's. With `headBytes`, at
 * most that many from the start, reading no more parts than they need (a view of a big file).
 */
export async function readContent(db: Knex, id: number, headBytes = Infinity): Promise<Buffer | undefined> {
  const { rows } = await db.raw(
    `SELECT coalesce(o.id, m.id) AS owner, coalesce(m.content, o.content) AS content, coalesce(m.content_parts, o.content_parts) AS parts
       FROM messages m LEFT JOIN messages o ON o.id = m.duplicate_of WHERE m.id = ?`, [id]);
  const row = rows[0] as { owner: string | number; content: Buffer | null; parts: number | null } | undefined;
  if (!row) return undefined;
  if (!row.parts) return row.content ? head(row.content, headBytes) : undefined;
  const parts: Buffer[] = [];
  const wanted = Math.min(row.parts, Math.ceil(headBytes / CONTENT_PART_BYTES));
  for (let seq = 0; seq < wanted; seq += PARTS_PER_READ) {
    const { rows: got } = await db.raw(
      'SELECT seq, bytes FROM message_content_parts WHERE message_id = ? AND seq >= ? AND seq < ? ORDER BY seq',
      [row.owner, seq, Math.min(seq + PARTS_PER_READ, wanted)]);
    for (const p of got as { seq: number; bytes: Buffer }[]) {
      if (p.seq !== parts.length) throw new Error(`message ${id}: content part ${parts.length} is missing from the store`);
      parts.push(p.bytes);
    }
  }
  if (parts.length !== wanted) throw new Error(`message ${id}: ${row.parts} content parts expected, ${parts.length} stored`);
  return head(Buffer.concat(parts), headBytes);
}

function head(bytes: Buffer, n: number): Buffer {
  return bytes.length > n ? bytes.subarray(0, n) : bytes;
}
