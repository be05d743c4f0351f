import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { QUEUES, type JobQueue } from '../queue/job-queue';
import { takeControlNumbers, type ControlKind } from '../store/control-numbers.repo';
import { GroupCalls, groupsPer } from '../lib/group-calls';
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
 * The file name of an outbound message is `<stem>-m<message id>.edi`, the stem its label in letters,
 * digits, '-' and '_' (enqueueOutbound writes it in SQL). The id is unique in the
 * store, across restarts and every gateway process sharing it, so a name is never reused (a replay's
 * new 997 does not collide with the first), while a send that runs again writes the same name (the
 * folder sender takes the same bytes already there as sent).
 */
function filenameStem(label: string): string {
  return label.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^[_-]+|[_-]+$/g, '') || 'EDI';
}

/**
 * The key of the acknowledgment(s) owed for one interchange of an inbound message, in one run of it
 * (`generation`: 0 the first run, n the n-th replay).
 */
export function ackKey(messageId: number, ordinal: number, generation: number): string {
  return `ack:${messageId}:${ordinal}:${generation}`;
}

/**
 * The control numbers of the acknowledgments one run of an inbound message owes, by interchange
 * ordinal, taken before the transaction that stores them. Each allocation is its own short
 * statement: inside that transaction, the partner's sequence row stayed locked through every write
 * after it (the 997, its trail, its job, its interchange and groups), and all the partner's inbound
 * messages queued on that lock, in this process and every other (on PostgreSQL, 1,000 one-order
 * files spent 24 s of lock waits in it, the stage 52 ms a message). The price: numbers taken for a
 * transaction that then fails are not used (a gap in the sequence, which X12 and EDIFACT allow;
 * they require a number never to be used twice, and none is). Interchanges whose acknowledgment
 * this run already stored (the key) or that are owed none get no numbers.
 */
export async function ackNumbers<K extends ControlKind>(knex: Knex, messageId: number, generation: number,
  owed: readonly { ordinal: number; partnerId: string }[], kinds: readonly K[]): Promise<Map<number, Record<K, number>>> {
  const taken = await Promise.all(owed.map((o) => ackNumberGroups(knex).call({ key: ackKey(messageId, o.ordinal, generation), partnerId: o.partnerId, kinds })));
  const out = new Map<number, Record<K, number>>();
  owed.forEach((o, i) => { if (taken[i]) out.set(o.ordinal, taken[i] as Record<K, number>); });
  return out;
}

type AckNumberRequest = { key: string; partnerId: string; kinds: readonly ControlKind[] };

/**
 * The acknowledgments owed by the messages validated at about the same time take their numbers
 * together (GroupCalls): one read of the keys already stored, one statement for the numbers.
 */
const ackNumberGroups = groupsPer((knex: Knex) => new GroupCalls<AckNumberRequest, Partial<Record<ControlKind, number>> | undefined>(async (requests) => {
  const sent = new Set((await knex('messages').where({ transport: 'outbox' }).whereIn('transport_ref', requests.map((r) => r.key)).select('transport_ref'))
    .map((r: { transport_ref: string }) => r.transport_ref));
  const todo = requests.filter((r) => !sent.has(r.key));
  const numbers = await takeControlNumbers(knex, todo);
  return requests.map((r) => (sent.has(r.key) ? undefined : numbers[todo.indexOf(r)]));
}));

/**
 * Stores an outbound document and queues its sending, in the caller's transaction: it is sent
 * exactly when what produced it is committed.
 */
export async function enqueueOutbound(trx: Knex.Transaction, queue: JobQueue, doc: OutboundDocument): Promise<{ messageId: number; created: boolean; filename?: string }> {
  const sha256 = crypto.createHash('sha256').update(doc.content).digest('hex');
  const stored = contentColumns(doc.content);
  // One statement: the id is taken in it because the name holds it (filenameStem) and
  // messages are immutable (no UPDATE after); a key already stored inserts nothing.
  const { rows } = await trx.raw(
    `WITH n AS (SELECT nextval(pg_get_serial_sequence('messages', 'id')) AS id)
     INSERT INTO messages (id, direction, transport, transport_ref, partner_id, filename, content, content_parts, sha256, size_bytes)
     OVERRIDING SYSTEM VALUE SELECT n.id, 'out', 'outbox', ?, ?, ? || '-m' || n.id || '.edi', ?, ?, ?, ? FROM n
     ON CONFLICT (transport, transport_ref) WHERE transport_ref IS NOT NULL DO NOTHING
     RETURNING id, filename`,
    [doc.key ?? null, doc.partnerId, filenameStem(doc.label), stored.content, stored.content_parts, sha256, doc.content.length],
  );
  if (!rows.length) {
    const existing = await trx('messages').where({ transport: 'outbox', transport_ref: doc.key! }).first('id');
    return { messageId: existing.id, created: false };
  }
  const id = Number(rows[0].id);
  await insertContentParts(trx, id, doc.content);
  await recordStage(trx, id, { stage: 'rendered', outcome: 'ok', status: 'received', detail: doc.description });
  if (doc.cycle) await holdForCycle(trx, id, doc.partnerId, doc.cycle);
  else await queue.send(QUEUES.outbound, { messageId: id }, trx);
  return { messageId: id, created: true, filename: rows[0].filename as string };
}
