import type { Knex } from 'knex';
import type { ControlNumberAllocator, SsccSerialSource } from '../translators/x12/control-allocator';

/** X12 and EDIFACT envelope sequences per partner, and SSCC serial references per GS1 company prefix. */
export type ControlKind = 'isa' | 'gs' | 'st' | 'unb' | 'ung' | 'unh' | 'sscc';

/** Largest value each control number may take before the sequence starts again at 1. */
export const CONTROL_MAX: Record<ControlKind, number> = {
  isa: 999_999_999, gs: 999_999_999, st: 999_999_999, unb: 99_999_999_999_999, ung: 99_999_999_999_999, unh: 99_999_999_999_999,
  // Never wraps in practice: buildSscc refuses a serial wider than the digits the prefix leaves.
  sscc: 999_999_999,
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

/**
 * Next numbers for many requests at once, one statement: each request gets one number of each of
 * its kinds, consecutive in request order within a partner's sequence. A sequence that would pass
 * its largest value starts again at 1 for the whole run (the numbers just below the top are skipped:
 * a gap, which X12 and EDIFACT allow; a number used twice, which they forbid, cannot happen).
 */
export async function takeControlNumbers<T extends ControlKind>(db: Knex | Knex.Transaction,
  requests: readonly { partnerId: string; kinds: readonly T[] }[]): Promise<Record<T, number>[]> {
  const counts = new Map<string, { partnerId: string; kind: T; n: number; next: number }>();
  const at = (partnerId: string, kind: T) => `${partnerId}\u0000${kind}`;
  for (const r of requests) {
    for (const kind of r.kinds) {
      const c = counts.get(at(r.partnerId, kind));
      if (c) c.n++; else counts.set(at(r.partnerId, kind), { partnerId: r.partnerId, kind, n: 1, next: 0 });
    }
  }
  if (!counts.size) return requests.map(() => ({}) as Record<T, number>);
  const runs = [...counts.values()];
  const { rows } = await db.raw(
    `INSERT INTO control_numbers (partner_id, kind, last_value) VALUES ${runs.map(() => '(?, ?, ?::bigint)').join(', ')}
     ON CONFLICT (partner_id, kind) DO UPDATE
       SET last_value = CASE WHEN control_numbers.last_value + EXCLUDED.last_value > (?::jsonb ->> control_numbers.kind)::bigint
                             THEN EXCLUDED.last_value ELSE control_numbers.last_value + EXCLUDED.last_value END,
           updated_at = now()
     RETURNING partner_id, kind, last_value`, [...runs.flatMap((c) => [c.partnerId, c.kind, c.n]), JSON.stringify(CONTROL_MAX)]);
  for (const r of rows as { partner_id: string; kind: T; last_value: string | number }[]) {
    const c = counts.get(at(r.partner_id, r.kind))!;
    c.next = Number(r.last_value) - c.n + 1;
  }
  return requests.map((r) => Object.fromEntries(r.kinds.map((kind) => [kind, counts.get(at(r.partnerId, kind))!.next++])) as Record<T, number>);
}

/** The number nextControlNumber would hand out, without taking it (for `ack`, which stores nothing). */
export async function peekControlNumber(db: Knex, partnerId: string, kind: ControlKind): Promise<number> {
  const { rows } = await db.raw(PEEK_SQL, [partnerId, kind]);
  return followingControlNumber(kind, rows[0] ? Number(rows[0].last_value) : undefined);
}

/** peekControlNumber's statement (`?` placeholders), for readers without knex too (src/store/history.ts). */
export const PEEK_SQL = 'SELECT last_value FROM control_numbers WHERE partner_id = ? AND kind = ?';

/** The number after `lastValue` in a sequence (1 for a sequence never used, or one that wraps). */
export function followingControlNumber(kind: ControlKind, lastValue: number | undefined): number {
  if (lastValue === undefined) return 1;
  return lastValue >= CONTROL_MAX[kind] ? 1 : lastValue + 1;
}

/** The store's sequences as the renderers' allocator: every number handed out is used up. */
export function storeControlNumbers(db: Knex | Knex.Transaction, partnerId: string): ControlNumberAllocator {
  return { next: (kind) => nextControlNumber(db, partnerId, kind) };
}

/**
 * SSCC serial references from the store. An SSCC must be unique for the company prefix whatever
 * the partner, so the sequence is kept per prefix (under the pseudo partner `gs1:<prefix>`).
 */
export function storeSsccSerials(db: Knex | Knex.Transaction): SsccSerialSource {
  return { next: (prefix) => nextControlNumber(db, `gs1:${prefix}`, 'sscc') };
}
