import { GatewayError } from '../errors/gateway-error';
import type { Knex } from 'knex';
import { GroupCalls, groupsPer } from '../lib/group-calls';
import { contentColumns, insertContentParts, readContent } from './message-content';

/** The mutable "where is this message now"; the audit trail in message_events says how it got there. */
export type MessageStatus = 'received' | 'processing' | 'retrying' | 'done' | 'exception' | 'duplicate' | 'resolved';
export type EventOutcome = 'ok' | 'failed' | 'retrying' | 'duplicate' | 'info';

export interface NewMessage {
  direction: 'in' | 'out';
  transport: string;
  transportRef?: string | null;
  partnerId?: string | null;
  filename?: string | null;
  content: Buffer;
  sha256: string;
}

export interface MessageRow {
  id: number;
  direction: 'in' | 'out';
  transport: string;
  transportRef: string | null;
  partnerId: string | null;
  filename: string | null;
  sha256: string;
  sizeBytes: number;
  duplicateOf: number | null;
  createdAt: Date;
  status: MessageStatus;
  stage: string;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  updatedAt: Date;
}

export interface MessageEvent {
  id: number;
  stage: string;
  outcome: EventOutcome;
  code: string | null;
  detail: string | null;
  data: unknown;
  at: Date;
}

export type InsertResult =
  | { outcome: 'stored'; messageId: number }
  | { outcome: 'duplicate'; messageId: number; duplicateOf: number }
  /** This very receipt (same transport reference) was stored before: nothing new is written. */
  | { outcome: 'already-stored'; messageId: number };

/** A message row (messages m joined with message_state s) as a MessageRow. */
export const MESSAGE_COLUMNS = `m.id, m.direction, m.transport, m.transport_ref AS "transportRef", m.partner_id AS "partnerId",
  m.filename, m.sha256, m.size_bytes AS "sizeBytes", m.duplicate_of AS "duplicateOf", m.created_at AS "createdAt",
  s.status, s.stage, s.error_code AS "errorCode", s.error_message AS "errorMessage", s.attempts,
  s.updated_at AS "updatedAt"`;

export interface StageRecord {
  stage: string;
  outcome: EventOutcome;
  code?: string | null;
  detail?: string | null;
  data?: unknown;
  /** The message's new status; omit to leave it as it is (an 'info' event, say). */
  status?: MessageStatus;
  countAttempt?: boolean;
  /** When it happened, if not now: a stage's event written later, with others, keeps its own time (stage latencies are read from it). */
  at?: Date;
}

/** Appends to the audit trail and moves the message's state, in the caller's transaction. */
export function recordStage(db: Knex | Knex.Transaction, messageId: number, r: StageRecord): Promise<void> {
  return recordTrail(db, messageId, [r]);
}

/**
 * Appends several events to the audit trail in one statement, and moves the message's state to
 * the last status among them: a message's trail costs one round trip however many stages it has.
 */
export function recordTrail(db: Knex | Knex.Transaction, messageId: number, records: readonly StageRecord[]): Promise<void> {
  if (!records.length) return Promise.resolve();
  return trailGroups(db).call({ messageId, records });
}

type Trail = { messageId: number; records: readonly StageRecord[] };

/**
 * The trails written at about the same time go in one statement (16 lanes each ending a message,
 * the sends of 997s, the messages sharing a transaction: transaction-groups.ts): GroupCalls. A
 * message twice in a group (its send and a partner's answer, say) is written in rounds, in order,
 * in one transaction.
 */
const trailGroups = groupsPer((db: Knex | Knex.Transaction) => new GroupCalls<Trail, void>(async (trails) => {
  const rounds: Trail[][] = [];
  const seen = new Map<number, number>();
  for (const t of trails) {
    const round = seen.get(t.messageId) ?? 0;
    seen.set(t.messageId, round + 1);
    (rounds[round] ??= []).push(t);
  }
  if (rounds.length === 1) await recordTrails(db, trails);
  else await db.transaction(async (trx) => { for (const r of rounds) await recordTrails(trx, r); });
  return trails.map(() => undefined);
}, 100, !db.isTransaction));

/** recordTrail for many messages at once, still one statement: a batch of receipts, say. Each message at most once. */
export async function recordTrails(db: Knex | Knex.Transaction, trails: readonly { messageId: number; records: readonly StageRecord[] }[]): Promise<void> {
  const bindings: Knex.Value[] = [];
  const values: string[] = [];
  const states: Knex.Value[][] = [];
  for (const { messageId, records } of trails) {
    for (const r of records) {
      bindings.push(messageId, r.stage, r.outcome, r.code ?? null, r.detail ?? null, r.data === undefined ? null : JSON.stringify(r.data), r.at ?? null);
      values.push('(?, ?, ?, ?, ?, ?::jsonb, coalesce(?::timestamptz, clock_timestamp()))');
    }
    const last = [...records].reverse().find((r) => r.status);
    if (!last) continue;
    const failed = last.outcome === 'failed' || last.outcome === 'retrying';
    states.push([messageId, last.status!, last.stage, failed ? last.code ?? null : null, failed ? last.detail ?? null : null,
      records.filter((r) => r.countAttempt).length]);
  }
  if (!values.length) return;
  const events = `INSERT INTO message_events (message_id, stage, outcome, code, detail, data, at) VALUES ${values.join(', ')}`;
  if (!states.length) {
    await db.raw(events, bindings);
    return;
  }
  await db.raw(
    `WITH e AS (${events})
     INSERT INTO message_state (message_id, status, stage, error_code, error_message, attempts)
     VALUES ${states.map(() => '(?, ?, ?, ?, ?, ?::int)').join(', ')}
     ON CONFLICT (message_id) DO UPDATE SET status = EXCLUDED.status, stage = EXCLUDED.stage,
       error_code = EXCLUDED.error_code, error_message = EXCLUDED.error_message,
       attempts = message_state.attempts + EXCLUDED.attempts, updated_at = clock_timestamp()
     -- Our record of a send never undoes the partner's answer to it, however late it is written
     -- (a resend starts with a replay record, which moves the stage on first).
     WHERE NOT (EXCLUDED.stage = 'sent' AND message_state.stage = 'acknowledged')`,
    [...bindings, ...states.flat()],
  );
}

/**
 * Stores one received message, or recognises it. The unique indexes decide, so two processes
 * receiving the same bytes at once still end with one original and one duplicate receipt.
 */
export async function insertInbound(trx: Knex.Transaction, m: NewMessage): Promise<InsertResult> {
  const row = {
    direction: m.direction,
    transport: m.transport,
    transport_ref: m.transportRef ?? null,
    partner_id: m.partnerId ?? null,
    filename: m.filename ?? null,
    sha256: m.sha256,
    size_bytes: m.content.length,
  };
  const inserted = await trx('messages').insert({ ...row, ...contentColumns(m.content) }).onConflict().ignore().returning('id');
  if (inserted.length) {
    const messageId = inserted[0].id as number;
    await insertContentParts(trx, messageId, m.content);
    await recordStage(trx, messageId, {
      stage: 'received', outcome: 'ok', status: 'received',
      detail: `${m.content.length} bytes via ${m.transport}${m.filename ? ` (${m.filename})` : ''}`,
    });
    return { outcome: 'stored', messageId };
  }
  if (m.transportRef) {
    const same = await trx('messages').where({ transport: m.transport, transport_ref: m.transportRef }).first('id');
    if (same) return { outcome: 'already-stored', messageId: same.id };
  }
  const original = await trx('messages')
    .where({ direction: m.direction, sha256: m.sha256 })
    .whereNull('duplicate_of')
    .whereRaw(`coalesce(partner_id, '') = ?`, [m.partnerId ?? ''])
    .first('id');
  if (!original) throw new Error(`message ${m.sha256}: conflict on insert but no original found`);
  const [dup] = await trx('messages').insert({ ...row, duplicate_of: original.id }).returning('id');
  await recordStage(trx, dup.id, {
    stage: 'received', outcome: 'duplicate', status: 'duplicate', code: 'DUPLICATE_RECEIPT',
    detail: `same bytes (sha256 ${m.sha256.slice(0, 12)}…) already received from this partner as message ${original.id}`,
    data: { duplicateOf: original.id },
  });
  return { outcome: 'duplicate', messageId: dup.id, duplicateOf: original.id };
}

/**
 * Stores many received messages with one INSERT and one trail statement: the cost of a file
 * dropped among hundreds. Only what is plainly new goes this way (content small enough to keep in
 * its row); the rest is undefined in the answer, for insertInbound to store or recognise one by
 * one (a duplicate, a receipt stored before, a big file in parts), in the same transaction.
 * Ids are handed out in the order given (an identity column fills a multi-row VALUES in order),
 * so a batch keeps the order its files were taken in.
 */
export async function insertInboundMany(trx: Knex.Transaction, ms: readonly NewMessage[]): Promise<(InsertResult | undefined)[]> {
  const out: (InsertResult | undefined)[] = ms.map(() => undefined);
  const small = ms.flatMap((m, i) => (contentColumns(m.content).content_parts === null ? [i] : []));
  if (!small.length) return out;
  const rows = small.map((i) => {
    const m = ms[i];
    return { direction: m.direction, transport: m.transport, transport_ref: m.transportRef ?? null, partner_id: m.partnerId ?? null,
      filename: m.filename ?? null, sha256: m.sha256, size_bytes: m.content.length, content: m.content, content_parts: null };
  });
  const inserted: { id: number; transport_ref: string | null; sha256: string; filename: string | null; partner_id: string | null }[] =
    await trx('messages').insert(rows).onConflict().ignore().returning(['id', 'transport_ref', 'sha256', 'filename', 'partner_id']);
  // A row that met a unique index is not returned: each returned row is matched back to its
  // receipt by what it holds (the first receipt still unmatched with the same values).
  const keyOf = (r: { transport_ref: string | null; sha256: string; filename: string | null; partner_id: string | null }) =>
    JSON.stringify([r.transport_ref, r.sha256, r.filename, r.partner_id]);
  const waiting = new Map<string, number[]>();
  small.forEach((i, n) => {
    const k = keyOf(rows[n]);
    waiting.set(k, [...(waiting.get(k) ?? []), i]);
  });
  for (const row of inserted) {
    const i = waiting.get(keyOf(row))?.shift();
    // Never a stored row without its trail and job: the batch is rolled back instead.
    if (i === undefined) throw new Error(`message ${row.id} was stored by a batch insert but matches none of its receipts`);
    out[i] = { outcome: 'stored', messageId: Number(row.id) };
  }
  await recordTrails(trx, ms.flatMap((m, i) => {
    const r = out[i];
    return r ? [{ messageId: r.messageId, records: [{ stage: 'received', outcome: 'ok' as const, status: 'received' as const,
      detail: `${m.content.length} bytes via ${m.transport}${m.filename ? ` (${m.filename})` : ''}` }] }] : [];
  }));
  return out;
}

export async function getMessage(db: Knex, id: number): Promise<MessageRow | undefined> {
  const { rows } = await db.raw(`SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN message_state s ON s.message_id = m.id WHERE m.id = ?`, [id]);
  return rows[0];
}

/**
 * A message and its bytes in one round trip, for a job about to work on it. The bytes come along
 * when they are in the row (a duplicate receipt's are its original's); a message stored in parts
 * gets undefined for getContent to read when it is needed.
 */
export function getMessageWithContent(db: Knex, id: number): Promise<MessageWithContent | undefined> {
  return messageReads(db).call(id);
}

export type MessageWithContent = { message: MessageRow; content: Buffer | undefined };

/**
 * The jobs that start at about the same time read their messages in one statement (GroupCalls).
 * The lanes bound how many: a group holds what its jobs would have held one by one.
 */
const messageReads = groupsPer((db: Knex) => new GroupCalls<number, MessageWithContent | undefined>(async (ids) => {
  const { rows } = await db.raw(
    `SELECT ${MESSAGE_COLUMNS}, coalesce(m.content, o.content) AS content
       FROM messages m JOIN message_state s ON s.message_id = m.id LEFT JOIN messages o ON o.id = m.duplicate_of
      WHERE m.id IN (${ids.map(() => '?').join(', ')})`, ids);
  const byId = new Map<number, MessageWithContent>();
  for (const { content, ...message } of rows as (MessageRow & { content: Buffer | null })[]) {
    byId.set(Number(message.id), { message, content: content ?? undefined });
  }
  return ids.map((id) => byId.get(id));
}));

/** The stored bytes; a duplicate receipt's are its original's. With `headBytes`, only the first so many. */
export async function getContent(db: Knex, id: number, headBytes?: number): Promise<Buffer | undefined> {
  return readContent(db, id, headBytes);
}

export interface ListFilter {
  status?: MessageStatus;
  partnerId?: string;
  direction?: 'in' | 'out';
  limit?: number;
  /** Only messages with an id below this: for paging back through the log. */
  beforeId?: number;
}

export async function listMessages(db: Knex, f: ListFilter = {}): Promise<MessageRow[]> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (f.status) { where.push('s.status = ?'); args.push(f.status); }
  if (f.partnerId) { where.push('m.partner_id = ?'); args.push(f.partnerId); }
  if (f.direction) { where.push('m.direction = ?'); args.push(f.direction); }
  if (f.beforeId) { where.push('m.id < ?'); args.push(f.beforeId); }
  args.push(f.limit ?? 100);
  const { rows } = await db.raw(
    `SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN message_state s ON s.message_id = m.id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY m.id DESC LIMIT ?`, args);
  return rows;
}

export async function getEvents(db: Knex, messageId: number): Promise<MessageEvent[]> {
  return db('message_events').where({ message_id: messageId }).orderBy('id')
    .select('id', 'stage', 'outcome', 'code', 'detail', 'data', 'at');
}

/**
 * Closes an exception with a person's note: status 'resolved', the note the trail's last event.
 * Only an exception can be resolved; the row is locked so that a replay or a second resolve in
 * between cannot be overwritten.
 */
export async function resolveException(db: Knex, id: number, note: string, by = 'cli'): Promise<MessageRow> {
  await db.transaction(async (trx) => {
    const state = await trx('message_state').where({ message_id: id }).forUpdate().first('status');
    if (!state) throw new GatewayError('MESSAGE_NOT_FOUND', `message ${id} is not in the store`);
    if (state.status !== 'exception') {
      throw new GatewayError('MESSAGE_NOT_EXCEPTION', `message ${id} is ${state.status}, not an exception: only an exception can be resolved`);
    }
    await recordStage(trx, id, { stage: 'resolved', outcome: 'info', status: 'resolved', detail: note, data: { by } });
  });
  return (await getMessage(db, id))!;
}
