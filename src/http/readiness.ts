import type { Knex } from 'knex';
import type { CircuitState } from '../odoo/client/resilience';
import { migrationSource } from '../store/migrations';

export interface ReadinessDeps {
  knex: Knex;
  /** The Odoo client's circuit, when Odoo is enabled; undefined when the gateway stops at canonical documents. */
  odooCircuit?: () => CircuitState;
  timeoutMs?: number;
}

export interface Readiness {
  ready: boolean;
  reasons: string[];
}

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
}

/**
 * Whether this process can do its work now (/readyz), unlike /healthz which says it is alive: the
 * store answers, its schema is up to date, and Odoo (when enabled) is not known to be down.
 */
export async function readiness(deps: ReadinessDeps): Promise<Readiness> {
  const reasons: string[] = [];
  const ms = deps.timeoutMs ?? 5000;
  try {
    await within(ms, deps.knex.raw('select 1'));
    const [, pending] = await within(ms, deps.knex.migrate.list({ migrationSource, tableName: 'knex_migrations' })) as [unknown[], unknown[]];
    if (pending.length) reasons.push(`${pending.length} store migration(s) not applied: ${pending.map(String).join(', ')}`);
  } catch (err) {
    reasons.push(`store unreachable: ${(err as Error).message}`);
  }
  if (deps.odooCircuit?.() === 'open') reasons.push('Odoo is unavailable: the client\'s circuit is open after repeated failures');
  return { ready: reasons.length === 0, reasons };
}
