import type { Knex } from 'knex';
import type { ErrorCode } from '../../errors/gateway-error';
import { recordStage } from '../../store/messages.repo';
import type { ParsedMdn } from './mdn';
import type { MicAlgorithm } from './mic';

/** What we keep about each AS2 send, in the data of its 'as2-send' (before the POST) and 'as2-sent' events. */
export interface SentRecord {
  as2MessageId: string;
  mic: string;
  micAlgorithm: MicAlgorithm;
  mdnMode: 'sync' | 'async' | 'none';
  mdnSigned: boolean;
}

/** The MDN's verdict on a message we sent: ok, or the error code and why. */
export function judgeMdn(sent: SentRecord, mdn: ParsedMdn): { ok: true; detail: string } | { ok: false; code: ErrorCode; detail: string } {
  if (mdn.signature && !mdn.signature.ok) return { ok: false, code: 'AS2_MDN_INVALID', detail: `the MDN's signature does not verify: ${mdn.signature.detail}` };
  if (sent.mdnSigned && !mdn.signature) return { ok: false, code: 'AS2_MDN_INVALID', detail: 'we asked for a signed MDN and got an unsigned one' };
  if (mdn.originalMessageId && mdn.originalMessageId !== sent.as2MessageId) {
    return { ok: false, code: 'AS2_MDN_INVALID', detail: `the MDN is for ${mdn.originalMessageId}, not ${sent.as2MessageId}` };
  }
  if (mdn.error) return { ok: false, code: 'AS2_MDN_NEGATIVE', detail: `the partner could not process the message: ${mdn.disposition}${mdn.text ? ` (${mdn.text.slice(0, 200)})` : ''}` };
  if (!mdn.mic) return { ok: false, code: 'AS2_MDN_INVALID', detail: 'the MDN has no Received-Content-MIC' };
  if (mdn.mic.mic !== sent.mic || mdn.mic.algorithm !== sent.micAlgorithm) {
    return { ok: false, code: 'AS2_MDN_INVALID', detail: `MIC mismatch: the partner computed ${mdn.mic.mic}, ${mdn.mic.label}; we sent ${sent.mic}, ${sent.micAlgorithm}` };
  }
  return { ok: true, detail: `MDN ${mdn.disposition}${mdn.warning ? ` (warning: ${mdn.warning})` : ''}; MIC matches${mdn.signature ? '; signature verified' : ''}` };
}

/** Records the MDN on the outbound message: done, or an exception with the reason. */
export async function recordMdn(db: Knex, messageId: number, sent: SentRecord, mdn: ParsedMdn): Promise<{ ok: boolean; detail: string }> {
  const verdict = judgeMdn(sent, mdn);
  const data = { as2MessageId: sent.as2MessageId, disposition: mdn.disposition, mic: mdn.mic?.mic, signed: !!mdn.signature };
  if (verdict.ok) await recordStage(db, messageId, { stage: 'mdn', outcome: 'ok', status: 'done', detail: verdict.detail, data });
  else await recordStage(db, messageId, { stage: 'mdn', outcome: 'failed', status: 'exception', code: verdict.code, detail: verdict.detail, data });
  return verdict;
}

/** The latest send of an AS2 Message-ID of ours: which message, with what MIC. */
export async function findSent(db: Knex, as2MessageId: string): Promise<{ messageId: number; sent: SentRecord; partnerId: string | null; sendEventId: number } | undefined> {
  const row = await db('message_events as e').join('messages as m', 'm.id', 'e.message_id')
    .where('e.stage', 'as2-send').andWhere('m.direction', 'out')
    .andWhereRaw(`e.data->>'as2MessageId' = ?`, [as2MessageId])
    .orderBy('e.id', 'desc').first('e.id as eventId', 'e.message_id as messageId', 'e.data as data', 'm.partner_id as partnerId');
  if (!row) return undefined;
  const data = typeof row.data === 'string' ? JSON.parse(row.data) : row.data;
  return { messageId: row.messageId, sent: data as SentRecord, partnerId: row.partnerId, sendEventId: Number(row.eventId) };
}

/** Has this message had its MDN (since event afterEventId, when given)? A late or repeated async MDN changes nothing. */
export async function hasMdn(db: Knex | Knex.Transaction, messageId: number, afterEventId = 0): Promise<boolean> {
  return !!(await db('message_events').where({ message_id: messageId, stage: 'mdn' }).andWhere('id', '>', afterEventId).first('id'));
}

export async function lastEventId(db: Knex, messageId: number): Promise<number> {
  const row = await db('message_events').where({ message_id: messageId }).max({ id: 'id' }).first();
  return Number(row?.id ?? 0);
}
