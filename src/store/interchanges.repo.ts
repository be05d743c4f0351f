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
  const q = priorInterchangeSql(key, since, excludeMessageId);
  const { rows } = await db.raw(q.sql, q.bindings);
  return rows[0];
}

/**
 * findPriorInterchange's statement, `?` placeholders, for readers without knex as well (the
 * read-only CLI commands, src/store/history.ts): one statement, whoever runs it.
 */
export function priorInterchangeSql(key: InterchangeKey, since: Date, excludeMessageId?: number): { sql: string; bindings: (string | number | Date)[] } {
  const exclude = excludeMessageId !== undefined;
  return {
    sql: `SELECT id, message_id AS "messageId", recorded_at AS "recordedAt" FROM interchanges
           WHERE direction = 'in' AND standard = ? AND sender_qualifier = ? AND sender_id = ? AND control_number = ?
             AND duplicate_of IS NULL AND recorded_at >= ?${exclude ? ' AND message_id <> ?' : ''}
           ORDER BY id LIMIT 1`,
    bindings: [key.standard, key.senderQualifier, key.senderId, key.controlNumber, since, ...(exclude ? [excludeMessageId!] : [])],
  };
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
/** Records an interchange; its row id, or undefined when the message's interchange at that ordinal was recorded before. */
export async function recordInterchange(db: Knex | Knex.Transaction, i: NewInterchange): Promise<number | undefined> {
  const [row] = await db('interchanges').insert({
    message_id: i.messageId, ordinal: i.ordinal, direction: i.direction, standard: i.standard,
    sender_qualifier: i.senderQualifier, sender_id: i.senderId, receiver_qualifier: i.receiverQualifier, receiver_id: i.receiverId,
    control_number: i.controlNumber, partner_id: i.partnerId, status: i.status, duplicate_of: i.duplicateOf ?? null,
  }).onConflict(['message_id', 'ordinal']).ignore().returning('id');
  return row ? Number(row.id) : undefined;
}
