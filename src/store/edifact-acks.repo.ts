import type { Knex } from 'knex';
import type { ReceivedAperak, ReceivedContrl } from '../acks/read-edifact-acks';
import type { EdifactInterchangeSpec } from '../parsers/edifact/serializer';
import { insertOutboundGroup, recordOutboundInterchange } from './outbound-acks.repo';

export interface EdifactOutboundRecord {
  messageId: number;
  partnerId: string;
  spec: EdifactInterchangeSpec;
  /** The CONTRL the partner owes for the interchange, and within how many hours. */
  expectAck?: { withinHours: number };
}

/**
 * Records an EDIFACT interchange we send, so that the partner's CONTRL can be matched to it: the
 * interchange (UNB reference), its groups (each UNG, or one implicit group under the UNB reference
 * when there is none) and its messages (UNH references), in the tables X12 uses.
 */
export async function recordOutboundEdifact(trx: Knex.Transaction, o: EdifactOutboundRecord): Promise<void> {
  const s = o.spec;
  const interchangeId = await recordOutboundInterchange(trx, { messageId: o.messageId, ordinal: 0, direction: 'out', standard: 'EDIFACT',
    senderQualifier: s.sender.qualifier ?? '', senderId: s.sender.id, receiverQualifier: s.recipient.qualifier ?? '', receiverId: s.recipient.id,
    controlNumber: s.controlRef, partnerId: o.partnerId, status: 'sent' });
  const groups = s.groups?.length ? s.groups.map((g) => ({ functionalId: g.groupId, control: g.reference, messages: g.messages }))
    : [{ functionalId: s.messages?.[0]?.type ?? '', control: s.controlRef, messages: s.messages ?? [] }];
  for (const g of groups) {
    // A CONTRL is never acknowledged.
    const expect = g.messages.every((m) => m.type === 'CONTRL') ? undefined : o.expectAck;
    await insertOutboundGroup(trx, {
      interchangeId, messageId: o.messageId, partnerId: o.partnerId, functionalId: g.functionalId, control: g.control,
      ackExpected: expect ? 'CONTRL' : null, ackDueAt: expect ? new Date(s.date.getTime() + expect.withinHours * 3_600_000) : null,
      sets: g.messages.map((m) => ({ type: m.type, control: m.reference })),
    });
  }
}

export interface ContrlMatch {
  /** The outbound message the CONTRL is about. */
  messageId: number;
  action: string;
  errorCode?: string;
  rejectedMessages: { type: string; reference: string; detail: string }[];
}

/**
 * Applies a partner's CONTRL to the interchange we sent (matched by partner and UNB reference):
 * UCI on the interchange, UCF on its groups, UCM on its messages; what the CONTRL does not name
 * takes the UCI's action. Undefined when it matches nothing we sent.
 */
export async function applyContrl(trx: Knex.Transaction, partnerId: string, c: ReceivedContrl, ackMessageId: number): Promise<ContrlMatch | undefined> {
  const ic = await trx('interchanges').where({ direction: 'out', standard: 'EDIFACT', partner_id: partnerId, control_number: c.interchangeRef })
    .orderBy('id', 'desc').first('id', 'message_id');
  if (!ic) return undefined;
  await trx('interchanges').where({ id: ic.id }).update({ ta1_status: c.action, ta1_code: c.errorCode ?? null, ta1_message_id: ackMessageId });
  const groups: { id: number; control_number: string }[] = await trx('outbound_groups').where({ interchange_id: ic.id }).select('id', 'control_number');
  const rejectedMessages: ContrlMatch['rejectedMessages'] = [];
  for (const g of groups) {
    const ucf = c.groups.find((x) => x.reference === g.control_number);
    const action = ucf?.action ?? c.action;
    await trx('outbound_groups').where({ id: g.id }).update({
      ack_status: action, ack_codes: (ucf?.errorCode ?? c.errorCode) || null, ack_message_id: ackMessageId, acked_at: trx.fn.now(),
    });
    // Rejected above: every message with it. Acknowledged: the messages the CONTRL names say for themselves.
    if (action === '4' || c.action === '4') await trx('outbound_sets').where({ group_id: g.id }).update({ ack_status: '4' });
    else await trx('outbound_sets').where({ group_id: g.id }).whereNull('ack_status').update({ ack_status: action });
  }
  for (const m of c.messages) {
    const detail = [m.errorCode ? `code ${m.errorCode}` : '', ...m.details].filter(Boolean).join('; ');
    await trx('outbound_sets').whereIn('group_id', groups.map((g) => g.id)).where({ control_number: m.reference })
      .update({ ack_status: m.action, ack_detail: detail || null });
    if (m.action === '4') rejectedMessages.push({ type: m.type, reference: m.reference, detail });
  }
  return { messageId: ic.message_id, action: c.action, errorCode: c.errorCode, rejectedMessages };
}

export interface AperakMatch {
  messageId: number;
  type: string;
  reference: string;
}

/** Applies a partner's APERAK to the message we sent that it names (RFF+ACW); undefined when none matches. */
export async function applyAperak(trx: Knex.Transaction, partnerId: string, a: ReceivedAperak): Promise<AperakMatch | undefined> {
  if (!a.messageRef) return undefined;
  const row = await trx('outbound_sets as s').join('outbound_groups as g', 'g.id', 's.group_id')
    .where({ 'g.partner_id': partnerId, 's.control_number': a.messageRef }).orderBy('g.id', 'desc')
    .first('s.group_id as groupId', 's.type as type', 'g.message_id as messageId');
  if (!row) return undefined;
  const detail = [`APERAK ${a.rejected ? 'rejected' : 'accepted'}`, ...a.errorCodes.map((e) => `error ${e}`), ...a.texts].join('; ');
  await trx('outbound_sets').where({ group_id: row.groupId, control_number: a.messageRef }).update({ ack_detail: detail });
  return { messageId: row.messageId, type: row.type, reference: a.messageRef };
}
