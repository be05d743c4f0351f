import type { Knex } from 'knex';
import { GroupCalls, groupsPer } from '../lib/group-calls';

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
  if (db.isTransaction) {
    const q = priorInterchangeSql(key, since, excludeMessageId);
    const { rows } = await db.raw(q.sql, q.bindings);
    return rows[0];
  }
  return priorLookups(db).call({ key, since, excludeMessageId });
}

type PriorLookup = { key: InterchangeKey; since: Date; excludeMessageId?: number };

/** The checks of messages validated at about the same time, one statement for all (GroupCalls); each as priorInterchangeSql. */
const priorLookups = groupsPer((db: Knex) => new GroupCalls<PriorLookup, PriorInterchange | undefined>(async (lookups) => {
  const { rows } = await db.raw(
    `SELECT k.n, p.id, p."messageId", p."recordedAt"
       FROM (VALUES ${lookups.map(() => '(?::int, ?::text, ?::text, ?::text, ?::text, ?::timestamptz, ?::bigint)').join(', ')})
            AS k (n, standard, sender_qualifier, sender_id, control_number, since, exclude)
       JOIN LATERAL (
         SELECT id, message_id AS "messageId", recorded_at AS "recordedAt" FROM interchanges i
          WHERE i.direction = 'in' AND i.standard = k.standard AND i.sender_qualifier = k.sender_qualifier AND i.sender_id = k.sender_id
            AND i.control_number = k.control_number AND i.duplicate_of IS NULL AND i.recorded_at >= k.since
            AND (k.exclude IS NULL OR i.message_id <> k.exclude)
          ORDER BY id LIMIT 1) p ON true`,
    lookups.flatMap((l, n) => [n, l.key.standard, l.key.senderQualifier, l.key.senderId, l.key.controlNumber, l.since, l.excludeMessageId ?? null]));
  const found = new Map<number, PriorInterchange>();
  for (const r of rows as (PriorInterchange & { n: number })[]) found.set(Number(r.n), { id: r.id, messageId: r.messageId, recordedAt: r.recordedAt });
  return lookups.map((_, n) => found.get(n));
}));

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

/**
 * Records an interchange of a message once: recording it again (a replay) changes nothing. Its row
 * id, or undefined when it was recorded before. The interchanges recorded at about the same time
 * (the messages sharing a transaction: transaction-groups.ts) go in one statement.
 */
export function recordInterchange(db: Knex | Knex.Transaction, i: NewInterchange): Promise<number | undefined> {
  return interchangeInserts(db).call(i);
}

const interchangeInserts = groupsPer((db: Knex | Knex.Transaction) => new GroupCalls<NewInterchange, number | undefined>(async (list) => {
  const rows: { id: number; message_id: number; ordinal: number }[] = await db('interchanges').insert(list.map((i) => ({
    message_id: i.messageId, ordinal: i.ordinal, direction: i.direction, standard: i.standard,
    sender_qualifier: i.senderQualifier, sender_id: i.senderId, receiver_qualifier: i.receiverQualifier, receiver_id: i.receiverId,
    control_number: i.controlNumber, partner_id: i.partnerId, status: i.status, duplicate_of: i.duplicateOf ?? null,
  }))).onConflict(['message_id', 'ordinal']).ignore().returning(['id', 'message_id', 'ordinal']);
  const ids = new Map(rows.map((r) => [`${r.message_id}:${r.ordinal}`, Number(r.id)]));
  // The same interchange twice in a group: the first call stored it, the second finds it recorded.
  return list.map((i) => { const k = `${i.messageId}:${i.ordinal}`; const id = ids.get(k); ids.delete(k); return id; });
}, 100, !db.isTransaction));
