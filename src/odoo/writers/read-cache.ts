import type { OdooClient } from '../client/odoo-client';

/**
 * Models whose records a writer only looks up (customers and addresses, products, units,
 * pricelists, warehouses, the company) and which a file's orders ask for again and again.
 */
const LOOKED_UP = new Set(['res.partner', 'res.company', 'product.product', 'product.pricelist', 'stock.warehouse', 'uom.uom']);

const READS = new Set(['search', 'search_read', 'search_count', 'read', 'fields_get', 'name_search', 'get_metadata', 'check_object_reference']);

/**
 * The client, with the lookups of LOOKED_UP models remembered for as long as it is kept: one file's
 * orders through the odoo stage, where the same customer, addresses, pricelist and units would
 * otherwise be read once per order. A search that found nothing is not remembered (the address a
 * writer is about to create, a product a person adds while the exception waits), nor a failed
 * call; a write to one of these models forgets everything. Answers are shared: callers must not
 * change them (the writers only read them).
 */
export function withLookupCache(client: OdooClient): OdooClient {
  const memo = new Map<string, Promise<unknown[]>>();
  function remember<T>(key: string, run: () => Promise<T[]>, keepEmpty: boolean): Promise<T[]> {
    const hit = memo.get(key);
    if (hit) return hit as Promise<T[]>;
    const p = run();
    memo.set(key, p);
    p.then((rows) => { if (!keepEmpty && !rows.length) memo.delete(key); }, () => memo.delete(key));
    return p;
  }
  const forgetIf = <T>(model: string, p: Promise<T>): Promise<T> => {
    if (LOOKED_UP.has(model)) memo.clear();
    return p;
  };
  return {
    call: (model, method, args, kwargs) => (READS.has(method) ? client.call(model, method, args, kwargs) : forgetIf(model, client.call(model, method, args, kwargs))),
    searchRead: (model, domain, fields, options) => (LOOKED_UP.has(model) && !options?.context
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
