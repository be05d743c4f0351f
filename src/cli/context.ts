import type { Command } from 'commander';
import { loadConfig } from '../config/load-config';
import type { GatewayConfig } from '../config/gateway.config';
import type { Runtime, RuntimeOptions } from '../daemon/runtime';
import { createLogger, type Logger } from '../log/logger';

export interface GlobalOptions {
  config?: string;
  profiles?: string;
  verbose?: boolean;
  pretty?: boolean;
}

/** The config and logger every command starts from, from the global options. */
export function commandContext(cmd: Command, logTo: 'stdout' | 'stderr' = 'stderr', quiet = false): { config: GatewayConfig; log: Logger } {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  const config = loadConfig({ file: opts.config, profilesDir: opts.profiles });
  // CLI commands keep stdout for their output and log only warnings, unless asked; a command that
  // runs the pipeline and prints its outcome (ingest, replay) logs nothing unless --verbose: the
  // outcome and the message's trail say it all.
  const level = logTo === 'stdout' ? config.log.level : opts.verbose ? 'debug' : quiet ? 'silent' : 'warn';
  return { config, log: createLogger({ level, destination: logTo === 'stdout' ? 1 : 2, pretty: opts.pretty || config.log.pretty }) };
}

/**
 * Opens the runtime for the duration of fn, and always closes it. The runtime (store, job queue,
 * pipeline, Odoo client) is loaded here, not when this module is: `validate`, `ack` and
 * `translate` use commandContext alone and never load it.
 */
export async function withRuntime<T>(cmd: Command, options: RuntimeOptions & { quiet?: boolean }, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const { config, log } = commandContext(cmd, 'stderr', options.quiet);
  const { openRuntime } = await import('../daemon/runtime');
  const { warnBrokenOnStderr } = await import('../partners/require-profiles');
  const rt = await openRuntime(config, log, { onBrokenPartner: warnBrokenOnStderr, ...options });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}
