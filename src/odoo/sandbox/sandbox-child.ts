// The sandbox Odoo as a child of the daemon (sandbox-process.ts): started with its settings as one
// JSON argument, says its URL over IPC, and ends with the daemon: on 'stop', or when the IPC
// channel closes because the daemon died (a SIGKILL leaves no orphan holding the port).
import { GatewayConfigSchema } from '../../config/gateway.config';
import { createLogger } from '../../log/logger';
import { startConfiguredSandbox } from './embedded';
import type { SandboxChildSettings } from './sandbox-process';

async function main(): Promise<void> {
  const s = JSON.parse(process.argv[2] ?? '{}') as SandboxChildSettings;
  const config = GatewayConfigSchema.parse({ home: s.home, sandboxOdoo: { port: s.port } });
  const log = createLogger({ level: s.level, pretty: s.pretty, destination: 1 });
  const sandbox = await startConfiguredSandbox(config, log);
  let closing: Promise<void> | undefined;
  const stop = () => {
    closing ??= sandbox.close().finally(() => process.exit(0));
  };
  process.on('message', (m) => { if (m === 'stop') stop(); });
  process.on('disconnect', stop);
  // A terminal's Ctrl-C or a service manager's SIGTERM reaches the whole group: the daemon still
  // needs Odoo while it finishes its jobs in hand, and says when to stop.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  process.send?.({ url: sandbox.url });
}

main().catch((err: Error & { code?: string }) => {
  process.send?.({ error: err.message, code: err.code });
  process.exit(1);
});
