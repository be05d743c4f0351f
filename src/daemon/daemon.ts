import { ProfileWatcher } from '../partners/profile-watcher';
import type { PartnerRegistry } from '../partners/partner-registry';
import { folderSettings } from '../transports/folder/folder.config';
import { FolderTransport } from '../transports/folder/folder.transport';
import type { InboundTransport } from '../transports/transport';
import type { Runtime } from './runtime';
import { startHttpServer, type HttpServer } from '../http/http-server';
import { startAs2Background } from '../transports/as2/as2.background';

export interface Daemon {
  transports(): InboundTransport[];
  /** The HTTP server (AS2, API, health), once listening; undefined if it could not start. */
  http: Promise<HttpServer | undefined>;
  /** Graceful: transports finish the file in hand, workers the jobs in hand, then the store closes. */
  stop(): Promise<void>;
}

/** The gateway daemon: inbound workers plus every partner's transports, polling; profiles reloaded when they change. */
export function startDaemon(rt: Runtime): Daemon {
  rt.workInbound();
  rt.workOutbound();
  const transports = new Map<string, { transport: InboundTransport; settings: string }>();
  const folderLog = rt.log.child({ transport: 'folder' });

  /** Starts transports for new partners, restarts changed ones, stops those whose profile is gone. */
  const sync = async (registry: PartnerRegistry) => {
    const wanted = new Map(registry.profiles.map((p) => [p.id, folderSettings(rt.config, p)]));
    for (const [id, t] of [...transports]) {
      const next = wanted.get(id);
      if (!next || JSON.stringify(next) !== t.settings) {
        transports.delete(id);
        await t.transport.stop();
      }
    }
    for (const [id, settings] of wanted) {
      if (transports.has(id)) continue;
      const transport = new FolderTransport(settings, rt.receive, folderLog);
      transports.set(id, { transport, settings: JSON.stringify(settings) });
      transport.start();
    }
  };
  void sync(rt.partners());
  rt.log.info({ partners: [...transports.keys()], home: rt.config.home, store: rt.store.backend }, 'gateway started');

  let syncing = Promise.resolve();
  const watcher = new ProfileWatcher(rt.config.profilesDir, rt.log, (registry) => {
    rt.setPartners(registry);
    syncing = syncing.then(() => sync(registry)).catch((err) => rt.log.error({ err }, 'transports not updated after a profile reload'));
  });
  watcher.start(rt.config.profileReloadSeconds);

  // The HTTP server is an edge like the folder transports: if its port is taken, say so loudly
  // and keep the rest running.
  const http = startHttpServer(rt).catch((err) => {
    rt.log.error({ err: (err as Error).message, port: rt.config.http.port }, 'HTTP server not started: AS2 and the API are unavailable');
    return undefined;
  });
  const as2Background = startAs2Background(rt);

  let stopping: Promise<void> | undefined;
  return {
    transports: () => [...transports.values()].map((t) => t.transport),
    http,
    stop() {
      stopping ??= (async () => {
        rt.log.info('gateway stopping');
        watcher.stop();
        as2Background.stop();
        await (await http)?.close();
        await syncing;
        await Promise.all([...transports.values()].map((t) => t.transport.stop()));
        await rt.close();
        rt.log.info('gateway stopped');
      })();
      return stopping;
    },
  };
}
