import { Command, CommanderError } from 'commander';
import { GatewayError, coerceError } from '../errors/gateway-error';
import { registerAcks } from './commands/acks';
import { registerIngest } from './commands/ingest';
import { registerMessages } from './commands/messages';
import { registerPartners } from './commands/partners';
import { registerRender } from './commands/render';
import { registerRun } from './commands/run';
import { registerSandboxOdoo } from './commands/sandbox-odoo';
import { registerTranslate } from './commands/translate';
import { registerValidate } from './commands/validate';

export function buildProgram(): Command {
  const program = new Command('edi-gateway')
    .description('EDI gateway for Odoo: X12 and EDIFACT over SFTP, AS2 and folders')
    .option('--config <file>', 'gateway config file (default: ./gateway.yaml if present)')
    .option('--profiles <dir>', 'partner profiles folder (default: ./partner-profiles)')
    .option('--verbose', 'log more, and print stack traces with errors')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerValidate(program);
  registerTranslate(program);
  registerRender(program);
  registerIngest(program);
  registerMessages(program);
  registerAcks(program);
  registerPartners(program);
  registerRun(program);
  registerSandboxOdoo(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/**
 * Runs the CLI. Exit codes (CONTRACTS.md): 0 success, 1 input processed and something in it
 * rejected, 2 usage error, unreadable file or bad configuration, with one line on stderr.
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const verbose = argv.includes('--verbose');
  try {
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
