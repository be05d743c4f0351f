import { OdooError, valueError } from '../rpc-errors';
import { pyRepr, pyTuple } from '../py-repr';
import type { Row } from '../store';
import { displayNameOf, fieldOf, valueOf } from './records';
import type { Env } from './types';

/**
 * Search domains in Odoo's prefix notation ('&', '|', '!' before their operands, implicit '&'
 * between top-level terms), evaluated over rows in memory. The operators are those of Odoo 17/18
 * (expression.py TERM_OPERATORS) that the connector sends, plus any / not any (17+).
 */
export type Predicate = (row: Row) => boolean;

const OPERATORS = new Set([
  '=', '!=', '<>', '<', '<=', '>', '>=', 'in', 'not in', 'like', 'not like', 'ilike', 'not ilike',
  '=like', '=ilike', 'child_of', 'parent_of', 'any', 'not any',
]);

export function compileDomain(env: Env, model: string, domain: unknown): Predicate {
  if (domain === undefined || domain === null || domain === false) return () => true;
  if (!Array.isArray(domain)) throw valueError(`Invalid domain: ${pyRepr(domain)}`);
  const stack: Predicate[] = [];
  for (let i = domain.length - 1; i >= 0; i--) {
    const item = domain[i];
    if (item === '!') {
      const a = pop(stack, domain);
      stack.push((r) => !a(r));
    } else if (item === '&' || item === '|') {
      const a = pop(stack, domain);
      const b = pop(stack, domain);
      stack.push(item === '&' ? (r) => a(r) && b(r) : (r) => a(r) || b(r));
    } else if (Array.isArray(item) && item.length === 3) {
      stack.push(compileLeaf(env, model, item as [string, string, unknown]));
    } else if (item === true || item === false) {
      stack.push(() => item);
    } else {
      throw valueError(`Invalid leaf ${pyRepr(item)}`);
    }
  }
  return (r) => stack.every((p) => p(r));
}

function pop(stack: Predicate[], domain: unknown[]): Predicate {
  const p = stack.pop();
  if (!p) throw valueError(`Invalid domain ${pyRepr(domain)}`);
  return p;
}

function compileLeaf(env: Env, model: string, leaf: [string, string, unknown]): Predicate {
  const [path, rawOp, value] = leaf;
  // TRUE_LEAF / FALSE_LEAF
  if (path as unknown === 1 && rawOp === '=' && value === 1) return () => true;
  if (path as unknown === 0 && rawOp === '=' && value === 1) return () => false;
  const op = typeof rawOp === 'string' ? rawOp.toLowerCase() : rawOp;
  if (typeof path !== 'string' || !OPERATORS.has(op)) {
    throw valueError(`Invalid leaf ${pyTuple(leaf)}`);
  }
  const [head, ...rest] = path.split('.');
  const f = head === 'id' ? { type: 'integer' as const, string: 'ID' } : fieldOf(env, model, head);
  if (!f) throw valueError(`Invalid field ${model}.${head} in leaf ${pyTuple(leaf)}`);
  const relational = f.type === 'many2one' || f.type === 'one2many' || f.type === 'many2many';

  if (rest.length) {
    if (!relational) throw valueError(`Invalid field ${model}.${path} in leaf ${pyTuple(leaf)}`);
    const sub = compileLeaf(env, f.relation!, [rest.join('.'), op, value]);
    const negative = op === '!=' || op === 'not in' || op === 'not like' || op === 'not ilike';
    return (r) => {
      const ids = related(env, model, r, head);
      // A path through an empty relation only matches negative operators (SQL LEFT JOIN + NULL).
      if (!ids.length) return negative;
      return ids.some((id) => { const row = env.db.get(f.relation!, id); return !!row && sub(row); });
    };
  }

  if (op === 'any' || op === 'not any') {
    if (!relational) throw valueError(`Invalid leaf ${pyTuple(leaf)}`);
    const sub = compileDomain(env, f.relation!, value);
    return (r) => {
      const hit = related(env, model, r, head).some((id) => { const row = env.db.get(f.relation!, id); return !!row && sub(row); });
      return op === 'any' ? hit : !hit;
    };
  }

  if (op === 'child_of' || op === 'parent_of') {
    const rel = f.type === 'integer' ? model : f.relation!;
    const targets = new Set(Array.isArray(value) ? value as number[] : [value as number]);
    return (r) => {
      const ids = head === 'id' ? [r.id] : related(env, model, r, head);
      return ids.some((id) => (op === 'child_of' ? ancestors(env, rel, id) : descendants(env, rel, id)).some((a) => targets.has(a)));
    };
  }

  if (relational) {
    return (r) => {
      const ids = related(env, model, r, head);
      return matchRelational(env, f.relation!, ids, op, value, f.type === 'many2one');
    };
  }
  return (r) => matchScalar(head === 'id' ? r.id : valueOf(env, model, r, head), op, value, f.type === 'boolean');
}

function related(env: Env, model: string, row: Row, field: string): number[] {
  const v = valueOf(env, model, row, field);
  if (Array.isArray(v)) return v as number[];
  return typeof v === 'number' && v ? [v] : [];
}

/** The id and its parents (parent_id chain): `child_of X` holds when X is among them. */
function ancestors(env: Env, model: string, id: number): number[] {
  const out: number[] = [];
  let cur: number | false = id;
  while (cur && !out.includes(cur)) {
    out.push(cur);
    const row = env.db.get(model, cur);
    cur = (row?.parent_id as number | false | undefined) ?? false;
  }
  return out;
}

function descendants(env: Env, model: string, id: number): number[] {
  const out = [id];
  for (let i = 0; i < out.length; i++) {
    for (const r of env.db.rows(model)) if (r.parent_id === out[i] && !out.includes(r.id)) out.push(r.id);
  }
  return out;
}

function matchRelational(env: Env, relation: string, ids: number[], op: string, value: unknown, isMany2one: boolean): boolean {
  const isNull = ids.length === 0;
  const asList = (v: unknown) => (Array.isArray(v) ? v : [v]);
  switch (op) {
    case '=':
      if (value === false || value === null) return isNull;
      if (typeof value === 'string') return ids.some((id) => displayNameOf(env, relation, id) === value);
      return ids.includes(value as number);
    case '!=':
    case '<>':
      if (value === false || value === null) return !isNull;
      if (typeof value === 'string') return !ids.some((id) => displayNameOf(env, relation, id) === value);
      return !ids.includes(value as number);
    case 'in': {
      const list = asList(value);
      if (isNull) return list.includes(false);
      return ids.some((id) => list.includes(id));
    }
    case 'not in': {
      const list = asList(value);
      if (isNull) return !list.includes(false);
      return !ids.some((id) => list.includes(id));
    }
    default: {
      // like/ilike and comparisons on a relation: on the related records' display names.
      if (isNull) return op.startsWith('not') && isMany2one ? true : op.startsWith('not');
      const hits = ids.map((id) => matchScalar(displayNameOf(env, relation, id), op.replace(/^not /, ''), value, false));
      return op.startsWith('not') ? !hits.some(Boolean) : hits.some(Boolean);
    }
  }
}

function likeRegex(pattern: string, wrap: boolean, ci: boolean): RegExp {
  let src = '';
  for (const ch of pattern) {
    if (ch === '%') src += '.*';
    else if (ch === '_') src += '.';
    else src += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(wrap ? src : `^${src}$`, ci ? 'is' : 's');
}

function matchScalar(v: unknown, op: string, value: unknown, isBool: boolean): boolean {
  const isNull = v === false || v === null || v === undefined || (!isBool && v === '');
  switch (op) {
    case '=':
      if (value === false || value === null) return isBool ? v === false : isNull;
      return v === value || (typeof v === 'number' && typeof value === 'string' && String(v) === value);
    case '!=':
    case '<>':
      if (value === false || value === null) return isBool ? v !== false : !isNull;
      // Odoo adds "OR field IS NULL" to != so unset rows match (expression.py, 16+).
      return isNull || v !== value;
    case 'in': {
      const list = Array.isArray(value) ? value : [value];
      return isNull ? list.includes(false) : list.includes(v);
    }
    case 'not in': {
      const list = Array.isArray(value) ? value : [value];
      return isNull ? !list.includes(false) : !list.includes(v);
    }
    case '<': case '<=': case '>': case '>=': {
      if (isNull || value === false || value === null) return false;
      const a = v as number | string;
      const b = typeof v === 'number' && typeof value === 'string' ? Number(value) : value as number | string;
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
    case 'like': case 'ilike': case 'not like': case 'not ilike': {
      const ci = op.includes('ilike');
      const neg = op.startsWith('not');
      if (value === false || value === null || value === '') return neg ? isNull : !isNull || value === '';
      const hit = !isNull && likeRegex(String(value), true, ci).test(String(v));
      return neg ? !hit : hit;
    }
    case '=like': case '=ilike':
      return !isNull && likeRegex(String(value), false, op === '=ilike').test(String(v));
    default:
      throw new OdooError('builtins.ValueError', `Invalid operator ${pyRepr(op)}`, 500);
  }
}
