import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { QUEUES, type JobQueue } from '../queue/job-queue';
import { recordStage } from '../store/messages.repo';
import { contentColumns, insertContentParts } from '../store/message-content';
import { holdForCycle, type OutboundCycle } from './outbound-schedule';

export interface OutboundDocument {
  partnerId: string;
  /**
   * What it is, for the file name partners see: "997-000000123" (type and our control number).
   * The outbox adds the message id, so the name is unique per send: `997-000000123-m456.edi`.
   */
  label: string;
  content: Buffer;
  /** What it is, for the audit trail: "997 for interchange 000000417". */
  description: string;
  /**
   * Names this document once: a job that runs again (at-least-once delivery) finds it already
   * there and sends nothing twice.
   */
  key?: string;
  /** The partner's send cycle it waits for (outbound-schedule.ts); absent: queued at once. */
  cycle?: OutboundCycle;
}

/**
 * The file name of an outbound message: its label and its message id. The id is unique in the
 * store, across restarts and every gateway process sharing it, so a name is never reused (a replay's
 * new 997 does not collide with the first), while a send that runs again writes the same name (the
 * folder sender takes the same bytes already there as sent).
 */
export function outboundFilename(label: string, messageId: number): string {
  const safe = label.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^[_-]+|[_-]+$/g, '') || 'EDI';
  return `${safe}-m${messageId}.edi`;
}

/**
 * The key of the acknowledgment(s) owed for one interchange of an inbound message, in one run of it
 * (`generation`: 0 the first run, n the n-th replay).
 */
export function ackKey(messageId: number, ordinal: number, generation: number): string {
  return `ack:${messageId}:${ordinal}:${generation}`;
}

/**
 * Stores an outbound document and queues its sending, in the caller's transaction: it is sent
 * exactly when what produced it is committed.
 */
export async function enqueueOutbound(trx: Knex.Transaction, queue: JobQueue, doc: OutboundDocument): Promise<{ messageId: number; created: boolean; filename?: string }> {
  if (doc.key) {
    const existing = await trx('messages').where({ transport: 'outbox', transport_ref: doc.key }).first('id');
    if (existing) return { messageId: existing.id, created: false };
  }
  const sha256 = crypto.createHash('sha256').update(doc.content).digest('hex');
  // The id is taken first because the name holds it and messages are immutable (no UPDATE after).
  const { rows: [{ id: raw }] } = await trx.raw(`SELECT nextval(pg_get_serial_sequence('messages', 'id')) AS id`);
  const id = Number(raw);
  const filename = outboundFilename(doc.label, id);
  const stored = contentColumns(doc.content);
  await trx.raw(
    `INSERT INTO messages (id, direction, transport, transport_ref, partner_id, filename, content, content_parts, sha256, size_bytes)
     OVERRIDING SYSTEM VALUE VALUES (?, 'out', 'outbox', ?, ?, ?, ?, ?, ?, ?)`,
    [id, doc.key ?? null, doc.partnerId, filename, stored.content, stored.content_parts, sha256, doc.content.length],
  );
  await insertContentParts(trx, id, doc.content);
  await recordStage(trx, id, { stage: 'rendered', outcome: 'ok', status: 'received', detail: doc.description });
  if (doc.cycle) await holdForCycle(trx, id, doc.partnerId, doc.cycle);
  else await queue.send(QUEUES.outbound, { messageId: id }, trx);
  return { messageId: id, created: true, filename };
}
