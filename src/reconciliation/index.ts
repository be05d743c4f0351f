import type { Knex } from 'knex';
import type { PartnerRegistry } from '../partners/partner-registry';
import { policies } from './policy';
import { reconcile, type ReconciliationRow } from './reconcile';
import { readReconciliation, type ReconcileQuery } from './reconciliation.repo';

export { reconciliationCsv } from './reconciliation-csv';
export type { ReconciliationRow } from './reconcile';

export interface ReconciliationRequest extends ReconcileQuery {
  /** Only rows with at least one flag. */
  flagged?: boolean;
  now?: Date;
}

/** The reconciliation of the orders received in a range: the store read, the profiles' windows, the pure rules. */
export async function runReconciliation(db: Knex, registry: PartnerRegistry, odooEnabled: boolean, r: ReconciliationRequest): Promise<ReconciliationRow[]> {
  const input = await readReconciliation(db, r);
  const rows = reconcile(input, { now: r.now ?? new Date(), policy: policies(registry), odooEnabled });
  return r.flagged ? rows.filter((row) => row.flags.length > 0) : rows;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * --from / --to and ?from= / ?to=: a calendar date (UTC, `to` taking the whole day) or an ISO
 * instant. Default: the last `defaultDays` days up to now. Undefined and a reason when unreadable.
 */
export function rangeOf(from: string | undefined, to: string | undefined, now: Date, defaultDays = 14): { from: Date; to: Date } | { error: string } {
  const parse = (v: string, end: boolean): Date | undefined => {
    const d = new Date(DATE.test(v) ? `${v}T00:00:00Z` : v);
    if (Number.isNaN(d.getTime())) return undefined;
    return DATE.test(v) && end ? new Date(d.getTime() + DAY_MS) : d;
  };
  const end = to ? parse(to, true) : now;
  if (!end) return { error: `to '${to}' is not a date (YYYY-MM-DD) or an ISO time` };
  const start = from ? parse(from, false) : new Date(end.getTime() - defaultDays * DAY_MS);
  if (!start) return { error: `from '${from}' is not a date (YYYY-MM-DD) or an ISO time` };
  if (start.getTime() >= end.getTime()) return { error: `from (${start.toISOString()}) must be before to (${end.toISOString()})` };
  return { from: start, to: end };
}
