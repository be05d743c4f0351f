import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { GatewayError, coerceError } from '../errors/gateway-error';
import { commandName } from './command-name';

export { commandName };

/**
 * Each top-level command and where it is defined. A command's module (and what it imports) is
 * loaded only when that command runs: `validate` must not pay for the daemon's HTTP server, the
 * job queue, SSH, the Odoo client or PGlite (about 0.4 s and 90 MB of modules before this).
 * Help, and a name that is not here, load them all (commander then lists them, or suggests one).
 */
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  validate: async () => (await import('./commands/validate')).registerValidate,
  ack: async () => (await import('./commands/validate')).registerValidate, // ack is defined beside validate
  translate: async () => (await import('./commands/translate')).registerTranslate,
  render: async () => (await import('./commands/render')).registerRender,
  ingest: async () => (await import('./commands/ingest')).registerIngest,
  messages: async () => (await import('./commands/messages')).registerMessages,
  acks: async () => (await import('./commands/acks')).registerAcks,
  reconcile: async () => (await import('./commands/reconcile')).registerReconcile,
  partners: async () => (await import('./commands/partners')).registerPartners,
  tokens: async () => (await import('./commands/tokens')).registerTokens,
  alerts: async () => (await import('./commands/alerts')).registerAlerts,
  schedules: async () => (await import('./commands/schedules')).registerSchedules,
  run: async () => (await import('./commands/run')).registerRun,
  'sandbox-odoo': async () => (await import('./commands/sandbox-odoo')).registerSandboxOdoo,
};

/** The version in package.json (two folders up from src/cli and from dist/cli alike). */
function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/** The program with the command `argv` names registered, or every command when it names none we know. */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('edi-gateway')
    .description('EDI gateway for Odoo: X12 and EDIFACT over SFTP, AS2 and folders')
    .option('--config <file>', 'gateway config file (default: ./gateway.yaml if present)')
    .option('--profiles <dir>', 'partner profiles folder (default: ./partner-profiles)')
    .option('--verbose', 'log more, and print stack traces with errors')
    .option('--pretty', 'log lines for a person rather than JSON (same as EDI_GATEWAY_LOG_PRETTY=1)')
    .addHelpText('after', '\n`edi-gateway --version` prints the version.')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const name = commandName(argv);
  const loaders = name !== undefined && COMMANDS[name] ? [COMMANDS[name]] : [...new Set(Object.values(COMMANDS))];
  const registered = new Set<(program: Command) => void>();
  for (const load of loaders) {
    const register = await load();
    if (registered.has(register)) continue; // validate and ack share one
    registered.add(register);
    register(program);
  }
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/**
 * Runs the CLI. Exit codes (CONTRACTS.md): 0 success, 1 input processed and something in it
 * rejected, 2 usage error, unreadable file or bad configuration, with one line on stderr.
 */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  // The daemon owns SIGTERM from here on, before its modules load (src/daemon/signals.ts).
  if (commandName(argv) === 'run') (await import('../daemon/signals')).holdSignals();
  // Only before any command: `partners new --version 004010` is that command's own option, so
  // commander's program-wide .version() (which takes --version anywhere) is not used.
  if (commandName(argv) === undefined && argv.includes('--version')) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      // Help and version are not errors; commander already printed its one-line complaint.
      return thrown.exitCode === 0 ? 0 : 2;
    }
    const err = thrown instanceof GatewayError ? thrown : coerceError(thrown);
    process.stderr.write(`edi-gateway: ${err.message}\n`);
    if (verbose) process.stderr.write(`${(thrown as Error).stack ?? ''}\n`);
    return thrown instanceof GatewayError ? err.exitCode : 1;
  }
}
