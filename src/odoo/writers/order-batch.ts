import type { Order } from '../../canonical';
import { coerceError } from '../../errors/gateway-error';
import { failpoint } from '../../lib/failpoint';
import type { Many2one } from '../client/odoo-client';
import { full, orderXmlid, productKeys } from './keys';
import { fetchProducts, idsByXmlid, newProductCache, requireCustomer } from './lookups';
import { orderLoadRows } from './order-load';
import { confirm, resolveAll, writeOrder } from './order.writer';
import type { WriteResult, WriterContext } from './writer';

/** What became of one order of a batch: its Odoo record, or the error that stopped it (never a retryable one: those are thrown). */
export type BatchOutcome = { ok: true; result: WriteResult } | { ok: false; error: unknown };

/** Orders per load() and per action_confirm: a few hundred keep a call well inside Odoo's time limit. */
export const ORDER_BATCH = 200;

/**
 * New orders -> sale orders, many per call: one search (and one get_metadata) finds which POs are
 * already in Odoo, the lookups are shared (ctx.client is expected to remember them, ctx.products
 * the items), one load() creates a batch of orders with their lines (Odoo's load is atomic: all
 * of them or none), one action_confirm confirms them, one read names them. The result for each
 * order is the one writeOrder gives, and anything out of the common path goes through writeOrder
 * itself, one order at a time: changes and cancels, an order Odoo already has (a replay, a rerun
 * after a crash: writeOrder finds it by its external id and finishes it, so nothing is created
 * twice), a same-PO order entered by hand, a delivery address to create, a PO twice in the batch,
 * and every order of a load() or action_confirm that Odoo refused (so one bad order is an
 * exception of its own and the others go in). A retryable error (Odoo down, a timeout) is thrown:
 * the caller's retry runs the batch again, and what the first try wrote is found, not doubled.
 */
export async function writeOrders<K>(entries: { key: K; order: Order }[], ctx: WriterContext): Promise<Map<K, BatchOutcome>> {
  const out = new Map<K, BatchOutcome>();
  const c: WriterContext = { ...ctx, products: ctx.products ?? newProductCache() };
  const { client, profile } = c;
  const settle = (key: K, err: unknown) => {
    if (coerceError(err).retryable) throw err;
    out.set(key, { ok: false, error: err });
  };
  const oneByOne = async (list: { key: K; order: Order }[]) => {
    for (const e of list) {
      try {
        out.set(e.key, { ok: true, result: await writeOrder(e.order, c) });
      } catch (err) { settle(e.key, err); }
    }
  };

  const news = entries.filter((e) => e.order.purpose === 'original');
  const single = new Set(entries.filter((e) => e.order.purpose !== 'original').map((e) => e.key));
  let customerId: number | undefined;
  if (news.length) {
    try { customerId = await requireCustomer(client, profile); } catch (err) {
      if (coerceError(err).retryable) throw err;
      for (const e of news) single.add(e.key); // writeOrder says it, each in its own words
    }
  }
  const batch: { key: K; order: Order }[] = [];
  if (customerId !== undefined) {
    const pos = [...new Set(news.map((e) => e.order.poNumber))];
    const candidates = await client.searchRead<{ id: number; state: string; partner_id: Many2one; client_order_ref: string | false }>('sale.order',
      [['client_order_ref', 'in', pos]], ['state', 'partner_id', 'client_order_ref'], { order: 'id asc' });
    const ours = await idsByXmlid(client, 'sale.order', candidates.map((r) => r.id), news.map((e) => full(orderXmlid(e.order.partnerId, e.order.poNumber))));
    const byHand = new Set(candidates.filter((r) => r.state !== 'cancel' && r.partner_id && r.partner_id[0] === customerId).map((r) => r.client_order_ref));
    const seen = new Set<string>();
    for (const e of news) {
      const xmlid = full(orderXmlid(e.order.partnerId, e.order.poNumber));
      if (ours.has(xmlid) || byHand.has(e.order.poNumber) || seen.has(xmlid)) single.add(e.key);
      else { seen.add(xmlid); batch.push(e); }
    }
  }

  // Every item of the batch in one or two reads, then each order resolved from what is remembered.
  await fetchProducts(client, batch.flatMap((e) => e.order.lines.flatMap((l) => productKeys(profile, l))), c.products!);
  const groups = new Map<string, { key: K; order: Order; rows: string[][] }[]>();
  for (const e of batch) {
    try {
      const { resolved, createAddress } = await resolveAll(e.order, c);
      if (createAddress) { single.add(e.key); continue; }
      const { fields, rows } = orderLoadRows(e.order, profile, resolved);
      // One load() takes one list of columns: orders that use other columns (no delivery date, no unit column) load apart.
      const sig = JSON.stringify(fields);
      const group = groups.get(sig) ?? [];
      group.push({ ...e, rows });
      groups.set(sig, group);
    } catch (err) { settle(e.key, err); }
  }

  for (const [sig, group] of groups) {
    const fields = JSON.parse(sig) as string[];
    const loaded = await client.load('sale.order', fields, group.flatMap((g) => g.rows));
    if (!loaded.ids || loaded.ids.length !== group.length) {
      // Odoo wrote none of them: each on its own, so that the bad one is named and the rest go in.
      ctx.log.debug({ orders: group.length, messages: loaded.messages.slice(0, 3) }, 'batch load refused: writing its orders one by one');
      await oneByOne(group);
      continue;
    }
    failpoint('odoo-batch-loaded');
    const ids = loaded.ids;
    let confirmed = new Set<number>();
    if (profile.odoo.autoConfirm) {
      try {
        await client.call('sale.order', 'action_confirm', [ids]);
        confirmed = new Set(ids);
      } catch (err) {
        if (coerceError(err).retryable) throw err;
        // One order Odoo will not confirm stops the call for all: each is confirmed (or refused) on its own.
        ctx.log.debug({ orders: ids.length, err: coerceError(err).message }, 'batch confirm refused: confirming one by one');
        for (const [i, id] of ids.entries()) {
          try { if (await confirm(client, id, c)) confirmed.add(id); } catch (e) { settle(group[i].key, e); }
        }
      }
    }
    const names = new Map((await client.read<{ id: number; name: string }>('sale.order', ids, ['name'])).map((r) => [r.id, r.name]));
    group.forEach((g, i) => {
      if (out.has(g.key)) return; // its confirmation failed
      const id = ids[i];
      out.set(g.key, { ok: true, result: { model: 'sale.order', id,
        note: `${names.get(id) ?? `sale.order ${id}`} created with ${g.order.lines.length} line(s)${confirmed.has(id) ? ', confirmed' : ''}` } });
    });
  }
  await oneByOne(entries.filter((e) => single.has(e.key)));
  return out;
}
