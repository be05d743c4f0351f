import type { Knex } from 'knex';

/** Where an event's scans got to (migration 006 says what each column means). */
export interface OdooCursor {
  /** The newest write_date a complete scan saw ('YYYY-MM-DD HH:MM:SS', UTC, as Odoo reads it). */
  writeDate: string;
  /** The first scan's newest write_date: records older than this are history, never sent. */
  floor: string;
}

export async function getCursor(db: Knex | Knex.Transaction, event: string): Promise<OdooCursor | undefined> {
  const row = await db('odoo_cursors').where({ event }).first('last_write_date', 'floor_write_date');
  return row ? { writeDate: row.last_write_date, floor: row.floor_write_date ?? row.last_write_date } : undefined;
}

/** The first scan's cursor; a cursor another process wrote first wins. */
export async function initCursor(db: Knex | Knex.Transaction, event: string, writeDate: string): Promise<OdooCursor> {
  await db.raw(
    `INSERT INTO odoo_cursors (event, last_write_date, last_id, floor_write_date) VALUES (?, ?, 0, ?) ON CONFLICT (event) DO NOTHING`,
    [event, writeDate, writeDate]);
  return (await getCursor(db, event))!;
}

/** Moves the watermark forward, never back (two processes may finish scans out of order). */
export async function advanceCursor(db: Knex | Knex.Transaction, event: string, writeDate: string): Promise<void> {
  await db.raw(
    `UPDATE odoo_cursors SET last_write_date = ?, updated_at = clock_timestamp() WHERE event = ? AND last_write_date < ?`,
    [writeDate, event, writeDate]);
}

/**
 * Takes (or renews) the right to scan an event for `seconds`: one process scans an event at a
 * time. Only a saving: the records table's key alone keeps documents from being sent twice.
 */
export async function leaseScan(db: Knex | Knex.Transaction, event: string, owner: string, seconds: number): Promise<boolean> {
  const r = await db.raw(
    `UPDATE odoo_cursors SET lease_owner = ?, lease_until = clock_timestamp() + make_interval(secs => ?)
      WHERE event = ? AND (lease_until IS NULL OR lease_until < clock_timestamp() OR lease_owner = ?) RETURNING event`,
    [owner, seconds, event, owner]);
  return r.rows.length > 0;
}

export async function releaseScan(db: Knex | Knex.Transaction, event: string, owner: string): Promise<void> {
  await db('odoo_cursors').where({ event, lease_owner: owner }).update({ lease_owner: null, lease_until: null });
}

export type EventRecordOutcome = 'queued' | 'skipped' | 'failed';

/** Of these record ids, the ones an event already handled. */
export async function handledRecords(db: Knex | Knex.Transaction, event: string, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await db('odoo_event_records').where({ event }).whereIn('record_id', ids).select('record_id');
  return new Set(rows.map((r: { record_id: string | number }) => Number(r.record_id)));
}

/** Claims a record for an event: false when it was handled already (by us earlier or by another process). */
export async function claimRecord(trx: Knex.Transaction, event: string, recordId: number, writeDate: string, outcome: EventRecordOutcome, detail?: string): Promise<boolean> {
  const r = await trx.raw(
    `INSERT INTO odoo_event_records (event, record_id, outcome, detail, write_date) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (event, record_id) DO NOTHING RETURNING record_id`,
    [event, recordId, outcome, detail ?? null, writeDate]);
  return r.rows.length > 0;
}

export async function settleRecord(trx: Knex.Transaction, event: string, recordId: number, values: { outcome: EventRecordOutcome; detail?: string; messageId?: number }): Promise<void> {
  await trx('odoo_event_records').where({ event, record_id: recordId })
    .update({ outcome: values.outcome, detail: values.detail ?? null, message_id: values.messageId ?? null });
}
