import type { Row } from '../store';
import type { Env } from './types';

/**
 * External ids (ir.model.data), as the ORM uses them internally: with superuser rights, the way
 * load() and check_object_reference work for a non-admin bot (ODOO-NOTES §2, §4).
 */
export function splitXmlid(full: string): { module: string; name: string } {
  const dot = full.indexOf('.');
  // load() puts an id without a module under __import__ (Odoo 17/18 base_import convention).
  return dot < 0 ? { module: '__import__', name: full } : { module: full.slice(0, dot), name: full.slice(dot + 1) };
}

export function findXmlid(env: Env, full: string): Row | undefined {
  const { module, name } = splitXmlid(full);
  return env.db.where('ir.model.data', 'name', name).find((r) => r.module === module);
}

/** The record an xmlid names, if both exist. */
export function resolveXmlid(env: Env, full: string, model?: string): { model: string; id: number } | undefined {
  const x = findXmlid(env, full);
  if (!x) return undefined;
  if (model && x.model !== model) return undefined;
  if (!env.db.get(x.model as string, x.res_id as number)) return undefined;
  return { model: x.model as string, id: x.res_id as number };
}

export function setXmlid(env: Env, full: string, model: string, resId: number, noupdate = false): void {
  const { module, name } = splitXmlid(full);
  const existing = findXmlid(env, full);
  if (existing) {
    env.db.update('ir.model.data', existing.id, { model, res_id: resId, write_date: env.stamp });
    return;
  }
  env.db.insert('ir.model.data', {
    module, name, model, res_id: resId, noupdate,
    create_date: env.stamp, write_date: env.stamp, create_uid: env.uid, write_uid: env.uid,
  });
}
