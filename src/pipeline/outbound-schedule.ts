import type { Knex } from 'knex';
import type { PartnerProfile } from '../partners/profile.schema';
import { QUEUES, type JobQueue } from '../queue/job-queue';
import { recordStage } from '../store/messages.repo';

/**
 * A partner's send cycles (profile schedules.outbound): documents rendered between ticks wait in
 * outbound_holds and go together at the next tick, in the partner's time zone.
 */
export interface OutboundCycle {
  /** 'all' for a single cron; else the document type or 'default' it was written under. */
  key: string;
  cron: string;
  timeZone: string;
}

export function outboundCycles(profile: PartnerProfile): OutboundCycle[] {
  const s = profile.schedules.outbound;
  if (!s) return [];
  const timeZone = profile.outbound.timeZone;
  return typeof s === 'string' ? [{ key: 'all', cron: s, timeZone }] : Object.entries(s).map(([key, cron]) => ({ key, cron, timeZone }));
}

/**
 * The cycle a document waits for: its X12 set or EDIFACT message type, else its canonical type,
 * else the default; undefined when it goes at once.
 */
export function cycleFor(profile: PartnerProfile, types: readonly string[]): OutboundCycle | undefined {
  const cycles = outboundCycles(profile);
  if (cycles.length === 1 && cycles[0].key === 'all') return cycles[0];
  return types.map((t) => cycles.find((c) => c.key === t)).find(Boolean) ?? cycles.find((c) => c.key === 'default');
}

/** The cluster-wide schedule name of one cycle (src/schedule). */
export const cycleScheduleName = (partnerId: string, key: string) => `outbound:${partnerId}:${key}`;

/** Holds a stored outbound message for its cycle, in the caller's transaction (instead of queueing it). */
export async function holdForCycle(trx: Knex.Transaction, messageId: number, partnerId: string, cycle: OutboundCycle): Promise<void> {
  await trx('outbound_holds').insert({ message_id: messageId, partner_id: partnerId, schedule: cycle.key });
  await recordStage(trx, messageId, { stage: 'scheduled', outcome: 'info', status: 'received',
    detail: `waits for ${partnerId}'s send cycle '${cycle.cron}' (${cycle.timeZone})${cycle.key === 'all' ? '' : ` for ${cycle.key}`}` });
}

/**
 * One tick of a cycle: every message held for it is queued for sending, in one transaction. The
 * acknowledgment each owes is due counting from now, not from when it was rendered: the partner's
 * window starts when it gets the file.
 */
export async function releaseCycle(knex: Knex, queue: JobQueue, partnerId: string, key: string, tick: Date): Promise<number> {
  return knex.transaction(async (trx) => {
    const held: { message_id: string | number; held_at: Date }[] = await trx('outbound_holds')
      .where({ partner_id: partnerId, schedule: key }).orderBy('message_id').forUpdate().skipLocked().select('message_id', 'held_at');
    if (!held.length) return 0;
    const ids = held.map((h) => Number(h.message_id));
    await trx('outbound_holds').whereIn('message_id', ids).delete();
    for (const h of held) {
      const id = Number(h.message_id);
      const waitedSeconds = Math.max(0, Math.round((Date.now() - new Date(h.held_at).getTime()) / 1000));
      await trx('outbound_groups').where({ message_id: id }).whereNotNull('ack_due_at')
        .update({ ack_due_at: trx.raw('ack_due_at + make_interval(secs => ?)', [waitedSeconds]) });
      await recordStage(trx, id, { stage: 'released', outcome: 'info', detail: `send cycle tick ${tick.toISOString()} (${held.length} document${held.length === 1 ? '' : 's'})` });
      await queue.send(QUEUES.outbound, { messageId: id }, trx);
    }
    return held.length;
  });
}
