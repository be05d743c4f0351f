import type { Command } from 'commander';
import { GatewayError } from '../../errors/gateway-error';
import { startConfiguredSandbox } from '../../odoo/sandbox/embedded';
import { commandContext } from '../context';

export function registerSandboxOdoo(program: Command): void {
  program
    .command('sandbox-odoo')
    .description('the sandbox Odoo alone (JSON-RPC on 127.0.0.1; database sandbox, login admin, API key admin)')
    .option('--port <n>', 'port (default: SANDBOX_ODOO_PORT or 18069; 0 picks a free one)')
    .option('--odoo-version <v>', 'which Odoo to behave as: 17, 18 (default) or 19 (adds JSON-2)')
    .action(async (opts: { port?: string; odooVersion?: string }, cmd: Command) => {
      const { config, log } = commandContext(cmd, 'stdout');
      const port = opts.port === undefined ? config.sandboxOdoo.port : Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new GatewayError('USAGE', `--port: '${opts.port}' is not a port number`);
      const version = opts.odooVersion === undefined ? undefined : Number(opts.odooVersion);
      if (version !== undefined && version !== 17 && version !== 18 && version !== 19) {
        throw new GatewayError('USAGE', `--odoo-version: '${opts.odooVersion}' is not 17, 18 or 19`);
      }
      const sandbox = await startConfiguredSandbox(config, log, port, version);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log.info({ signal }, 'signal received');
          sandbox.close().then(resolve, (err) => { log.error({ err }, 'unclean stop'); process.exitCode = 1; resolve(); });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      log.info('sandbox odoo stopped');
    });
}
