import { findMethod } from './models';
import type { Env, MethodDef, Registry } from './orm/types';
import {
  accessDenied, keyError, OdooError, operationalError, privateMethod, typeError, unknownMethod,
} from './rpc-errors';
import type { Store } from './store';

export const DB_NAME = 'sandbox';

export interface Core {
  store: Store;
  registry: Registry;
  version: 17 | 18 | 19;
  /** Current time; tests may pin it to make several calls share one second. */
  now(): Date;
  /** Test hook (faults.slowTransactions): the next calls act as transactions that began this long ago. */
  slow?: { seconds: number; calls: number };
}

/** 'YYYY-MM-DD HH:MM:SS' in UTC: Odoo's datetime format, second precision. */
export function odooDatetime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

let lastStamp = '';
/**
 * 'YYYY-MM-DD HH:MM:SS.ffffff': how PostgreSQL keeps Odoo's write_date. Two calls never share a
 * microsecond unless the clock is pinned (a pinned clock gives the same second, later microseconds).
 */
export function odooStamp(d: Date): string {
  const ms = d.toISOString().slice(0, 23).replace('T', ' ');
  let stamp = `${ms}${String(Number(process.hrtime.bigint() % 1000n)).padStart(3, '0')}`;
  if (stamp.slice(0, 19) === lastStamp.slice(0, 19) && stamp <= lastStamp) {
    const micro = Number(lastStamp.slice(20)) + 1;
    if (micro < 1e6) stamp = `${lastStamp.slice(0, 20)}${String(micro).padStart(6, '0')}`;
  }
  lastStamp = stamp;
  return stamp;
}

/** The start of a call's transaction: now, or earlier while a test makes transactions slow. */
function transactionStart(core: Core): Date {
  const now = core.now();
  if (!core.slow || core.slow.calls <= 0) return now;
  core.slow.calls--;
  return new Date(now.getTime() - core.slow.seconds * 1000);
}

export function versionInfo(version: 17 | 18 | 19) {
  return {
    server_version: `${version}.0`,
    server_version_info: [version, 0, 0, 'final', 0, ''],
    server_serie: `${version}.0`,
    protocol_version: 1,
  };
}

/** The uid for a login and a password or API key (keys are accepted in place of passwords since 14.0), else undefined. */
export function authenticate(core: Core, login: unknown, secret: unknown): number | undefined {
  if (typeof login !== 'string' || typeof secret !== 'string') return undefined;
  const user = core.store.rows('res.users').find((u) => u.login === login && u.active !== false);
  return user && checkSecret(user, secret) ? user.id : undefined;
}

function checkSecret(user: Record<string, unknown>, secret: string): boolean {
  return (typeof user._password === 'string' && user._password === secret)
    || (Array.isArray(user._api_keys) && (user._api_keys as string[]).includes(secret));
}

/** The uid an API key belongs to (JSON-2 bearer auth). */
export function uidForKey(core: Core, key: string): number | undefined {
  return core.store.rows('res.users').find((u) => u.active !== false && Array.isArray(u._api_keys) && (u._api_keys as string[]).includes(key))?.id;
}

function checkDb(db: unknown): void {
  if (db !== DB_NAME) {
    throw operationalError(`connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "${String(db)}" does not exist\n`);
  }
}

/** execute_kw re-checks the credentials on every call (odoo/service/security.py check). */
function checkCredentials(core: Core, uid: unknown, secret: unknown): number {
  const user = typeof uid === 'number' ? core.store.get('res.users', uid) : undefined;
  if (!user || user.active === false || typeof secret !== 'string' || !checkSecret(user, secret)) throw accessDenied();
  return uid as number;
}

/** JSON-RPC `/jsonrpc` services (Odoo 17/18 odoo/service/{common,model,db}.py). */
export function dispatchService(core: Core, service: unknown, method: unknown, args: unknown[]): unknown {
  switch (service) {
    case 'common':
      return common(core, String(method), args);
    case 'object': {
      if (method === 'execute_kw') {
        const [db, uid, pw, model, meth, a, kw] = args;
        checkDb(db);
        const realUid = checkCredentials(core, uid, pw);
        return callMethod(core, realUid, String(model), String(meth), (a as unknown[] | undefined) ?? [], (kw as Record<string, unknown> | undefined) ?? {});
      }
      if (method === 'execute') {
        const [db, uid, pw, model, meth, ...rest] = args;
        checkDb(db);
        const realUid = checkCredentials(core, uid, pw);
        return callMethod(core, realUid, String(model), String(meth), rest, {});
      }
      throw new OdooError('builtins.NameError', `Method not available ${String(method)}`, 500);
    }
    case 'db':
      if (method === 'list') return [DB_NAME];
      if (method === 'server_version') return `${core.version}.0`;
      throw accessDenied();
    default:
      throw keyError(String(service));
  }
}

function common(core: Core, method: string, args: unknown[]): unknown {
  switch (method) {
    case 'version':
      // Answers without touching the database (it does so even when PostgreSQL is down, ODOO-NOTES §1.1).
      return versionInfo(core.version);
    case 'about':
      return args[0] ? ['See http://openerp.com', `${core.version}.0`] : 'See http://openerp.com';
    case 'login':
    case 'authenticate': {
      const [db, login, password] = args;
      checkDb(db);
      // Bad credentials give false, not an error (ODOO-NOTES §2).
      return authenticate(core, login, password) ?? false;
    }
    default:
      throw keyError(`exp_${method}`);
  }
}

/**
 * One model method call as one transaction (odoo/service/model.py execute_kw → api.call_kw).
 * `args` are positional: for methods on records the first one is the ids. `kwargs` may hold
 * `context`. Checks follow Odoo's order: model, private name, method existence, arguments.
 */
export function callMethod(core: Core, uid: number, model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): unknown {
  const def = core.registry.model(model);
  if (method.startsWith('_')) throw privateMethod(model, method, core.version);
  const m = findMethod(def, method);
  if (!m) throw unknownMethod(model, method, core.version);
  const { context, ...named } = kwargs;
  const positional = [...args];
  const ids = m.onRecords ? toIds(positional.shift()) : [];
  return invoke(core, uid, model, method, m, ids, bindArgs(method, m, positional, named), (context as Record<string, unknown>) ?? {});
}

/** JSON-2 (19): named arguments only, ids and context beside them. */
export function callMethodNamed(core: Core, uid: number, model: string, method: string, body: Record<string, unknown>): unknown {
  const def = core.registry.model(model);
  if (method.startsWith('_')) throw privateMethod(model, method, core.version);
  const m = findMethod(def, method);
  if (!m) throw unknownMethod(model, method, core.version);
  const { ids, context, ...named } = body;
  return invoke(core, uid, model, method, m, toIds(ids ?? []), bindArgs(method, m, [], named), (context as Record<string, unknown>) ?? {});
}

function invoke(core: Core, uid: number, model: string, method: string, m: MethodDef, ids: number[], args: Record<string, unknown>, context: Record<string, unknown>): unknown {
  return core.store.transaction(() => {
    const start = transactionStart(core);
    const env: Env = { db: core.store, registry: core.registry, uid, context, now: odooDatetime(core.now()), stamp: odooStamp(start), version: core.version };
    void method;
    return m.fn(env, model, { ids, args });
  });
}

function toIds(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  if (v === undefined || v === null || v === false) return [];
  throw typeError(`ids must be a list of integers, got ${JSON.stringify(v)}`);
}

/** Python's argument binding: positional by order, then by name; unknown or missing → TypeError. */
function bindArgs(method: string, m: MethodDef, positional: unknown[], named: Record<string, unknown>): Record<string, unknown> {
  const selfCount = 1;
  if (positional.length > m.params.length) {
    throw typeError(`${method}() takes ${m.params.length + selfCount} positional arguments but ${positional.length + selfCount} were given`);
  }
  const out: Record<string, unknown> = {};
  positional.forEach((v, i) => { out[m.params[i]] = v; });
  for (const [k, v] of Object.entries(named)) {
    if (!m.params.includes(k)) throw typeError(`${method}() got an unexpected keyword argument '${k}'`);
    if (k in out) throw typeError(`${method}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  const missing = (m.required ?? []).filter((p) => !(p in out));
  if (missing.length) {
    throw typeError(`${method}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${missing.map((p) => `'${p}'`).join(' and ')}`);
  }
  return out;
}
