import type { Knex } from 'knex';
import type { Logger } from '../../log/logger';
import type { PartnerRegistry } from '../../partners/partner-registry';
import { QUEUES, type JobQueue } from '../../queue/job-queue';
import { recordStage } from '../../store/messages.repo';

export interface MdnWatchDeps {
  knex: Knex;
  queue: JobQueue;
  partners: () => PartnerRegistry;
  log: Logger;
}

/**
 * Messages sent with an asynchronous MDN whose MDN is overdue (the profile's mdn.timeoutSeconds):
 * queued for a resend with the same Message-ID while resend.attempts allow, else an exception.
 */
export async function checkOverdueMdns(deps: MdnWatchDeps, now = new Date()): Promise<{ resent: number[]; failed: number[] }> {
  const out = { resent: [] as number[], failed: [] as number[] };
  const rows: { id: number; partnerId: string | null; updatedAt: Date }[] = await deps.knex('messages as m')
    .join('message_state as s', 's.message_id', 'm.id')
    .where({ 'm.direction': 'out', 's.stage': 'as2-sent', 's.status': 'processing' })
    .select('m.id', 'm.partner_id as partnerId', 's.updated_at as updatedAt');
  for (const row of rows) {
    const as2 = row.partnerId ? deps.partners().get(row.partnerId)?.transports.as2 : undefined;
    if (!as2) continue;
    if (now.getTime() - new Date(row.updatedAt).getTime() < as2.mdn.timeoutSeconds * 1000) continue;
    const [{ count }] = await deps.knex('message_events').where({ message_id: row.id, stage: 'as2-sent' }).count({ count: '*' });
    const sends = Number(count);
    await deps.knex.transaction(async (trx) => {
      if (sends <= as2.resend.attempts) {
        await recordStage(trx, row.id, { stage: 'as2-resend', outcome: 'retrying', status: 'retrying',
          detail: `no MDN within ${as2.mdn.timeoutSeconds}s; sending again (resend ${sends} of ${as2.resend.attempts})` });
        await deps.queue.send(QUEUES.outbound, { messageId: row.id }, trx);
        out.resent.push(row.id);
      } else {
        await recordStage(trx, row.id, { stage: 'mdn', outcome: 'failed', status: 'exception', code: 'AS2_MDN_MISSING',
          detail: `no MDN after ${sends} send(s), each waited ${as2.mdn.timeoutSeconds}s` });
        out.failed.push(row.id);
      }
    });
  }
  if (out.resent.length || out.failed.length) deps.log.warn(out, 'AS2 MDNs overdue');
  return out;
}
