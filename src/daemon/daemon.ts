import { folderSettings } from '../transports/folder/folder.config';
import { FolderTransport } from '../transports/folder/folder.transport';
import type { InboundTransport } from '../transports/transport';
import type { Runtime } from './runtime';

export interface Daemon {
  transports: InboundTransport[];
  /** Graceful: transports finish the file in hand, workers the jobs in hand, then the store closes. */
  stop(): Promise<void>;
}

/** The gateway daemon: inbound workers plus every partner's transports, polling. */
export function startDaemon(rt: Runtime): Daemon {
  rt.workInbound();
  rt.workOutbound();
  const transports: InboundTransport[] = rt.partners().profiles.map(
    (profile) => new FolderTransport(folderSettings(rt.config, profile), rt.receive, rt.log.child({ transport: 'folder' })),
  );
  for (const t of transports) t.start();
  rt.log.info({ partners: transports.map((t) => t.partnerId), home: rt.config.home, store: rt.store.backend }, 'gateway started');

  let stopping: Promise<void> | undefined;
  return {
    transports,
    stop() {
      stopping ??= (async () => {
        rt.log.info('gateway stopping');
        await Promise.all(transports.map((t) => t.stop()));
        await rt.close();
        rt.log.info('gateway stopped');
      })();
      return stopping;
    },
  };
}
