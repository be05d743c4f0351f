import type { Knex } from 'knex';

export type ControlKind = 'isa' | 'gs' | 'st' | 'unb' | 'ung' | 'unh';

/** Largest value each control number may take before the sequence starts again at 1. */
export const CONTROL_MAX: Record<ControlKind, number> = {
  isa: 999_999_999, gs: 999_999_999, st: 999_999_999, unb: 99_999_999_999_999, ung: 99_999_999_999_999, unh: 99_999_999_999_999,
};

/**
 * Hands out the next control number of a partner's sequence. One statement, so two processes
 * never get the same number; a number handed out is never handed out again (until the sequence
 * wraps), even when what it was for is never sent.
 */
export async function nextControlNumber(db: Knex | Knex.Transaction, partnerId: string, kind: ControlKind): Promise<number> {
  const { rows } = await db.raw(
    `INSERT INTO control_numbers (partner_id, kind, last_value) VALUES (?, ?, 1)
     ON CONFLICT (partner_id, kind) DO UPDATE
       SET last_value = CASE WHEN control_numbers.last_value >= ? THEN 1 ELSE control_numbers.last_value + 1 END,
           updated_at = now()
     RETURNING last_value`, [partnerId, kind, CONTROL_MAX[kind]]);
  return Number(rows[0].last_value);
}

/** The number nextControlNumber would hand out, without taking it (for `ack`, which stores nothing). */
export async function peekControlNumber(db: Knex, partnerId: string, kind: ControlKind): Promise<number> {
  const row = await db('control_numbers').where({ partner_id: partnerId, kind }).first('last_value');
  if (!row) return 1;
  return Number(row.last_value) >= CONTROL_MAX[kind] ? 1 : Number(row.last_value) + 1;
}
