import { ProfileWatcher } from '../partners/profile-watcher';
import type { PartnerRegistry } from '../partners/partner-registry';
import { folderSettings } from '../transports/folder/folder.config';
import { sniff } from '../parsers/sniff';
import { FolderTransport } from '../transports/folder/folder.transport';
import { sftpInboundSettings } from '../transports/sftp/sftp.config';
import { missingCredentials } from '../transports/sftp/sftp.credentials';
import { SftpPoller } from '../transports/sftp/sftp.inbound';
import type { InboundTransport } from '../transports/transport';
import type { Runtime } from './runtime';
import { startHttpServer, type HttpServer } from '../http/http-server';
import { as2Schedules, warnCertificatesAtStart } from '../transports/as2/as2.background';
import { ChannelSchedules } from '../marketplaces/channel-schedules';
import { dailyReportSchedule } from '../reconciliation/daily-report';
import type { ScheduleDefinition } from '../schedule/cluster-scheduler';
import { cycleScheduleName, outboundCycles, releaseCycle } from '../pipeline/outbound-schedule';
import { AlertWatch } from '../alerts/alert-watch';
import { flagOverdueAcks } from '../acks/overdue-acks';

export interface Daemon {
  transports(): InboundTransport[];
  /** The HTTP server (AS2, API, health), once listening; undefined if it could not start. */
  http: Promise<HttpServer | undefined>;
  /**
   * Graceful and bounded: transports finish the file in hand; workers get a few seconds for the jobs
   * in hand, then give them back to the queue; then the store closes.
   */
  stop(): Promise<void>;
}

/** The gateway daemon: inbound workers plus every partner's transports, polling; profiles reloaded when they change. */
/** How often a slow stop says what it still waits for. */
const STOP_REPORT_MS = 3000;

export interface DaemonOptions {
  /** An HTTP server already listening (`run` starts it first, so a taken port stops start-up before any work). */
  http?: HttpServer;
}

export function startDaemon(rt: Runtime, options: DaemonOptions = {}): Daemon {
  rt.workInbound();
  rt.workOutbound();
  rt.workBulk();
  // Periodic work that must run once in the cluster (one process a tick), however many processes run.
  const scheduler = rt.schedules;
  const channels = new ChannelSchedules(rt, scheduler);
  const odooScan = odooEventSchedule(rt);
  if (odooScan) {
    // At start too, not only at the first tick: what happened in Odoo while no gateway ran goes out now.
    void rt.odooEvents.scanNow().catch((err) => rt.log.error({ err }, 'Odoo event scan failed'));
    scheduler.add(odooScan);
  }
  const transports = new Map<string, { transport: InboundTransport; settings: string }>();
  const folderLog = rt.log.child({ transport: 'folder' });
  const sftpLog = rt.log.child({ transport: 'sftp' });
  // RegExps would all stringify as {}: compare them by source, so a changed include restarts.
  const same = (settings: unknown) => JSON.stringify(settings, (_k, v) => (v instanceof RegExp ? v.source : v));

  /** Every partner's folder transport (this process's), plus an SFTP poller where SFTP is the partner's transport (the cluster's, through the scheduler). */
  const wantedTransports = (registry: PartnerRegistry) => {
    const wanted = new Map<string, { settings: unknown; make: () => InboundTransport }>();
    const senderOf = (content: Buffer) => rt.partners().senderOf(sniff(content.subarray(0, 4096)))?.id;
    for (const p of registry.profiles) {
      const folder = folderSettings(rt.config, p);
      wanted.set(`folder:${p.id}`, { settings: folder, make: () => new FolderTransport(folder, rt.receive, folderLog, senderOf, rt.receiveMany) });
      const sftp = sftpInboundSettings(p);
      const missing = sftp && missingCredentials(sftp);
      // The poll is a cluster schedule (sftp:<partner>): each tick polled by one of the processes that have the credentials.
      if (missing) sftpLog.warn({ partnerId: p.id, reason: missing }, 'sftp not started: its credentials are not on this machine; the folder transport still runs');
      else if (sftp) wanted.set(`sftp:${p.id}`, { settings: sftp, make: () => new SftpPoller(sftp, rt.receive, sftpLog, { cluster: { scheduler, knex: rt.store.knex } }) });
    }
    return wanted;
  };

  /** Starts transports for new partners, restarts changed ones, stops those whose profile is gone. */
  const sync = async (registry: PartnerRegistry) => {
    const wanted = wantedTransports(registry);
    for (const [key, t] of [...transports]) {
      const next = wanted.get(key);
      if (!next || same(next.settings) !== t.settings) {
        transports.delete(key);
        await t.transport.stop();
      }
    }
    for (const [key, w] of wanted) {
      if (transports.has(key)) continue;
      const transport = w.make();
      transports.set(key, { transport, settings: same(w.settings) });
      transport.start();
    }
    syncCycles(registry);
    // A marketplace's scheduled work (an order pull, an inventory push): cluster schedules too, so
    // that the channel's API is called once a tick however many processes run.
    channels.sync(registry);
  };

  /**
   * Each partner's outbound send cycles (profile schedules.outbound), as cluster schedules; re-added
   * when their cron changes (only then: a replaced schedule's run in hand is aborted), removed with it.
   */
  const cycles = new Map<string, string>();
  const syncCycles = (registry: PartnerRegistry) => {
    const wanted = new Set<string>();
    for (const p of registry.profiles) {
      for (const c of outboundCycles(p)) {
        const name = cycleScheduleName(p.id, c.key);
        const when = { cron: c.cron, timeZone: c.timeZone };
        wanted.add(name);
        if (cycles.get(name) === JSON.stringify(when)) continue;
        cycles.set(name, JSON.stringify(when));
        scheduler.add({ name, when, run: async (tick) => `${await releaseCycle(rt.store.knex, rt.queue, p.id, c.key, tick)} document(s) released` });
      }
    }
    for (const name of [...cycles.keys()]) if (!wanted.has(name)) { scheduler.remove(name); cycles.delete(name); }
  };
  void sync(rt.partners());
  rt.log.info({ partners: rt.partners().profiles.map((p) => p.id), transports: [...transports.keys()], home: rt.config.home, store: rt.store.backend }, 'gateway started');

  let syncing = Promise.resolve();
  const watcher = new ProfileWatcher(rt.config.profilesDir, rt.log, (registry) => {
    rt.setPartners(registry);
    syncing = syncing.then(() => sync(registry)).catch((err) => rt.log.error({ err }, 'transports not updated after a profile reload'));
  }, () => rt.partners());
  watcher.start(rt.config.profileReloadSeconds);

  // The HTTP server is an edge like the folder transports: if its port is taken, say so loudly
  // and keep the rest running.
  const http = options.http ? Promise.resolve(options.http) : startHttpServer(rt).catch((err) => {
    rt.log.error({ err: (err as Error).message, port: rt.config.http.port }, 'HTTP server not started: AS2 and the API are unavailable');
    return undefined;
  });
  warnCertificatesAtStart(rt);
  const alerts = new AlertWatch({ knex: rt.store.knex, config: rt.config, partners: () => rt.partners(), log: rt.log.child({ component: 'alerts' }) });
  for (const def of [
    ...as2Schedules(rt), dailyReportSchedule(rt),
    { name: 'alerts', when: { everySeconds: rt.config.alerts.checkSeconds }, run: () => alerts.cycle() },
    { name: 'ack-overdue-check', when: { everySeconds: 60 }, run: async () => `${(await flagOverdueAcks(rt.store.knex)).length} document(s) flagged ACK_OVERDUE` },
  ]) if (def) scheduler.add(def);

  let stopping: Promise<void> | undefined;
  return {
    transports: () => [...transports.values()].map((t) => t.transport),
    http,
    stop() {
      stopping ??= (async () => {
        rt.log.info('gateway stopping');
        watcher.stop();
        // What the stop still waits for, said every few seconds: an operator watching a slow stop
        // sees which part holds it (a transport's file in hand, jobs running, the store closing).
        const waiting = new Map<string, () => string>();
        const step = async (name: string, detail: () => string, work: Promise<unknown>) => {
          waiting.set(name, detail);
          try {
            await work;
          } finally {
            waiting.delete(name);
          }
        };
        const report = setInterval(() => {
          rt.log.info({ waitingFor: [...waiting].map(([name, detail]) => `${name}${detail()}`) }, 'gateway still stopping');
        }, STOP_REPORT_MS);
        try {
          // In parallel, each bounded by its own grace: the queue workers do not wait for the
          // transports (which may still send() the file in hand: the queue stays open for that).
          await Promise.all([
            step('http server', () => '', http.then((server) => server?.close())),
            step('transports', () => ` (${transports.size}: each finishes the file in hand)`,
              syncing.then(() => Promise.all([...transports.values()].map((t) => t.transport.stop())))),
            // The scanner is told to stop with the scheduler: a scan in hand ends at its next record, not at its last.
            step('scheduled runs', () => ' (a report, an alert delivery, a send cycle, an Odoo scan, a marketplace pull or push in hand)', Promise.all([scheduler.stop(), rt.odooEvents.stop()])),
            step('jobs in hand', () => ` (${Object.entries(rt.queue.inHand()).filter(([, n]) => n).map(([q, n]) => `${q} ${n}`).join(', ') || 'none'})`,
              rt.queue.stopWorkers()),
          ]);
          await step('store and queue connections', () => '', rt.close());
        } finally {
          clearInterval(report);
        }
        rt.log.info('gateway stopped');
      })();
      return stopping;
    },
  };
}

/**
 * Odoo's events -> outbound documents, every odoo.pollSeconds, once a tick in the cluster; a
 * webhook calls rt.odooEvents.scanNow() early. (The scanner's own per-event leases still keep two
 * scans from handling one record, as between a webhook's scan and a tick.)
 */
export function odooEventSchedule(rt: Runtime): ScheduleDefinition | undefined {
  if (!rt.config.odoo.enabled || rt.config.odoo.pollSeconds <= 0) return undefined;
  return {
    name: 'odoo-events',
    when: { everySeconds: rt.config.odoo.pollSeconds },
    run: async () => {
      const report = await rt.odooEvents.scanNow();
      if (report.error) throw new Error(report.error);
      return Object.entries(report.events).filter(([, c]) => c.queued || c.failed)
        .map(([event, c]) => `${event}: ${c.queued} queued${c.failed ? `, ${c.failed} failed` : ''}`).join('; ') || 'nothing new';
    },
  };
}
