import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { QUEUES, type JobQueue } from '../queue/job-queue';
import { recordStage } from '../store/messages.repo';

export interface OutboundDocument {
  partnerId: string;
  filename: string;
  content: Buffer;
  /** What it is, for the audit trail: "997 for interchange 000000417". */
  description: string;
  /**
   * Names this document once: a job that runs again (at-least-once delivery) finds it already
   * there and sends nothing twice.
   */
  key?: string;
}

/**
 * Stores an outbound document and queues its sending, in the caller's transaction: it is sent
 * exactly when what produced it is committed.
 */
export async function enqueueOutbound(trx: Knex.Transaction, queue: JobQueue, doc: OutboundDocument): Promise<{ messageId: number; created: boolean }> {
  if (doc.key) {
    const existing = await trx('messages').where({ transport: 'outbox', transport_ref: doc.key }).first('id');
    if (existing) return { messageId: existing.id, created: false };
  }
  const sha256 = crypto.createHash('sha256').update(doc.content).digest('hex');
  const [row] = await trx('messages').insert({
    direction: 'out', transport: 'outbox', transport_ref: doc.key ?? null, partner_id: doc.partnerId, filename: doc.filename,
    content: doc.content, sha256, size_bytes: doc.content.length,
  }).returning('id');
  await recordStage(trx, row.id, { stage: 'rendered', outcome: 'ok', status: 'received', detail: doc.description });
  await queue.send(QUEUES.outbound, { messageId: row.id }, trx);
  return { messageId: row.id as number, created: true };
}
