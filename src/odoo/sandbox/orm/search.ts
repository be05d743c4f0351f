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
  let rows = candidates(env, model, domain).filter((r) => (!activeTest || r.active !== false) && pred(r));
  rows = sortRows(env, model, rows, typeof opts.order === 'string' && opts.order ? opts.order : def.order ?? 'id');
  const offset = typeof opts.offset === 'number' ? opts.offset : 0;
  const limit = typeof opts.limit === 'number' && opts.limit > 0 ? opts.limit : undefined;
  return rows.slice(offset, limit === undefined ? undefined : offset + limit);
}

/** Stored field types whose raw value is what `=` and `in` compare (no display names, no lists). */
const INDEXABLE = new Set(['char', 'text', 'html', 'selection', 'date', 'datetime', 'integer', 'many2one']);
const STRING_TYPES = new Set(['char', 'text', 'html', 'selection', 'date', 'datetime']);

/**
 * The rows a search must look at, in id order: all of them, or, when the domain is a plain
 * conjunction (no '|' or '!') with a leaf `field = value` / `field in [values]` on a stored
 * scalar field, those the store's index on that field holds for the value(s) (the smallest such
 * set). The full domain is still checked on each, so this only spares the rows that cannot
 * match: a row matching such a leaf stores the value itself, as long as the value is a
 * non-empty string (string fields) or a non-zero number (integer, many2one, id). Anything else
 * (false, 0, '', a name for a many2one, a string for an integer) is left to the scan.
 */
function candidates(env: Env, model: string, domain: unknown): Row[] {
  if (!Array.isArray(domain) || domain.some((x) => x === '|' || x === '!')) return env.db.rows(model);
  let best: Row[] | undefined;
  for (const leaf of domain) {
    if (!Array.isArray(leaf) || leaf.length !== 3) continue;
    const [path, rawOp, value] = leaf as [unknown, unknown, unknown];
    const op = typeof rawOp === 'string' ? rawOp.toLowerCase() : rawOp;
    if (typeof path !== 'string' || path.includes('.') || (op !== '=' && op !== 'in')) continue;
    const values = [...new Set(op === 'in' && Array.isArray(value) ? value as unknown[] : [value])];
    let rows: Row[];
    if (path === 'id') {
      if (!values.every(isId)) continue;
      rows = values.map((id) => env.db.get(model, id as number)).filter((r): r is Row => !!r);
    } else {
      const f = fieldOf(env, model, path);
      if (!f || f.compute || !INDEXABLE.has(f.type)) continue;
      const ok = STRING_TYPES.has(f.type) ? values.every((v) => typeof v === 'string' && v !== '') : values.every(isId);
      if (!ok) continue;
      rows = values.length === 1 ? env.db.where(model, path, values[0]) : values.flatMap((v) => env.db.where(model, path, v));
    }
    if (values.length > 1) rows.sort((a, b) => a.id - b.id);
    if (!best || rows.length < best.length) best = rows;
    if (!best.length) break;
  }
  return best ?? env.db.rows(model);
}

const isId = (v: unknown) => typeof v === 'number' && v !== 0 && !Number.isNaN(v);

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
