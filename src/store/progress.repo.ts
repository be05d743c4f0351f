import type { Knex } from 'knex';
import type { MessageStatus } from './messages.repo';

/** How far the current run of a message has gone through a big file (src/pipeline/progress.ts writes the events). */
export interface MessageProgress {
  messageId: number;
  partnerId: string | null;
  status: MessageStatus;
  /** The stage reporting: translate, odoo. */
  stage: string;
  done: number;
  total: number;
  /** `12000 of 87968 sets translated` */
  detail: string | null;
  /** When this run started (its 'process' event). */
  since: Date;
  /** When the stage last reported. */
  at: Date;
}

/**
 * The latest progress report of each message still in the pipeline (received, processing,
 * retrying), or of one message. Only reports of the current run count: those after the run's
 * start ('process') and after any replay request, so a replayed file does not show the last run's
 * figures. Reached through message_state's status index and each message's events index.
 */
export async function messagesInProgress(db: Knex, only: { messageId?: number } = {}): Promise<MessageProgress[]> {
  const { rows } = await db.raw(
    `SELECT s.message_id AS "messageId", m.partner_id AS "partnerId", s.status, p.stage, (p.data->>'done')::bigint AS done,
            (p.data->>'total')::bigint AS total, p.detail, r.at AS since, p.at
       FROM message_state s JOIN messages m ON m.id = s.message_id
       JOIN LATERAL (SELECT e.id, e.stage, e.at FROM message_events e
                      WHERE e.message_id = s.message_id AND e.outcome = 'info' AND e.stage IN ('process', 'replay')
                      ORDER BY e.id DESC LIMIT 1) r ON r.stage = 'process'
       JOIN LATERAL (SELECT e.stage, e.data, e.detail, e.at FROM message_events e
                      WHERE e.message_id = s.message_id AND e.id > r.id AND e.outcome = 'info'
                        AND jsonb_typeof(e.data->'done') = 'number' AND jsonb_typeof(e.data->'total') = 'number'
                      ORDER BY e.id DESC LIMIT 1) p ON true
      WHERE s.status IN ('received', 'processing', 'retrying')${only.messageId ? ' AND s.message_id = ?' : ''}
      ORDER BY s.message_id LIMIT 200`, only.messageId ? [only.messageId] : []);
  return rows.map((r: any) => ({ ...r, since: new Date(r.since), at: new Date(r.at) }));
}
