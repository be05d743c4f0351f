import type { Knex } from 'knex';
import { restartAckWindow } from '../acks/overdue-acks';
import { GatewayError } from '../errors/gateway-error';
import { QUEUES, type JobQueue } from '../queue/job-queue';
import { getMessage, recordStage } from '../store/messages.repo';

/**
 * Re-runs an inbound message from its stored bytes: a new job, and a line in its audit trail. An
 * outbound message is sent again as stored.
 * Each replay gets the next generation number (1, 2, ...), carried by its job and kept in the
 * trail: what the run sends once per run (acknowledgments) is keyed by it, so a replay sends anew
 * while a job that merely runs again (redelivery, a crash mid-job) finds its own keys and sends
 * nothing twice. Returns the generation.
 */
export async function requestReplay(knex: Knex, queue: JobQueue, messageId: number, reason = 'replay requested'): Promise<number> {
  return knex.transaction(async (trx) => {
    // Lock the state row so two replays at once queue one job each, in order, with distinct generations.
    const locked = await trx('message_state').where({ message_id: messageId }).forUpdate().first('status');
    const m = locked && (await getMessage(trx as unknown as Knex, messageId));
    if (!m) throw new GatewayError('MESSAGE_NOT_FOUND', `message ${messageId} is not in the store`);
    if (m.duplicateOf) {
      throw new GatewayError('USAGE', `message ${messageId} is a duplicate receipt of message ${m.duplicateOf}; replay ${m.duplicateOf} instead`);
    }
    // A message still in the pipeline is not run twice at once: wait for it to settle (or, stuck
    // in retries, for its last retry), then replay.
    if (['received', 'processing', 'retrying'].includes(m.status)) {
      throw new GatewayError('MESSAGE_IN_PROGRESS', `message ${messageId} is ${m.status} (stage ${m.stage}): it is still in the pipeline; replay it once it is done or an exception`);
    }
    const generation = await replayCount(trx, messageId) + 1;
    if (m.direction === 'out') {
      // An outbound message is sent again as stored (same bytes, same control numbers): the
      // transport or API it failed on was fixed, or the partner lost it.
      await recordStage(trx, messageId, { stage: 'replay', outcome: 'info', status: 'received', detail: `${reason} (send again, ${generation})`, data: { generation } });
      await restartAckWindow(trx, messageId);
      await queue.send(QUEUES.outbound, { messageId }, trx);
      return generation;
    }
    await recordStage(trx, messageId, { stage: 'replay', outcome: 'info', status: 'received', detail: `${reason} (replay ${generation})`, data: { generation } });
    await queue.send(QUEUES.inbound, { messageId, replay: generation }, trx);
    return generation;
  });
}

/** How many replays of a message have been requested (the generation of the latest). */
export async function replayCount(db: Knex | Knex.Transaction, messageId: number): Promise<number> {
  const [{ n }] = await db('message_events').where({ message_id: messageId, stage: 'replay' }).count('* as n');
  return Number(n);
}
