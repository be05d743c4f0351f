import type { Command } from 'commander';
import { startDaemon } from '../../daemon/daemon';
import { GatewayError } from '../../errors/gateway-error';
import { startHttpServer } from '../../http/http-server';
import { openRuntime } from '../../daemon/runtime';
import { stopOnSignal } from '../../daemon/signals';
import { sandboxProcessUnlessRealOdoo } from '../../odoo/sandbox/sandbox-process';
import type { GatewayConfig } from '../../config/gateway.config';
import type { Logger } from '../../log/logger';
import { commandContext } from '../context';
import { tuneForLongRunning } from '../../daemon/memory-tuning';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('the gateway daemon: polls every partner\'s transports and works the queue (same as npm start)')
    .action(async (_opts: unknown, cmd: Command) => {
      tuneForLongRunning();
      const { config, log } = commandContext(cmd, 'stdout');
      // Signals are ours from the first moment: a SIGTERM while the store or the sandbox is still
      // starting waits for the start to finish, then stops as usual (Node's default would kill the
      // process mid-start and leave the store's lock behind).
      const startup = start(config, log);
      const stopped = stopOnSignal(async () => {
        const stop = await startup.catch(() => undefined);
        await stop?.();
      }, log, { deadlineMs: config.stopSeconds * 1000 });
      await startup; // a failed start (a taken port) ends the command with its error
      await stopped;
    });
}

/** Starts everything `run` runs; resolves to the graceful stop (src/daemon/signals.ts bounds it). */
async function start(config: GatewayConfig, log: Logger): Promise<() => Promise<void>> {
  const rt = await openRuntime(config, log, { role: 'daemon', needsPartners: true });
  // The sandbox Odoo stands in when no ODOO_URL is set; started after the runtime holds the store lock.
  const sandbox = await sandboxProcessUnlessRealOdoo(config, log).catch(async (err) => { await rt.close(); throw err; });
  if (sandbox) rt.useSandboxOdoo(sandbox.url);
  // The HTTP server first: a taken port stops start-up (exit 2, one line) before any file is
  // taken, rather than a daemon running on without AS2 and with someone else answering /healthz.
  const http = await startHttpServer(rt).catch(async (err) => {
    await sandbox?.close();
    await rt.close();
    const code = (err as NodeJS.ErrnoException).code;
    const port = rt.config.http.port;
    throw new GatewayError('HTTP_PORT_UNAVAILABLE', code === 'EADDRINUSE'
      ? `HTTP port ${port} is taken by another program (set EDI_GATEWAY_HTTP_PORT or http.port in gateway.yaml)`
      : `HTTP port ${port} cannot be opened: ${(err as Error).message}`);
  });
  const daemon = startDaemon(rt, { http });
  return async () => {
    await daemon.stop();
    await sandbox?.close();
  };
}
