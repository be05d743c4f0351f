import type { Command } from 'commander';
import { startDaemon } from '../../daemon/daemon';
import { openRuntime } from '../../daemon/runtime';
import { sandboxUnlessRealOdoo } from '../../odoo/sandbox/embedded';
import { commandContext } from '../context';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('the gateway daemon: polls every partner\'s transports and works the queue (same as npm start)')
    .action(async (_opts: unknown, cmd: Command) => {
      const { config, log } = commandContext(cmd, 'stdout');
      const rt = await openRuntime(config, log, { role: 'daemon', needsPartners: true });
      // The sandbox Odoo stands in when no ODOO_URL is set; started after the runtime holds the store lock.
      const sandbox = await sandboxUnlessRealOdoo(config, log).catch(async (err) => { await rt.close(); throw err; });
      if (sandbox) rt.useSandboxOdoo(sandbox.url);
      const daemon = startDaemon(rt);
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          log.info({ signal }, 'signal received');
          daemon.stop()
            .then(() => sandbox?.close())
            .then(resolve, (err) => { log.error({ err }, 'unclean stop'); process.exitCode = 1; resolve(); });
        };
        process.once('SIGTERM', () => shutdown('SIGTERM'));
        process.once('SIGINT', () => shutdown('SIGINT'));
      });
    });
}
