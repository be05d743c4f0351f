import type { Command } from 'commander';
import { listOverdueAcks } from '../../store/outbound-acks.repo';
import { withRuntime } from '../context';
import { isoSeconds, printJson, table } from '../format';

export function registerAcks(program: Command): void {
  const acks = program.command('acks').description('acknowledgments partners owe us');
  acks
    .command('overdue')
    .description('groups we sent whose 997/999 has not come back in the time the partner\'s profile allows')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const rows = await withRuntime(cmd, { role: 'cli', needsPartners: false }, (rt) => listOverdueAcks(rt.store.knex));
      if (opts.json) return printJson(rows);
      process.stdout.write(table(['MESSAGE', 'PARTNER', 'GROUP', 'CONTROL', 'EXPECTED', 'DUE'],
        rows.map((r) => [r.messageId, r.partnerId, r.functionalId, r.controlNumber, r.ackExpected, isoSeconds(r.dueAt)])));
      // Overdue acknowledgments are something to act on: a script can alert on the exit code.
      if (rows.length) process.exitCode = 1;
    });
}
