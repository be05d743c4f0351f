import type { Knex } from 'knex';

export interface InterchangeKey {
  standard: 'X12' | 'EDIFACT';
  senderQualifier: string;
  senderId: string;
  controlNumber: string;
}

export interface PriorInterchange {
  id: number;
  messageId: number;
  recordedAt: Date;
}

/**
 * An earlier receipt of the same interchange (same sender, same control number) within the
 * window, in another message. The same message replayed is not a duplicate of itself.
 */
export async function findPriorInterchange(db: Knex, key: InterchangeKey, since: Date, excludeMessageId?: number): Promise<PriorInterchange | undefined> {
  const q = db('interchanges')
    .where({ direction: 'in', standard: key.standard, sender_qualifier: key.senderQualifier, sender_id: key.senderId, control_number: key.controlNumber })
    .whereNull('duplicate_of')
    .where('recorded_at', '>=', since)
    .orderBy('id')
    .first('id', 'message_id as messageId', 'recorded_at as recordedAt');
  if (excludeMessageId !== undefined) q.whereNot('message_id', excludeMessageId);
  return q;
}

export interface NewInterchange extends InterchangeKey {
  messageId: number;
  ordinal: number;
  direction: 'in' | 'out';
  receiverQualifier: string;
  receiverId: string;
  partnerId: string | null;
  status: string;
  duplicateOf?: number;
}

/** Records an interchange of a message once: recording it again (a replay) changes nothing. */
export async function recordInterchange(db: Knex | Knex.Transaction, i: NewInterchange): Promise<void> {
  await db('interchanges').insert({
    message_id: i.messageId, ordinal: i.ordinal, direction: i.direction, standard: i.standard,
    sender_qualifier: i.senderQualifier, sender_id: i.senderId, receiver_qualifier: i.receiverQualifier, receiver_id: i.receiverId,
    control_number: i.controlNumber, partner_id: i.partnerId, status: i.status, duplicate_of: i.duplicateOf ?? null,
  }).onConflict(['message_id', 'ordinal']).ignore();
}
