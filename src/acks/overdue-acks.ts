import type { Knex } from 'knex';
import { recordStage, type StageRecord } from '../store/messages.repo';

/**
 * The overdue-acknowledgment check (a cluster-wide schedule): each document we sent whose 997 /
 * 999 / CONTRL has not come back within the partner's window becomes an exception, ACK_OVERDUE, for
 * a person to chase (replay sends it again and restarts the window; resolve closes it). Only a
 * message that is 'done' (sent) is flagged, so each overdue document is flagged once.
 */
export async function flagOverdueAcks(knex: Knex, now = new Date()): Promise<number[]> {
  const rows: { messageId: string | number; detail: string }[] = (await knex.raw(
    `SELECT g.message_id AS "messageId",
            string_agg(g.ack_expected || ' for ' || g.functional_id || ' ' || g.control_number || ' due ' ||
                       to_char(g.ack_due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '; ' ORDER BY g.id) AS detail
       FROM outbound_groups g JOIN message_state s ON s.message_id = g.message_id
      WHERE g.ack_expected IS NOT NULL AND g.ack_status IS NULL AND g.ack_due_at < ? AND s.status = 'done'
      GROUP BY g.message_id ORDER BY g.message_id LIMIT 1000`, [now])).rows;
  const flagged: number[] = [];
  for (const r of rows) {
    const id = Number(r.messageId);
    await knex.transaction(async (trx) => {
      // Still sent and still owed, now that the row is locked (an acknowledgment may have just come).
      const state = await trx('message_state').where({ message_id: id }).forUpdate().first('status');
      if (state?.status !== 'done') return;
      await recordStage(trx, id, { stage: 'ack-overdue', outcome: 'failed', status: 'exception', code: 'ACK_OVERDUE',
        detail: `no acknowledgment in time: ${r.detail}; replay to send it again, or resolve once the partner confirms` });
      flagged.push(id);
    });
  }
  return flagged;
}

/**
 * An accepting acknowledgment for a message: an 'acknowledged' event, and a message flagged
 * ACK_OVERDUE is done again (the acknowledgment came late, but it came).
 */
export async function ackAccepted(trx: Knex.Transaction, messageId: number, detail: string): Promise<void> {
  const state = await trx('message_state').where({ message_id: messageId }).first('status', 'error_code');
  const late = state?.status === 'exception' && state.error_code === 'ACK_OVERDUE';
  const event: StageRecord = { stage: 'acknowledged', outcome: late ? 'ok' : 'info', detail: late ? `${detail}, after it was overdue` : detail };
  await recordStage(trx, messageId, late ? { ...event, status: 'done' } : event);
}

/** A resend restarts the partner's window: each group's due time moves by as long as the message had waited. */
export async function restartAckWindow(trx: Knex.Transaction, messageId: number): Promise<void> {
  await trx.raw(
    `UPDATE outbound_groups g SET ack_due_at = now() + (g.ack_due_at - m.created_at)
       FROM messages m WHERE m.id = g.message_id AND g.message_id = ? AND g.ack_expected IS NOT NULL AND g.ack_status IS NULL`, [messageId]);
}
