import { valueError } from '../rpc-errors';
import type { Row } from '../store';
import { compileDomain } from './domain';
import { checkAccess, displayNameOf, fieldOf, valueOf } from './records';
import type { Env } from './types';

export interface SearchOptions { offset?: unknown; limit?: unknown; order?: unknown }

/**
 * search(): domain, then order, offset, limit. Records with `active = False` are left out unless
 * the domain names `active` or the context says active_test False (Odoo 17/18 behaviour).
 */
export function searchRows(env: Env, model: string, domain: unknown, opts: SearchOptions = {}): Row[] {
  const def = env.registry.model(model);
  checkAccess(env, def, 'read');
  const pred = compileDomain(env, model, domain);
  const mentionsActive = Array.isArray(domain) && domain.some((l) => Array.isArray(l) && typeof l[0] === 'string' && l[0].split('.')[0] === 'active');
  const activeTest = 'active' in def.fields && env.context.active_test !== false && !mentionsActive;
  let rows = env.db.rows(model).filter((r) => (!activeTest || r.active !== false) && pred(r));
  rows = sortRows(env, model, rows, typeof opts.order === 'string' && opts.order ? opts.order : def.order ?? 'id');
  const offset = typeof opts.offset === 'number' ? opts.offset : 0;
  const limit = typeof opts.limit === 'number' && opts.limit > 0 ? opts.limit : undefined;
  return rows.slice(offset, limit === undefined ? undefined : offset + limit);
}

/** 'write_date asc, id asc' and the like. Nulls last ascending, first descending (PostgreSQL). */
export function sortRows(env: Env, model: string, rows: Row[], order: string): Row[] {
  const keys = order.split(',').map((part) => {
    const m = /^\s*([a-z0-9_.]+)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$/i.exec(part);
    if (!m) throw invalidOrder(order);
    const [, name, dir = 'asc', nulls] = m;
    const field = name === 'id' ? undefined : fieldOf(env, model, name);
    if (name !== 'id' && !field) throw invalidOrder(order);
    const desc = dir.toLowerCase() === 'desc';
    return { name, field, desc, nullsFirst: nulls ? nulls.toLowerCase() === 'first' : desc };
  });
  const key = (r: Row, k: (typeof keys)[number]): unknown => {
    if (k.name === 'id') return r.id;
    const v = valueOf(env, model, r, k.name);
    if (k.field?.type === 'many2one') return v ? displayNameOf(env, k.field.relation!, v as number) : null;
    return v === false || v === undefined || v === '' ? (k.field?.type === 'boolean' ? 0 : null) : v === true ? 1 : v;
  };
  return [...rows].sort((a, b) => {
    for (const k of keys) {
      const x = key(a, k);
      const y = key(b, k);
      if (x === y) continue;
      if (x === null) return k.nullsFirst ? -1 : 1;
      if (y === null) return k.nullsFirst ? 1 : -1;
      const c = (x as number | string) < (y as number | string) ? -1 : 1;
      return k.desc ? -c : c;
    }
    return 0;
  });
}

function invalidOrder(order: string) {
  return valueError(`Invalid "order" specified (${order}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`);
}
