import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from '../log/logger';
import { sniff } from '../parsers/sniff';
import type { PartnerRegistry } from '../partners/partner-registry';
import { QUEUES, type JobQueue } from '../queue/job-queue';
import { insertInbound, recordStage, type InsertResult } from '../store/messages.repo';

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

/**
 * The inbox rule: the bytes are committed to the store, together with the job that will process
 * them, before this returns. Only then may a transport delete or move its source, or answer an MDN.
 */
export async function receive(deps: InboxDeps, r: Receipt): Promise<ReceiveResult> {
  // A refusal without bytes (too big, unreadable) is told apart by where it came from, not by an
  // empty content that every such refusal would share (and so be taken for a duplicate of the first).
  const hashed = r.refused && !r.content.length ? `refused\0${r.transport}\0${r.transportRef ?? crypto.randomUUID()}` : r.content;
  const sha256 = crypto.createHash('sha256').update(hashed).digest('hex');
  // A transport that does not know the partner (the CLI, a shared AS2 URL) learns it from the envelope.
  const partnerId = r.partnerId ?? deps.partners().senderOf(sniff(r.content))?.id ?? null;
  const result = await deps.knex.transaction(async (trx) => {
    const inserted = await insertInbound(trx, {
      direction: 'in', transport: r.transport, transportRef: r.transportRef, partnerId,
      filename: r.filename, content: r.content, sha256,
    });
    if (inserted.outcome !== 'stored') return inserted;
    if (r.refused) {
      await recordStage(trx, inserted.messageId, { stage: 'received', outcome: 'failed', status: 'exception', code: r.refused.code, detail: r.refused.reason });
    } else {
      await deps.queue.send(QUEUES.inbound, { messageId: inserted.messageId }, trx);
    }
    return inserted;
  });
  const fields = { messageId: result.messageId, partnerId, transport: r.transport, filename: r.filename, outcome: result.outcome, bytes: r.content.length };
  if (r.refused) deps.log.warn({ ...fields, code: r.refused.code, reason: r.refused.reason }, 'message refused');
  else deps.log.info(fields, 'message received');
  return { ...result, partnerId };
}
