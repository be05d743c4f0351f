import type { Knex } from 'knex';
import { restartAckWindow } from '../acks/overdue-acks';
import { GatewayError } from '../errors/gateway-error';
import { oneByOne, type Refusal } from '../lib/one-by-one';
import { QUEUES, type JobQueue } from '../queue/job-queue';
import { targetIds, type ExceptionTarget } from '../store/exceptions.repo';
import { getMessage, recordStage } from '../store/messages.repo';

export interface ReplayOptions {
  /** Refuse (MESSAGE_NOT_EXCEPTION) a message that is not an open exception, decided under the row lock: bulk replay is for exceptions. */
  onlyException?: boolean;
}

/**
 * Re-runs an inbound message from its stored bytes: a new job, and a line in its audit trail. An
 * outbound message is sent again as stored.
 * Each replay gets the next generation number (1, 2, ...), carried by its job and kept in the
 * trail: what the run sends once per run (acknowledgments) is keyed by it, so a replay sends anew
 * while a job that merely runs again (redelivery, a crash mid-job) finds its own keys and sends
 * nothing twice. Returns the generation.
 */
export async function requestReplay(knex: Knex, queue: JobQueue, messageId: number, reason = 'replay requested', options: ReplayOptions = {}): Promise<number> {
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
    if (options.onlyException && m.status !== 'exception') {
      throw new GatewayError('MESSAGE_NOT_EXCEPTION', `message ${messageId} is ${m.status}, not an open exception`);
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

export interface BulkReplay {
  replayed: { messageId: number; replay: number }[];
  refused: Refusal[];
  /** A filter matched more open exceptions than its limit: the rest are for the next call. */
  more: boolean;
}

/**
 * Replays many open exceptions, each on its own (one refused does not stop the others): by id, or
 * those a filter selects. The API, the dashboard and `messages replay --exceptions` all come here.
 */
export async function replayMany(knex: Knex, queue: JobQueue, target: ExceptionTarget, reason: string): Promise<BulkReplay> {
  const { ids, more } = await targetIds(knex, target);
  const { done, refused } = await oneByOne(ids, (id) => requestReplay(knex, queue, id, reason, { onlyException: true }));
  return { replayed: done.map((d) => ({ messageId: d.messageId, replay: d.value })), refused, more };
}

/** How many replays of a message have been requested (the generation of the latest). */
export async function replayCount(db: Knex | Knex.Transaction, messageId: number): Promise<number> {
  const [{ n }] = await db('message_events').where({ message_id: messageId, stage: 'replay' }).count('* as n');
  return Number(n);
}
