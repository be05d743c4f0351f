import type { Runtime } from '../../daemon/runtime';
import type { ScheduleDefinition } from '../../schedule/cluster-scheduler';
import { warnExpiringCertificates } from './certificates';
import { checkOverdueMdns } from './mdn-watch';

/**
 * The daemon's AS2 chores as cluster-wide schedules (one process a tick, so an overdue MDN is
 * resent once, not once per process): resend when an MDN is overdue; warn daily about
 * certificates near expiry (the alerts raise them too).
 */
export function as2Schedules(rt: Pick<Runtime, 'config' | 'store' | 'queue' | 'partners' | 'log'>): ScheduleDefinition[] {
  const log = rt.log.child({ transport: 'as2' });
  const deps = { knex: rt.store.knex, queue: rt.queue, partners: rt.partners, log };
  return [
    {
      name: 'as2-mdn-watch', when: { everySeconds: rt.config.as2.mdnCheckSeconds },
      run: async () => {
        const r = await checkOverdueMdns(deps);
        return `${r.resent.length} resent, ${r.failed.length} given up`;
      },
    },
    {
      name: 'as2-certificate-warning', when: { cron: '0 6 * * *' },
      run: async () => `${warnExpiringCertificates(rt.config, rt.partners(), log).length} certificate(s) near expiry`,
    },
  ];
}

/** Said once as a process starts, so whoever starts it sees an expiring certificate at once. */
export function warnCertificatesAtStart(rt: Pick<Runtime, 'config' | 'partners' | 'log'>): void {
  try {
    warnExpiringCertificates(rt.config, rt.partners(), rt.log.child({ transport: 'as2' }));
  } catch (err) {
    rt.log.error({ err }, 'certificate expiry check failed');
  }
}
