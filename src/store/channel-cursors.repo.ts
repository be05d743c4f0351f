import type { Knex } from 'knex';

/** Where a partner's feed (a marketplace's order pull) got to; undefined before its first pull. */
export async function getChannelCursor(db: Knex | Knex.Transaction, partnerId: string, feed: string): Promise<string | undefined> {
  const row = await db('channel_cursors').where({ partner_id: partnerId, feed }).first('value');
  return row?.value;
}

/** Records where the feed got to (after what it pulled is stored, so nothing is skipped). */
export async function setChannelCursor(db: Knex | Knex.Transaction, partnerId: string, feed: string, value: string): Promise<void> {
  await db.raw(
    `INSERT INTO channel_cursors (partner_id, feed, value) VALUES (?, ?, ?)
     ON CONFLICT (partner_id, feed) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [partnerId, feed, value]);
}
