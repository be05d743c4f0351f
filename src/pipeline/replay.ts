import type { Knex } from 'knex';
import { GatewayError } from '../errors/gateway-error';
import { QUEUES, type JobQueue } from '../queue/job-queue';
import { getMessage, recordStage } from '../store/messages.repo';

/** Re-runs an inbound message from its stored bytes: a new job, and a line in its audit trail. */
export async function requestReplay(knex: Knex, queue: JobQueue, messageId: number, reason = 'replay requested'): Promise<void> {
  await knex.transaction(async (trx) => {
    // Lock the state row so two replays at once queue one job each, in order.
    const locked = await trx('message_state').where({ message_id: messageId }).forUpdate().first('status');
    const m = locked && (await getMessage(trx as unknown as Knex, messageId));
    if (!m) throw new GatewayError('MESSAGE_NOT_FOUND', `message ${messageId} is not in the store`);
    if (m.direction !== 'in') throw new GatewayError('USAGE', `message ${messageId} is outbound; only inbound messages replay`);
    if (m.duplicateOf) {
      throw new GatewayError('USAGE', `message ${messageId} is a duplicate receipt of message ${m.duplicateOf}; replay ${m.duplicateOf} instead`);
    }
    await recordStage(trx, messageId, { stage: 'replay', outcome: 'info', status: 'received', detail: reason });
    await queue.send(QUEUES.inbound, { messageId }, trx);
  });
}
