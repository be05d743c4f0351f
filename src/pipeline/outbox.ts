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
 * exactly when what produced it is committed. The documents stored in one transaction at about
 * the same time (the 997s of the messages sharing a transaction: transaction-groups.ts) go in one
 * statement each for their rows, their trails and their jobs.
 */
export async function enqueueOutbound(trx: Knex.Transaction, queue: JobQueue, doc: OutboundDocument): Promise<{ messageId: number; created: boolean; filename?: string }> {
  const stored = await outboxInserts(trx).call(doc);
  if (!stored.created) return stored;
  const id = stored.messageId;
  await insertContentParts(trx, id, doc.content);
  await recordStage(trx, id, { stage: 'rendered', outcome: 'ok', status: 'received', detail: doc.description });
  if (doc.cycle) await holdForCycle(trx, id, doc.partnerId, doc.cycle);
  else await outboundJobs(trx).call({ queue, messageId: id });
  return stored;
}

/**
 * The rows, each with its id and name in one statement: the id is taken in it because the name
 * holds it (filenameStem) and messages are immutable (no UPDATE after); a key already stored
 * inserts nothing, and its message is looked up instead.
 */
const outboxInserts = groupsPer((trx: Knex.Transaction) => new GroupCalls<OutboundDocument, { messageId: number; created: boolean; filename?: string }>(async (docs) => {
  const { rows } = await trx.raw(
    `WITH n AS (SELECT nextval(pg_get_serial_sequence('messages', 'id')) AS id, v.*
                  FROM (VALUES ${docs.map(() => '(?::int, ?::text, ?::text, ?::text, ?::bytea, ?::int, ?::text, ?::bigint)').join(', ')})
                    AS v (n, transport_ref, partner_id, stem, content, content_parts, sha256, size_bytes)),
          ins AS (
            INSERT INTO messages (id, direction, transport, transport_ref, partner_id, filename, content, content_parts, sha256, size_bytes)
            OVERRIDING SYSTEM VALUE
            SELECT n.id, 'out', 'outbox', n.transport_ref, n.partner_id, n.stem || '-m' || n.id || '.edi', n.content, n.content_parts, n.sha256, n.size_bytes FROM n
            ON CONFLICT (transport, transport_ref) WHERE transport_ref IS NOT NULL DO NOTHING
            RETURNING id, filename)
     SELECT n.n, ins.id, ins.filename FROM n LEFT JOIN ins ON ins.id = n.id ORDER BY n.n`,
    docs.flatMap((doc, n) => {
      const stored = contentColumns(doc.content);
      return [n, doc.key ?? null, doc.partnerId, filenameStem(doc.label), stored.content, stored.content_parts,
        crypto.createHash('sha256').update(doc.content).digest('hex'), doc.content.length];
    }));
  const inserted = rows as { n: number; id: number | null; filename: string | null }[];
  // A key already stored (a job run again): its message, found by the key.
  const again = docs.filter((_, i) => inserted[i].id === null).map((d) => d.key!);
  const existing = again.length
    ? new Map((await trx('messages').where({ transport: 'outbox' }).whereIn('transport_ref', again).select('id', 'transport_ref'))
      .map((r: { id: number; transport_ref: string }) => [r.transport_ref, Number(r.id)]))
    : undefined;
  return docs.map((doc, i) => inserted[i].id !== null
    ? { messageId: Number(inserted[i].id), created: true, filename: inserted[i].filename! }
    : { messageId: existing!.get(doc.key!)!, created: false });
}, 100, false));

/** The sending jobs of the documents stored in one transaction, in one statement (sendMany). */
const outboundJobs = groupsPer((trx: Knex.Transaction) => new GroupCalls<{ queue: JobQueue; messageId: number }, void>(async (jobs) => {
  await jobs[0].queue.sendMany(QUEUES.outbound, jobs.map((j) => ({ messageId: j.messageId })), trx);
  return jobs.map(() => undefined);
}, 100, false));
