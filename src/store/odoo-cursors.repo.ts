import type { Knex } from 'knex';

export interface OdooCursor {
  writeDate: string;
  id: number;
}

/** The cursor of an event, read FOR UPDATE in a transaction so two gateway processes never scan the same event at once. */
export async function getCursor(db: Knex | Knex.Transaction, event: string, options: { lock?: boolean } = {}): Promise<OdooCursor | undefined> {
  const q = db('odoo_cursors').where({ event }).first('last_write_date', 'last_id');
  if (options.lock) q.forUpdate();
  const row = await q;
  return row ? { writeDate: row.last_write_date, id: Number(row.last_id) } : undefined;
}

export async function setCursor(db: Knex | Knex.Transaction, event: string, cursor: OdooCursor): Promise<void> {
  await db.raw(
    `INSERT INTO odoo_cursors (event, last_write_date, last_id) VALUES (?, ?, ?)
     ON CONFLICT (event) DO UPDATE SET last_write_date = EXCLUDED.last_write_date, last_id = EXCLUDED.last_id, updated_at = clock_timestamp()`,
    [event, cursor.writeDate, cursor.id]);
}
