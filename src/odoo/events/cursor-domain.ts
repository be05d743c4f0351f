import type { Domain } from '../client/odoo-client';
import type { OdooCursor } from '../../store/odoo-cursors.repo';

/**
 * Records after the cursor in (write_date, id) order. write_date has whole seconds, so records
 * written in the cursor's second are told apart by id: nothing in that second is skipped, and
 * nothing up to the cursor is read again.
 */
export function afterCursor(c: OdooCursor): Domain {
  return ['|', ['write_date', '>', c.writeDate], '&', ['write_date', '=', c.writeDate], ['id', '>', c.id]];
}

/** Leaves AND-ed with the cursor's expression, in explicit prefix form (no reliance on implicit AND). */
export function eventDomain(leaves: Domain, cursor?: OdooCursor): Domain {
  const terms: Domain[] = leaves.map((l) => [l]);
  if (cursor) terms.push(afterCursor(cursor));
  if (!terms.length) return [];
  return [...Array(terms.length - 1).fill('&'), ...terms.flat()];
}

export const EVENT_ORDER = 'write_date asc, id asc';

/** The cursor after a batch: its last record. */
export function advance(record: { write_date: string; id: number }): OdooCursor {
  return { writeDate: record.write_date, id: record.id };
}

/** Where a first scan starts: the second of the newest matching record, from id 0 (re-sent keys are no-ops). */
export function initialCursor(newest: { write_date: string } | undefined): OdooCursor {
  return { writeDate: newest?.write_date ?? '1970-01-01 00:00:00', id: 0 };
}
