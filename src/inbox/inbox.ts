import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from '../log/logger';
import { sniff } from '../parsers/sniff';
import type { PartnerRegistry } from '../partners/partner-registry';
import { QUEUES, type JobQueue } from '../queue/job-queue';
import { contentColumns } from '../store/message-content';
import { insertInbound, insertInboundMany, recordStage, type InsertResult, type NewMessage } from '../store/messages.repo';

/** What a transport hands over: the bytes and how they came. */
export interface Receipt {
  content: Buffer;
  transport: string;
  /** The transport's own name for this receipt; the same ref again is the same receipt. */
  transportRef?: string;
  partnerId?: string;
  filename?: string;
  /**
   * The transport could not take this receipt as a message (a bad file name, too big, unreadable):
   * it is recorded as an exception a person can see, with whatever bytes there are, and no job.
   */
  refused?: { code: string; reason: string };
}

export type ReceiveResult = InsertResult & { partnerId: string | null };

export interface InboxDeps {
  knex: Knex;
  queue: JobQueue;
  partners: () => PartnerRegistry;
  log: Logger;
}

/** A receipt as the row it becomes. */
function newMessage(deps: InboxDeps, r: Receipt): NewMessage {
  // A refusal without bytes (too big, unreadable) is told apart by where it came from, not by an
  // empty content that every such refusal would share (and so be taken for a duplicate of the first).
  const hashed = r.refused && !r.content.length ? `refused\0${r.transport}\0${r.transportRef ?? crypto.randomUUID()}` : r.content;
  return {
    direction: 'in', transport: r.transport, transportRef: r.transportRef, filename: r.filename, content: r.content,
    sha256: crypto.createHash('sha256').update(hashed).digest('hex'),
    // A transport that does not know the partner (the CLI, a shared AS2 URL) learns it from the envelope.
    partnerId: r.partnerId ?? deps.partners().senderOf(sniff(r.content))?.id ?? null,
  };
}

/** Whether the bytes are too many for a message's row (stored in parts, one receipt at a time). */
const partsNeeded = (content: Buffer) => contentColumns(content).content_parts !== null;

/** One receipt stored or recognised in the caller's transaction, with its job or its refusal. */
async function storeOne(deps: InboxDeps, trx: Knex.Transaction, r: Receipt, m: NewMessage): Promise<InsertResult> {
  const inserted = await insertInbound(trx, m);
  if (inserted.outcome !== 'stored') return inserted;
  if (r.refused) {
    await recordStage(trx, inserted.messageId, { stage: 'received', outcome: 'failed', status: 'exception', code: r.refused.code, detail: r.refused.reason });
  } else {
    await deps.queue.send(QUEUES.inbound, { messageId: inserted.messageId }, trx);
  }
  return inserted;
}

function logReceived(deps: InboxDeps, r: Receipt, result: ReceiveResult): void {
  const fields = { messageId: result.messageId, partnerId: result.partnerId, transport: r.transport, filename: r.filename, outcome: result.outcome, bytes: r.content.length };
  if (r.refused) deps.log.warn({ ...fields, code: r.refused.code, reason: r.refused.reason }, 'message refused');
  else deps.log.info(fields, 'message received');
}

/**
 * The inbox rule: the bytes are committed to the store, together with the job that will process
 * them, before this returns. Only then may a transport delete or move its source, or answer an MDN.
 */
export async function receive(deps: InboxDeps, r: Receipt): Promise<ReceiveResult> {
  const m = newMessage(deps, r);
  const result = { ...await deps.knex.transaction((trx) => storeOne(deps, trx, r, m)), partnerId: m.partnerId ?? null };
  logReceived(deps, r, result);
  return result;
}

/**
 * Many receipts under the inbox rule, in one transaction: all of them are stored with their jobs,
 * or none (the caller may then take them one by one). New ones cost a few statements for a whole
 * run of them instead of a handful each (insertInboundMany, one pg-boss insert); refusals and big
 * files take receive's path where they stand, so the messages stored to be processed are numbered
 * in the order given (a change never before the original it follows); a duplicate receipt found in
 * a run is numbered after the run (it is never processed). Results in the order given.
 */
export async function receiveMany(deps: InboxDeps, receipts: readonly Receipt[]): Promise<ReceiveResult[]> {
  const ms = receipts.map((r) => newMessage(deps, r));
  const results = await deps.knex.transaction(async (trx) => {
    const out: InsertResult[] = [];
    let run: number[] = [];
    const flush = async () => {
      if (!run.length) return;
      const batch = await insertInboundMany(trx, run.map((i) => ms[i]));
      const jobs = batch.flatMap((r) => (r ? [{ messageId: r.messageId }] : []));
      if (jobs.length) await deps.queue.sendMany(QUEUES.inbound, jobs, trx);
      for (const [n, i] of run.entries()) out[i] = batch[n] ?? await storeOne(deps, trx, receipts[i], ms[i]);
      run = [];
    };
    for (const [i, r] of receipts.entries()) {
      if (!r.refused && !partsNeeded(r.content)) { run.push(i); continue; }
      await flush();
      out[i] = await storeOne(deps, trx, r, ms[i]);
    }
    await flush();
    return out;
  });
  return results.map((result, i) => {
    const withPartner = { ...result, partnerId: ms[i].partnerId ?? null };
    logReceived(deps, receipts[i], withPartner);
    return withPartner;
  });
}
