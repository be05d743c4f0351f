import { noSenderEmail, OdooError, unknownMethod } from '../rpc-errors';
import { hasModelAccess, modelAccessError, type Operation } from './access';
import { loadRecords } from './load';
import {
  browse, checkAccess, createRecords, existing, fieldOf, readableFields, readRows, unlinkRecords, writeRecords,
  displayName,
} from './records';
import { searchRows } from './search';
import type { Env, MethodDef } from './types';

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null || v === false ? [] : [v]);
const fieldsArg = (v: unknown): string[] | undefined => (Array.isArray(v) && v.length ? (v as string[]) : undefined);

/**
 * The public BaseModel methods every model answers (Odoo 17/18 signatures, so positional and
 * named arguments map the same way as in Python). Model-specific methods live with their model.
 */
export const ORM_METHODS: Record<string, MethodDef> = {
  create: {
    params: ['vals_list'], required: ['vals_list'], onRecords: false, writes: true,
    fn: (env, model, { args }) => {
      const v = args.vals_list;
      const rows = createRecords(env, model, Array.isArray(v) ? v as Record<string, unknown>[] : [v as Record<string, unknown>]);
      // api.py _call_kw_model_create: a single dict gives an id, a list gives ids.
      return Array.isArray(v) ? rows.map((r) => r.id) : rows[0].id;
    },
  },
  write: {
    params: ['vals'], required: ['vals'], onRecords: true, writes: true,
    fn: (env, model, { ids, args }) => { writeRecords(env, model, ids, args.vals as Record<string, unknown>); return true; },
  },
  unlink: {
    params: [], onRecords: true, writes: true,
    fn: (env, model, { ids }) => { unlinkRecords(env, model, ids); return true; },
  },
  read: {
    params: ['fields', 'load'], onRecords: true,
    fn: (env, model, { ids, args }) => {
      checkAccess(env, env.registry.model(model), 'read');
      // Missing ids are dropped silently (ODOO-NOTES §3.1: read of a deleted id → []).
      return readRows(env, model, existing(env, model, ids), fieldsArg(args.fields), args.load !== null && args.load !== false);
    },
  },
  search: {
    params: ['domain', 'offset', 'limit', 'order'], required: ['domain'], onRecords: false,
    fn: (env, model, { args }) => searchRows(env, model, args.domain, args).map((r) => r.id),
  },
  search_read: {
    params: ['domain', 'fields', 'offset', 'limit', 'order', 'load'], onRecords: false,
    fn: (env, model, { args }) => {
      const fields = fieldsArg(args.fields);
      // Fields are checked before searching, like Odoo (ValueError "Invalid field ... on model").
      readRows(env, model, [], fields);
      return readRows(env, model, searchRows(env, model, args.domain, args), fields, args.load !== null && args.load !== false);
    },
  },
  search_count: {
    params: ['domain', 'limit'], required: ['domain'], onRecords: false,
    fn: (env, model, { args }) => searchRows(env, model, args.domain, { limit: args.limit }).length,
  },
  name_search: {
    // 18 names the second parameter `domain` (17: `args`); both accepted here.
    params: ['name', 'domain', 'operator', 'limit'], onRecords: false,
    fn: (env, model, { args }) => {
      const name = typeof args.name === 'string' ? args.name : '';
      const domain = [...list(args.domain ?? args.args)];
      if (name) domain.push(['display_name' in env.registry.model(model).fields ? 'name' : 'name', args.operator ?? 'ilike', name]);
      const rows = searchRows(env, model, domain.length ? domain : [], { limit: typeof args.limit === 'number' ? args.limit : 100 });
      return rows.map((r) => [r.id, displayName(env, model, r)]);
    },
  },
  fields_get: {
    params: ['allfields', 'attributes'], onRecords: false,
    fn: (env, model, { args }) => {
      const def = env.registry.model(model);
      const wanted = fieldsArg(args.allfields);
      const attrs = fieldsArg(args.attributes);
      const out: Record<string, Record<string, unknown>> = {};
      // Unknown names in allfields are silently left out (ODOO-NOTES §8: feature detection).
      for (const name of wanted ?? readableFields(env, model)) {
        const f = fieldOf(env, model, name);
        if (!f) continue;
        const full: Record<string, unknown> = {
          type: f.type, string: f.string, required: !!f.required, readonly: !!f.readonly || !!f.compute,
          store: !f.compute && f.type !== 'one2many', searchable: true, sortable: !f.compute,
          name,
        };
        if (f.relation) full.relation = f.relation;
        if (f.inverse) full.relation_field = f.inverse;
        if (f.selection) full.selection = f.selection;
        out[name] = attrs ? Object.fromEntries(attrs.filter((a) => a in full).map((a) => [a, full[a]])) : full;
      }
      void def;
      return out;
    },
  },
  load: {
    params: ['fields', 'data'], required: ['fields', 'data'], onRecords: false, writes: true,
    fn: (env, model, { args }) => loadRecords(env, model, args.fields, args.data),
  },
  exists: {
    params: [], onRecords: true,
    fn: (env, model, { ids }) => existing(env, model, ids).map((r) => r.id),
  },
  // 18: the side-effect-free way to ask for a right (on no ids: the model's ACL only). 17 lacks it.
  has_access: {
    params: ['operation'], required: ['operation'], onRecords: true,
    fn: (env, model, { args }) => {
      if (env.version < 18) throw unknownMethod(model, 'has_access', env.version);
      return hasModelAccess(env, env.registry.model(model), operationArg(args.operation));
    },
  },
  check_access: {
    params: ['operation'], required: ['operation'], onRecords: true,
    fn: (env, model, { args }) => {
      if (env.version < 18) throw unknownMethod(model, 'check_access', env.version);
      const def = env.registry.model(model);
      const op = operationArg(args.operation);
      if (!hasModelAccess(env, def, op)) throw modelAccessError(def, op);
      return null;
    },
  },
  // Deprecated in 18 (Odoo logs a DeprecationWarning for every call), the way in 17.
  check_access_rights: {
    params: ['operation', 'raise_exception'], required: ['operation'], onRecords: false,
    fn: (env, model, { args }) => {
      const def = env.registry.model(model);
      const op = operationArg(args.operation);
      const ok = hasModelAccess(env, def, op);
      if (!ok && args.raise_exception !== false) throw modelAccessError(def, op);
      return env.version >= 18 && args.raise_exception !== false ? null : ok;
    },
  },
  // Who created/changed the records and their external ids, read with sudo on ir.model.data:
  // how a user who may not read ir.model.data learns a record's xmlid without an error on a miss.
  get_metadata: {
    params: [], onRecords: true,
    fn: (env, model, { ids }) => {
      checkAccess(env, env.registry.model(model), 'read');
      return existing(env, model, ids).map((r) => {
        const xmlids = env.db.where('ir.model.data', 'res_id', r.id).filter((x) => x.model === model)
          .sort((a, b) => a.id - b.id).map((x) => ({ xmlid: `${x.module as string}.${x.name as string}`, noupdate: !!x.noupdate }));
        const user = (uid: unknown) => (typeof uid === 'number' && env.db.get('res.users', uid) ? [uid, displayName(env, 'res.users', env.db.get('res.users', uid)!)] : false);
        return {
          id: r.id, create_uid: user(r.create_uid), create_date: r.create_date ?? false, write_uid: user(r.write_uid), write_date: r.write_date ?? false,
          xmlid: xmlids[0]?.xmlid ?? false, noupdate: xmlids[0]?.noupdate ?? false, xmlids,
        };
      });
    },
  },
  default_get: {
    params: ['fields_list'], required: ['fields_list'], onRecords: false,
    fn: (env, model, { args }) => {
      const def = env.registry.model(model);
      const out: Record<string, unknown> = {};
      for (const name of list(args.fields_list) as string[]) {
        const f = fieldOf(env, model, name);
        if (!f) continue;
        const ctxDefault = env.context[`default_${name}`];
        if (ctxDefault !== undefined) out[name] = ctxDefault;
        else if (f.default !== undefined) out[name] = typeof f.default === 'function' ? (f.default as (e: Env, v: object) => unknown)(env, {}) : f.default;
      }
      void def;
      return out;
    },
  },
};

function operationArg(v: unknown): Operation {
  if (v === 'read' || v === 'write' || v === 'create' || v === 'unlink') return v;
  // ir.model.access.check: assert mode in ACCESS_MODES, 'Invalid access mode' (18).
  throw new OdooError('builtins.AssertionError', 'Invalid access mode', 500);
}

/**
 * A chatter message on a record (mail.thread message_post), as the current user: the user's
 * partner is the author and needs an email address unless the superuser posts (18
 * _message_compute_author). Returns the new mail.message.
 */
export function postMessage(env: Env, model: string, resId: number, vals: { body: string; subject?: unknown; message_type?: unknown; subtype_xmlid?: unknown }): number {
  const author = env.db.get('res.users', env.uid)?.partner_id as number | undefined;
  if (env.uid !== 1 && !env.db.get('res.partner', author ?? 0)?.email) throw noSenderEmail();
  const [msg] = createRecords({ ...env, context: {} }, 'mail.message', [{
    model, res_id: resId, body: vals.body, subject: vals.subject ?? false, message_type: vals.message_type ?? 'notification',
    subtype_xmlid: vals.subtype_xmlid ?? 'mail.mt_note', author_id: author ?? false,
  }]);
  return msg.id;
}

/** mail.thread's message_post: an audit note on the record's chatter; returns the new message id. */
export const MESSAGE_POST: MethodDef = {
  params: ['body', 'subject', 'message_type', 'subtype_xmlid', 'partner_ids', 'body_is_html'], onRecords: true, writes: true,
  fn: (env, model, { ids, args }) => {
    const rows = browse(env, model, ids);
    if (rows.length !== 1) {
      throw new OdooError('builtins.ValueError', `Expected singleton: ${model}(${ids.join(', ')}${ids.length === 1 ? ',' : ''})`, 500);
    }
    return postMessage(env, model, rows[0].id, {
      body: typeof args.body === 'string' ? args.body : '', subject: args.subject, message_type: args.message_type, subtype_xmlid: args.subtype_xmlid,
    });
  },
};
