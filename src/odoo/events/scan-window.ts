import type { Domain } from '../client/odoo-client';
import type { OdooCursor } from '../../store/odoo-cursors.repo';

/**
 * Which records a scan reads (src/odoo/README.md has the reasoning). Pure.
 *
 * Odoo stamps write_date with its transaction's start, keeps microseconds and reads back whole
 * seconds. So no (write_date, id) position is ever safe to resume from: a slow transaction
 * commits records dated before ones already seen, and a read value matches its own record with
 * `>`. A scan therefore reads the whole window [watermark - overlap, now), page by id, and the
 * records table tells what was handled.
 */

export const ODOO_EPOCH = '1970-01-01 00:00:00';

const toDate = (odoo: string) => new Date(`${odoo.slice(0, 19).replace(' ', 'T')}Z`);
const toOdoo = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

/** 'YYYY-MM-DD HH:MM:SS' minus seconds, never before the epoch. */
export function minusSeconds(odoo: string, seconds: number): string {
  const d = toDate(odoo);
  if (Number.isNaN(d.getTime())) return ODOO_EPOCH;
  const t = Math.max(0, d.getTime() - seconds * 1000);
  return toOdoo(new Date(t));
}

/** Where this scan's window starts: the overlap back from the watermark, never before the first scan's floor. */
export function windowStart(cursor: OdooCursor, overlapSeconds: number): string {
  const back = minusSeconds(cursor.writeDate, overlapSeconds);
  return back > cursor.floor ? back : cursor.floor;
}

/**
 * The event's leaves, its window, and the page: ids after `afterId`. Paging by id cannot repeat
 * a page however many records share one write_date. Explicit prefix form (no implicit AND).
 */
export function windowDomain(leaves: Domain, since: string, afterId = 0): Domain {
  return andDomain([...leaves, ['write_date', '>=', since], ...(afterId > 0 ? [['id', '>', afterId]] : [])]);
}

/** Leaves AND-ed in explicit prefix form. */
export function andDomain(leaves: Domain): Domain {
  if (leaves.length <= 1) return [...leaves];
  return [...Array(leaves.length - 1).fill('&'), ...leaves];
}

/** The later of two Odoo datetimes as read. */
export const later = (a: string, b: string) => (b > a ? b : a);
