import { OdooError } from '../rpc-errors';
import { createRecords, fieldOf, writeRecords } from './records';
import { searchRows } from './search';
import type { Env, FieldDef } from './types';
import { resolveXmlid, setXmlid } from './xmlid';

/**
 * BaseModel.load(fields, data), Odoo 17/18 (odoo/models.py `load`): the import used as an atomic
 * upsert keyed by external ids (ODOO-NOTES §4).
 * - `id` is the record's xmlid: found → write, else create and register the xmlid.
 * - `field/id` resolves a many2one by xmlid, `field/.id` by database id, plain `field` by name.
 * - `o2m/sub` columns describe lines; a row whose non-line columns are all empty continues the
 *   record above. Lines with an `o2m/id` that exists are updated, every other line is CREATED —
 *   so re-loading without line ids duplicates the lines, as on a real Odoo (86 → 172).
 * - Errors are returned as messages with `ids: false`, and nothing at all is written. A value
 *   that does not convert is reported and left out, and the record is still tried, so a
 *   required field that did not convert is reported twice, as Odoo 18 does ("No matching
 *   record ..." then "Missing required value for the field 'Customer' (partner_id)").
 */
interface Column { index: number; parts: string[] }
interface Message { type: 'error'; message: string; record: number; rows: { from: number; to: number }; field?: string; field_name?: string }

export function loadRecords(env: Env, model: string, fieldsArg: unknown, dataArg: unknown): { ids: number[] | false; messages: Message[]; nextrow: number } {
  if (!Array.isArray(fieldsArg) || !Array.isArray(dataArg)) {
    throw new OdooError('builtins.TypeError', 'load() expects a list of field names and a list of rows', 422);
  }
  const columns: Column[] = fieldsArg.map((f, index) => ({ index, parts: String(f).split('/') }));
  const messages: Message[] = [];
  for (const c of columns) {
    const head = c.parts[0];
    if (head !== 'id' && head !== '.id' && !fieldOf(env, model, head)) {
      messages.push(msg(`Invalid field '${c.parts.join('/')}' on model '${model}'`, 0, 0, dataArg.length - 1, head));
    }
  }
  if (messages.length) return { ids: false, messages, nextrow: 0 };

  const isLine = (c: Column) => fieldOf(env, model, c.parts[0])?.type === 'one2many' && c.parts.length > 1;
  const top = columns.filter((c) => !isLine(c));
  const lineCols = columns.filter(isLine);
  const rows = dataArg as unknown[][];
  const records: { from: number; to: number }[] = [];
  rows.forEach((row, i) => {
    const starts = top.some((c) => !empty(row[c.index]));
    if (starts || !records.length) records.push({ from: i, to: i });
    else records[records.length - 1].to = i;
  });

  const ids: number[] = [];
  records.forEach((rec, recordIndex) => {
    const problems: LoadError[] = [];
    try {
      ids.push(loadOne(env, model, top, lineCols, rows, rec, problems));
    } catch (err) {
      if (!(err instanceof LoadError) && !(err instanceof OdooError)) throw err;
      problems.push(err instanceof LoadError ? err : asLoadProblem(model, err));
    }
    for (const p of problems) messages.push(msg(p.message, recordIndex, rec.from, rec.to, p.field, p.fieldLabel));
  });
  if (messages.length) {
    env.db.rollbackInPlace();
    return { ids: false, messages, nextrow: 0 };
  }
  return { ids, messages: [], nextrow: 0 };
}

class LoadError extends Error {
  constructor(message: string, readonly field: string, readonly fieldLabel?: string) { super(message); }
}

/** A write error as load() words it: NOT NULL violations by convert_pgerror_not_null (18). */
function asLoadProblem(model: string, err: OdooError, onModel = model): LoadError {
  const f = err.missingField;
  if (!f) return new LoadError(err.message, '');
  if (onModel !== model) {
    return new LoadError(`Missing required value for the field '${f.name}' on a linked model [${onModel.replace(/\./g, '_')}]`, '');
  }
  return new LoadError(`Missing required value for the field '${f.label}' (${f.name})`, f.name);
}

function msg(message: string, record: number, from: number, to: number, field: string, fieldLabel?: string): Message {
  // An error that is not about one field (an AccessError) comes without `field`.
  return { type: 'error', message, record, rows: { from, to }, ...(field ? { field } : {}), ...(fieldLabel ? { field_name: fieldLabel } : {}) };
}

const empty = (v: unknown) => v === undefined || v === null || v === '' || v === false;

function loadOne(env: Env, model: string, top: Column[], lineCols: Column[], rows: unknown[][], rec: { from: number; to: number }, problems: LoadError[]): number {
  const first = rows[rec.from];
  const { vals, xmlid, dbId } = convertColumns(env, model, top, first, 0, problems);
  let id: number | undefined;
  if (xmlid) id = resolveXmlid(env, xmlid, model)?.id;
  if (dbId !== undefined) id = dbId;
  if (id !== undefined) writeRecords(env, model, [id], vals);
  else {
    id = createRecords(env, model, [vals])[0].id;
    if (xmlid) setXmlid(env, xmlid, model, id);
  }

  // Lines, grouped by their o2m field.
  const byField = new Map<string, Column[]>();
  for (const c of lineCols) byField.set(c.parts[0], [...(byField.get(c.parts[0]) ?? []), c]);
  for (const [fname, cols] of byField) {
    const f = fieldOf(env, model, fname)!;
    for (let i = rec.from; i <= rec.to; i++) {
      const row = rows[i];
      if (cols.every((c) => empty(row[c.index]))) continue;
      const sub = convertColumns(env, f.relation!, cols, row, 1, problems);
      const lineId = sub.dbId ?? (sub.xmlid ? resolveXmlid(env, sub.xmlid, f.relation!)?.id : undefined);
      try {
        if (lineId !== undefined) writeRecords(env, f.relation!, [lineId], sub.vals);
        else {
          const line = createRecords(env, f.relation!, [{ ...sub.vals, [f.inverse!]: id }])[0];
          if (sub.xmlid) setXmlid(env, sub.xmlid, f.relation!, line.id);
        }
      } catch (err) {
        if (!(err instanceof OdooError)) throw err;
        throw asLoadProblem(model, err, f.relation!);
      }
    }
  }
  return id;
}

function convertColumns(env: Env, model: string, cols: Column[], row: unknown[], depth: number, problems: LoadError[]) {
  const vals: Record<string, unknown> = {};
  let xmlid: string | undefined;
  let dbId: number | undefined;
  for (const c of cols) {
    const raw = row[c.index];
    if (empty(raw)) continue;
    const [name, sub] = c.parts.slice(depth);
    if (name === 'id') { xmlid = String(raw); continue; }
    if (name === '.id') { dbId = Number(raw); continue; }
    const f = fieldOf(env, model, name);
    if (!f) throw new LoadError(`Invalid field '${c.parts.join('/')}' on model '${model}'`, name);
    try {
      vals[name] = convertCell(env, name, f, sub, raw);
    } catch (err) {
      // Reported, and the record is tried without the value (odoo/addons/base/models/ir_fields.py).
      if (!(err instanceof LoadError)) throw err;
      problems.push(err);
    }
  }
  return { vals, xmlid, dbId };
}

function convertCell(env: Env, name: string, f: FieldDef, sub: string | undefined, raw: unknown): unknown {
  if (f.type === 'many2one' || f.type === 'many2many') {
    const refs = f.type === 'many2many' ? String(raw).split(',').map((s) => s.trim()).filter(Boolean) : [String(raw)];
    const ids = refs.map((ref) => resolveRef(env, name, f, sub, ref));
    return f.type === 'many2one' ? ids[0] : [[6, 0, ids]];
  }
  if (f.type === 'boolean' && typeof raw === 'string') return ['1', 'true', 'yes', 't'].includes(raw.trim().toLowerCase());
  if ((f.type === 'integer' || f.type === 'float' || f.type === 'monetary') && typeof raw === 'string') {
    const n = Number(raw);
    if (Number.isNaN(n)) throw new LoadError(`'${raw}' does not seem to be a number for field '${f.string}'`, name, f.string);
    return n;
  }
  if (f.type === 'selection' && typeof raw === 'string') {
    const hit = f.selection?.find(([k, label]) => k === raw || label.toLowerCase() === raw.toLowerCase());
    if (!hit) throw new LoadError(`Value '${raw}' not found in selection field '${f.string}'`, name, f.string);
    return hit[0];
  }
  return raw;
}

function resolveRef(env: Env, name: string, f: FieldDef, sub: string | undefined, ref: string): number {
  if (sub === 'id') {
    const hit = resolveXmlid(env, ref, f.relation!);
    if (!hit) throw new LoadError(`No matching record found for external id '${ref}' in field '${f.string}'`, name, f.string);
    return hit.id;
  }
  if (sub === '.id') {
    const id = Number(ref);
    if (!Number.isInteger(id) || !env.db.get(f.relation!, id)) {
      throw new LoadError(`No matching record found for database id '${ref}' in field '${f.string}'`, name, f.string);
    }
    return id;
  }
  // By name, like name_search(name, operator='=') in the import's db_id_for.
  const hits = searchRows(env, f.relation!, [['name', '=', ref]], { limit: 2 });
  if (!hits.length) throw new LoadError(`No matching record found for name '${ref}' in field '${f.string}'`, name, f.string);
  return hits[0].id;
}
