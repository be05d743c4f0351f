import type { Runtime } from '../../daemon/runtime';
import { warnExpiringCertificates } from './certificates';
import { checkOverdueMdns } from './mdn-watch';

/** The daemon's AS2 chores: resend when an MDN is overdue; warn daily about certificates near expiry. */
export function startAs2Background(rt: Runtime): { stop(): void } {
  const log = rt.log.child({ transport: 'as2' });
  const deps = { knex: rt.store.knex, queue: rt.queue, partners: rt.partners, log };
  let running = false;
  const watch = setInterval(() => {
    if (running) return;
    running = true;
    checkOverdueMdns(deps).catch((err) => log.error({ err }, 'MDN watch failed')).finally(() => { running = false; });
  }, rt.config.as2.mdnCheckSeconds * 1000);
  const warn = () => {
    try {
      warnExpiringCertificates(rt.config, rt.partners(), log);
    } catch (err) {
      log.error({ err }, 'certificate expiry check failed');
    }
  };
  warn();
  const daily = setInterval(warn, 86_400_000);
  watch.unref();
  daily.unref();
  return { stop() { clearInterval(watch); clearInterval(daily); } };
}
