import { checkModelAccess } from './access';
import {
  invalidField, mandatoryFieldError, missingError, OdooError, userError,
} from '../rpc-errors';
import type { Row } from '../store';
import { emptyValue } from './fields';
import type { Env, FieldDef, ModelDef } from './types';

/**
 * Record access and the write path shared by every model: create/write/unlink with x2many
 * commands, defaults (incl. `default_<field>` context keys), required fields and constraints.
 * Behaviour follows Odoo 17/18 odoo/models.py unless a comment says otherwise.
 */

export function fieldOf(env: Env, model: string, name: string): FieldDef | undefined {
  const f = env.registry.field(model, name);
  if (!f) return undefined;
  if (f.since && env.version < f.since) return undefined;
  if (f.until && env.version > f.until) return undefined;
  return f;
}

export function requireField(env: Env, model: string, name: string): FieldDef {
  const f = fieldOf(env, model, name);
  if (!f) throw invalidField(model, name);
  return f;
}

/** The user's model rights (access.ts: groups and ir.model.access). */
export function checkAccess(env: Env, def: ModelDef, operation: 'read' | 'create' | 'write' | 'unlink'): void {
  checkModelAccess(env, def, operation);
}

/** Existing rows for ids, in the order asked (duplicates dropped). */
export function existing(env: Env, model: string, ids: number[]): Row[] {
  const seen = new Set<number>();
  const out: Row[] = [];
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const row = env.db.get(model, id);
    if (row) out.push(row);
  }
  return out;
}

/** Rows for ids, or MissingError naming the ones that are gone (write and actions; read drops them). */
export function browse(env: Env, model: string, ids: number[]): Row[] {
  const rows = existing(env, model, ids);
  if (rows.length !== new Set(ids).size) {
    const missing = [...new Set(ids)].filter((id) => !env.db.get(model, id));
    throw missingError(model, missing, env.uid);
  }
  return rows;
}

/** The raw value: stored, computed, or an one2many's ids through its inverse. */
export function valueOf(env: Env, model: string, row: Row, name: string): unknown {
  if (name === 'id') return row.id;
  if (name === 'display_name') return displayName(env, model, row);
  const f = env.registry.field(model, name);
  if (!f) return undefined;
  if (f.compute) return f.compute(env, row);
  if (f.type === 'one2many') {
    return env.db.where(f.relation!, f.inverse!, row.id).filter((r) => !f.filter || f.filter(r)).map((r) => r.id);
  }
  const v = row[name];
  return v === undefined || v === null ? emptyValue(f) : v;
}

export function displayName(env: Env, model: string, row: Row): string {
  const def = env.registry.model(model);
  if (def.displayName) return def.displayName(env, row);
  const n = row.name;
  return typeof n === 'string' && n ? n : `${model},${row.id}`;
}

export function displayNameOf(env: Env, model: string, id: number): string {
  const row = env.db.get(model, id);
  return row ? displayName(env, model, row) : `${model},${id}`;
}

/** A value as read() returns it: many2one as [id, display_name] (or the bare id with load=None). */
export function formatValue(env: Env, model: string, row: Row, name: string, classic = true): unknown {
  const f = env.registry.field(model, name);
  const v = valueOf(env, model, row, name);
  if (f?.type === 'many2one') {
    if (!v) return false;
    return classic ? [v, displayNameOf(env, f.relation!, v as number)] : v;
  }
  // PostgreSQL keeps create/write_date's microseconds; Odoo's read() gives whole seconds.
  if (f?.type === 'datetime' && typeof v === 'string' && v.length > 19) return v.slice(0, 19);
  return v;
}

export function readRows(env: Env, model: string, rows: Row[], fields: string[] | undefined, classic = true): Record<string, unknown>[] {
  const names = fields && fields.length ? fields : readableFields(env, model);
  for (const n of names) requireField(env, model, n);
  return rows.map((row) => {
    const out: Record<string, unknown> = { id: row.id };
    for (const n of names) out[n] = formatValue(env, model, row, n, classic);
    return out;
  });
}

export function readableFields(env: Env, model: string): string[] {
  return Object.keys(env.registry.model(model).fields).filter((n) => fieldOf(env, model, n));
}

// ---------------------------------------------------------------------------------------------
// Writing

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Coerces one incoming scalar the way the ORM's convert_to_cache does, or raises like Odoo. */
function convert(env: Env, model: string, name: string, f: FieldDef, v: unknown): unknown {
  if (v === null || v === undefined || v === false) return f.type === 'boolean' ? false : false;
  switch (f.type) {
    case 'integer':
    case 'many2one': {
      if (typeof v === 'number') return Math.trunc(v);
      if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
      if (Array.isArray(v) && f.type === 'many2one' && typeof v[0] === 'number') return v[0];
      // What PostgreSQL says when Odoo passes the value through (ODOO-NOTES §3.1 "wrong type").
      throw new OdooError('psycopg2.errors.InvalidTextRepresentation', `invalid input syntax for type integer: "${String(v)}"\n`, 500);
    }
    case 'float':
    case 'monetary': {
      const n = typeof v === 'number' ? v : Number(v);
      if (Number.isNaN(n)) throw new OdooError('builtins.ValueError', `could not convert string to float: '${String(v)}'`, 500);
      return n;
    }
    case 'boolean':
      return Boolean(v);
    case 'date': {
      const s = String(v);
      if (DATE.test(s)) return s;
      if (DATETIME.test(s)) return s.slice(0, 10);
      throw new OdooError('builtins.ValueError', `time data '${s}' does not match format '%Y-%m-%d'`, 500);
    }
    case 'datetime': {
      const s = String(v);
      if (DATETIME.test(s)) return s;
      if (DATE.test(s)) return `${s} 00:00:00`;
      throw new OdooError('builtins.ValueError', `time data '${s}' does not match format '%Y-%m-%d %H:%M:%S'`, 500);
    }
    case 'selection': {
      const s = String(v);
      if (f.selection && !f.selection.some(([k]) => k === s)) {
        throw new OdooError('builtins.ValueError', `Wrong value for ${model}.${name}: '${s}'`, 500);
      }
      return s;
    }
    case 'char':
    case 'text':
    case 'html':
      return String(v);
    default:
      return v;
  }
}

function applyDefault(env: Env, f: FieldDef, vals: Record<string, unknown>): unknown {
  return typeof f.default === 'function' ? (f.default as (e: Env, v: Record<string, unknown>) => unknown)(env, vals) : f.default;
}

/**
 * Creates records. Odoo 17+: `create` takes a list of dicts; execute_kw turns the result into
 * an id for a single dict and a list of ids for a list (api.py _call_kw_model_create).
 */
export function createRecords(env: Env, model: string, valsList: Record<string, unknown>[]): Row[] {
  const def = env.registry.model(model);
  checkAccess(env, def, 'create');
  const created: Row[] = [];
  for (const input of valsList) {
    if (!input || typeof input !== 'object' || Array.isArray(input)) {
      throw new OdooError('builtins.TypeError', 'create() values must be a dict or a list of dicts', 422);
    }
    const vals: Record<string, unknown> = { ...input };
    for (const k of Object.keys(vals)) requireField(env, model, k);
    // Context defaults first (default_pick_ids, default_move_type ...), then field defaults.
    for (const [k, v] of Object.entries(env.context)) {
      if (k.startsWith('default_')) {
        const fname = k.slice(8);
        if (fieldOf(env, model, fname) && !(fname in vals)) vals[fname] = v;
      }
    }
    for (const [name, f] of Object.entries(def.fields)) {
      if (!(name in vals) && f.default !== undefined && !f.compute && fieldOf(env, model, name)) vals[name] = applyDefault(env, f, vals);
    }
    def.beforeCreate?.(env, vals);
    const { stored, relational } = splitVals(env, model, vals);
    const row = env.db.insert(model, {
      ...stored, create_date: env.stamp, write_date: env.stamp, create_uid: env.uid, write_uid: env.uid,
    });
    applyRelational(env, model, row, relational);
    checkRequired(env, model, def, row);
    def.afterCreate?.(env, row, vals);
    created.push(row);
  }
  def.constrain?.(env, created.map((r) => env.db.get(model, r.id)!));
  return created.map((r) => env.db.get(model, r.id)!);
}

export function writeRecords(env: Env, model: string, ids: number[], input: Record<string, unknown>): void {
  const def = env.registry.model(model);
  checkAccess(env, def, 'write');
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new OdooError('builtins.TypeError', 'write() values must be a dict', 422);
  }
  for (const k of Object.keys(input)) requireField(env, model, k);
  const rows = browse(env, model, ids);
  const vals = { ...input };
  def.beforeWrite?.(env, rows, vals);
  const { stored, relational } = splitVals(env, model, vals);
  for (const row of rows) {
    env.db.update(model, row.id, { ...stored, write_date: env.stamp, write_uid: env.uid });
    applyRelational(env, model, env.db.get(model, row.id)!, relational);
    checkRequired(env, model, def, env.db.get(model, row.id)!);
  }
  const fresh = rows.map((r) => env.db.get(model, r.id)!);
  def.afterWrite?.(env, fresh, vals);
  def.constrain?.(env, fresh);
}

/** Stamps write_date/write_uid on rows changed by a workflow method (Odoo does it in _write). */
export function touchRecords(env: Env, model: string, ids: number[], vals: Record<string, unknown> = {}): void {
  for (const id of ids) env.db.update(model, id, { ...vals, write_date: env.stamp, write_uid: env.uid });
}

export function unlinkRecords(env: Env, model: string, ids: number[]): void {
  const def = env.registry.model(model);
  checkAccess(env, def, 'unlink');
  // Odoo 17/18: unlink of ids already gone is not an error (the DELETE just hits no row).
  const rows = existing(env, model, ids);
  if (!rows.length) return;
  def.beforeUnlink?.(env, rows);
  const gone = new Set(rows.map((r) => r.id));
  for (const id of gone) env.db.delete(model, id);
  // ondelete: cascade the children, null the others (foreign keys in the real database).
  for (const [other, odef] of env.registry.models) {
    for (const [fname, f] of Object.entries(odef.fields)) {
      if (f.relation !== model || f.compute) continue;
      if (f.type === 'many2one') {
        const hit = env.db.rows(other).filter((r) => gone.has(r[fname] as number));
        if (!hit.length) continue;
        if (f.ondelete === 'cascade') unlinkRecords({ ...env, uid: 1 }, other, hit.map((r) => r.id));
        else if (f.ondelete === 'restrict') throw userError(`The record ${displayNameOf(env, other, hit[0].id)} references the record being deleted.`);
        else for (const r of hit) env.db.update(other, r.id, { [fname]: false });
      } else if (f.type === 'many2many') {
        for (const r of env.db.rows(other)) {
          const cur = (r[fname] as number[] | undefined) ?? [];
          if (cur.some((id) => gone.has(id))) env.db.update(other, r.id, { [fname]: cur.filter((id) => !gone.has(id)) });
        }
      }
    }
  }
  // External ids go with their records (ir.model.data rows are deleted by Odoo's unlink).
  if (model !== 'ir.model.data') {
    for (const id of gone) {
      for (const x of env.db.where('ir.model.data', 'res_id', id)) if (x.model === model) env.db.delete('ir.model.data', x.id);
    }
  }
}

function checkRequired(env: Env, model: string, def: ModelDef, row: Row): void {
  for (const [name, f] of Object.entries(def.fields)) {
    if (!f.required || f.compute || !fieldOf(env, model, name)) continue;
    const v = row[name];
    if (v === undefined || v === null || v === false || v === '') {
      throw mandatoryFieldError(def.description, model, f.string, name);
    }
  }
}

function splitVals(env: Env, model: string, vals: Record<string, unknown>) {
  const stored: Record<string, unknown> = {};
  const relational: [string, FieldDef, unknown][] = [];
  for (const [k, v] of Object.entries(vals)) {
    if (k === 'id' || k === 'display_name') continue;
    const f = requireField(env, model, k);
    // Writes to computed fields without an inverse are ignored, as Odoo does (with a warning).
    if (f.compute || f.readonly && ['create_date', 'write_date', 'create_uid', 'write_uid'].includes(k)) continue;
    if (f.type === 'one2many' || f.type === 'many2many') relational.push([k, f, v]);
    else stored[k] = convert(env, model, k, f, v);
  }
  return { stored, relational };
}

/** x2many commands: [0,0,vals] create, [1,id,vals] update, [2,id] delete, [3,id] unlink, [4,id] link, [5] clear, [6,0,ids] set. */
function applyRelational(env: Env, model: string, row: Row, relational: [string, FieldDef, unknown][]): void {
  for (const [name, f, raw] of relational) {
    const commands = normalizeCommands(raw);
    if (f.type === 'many2many') {
      let ids = [...((row[name] as number[] | undefined) ?? [])];
      for (const c of commands) {
        const [op, id, v] = c;
        if (op === 0) ids.push(createRecords(env, f.relation!, [v as Record<string, unknown>])[0].id);
        else if (op === 1) writeRecords(env, f.relation!, [id as number], v as Record<string, unknown>);
        else if (op === 2) { ids = ids.filter((x) => x !== id); unlinkRecords(env, f.relation!, [id as number]); }
        else if (op === 3) ids = ids.filter((x) => x !== id);
        else if (op === 4) { browse(env, f.relation!, [id as number]); if (!ids.includes(id as number)) ids.push(id as number); }
        else if (op === 5) ids = [];
        else if (op === 6) { ids = [...new Set(v as number[])]; browse(env, f.relation!, ids); }
      }
      env.db.update(model, row.id, { [name]: ids });
    } else {
      const inv = f.inverse!;
      for (const c of commands) {
        const [op, id, v] = c;
        if (op === 0) createRecords(env, f.relation!, [{ ...(v as Record<string, unknown>), [inv]: row.id }]);
        else if (op === 1) writeRecords(env, f.relation!, [id as number], v as Record<string, unknown>);
        // An one2many's inverse is required on every model we keep, so unlinking deletes, as in Odoo.
        else if (op === 2 || op === 3) unlinkRecords(env, f.relation!, [id as number]);
        else if (op === 4) writeRecords(env, f.relation!, [id as number], { [inv]: row.id });
        else if (op === 5) unlinkRecords(env, f.relation!, valueOf(env, model, row, name) as number[]);
        else if (op === 6) {
          const keep = new Set(v as number[]);
          const cur = valueOf(env, model, row, name) as number[];
          unlinkRecords(env, f.relation!, cur.filter((x) => !keep.has(x)));
          for (const x of keep) writeRecords(env, f.relation!, [x], { [inv]: row.id });
        }
      }
    }
  }
}

function normalizeCommands(raw: unknown): [number, unknown, unknown][] {
  if (raw === false || raw === null || raw === undefined) return [[5, 0, 0]];
  if (!Array.isArray(raw)) throw new OdooError('builtins.ValueError', `Wrong value for x2many: ${JSON.stringify(raw)}`, 500);
  // A bare list of ids means "set" (accepted by Odoo for many2many).
  if (raw.every((x) => typeof x === 'number')) return [[6, 0, raw]];
  return raw.map((c) => {
    if (!Array.isArray(c) || typeof c[0] !== 'number' || c[0] < 0 || c[0] > 6) {
      throw new OdooError('builtins.ValueError', `Wrong x2many command: ${JSON.stringify(c)}`, 500);
    }
    return [c[0], c[1], c[2]] as [number, unknown, unknown];
  });
}
