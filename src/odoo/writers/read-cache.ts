import type { OdooClient } from '../client/odoo-client';

/**
 * Models whose records a writer only looks up (customers and addresses, products, units,
 * pricelists, warehouses, the company) and which a file's orders ask for again and again.
 */
const LOOKED_UP = new Set(['res.partner', 'res.company', 'product.product', 'product.pricelist', 'stock.warehouse', 'uom.uom']);

/** Answers a long-kept client holds at most. */
const MAX_KEPT = 2000;

const READS = new Set(['search', 'search_read', 'search_count', 'read', 'fields_get', 'name_search', 'get_metadata', 'check_object_reference']);

/**
 * The client, with the lookups of LOOKED_UP models remembered for as long as it is kept: one file's
 * orders through the odoo stage, where the same customer, addresses, pricelist and units would
 * otherwise be read once per order. A search that found nothing is not remembered (the address a
 * writer is about to create, a product a person adds while the exception waits), nor a failed
 * call; a write to one of these models forgets everything. Answers are shared: callers must not
 * change them (the writers only read them).
 *
 * With a ttlMs, the odoo stage keeps one for all its messages (the customer, the warehouse, the
 * company's currency, units and pricelists read once a minute, not once a message), leaving
 * product searches out: a search for several items that found some would hide, until it expires,
 * an item a person has just added in Odoo to fix an exception.
 */
export interface LookupCacheOptions {
  /** How long an answer is kept; unset, for as long as the client is. */
  ttlMs?: number;
  /** Models whose searches are not remembered (reads by id still are). */
  searchesNotKept?: readonly string[];
}

export function withLookupCache(client: OdooClient, options: LookupCacheOptions = {}): OdooClient {
  const memo = new Map<string, { at: number; rows: Promise<unknown[]> }>();
  const { ttlMs } = options;
  const notKept = new Set(options.searchesNotKept);
  function remember<T>(key: string, run: () => Promise<T[]>, keepEmpty: boolean): Promise<T[]> {
    const hit = memo.get(key);
    if (hit && (ttlMs === undefined || Date.now() - hit.at < ttlMs)) return hit.rows as Promise<T[]>;
    if (ttlMs !== undefined && memo.size >= MAX_KEPT) sweep(ttlMs);
    const p = run();
    const entry = { at: Date.now(), rows: p };
    memo.set(key, entry);
    const forget = () => { if (memo.get(key) === entry) memo.delete(key); };
    p.then((rows) => { if (!keepEmpty && !rows.length) forget(); }, forget);
    return p;
  }
  /** A client kept for days sees ever new keys (reads of other items' ids): the expired go, and everything if that is not enough. */
  function sweep(ttl: number) {
    const now = Date.now();
    for (const [key, e] of memo) if (now - e.at >= ttl) memo.delete(key);
    if (memo.size >= MAX_KEPT) memo.clear();
  }
  const forgetIf = <T>(model: string, p: Promise<T>): Promise<T> => {
    if (LOOKED_UP.has(model)) memo.clear();
    return p;
  };
  return {
    call: (model, method, args, kwargs) => (READS.has(method) ? client.call(model, method, args, kwargs) : forgetIf(model, client.call(model, method, args, kwargs))),
    searchRead: (model, domain, fields, options) => (LOOKED_UP.has(model) && !notKept.has(model) && !options?.context
      ? remember(JSON.stringify(['search_read', model, domain, fields, options ?? {}]), () => client.searchRead(model, domain, fields, options), false)
      : client.searchRead(model, domain, fields, options)),
    read: (model, ids, fields) => (LOOKED_UP.has(model)
      ? remember(JSON.stringify(['read', model, ids, fields]), () => client.read(model, ids, fields), true)
      : client.read(model, ids, fields)),
    create: (model, vals, context) => forgetIf(model, client.create(model, vals, context)),
    write: (model, ids, vals) => forgetIf(model, client.write(model, ids, vals)),
    load: (model, fields, rows) => forgetIf(model, client.load(model, fields, rows)),
    checkObjectReference: (module, name) => client.checkObjectReference(module, name),
    fieldNames: (model) => client.fieldNames(model),
    version: () => client.version(),
  };
}
