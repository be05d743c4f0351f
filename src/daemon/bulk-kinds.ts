import { GatewayError } from '../errors/gateway-error';
import { marketplaceOf } from '../marketplaces';
import { writeDailyReport } from '../reconciliation/daily-report';
import type { Runtime } from './runtime';

/** The bulk kinds every runtime knows: a channel's full inventory push, and the daily reconciliation report. */
export function registerBulkKinds(rt: Runtime): void {
  rt.bulk.register('channel-inventory', async (job) => {
    const profile = job.partnerId ? rt.partners().get(job.partnerId) : undefined;
    if (!profile) throw new GatewayError('PARTNER_UNKNOWN', `inventory push for '${job.partnerId ?? ''}': no such partner profile`);
    const push = marketplaceOf(profile)?.inventoryPush;
    if (!push) throw new GatewayError('USAGE', `inventory push for ${profile.id}: its kind (${profile.kind}) has no inventory to push`);
    return push(profile, rt);
  });
  rt.bulk.register('reconciliation-report', async () => {
    const r = await writeDailyReport(rt);
    return `${r.file}: ${r.rows} orders, ${r.flagged} flagged`;
  });
}
