import type { Knex } from 'knex';
import { GroupCalls, groupsPer } from '../lib/group-calls';
import type { ReceivedGroupAck, ReceivedTa1 } from '../acks/read-x12-acks';
import type { InterchangeSpec } from '../parsers/x12/serializer';
import { recordInterchange, type NewInterchange } from './interchanges.repo';

export interface OutboundRecord {
  messageId: number;
  partnerId: string;
  spec: InterchangeSpec;
  /** The functional acknowledgment the partner owes for each group, and within how many hours. */
  expectAck?: { kind: '997' | '999'; withinHours: number };
}

/** Records an interchange we send, with its groups and sets, so that acknowledgments can be matched. */
export async function recordOutbound(trx: Knex.Transaction, o: OutboundRecord): Promise<void> {
  const s = o.spec;
  const interchangeId = await recordOutboundInterchange(trx, { messageId: o.messageId, ordinal: 0, direction: 'out', standard: 'X12',
    senderQualifier: s.sender.qualifier, senderId: s.sender.id, receiverQualifier: s.receiver.qualifier, receiverId: s.receiver.id,
    controlNumber: String(s.controlNumber).padStart(9, '0'), partnerId: o.partnerId, status: 'sent' });
  for (const g of s.groups) {
    // Acknowledgments are never acknowledged.
    const expect = g.functionalId === 'FA' ? undefined : o.expectAck;
    await insertOutboundGroup(trx, {
      interchangeId, messageId: o.messageId, partnerId: o.partnerId, functionalId: g.functionalId, control: String(g.controlNumber),
      ackExpected: expect?.kind ?? null, ackDueAt: expect ? new Date(s.date.getTime() + expect.withinHours * 3_600_000) : null,
      sets: g.sets.map((set) => ({ type: set.type, control: set.controlNumber })),
    });
  }
}

/** The interchange of a message we send, recorded; its row id (the one recorded before, if it was). */
export async function recordOutboundInterchange(trx: Knex.Transaction, i: NewInterchange): Promise<number> {
  return await recordInterchange(trx, i)
    ?? Number((await trx('interchanges').where({ message_id: i.messageId, ordinal: i.ordinal }).first('id')).id);
}

export interface OutboundGroup {
  interchangeId: number;
  messageId: number;
  partnerId: string;
  functionalId: string;
  control: string;
  ackExpected: string | null;
  ackDueAt: Date | null;
  sets: { type: string; control: string }[];
}

/**
 * A group we send and its sets (X12 sets, EDIFACT messages): the register acknowledgments are
 * matched to. The groups stored in one transaction at about the same time (the 997s of the messages
 * sharing it: transaction-groups.ts) go in one statement with their sets.
 */
export function insertOutboundGroup(trx: Knex.Transaction, g: OutboundGroup): Promise<void> {
  return groupInserts(trx).call(g);
}

const groupInserts = groupsPer((trx: Knex.Transaction) => new GroupCalls<OutboundGroup, void>(async (groups) => {
  // Each group's sets find their group by its place in the list (n), which the insert returns.
  await trx.raw(
    `WITH v AS (SELECT * FROM jsonb_to_recordset(?::jsonb) AS v (n int, interchange_id bigint, message_id bigint, partner_id text,
                  functional_id text, control_number text, set_count int, ack_expected text, ack_due_at timestamptz, sets jsonb)),
          g AS (
            INSERT INTO outbound_groups (interchange_id, message_id, partner_id, functional_id, control_number, set_count, ack_expected, ack_due_at)
            SELECT interchange_id, message_id, partner_id, functional_id, control_number, set_count, ack_expected, ack_due_at FROM v ORDER BY n
            RETURNING id, message_id, interchange_id, functional_id, control_number)
     INSERT INTO outbound_sets (group_id, type, control_number)
     SELECT g.id, s.type, s.control
       FROM g JOIN v ON v.message_id = g.message_id AND v.interchange_id = g.interchange_id AND v.functional_id = g.functional_id AND v.control_number = g.control_number,
            jsonb_to_recordset(v.sets) AS s (type text, control text)`,
    [JSON.stringify(groups.map((g, n) => ({ n, interchange_id: g.interchangeId, message_id: g.messageId, partner_id: g.partnerId,
      functional_id: g.functionalId, control_number: g.control, set_count: g.sets.length, ack_expected: g.ackExpected,
      ack_due_at: g.ackDueAt?.toISOString() ?? null, sets: g.sets })))],
  );
  return groups.map(() => undefined);
}, 100, false));

export interface AckMatch {
  /** The outbound message the acknowledgment is about. */
  messageId: number;
  functionalId: string;
  groupControl: string;
  status: string;
  rejectedSets: { type: string; controlNumber: string; detail: string }[];
}

/** Applies a received 997/999 group acknowledgment to what we sent; undefined when nothing matches. */
export async function applyGroupAck(trx: Knex.Transaction, partnerId: string, ack: ReceivedGroupAck, ackMessageId: number): Promise<AckMatch | undefined> {
  const group = await trx('outbound_groups')
    .where({ partner_id: partnerId, functional_id: ack.functionalId, control_number: String(Number(ack.groupControl)) })
    .orderBy('id', 'desc').first('id', 'message_id');
  if (!group) return undefined;
  await trx('outbound_groups').where({ id: group.id }).update({
    ack_status: ack.status, ack_codes: ack.errorCodes.join(',') || null, ack_message_id: ackMessageId, acked_at: trx.fn.now(),
  });
  const rejectedSets: AckMatch['rejectedSets'] = [];
  for (const s of ack.sets) {
    const detail = [s.errorCodes.length ? `codes ${s.errorCodes.join(',')}` : '', ...s.details].filter(Boolean).join('; ');
    await trx('outbound_sets').where({ group_id: group.id, control_number: s.controlNumber })
      .update({ ack_status: s.status, ack_detail: detail || null });
    if (!['A', 'E'].includes(s.status)) rejectedSets.push({ type: s.type, controlNumber: s.controlNumber, detail });
  }
  // A group acknowledged without AK2 lines speaks for all its sets.
  if (!ack.sets.length) await trx('outbound_sets').where({ group_id: group.id }).update({ ack_status: ack.status });
  return { messageId: group.message_id, functionalId: ack.functionalId, groupControl: ack.groupControl, status: ack.status, rejectedSets };
}

/** Applies a received TA1 to the interchange we sent; the outbound message id, or undefined. */
export async function applyTa1(trx: Knex.Transaction, partnerId: string, ta1: ReceivedTa1, ackMessageId: number): Promise<number | undefined> {
  const ic = await trx('interchanges').where({ direction: 'out', partner_id: partnerId, control_number: ta1.controlNumber })
    .orderBy('id', 'desc').first('id', 'message_id');
  if (!ic) return undefined;
  await trx('interchanges').where({ id: ic.id }).update({ ta1_status: ta1.status, ta1_code: ta1.noteCode, ta1_message_id: ackMessageId });
  return ic.message_id;
}

export interface OverdueAck {
  messageId: number;
  partnerId: string;
  functionalId: string;
  controlNumber: string;
  ackExpected: string;
  dueAt: Date;
}

/** Groups whose acknowledgment is late. */
export async function listOverdueAcks(db: Knex, now = new Date()): Promise<OverdueAck[]> {
  return db('outbound_groups').whereNotNull('ack_expected').whereNull('ack_status').where('ack_due_at', '<', now).orderBy('ack_due_at')
    .select('message_id as messageId', 'partner_id as partnerId', 'functional_id as functionalId', 'control_number as controlNumber',
      'ack_expected as ackExpected', 'ack_due_at as dueAt');
}

/** The acknowledgment state of each group of a message we sent: what the partner's 997 / 999 said, or that it is owed. */
export interface GroupAckState { functionalId: string; controlNumber: string; ackExpected: string | null; ackStatus: string | null; dueAt: Date | null }

export async function groupAcksOf(db: Knex, messageId: number): Promise<GroupAckState[]> {
  const rows = await db('outbound_groups').where({ message_id: messageId }).orderBy('id')
    .select('functional_id as functionalId', 'control_number as controlNumber', 'ack_expected as ackExpected', 'ack_status as ackStatus', 'ack_due_at as dueAt');
  return rows.map((a: GroupAckState) => ({ ...a, dueAt: a.dueAt ? new Date(a.dueAt) : null }));
}

/** Where an acknowledgment we are owed stands. */
export type AckRegisterState = 'pending' | 'overdue' | 'accepted' | 'partially_accepted' | 'rejected';
export const ACK_REGISTER_STATES: readonly AckRegisterState[] = ['pending', 'overdue', 'accepted', 'partially_accepted', 'rejected'];

export interface AckRegisterRow {
  /** The outbound_groups row: the page cursor. */
  id: number;
  messageId: number;
  partnerId: string;
  standard: 'X12' | 'EDIFACT';
  interchangeControl: string;
  functionalId: string;
  controlNumber: string;
  setCount: number;
  ackExpected: string;
  sentAt: Date;
  dueAt: Date | null;
  state: AckRegisterState;
  /** What the partner answered: the 997/999 AK9 or CONTRL action, its error codes, the interchange's TA1 / UCI, and when. */
  ackStatus: string | null;
  ackCodes: string | null;
  interchangeAckStatus: string | null;
  ackMessageId: number | null;
  ackedAt: Date | null;
}

export interface AckRegisterFilter {
  partnerId?: string;
  state?: AckRegisterState;
  /** Only rows with a smaller id: the next page. */
  beforeId?: number;
  limit?: number;
  now?: Date;
}

/**
 * Every group we sent that the partner owes a 997 / 999 / CONTRL for, newest first, with where it
 * stands: pending (within the partner's window), overdue, accepted, partially accepted or
 * rejected (by its group acknowledgment, or by a TA1 / CONTRL refusing the whole interchange).
 */
export async function listAckRegister(db: Knex, f: AckRegisterFilter = {}): Promise<AckRegisterRow[]> {
  const now = f.now ?? new Date();
  const where: string[] = [];
  const args: unknown[] = [now];
  if (f.partnerId) { where.push('partner_id = ?'); args.push(f.partnerId); }
  if (f.state) { where.push('state = ?'); args.push(f.state); }
  if (f.beforeId) { where.push('id < ?'); args.push(f.beforeId); }
  args.push(Math.min(Math.max(f.limit ?? 100, 1), 1000));
  const { rows } = await db.raw(`
    SELECT * FROM (
      SELECT g.id, g.message_id AS "messageId", g.partner_id AS partner_id, g.partner_id AS "partnerId", i.standard,
             i.control_number AS "interchangeControl", g.functional_id AS "functionalId", g.control_number AS "controlNumber",
             g.set_count AS "setCount", g.ack_expected AS "ackExpected", m.created_at AS "sentAt", g.ack_due_at AS "dueAt",
             g.ack_status AS "ackStatus", g.ack_codes AS "ackCodes", i.ta1_status AS "interchangeAckStatus",
             g.ack_message_id AS "ackMessageId", g.acked_at AS "ackedAt",
             CASE WHEN i.ta1_status IN ('R', '4') OR g.ack_status IN ('R', 'M', 'W', 'X', '4') THEN 'rejected'
                  WHEN g.ack_status = 'P' THEN 'partially_accepted'
                  WHEN g.ack_status IS NOT NULL THEN 'accepted'
                  WHEN g.ack_due_at < ? THEN 'overdue'
                  ELSE 'pending' END AS state
        FROM outbound_groups g JOIN interchanges i ON i.id = g.interchange_id JOIN messages m ON m.id = g.message_id
       WHERE g.ack_expected IS NOT NULL) r
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY id DESC LIMIT ?`, args as Knex.RawBinding[]);
  return rows.map(({ partner_id: _, ...r }: AckRegisterRow & { partner_id: string }) => ({
    ...r, id: Number(r.id), messageId: Number(r.messageId), setCount: Number(r.setCount),
    ackMessageId: r.ackMessageId === null ? null : Number(r.ackMessageId),
    sentAt: new Date(r.sentAt), dueAt: r.dueAt ? new Date(r.dueAt) : null, ackedAt: r.ackedAt ? new Date(r.ackedAt) : null,
  }));
}
