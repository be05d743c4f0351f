import type { Command } from 'commander';
import { requireProfiles } from '../../partners/require-profiles';
import { commandContext } from '../context';
import { printJson, table } from '../format';

export function registerPartners(program: Command): void {
  const partners = program.command('partners').description('partner profiles');
  partners
    .command('list')
    .description('the partners whose profiles load')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const registry = requireProfiles(config.profilesDir);
      if (opts.json) return printJson(registry.profiles);
      process.stdout.write(table(['ID', 'NAME', 'MODE', 'IDENTIFIERS', 'IN', 'OUT', 'ACKS'], registry.profiles.map((p) => [
        p.id, p.name, p.mode,
        [...p.identifiers.x12.map((i) => `X12 ${i.qualifier}:${i.id}`), ...p.identifiers.edifact.map((i) => `UNB ${i.id}${i.qualifier ? `:${i.qualifier}` : ''}`)].join(', '),
        p.documents.inbound.map((d) => d.type).join(' '),
        p.documents.outbound.map((d) => d.type).join(' '),
        p.acknowledgments.send.join(' '),
      ])));
    });
}
