import type { Knex } from 'knex';
import type { Order } from '../canonical';
import { coerceError, GatewayError } from '../errors/gateway-error';
import type { OdooClient } from '../odoo/client/odoo-client';
import { ODOO_WRITERS, type WriteResult, type WriterContext } from '../odoo/writers';
import { newProductCache } from '../odoo/writers/lookups';
import { ORDER_BATCH, type BatchOutcome } from '../odoo/writers/order-batch';
import { OrderCoalescer } from '../odoo/writers/order-coalescer';
import { withLookupCache } from '../odoo/writers/read-cache';
import { documentFromRow, firstDocuments, pendingOriginals, setOdooLinks, type PendingOriginal, type StoredDocument } from '../store/documents.repo';
import type { InboundStage } from './inbound-stages';
import { StageProgress, type ProgressOptions } from './progress';

/** Notes a message's trail keeps one by one; past that, counts and the first few. */
const MAX_NOTES = 20;

export interface OdooStageDeps {
  knex: Knex;
  odoo: () => OdooClient;
  /** Orders per load() and action_confirm (1: one by one, as writeOrder does). */
  batchSize?: number;
  progress?: ProgressOptions;
  /** How long the customer, warehouse, currency, units and pricelists looked up are kept for the next messages (default 30 s). */
  lookupCacheMs?: number;
}

const LOOKUP_CACHE_MS = 30_000;

/**
 * The message's stored documents -> Odoo, each by its writer. A document already linked to an
 * Odoo record is done (a replay changes nothing); one that Odoo refuses for good (an unknown
 * product) is named in ctx.problems and the others go on; Odoo being down throws, so the job
 * retries with backoff and the documents that landed meanwhile are skipped next time.
 *
 * Documents are read a page at a time (a file of 88,000 orders is never in memory at once), and
 * new orders that follow each other go in batches (writeOrders: one load() and one confirm for
 * many), with the lookups (customer, addresses, items, pricelist, units) made once per batch. The
 * batches take in the new orders of the other messages in hand at the same time (OrderCoalescer),
 * so many one-order files cost Odoo about what one file of many orders does.
 * Each page's links are stored in one transaction once Odoo has the page; a crash before that is
 * made good by the next run, which finds the orders by their external ids instead of making them again.
 *
 * A change or cancel of a PO whose original another message still holds unwritten waits for it,
 * and so does one whose earlier change (a message received before this one) is still on its way:
 * the rest of the message goes on, then the stage throws ORDER_WAITING (retried with backoff, the
 * documents already written skipped); on the last attempt the change is parked as
 * ORDER_OUT_OF_SEQUENCE instead. Without this, two files dropped together could write the change
 * first and then find the original's sale order already there, or race it to the same PO, and two
 * changes could land in the wrong order, the earlier one undoing the later.
 */
export function odooStage(deps: OdooStageDeps): InboundStage {
  const batchSize = deps.batchSize ?? ORDER_BATCH;
  // New orders of the messages this worker has in hand at once share their Odoo calls.
  const coalescer = new OrderCoalescer(batchSize);
  // Lookups that hardly change, shared by all messages for a short while; a new client (another Odoo) starts afresh.
  let lasting: { base: OdooClient; cached: OdooClient } | undefined;
  const lookups = () => {
    const base = deps.odoo();
    if (lasting?.base !== base) lasting = { base, cached: withLookupCache(base, { ttlMs: deps.lookupCacheMs ?? LOOKUP_CACHE_MS, searchesNotKept: ['product.product'] }) };
    return lasting.cached;
  };
  return {
    name: 'odoo',
    async run(ctx) {
      const types = Object.keys(ODOO_WRITERS);
      const base = () => deps.knex('documents').where({ message_id: ctx.message.id }).whereIn('type', types);
      const pageSize = Math.max(batchSize, 100);
      const pageAfter = async (ordinal: number) => (await base().andWhere('ordinal', '>', ordinal).orderBy('ordinal').limit(pageSize)).map(documentFromRow);
      let page = await firstDocuments(deps.knex, ctx.message.id, types, pageSize);
      if (!page.length) return 'nothing for Odoo';
      // Counted only when there is more than a page: a one-order file is one read, not three.
      const total = page.length < pageSize ? page.length : Number((await base().count('* as n').first())?.n ?? 0);
      const profile = ctx.profile;
      if (!profile) throw new GatewayError('INTERNAL', 'the odoo stage ran before route');
      const wctx: WriterContext = { client: withLookupCache(lookups()), profile, log: ctx.log, products: newProductCache() };
      const progress = new StageProgress({ knex: deps.knex, log: ctx.log, messageId: ctx.message.id, stage: 'odoo', total, what: 'documents written to Odoo', options: deps.progress });
      const notes: string[] = [];
      let written = 0;
      let already = 0;
      let failed = 0;
      let done = 0;
      const note = (n: string) => { if (notes.length < MAX_NOTES) notes.push(n); };
      const fail = (doc: StoredDocument, err: unknown) => {
        const e = coerceError(err);
        if (e.retryable) throw e;
        failed++;
        ctx.problems.push(new GatewayError(e.code, `${doc.type} ${doc.businessKey ?? doc.ordinal}: ${e.message}`, { ...e.details, documentId: doc.id }));
      };

      const waiting: { doc: StoredDocument; original: PendingOriginal }[] = [];
      for (; page.length; page = page.length < pageSize ? [] : await pageAfter(page[page.length - 1].ordinal)) {
        const changes = page.filter((d) => d.odooId === null && d.body.type === 'order' && d.body.purpose !== 'original');
        const originals = await pendingOriginals(deps.knex, profile.id, changes.map((d) => (d.body as Order).poNumber), ctx.message.id);
        const links: { id: number; model: string; odooId: number }[] = [];
        const landed = (doc: StoredDocument, r: WriteResult) => { links.push({ id: doc.id, model: r.model, odooId: r.id }); written++; note(r.note); };
        // New orders that follow each other are written together; anything else one by one, in file order.
        let run: StoredDocument[] = [];
        const flush = async () => {
          if (!run.length) return;
          const list = run;
          run = [];
          const results: Map<number, BatchOutcome> = batchSize > 1
            ? await coalescer.write(list.map((d) => ({ key: d.id, order: d.body as Order })), wctx)
            : new Map();
          for (const doc of list) {
            let r = results.get(doc.id);
            if (!r) {
              try { r = { ok: true, result: await ODOO_WRITERS.order!(doc.body, wctx) }; } catch (err) { r = { ok: false, error: err }; }
            }
            if (r.ok) landed(doc, r.result); else fail(doc, r.error);
          }
        };
        for (const doc of page) {
          if (doc.odooId !== null) {
            await flush();
            already++;
            note(`${doc.businessKey ?? doc.type}: already ${doc.odooModel} ${doc.odooId}`);
            continue;
          }
          if (doc.body.type === 'order' && doc.body.purpose === 'original') { run.push(doc); continue; }
          const original = doc.body.type === 'order' ? originals.get(doc.body.poNumber) : undefined;
          if (original) { waiting.push({ doc, original }); continue; }
          await flush();
          try { landed(doc, await ODOO_WRITERS[doc.body.type]!(doc.body, wctx)); } catch (err) { fail(doc, err); }
        }
        await flush();
        await setOdooLinks(deps.knex, links);
        done += page.length;
        await progress.tick(done);
      }
      if (waiting.length) {
        const [first] = waiting;
        const what = (w: typeof first) => `PO ${(w.doc.body as Order).poNumber} (${(w.doc.body as Order).purpose}) waits for ${w.original.purpose === 'original' ? 'its original order' : `an earlier ${w.original.purpose} of it`} in message ${w.original.messageId} (${w.original.status})`;
        if (!ctx.lastAttempt) {
          throw new GatewayError('ORDER_WAITING', `${what(first)}${waiting.length > 1 ? `; and ${waiting.length - 1} more` : ''}`,
            { documentId: first.doc.id, waitingFor: first.original.messageId, written, waiting: waiting.length });
        }
        for (const w of waiting) {
          failed++;
          ctx.problems.push(new GatewayError('ORDER_OUT_OF_SEQUENCE', `${w.doc.type} ${w.doc.businessKey ?? w.doc.ordinal}: ${what(w)} after every retry; replay this message once that one is settled`,
            { documentId: w.doc.id, waitingFor: w.original.messageId }));
        }
      }
      const counted = written + already > MAX_NOTES
        ? [`${written} document(s) written${already ? `, ${already} already in Odoo` : ''} (the first: ${notes.slice(0, 3).join('; ')})`]
        : notes;
      return `${counted.join('; ')}${failed ? `${counted.length ? '; ' : ''}${failed} document(s) not written` : ''}`;
    },
  };
}
