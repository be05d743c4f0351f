import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { GatewayError } from '../../errors/gateway-error';
import { formatIssue, loadProfiles } from '../../partners/load-profiles';
import type { PartnerProfile } from '../../partners/profile.schema';
import { requireProfiles, warnBrokenOnStderr } from '../../partners/require-profiles';
import { runPartnerSamples, sampleDir, type SampleOutcome } from '../../partners/sample-runner';
import { scaffoldProfile } from '../../partners/scaffold-profile';
import { checkOdoo } from '../../odoo/check/check-odoo';
import { formatProblem, planProfile } from '../../odoo/check/plan';
import { commandContext, withRuntime } from '../context';
import { withCliOdoo } from '../odoo-for-cli';
import { printJson, table } from '../format';

/** A profile as JSON: what the file says, without the loader's lookup tables. */
function publicProfile({ xref: _xref, files, ...p }: PartnerProfile): Record<string, unknown> {
  return { ...p, ...(files ? { file: files.profile } : {}) };
}

function formatOutcome(o: SampleOutcome): string {
  const head = `${o.status === 'pass' ? 'PASS' : o.status === 'updated' ? 'UPDATED' : 'FAIL'}  ${o.sample}${o.expected ? ` -> ${o.expected}` : ''}`;
  const body = [...o.problems.map((p) => `    ${p}`), ...(o.diff ? [o.diff.replace(/^/gm, '    ')] : [])];
  return [head, ...body].join('\n');
}

export function registerPartners(program: Command): void {
  const partners = program.command('partners').description('partner profiles: list, lint, test, new, check-odoo');
  partners
    .command('list')
    .description('the partners whose profiles load')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const registry = requireProfiles(config.profilesDir, { onBroken: warnBrokenOnStderr });
      if (opts.json) return printJson(registry.profiles.map(publicProfile));
      process.stdout.write(table(['ID', 'NAME', 'MODE', 'IDENTIFIERS', 'IN', 'OUT', 'ACKS'], registry.profiles.map((p) => [
        p.id, p.name, p.mode,
        [...p.identifiers.x12.map((i) => `X12 ${i.qualifier}:${i.id}`), ...p.identifiers.edifact.map((i) => `UNB ${i.id}${i.qualifier ? `:${i.qualifier}` : ''}`),
          ...(p.cxml ? [`cXML ${p.cxml.domain}:${p.cxml.identity}`] : []), ...(p.shopify ? [`Shopify ${p.shopify.shop}`] : []),
          ...(p.amazon ? [`Amazon ${p.amazon.sellerId} (${p.amazon.marketplaceIds.join(' ')})`] : [])].join(', '),
        [...p.documents.inbound.map((d) => d.type), ...(p.kind === 'cxml' ? ['OrderRequest'] : []), ...(p.kind === 'shopify' || p.kind === 'amazon' ? ['orders'] : [])].join(' '),
        [...p.documents.outbound.map((d) => d.type),
          ...(p.kind === 'cxml' ? ['ConfirmationRequest', 'ShipNoticeRequest', 'InvoiceDetailRequest'] : []),
          ...(p.kind === 'shopify' ? ['fulfillments', ...(p.shopify?.inventory.enabled ? ['inventory'] : [])] : []),
          ...(p.kind === 'amazon' ? ['shipments', ...(p.amazon?.inventory.enabled ? ['inventory'] : [])] : [])].join(' '),
        p.acknowledgments.send.join(' '),
      ])));
    });

  partners
    .command('lint')
    .description('check every profile (and its cross-reference tables); errors as file:line:col message')
    .argument('[dir]', 'profiles folder (default: --profiles or ./partner-profiles)')
    .action((dir: string | undefined, _opts: unknown, cmd: Command) => {
      const { config } = commandContext(cmd);
      const folder = dir ?? config.profilesDir;
      if (!fs.existsSync(folder)) throw new GatewayError('USAGE', `${folder}: no such folder`);
      const { profiles, issues, warnings } = loadProfiles(folder);
      for (const i of [...issues, ...warnings]) process.stdout.write(`${formatIssue(i)}\n`);
      process.stderr.write(`${profiles.length} profile(s) OK, ${issues.length} problem(s)${warnings.length ? `, ${warnings.length} warning(s)` : ''} in ${folder}\n`);
      if (issues.length) process.exitCode = 1;
    });

  partners
    .command('test')
    .description("run a partner's samples through validate, translate and ack; compare with the expected files")
    .argument('<id>', 'partner id')
    .option('--update', 'rewrite the expected files from the actual output')
    .action(async (id: string, opts: { update?: boolean }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const registry = requireProfiles(config.profilesDir, { need: id, onBroken: warnBrokenOnStderr });
      const profile = registry.get(id);
      if (!profile) throw new GatewayError('USAGE', `no partner '${id}' in ${config.profilesDir} (partners list shows them)`);
      const outcomes = await runPartnerSamples(profile, { config, partners: registry, update: opts.update });
      if (!outcomes.length) throw new GatewayError('USAGE', `partner '${id}' has no samples: put EDI files in ${path.join(sampleDir(profile) ?? '<profile folder>/samples', 'inbound')} or canonical JSON in outbound/`);
      process.stdout.write(`${outcomes.map(formatOutcome).join('\n')}\n`);
      const failed = outcomes.filter((o) => o.status === 'fail' || o.status === 'missing').length;
      process.stdout.write(`${outcomes.length - failed} passed, ${failed} failed\n`);
      if (failed) process.exitCode = 1;
    });

  partners
    .command('check-odoo')
    .description("check the profiles' Odoo records (customer, warehouse, pricelists, items.csv products, locations.csv addresses) and the Odoo user's rights; one line per problem")
    .argument('[id]', 'only this partner')
    .action(async (id: string | undefined, _opts: unknown, cmd: Command) => {
      const result = await withRuntime(cmd, { role: 'cli', needsPartners: true }, async (rt) => {
        const all = rt.partners().profiles;
        const profiles = id ? all.filter((p) => p.id === id) : all;
        if (id && !profiles.length) throw new GatewayError('USAGE', `no partner '${id}' in ${rt.config.profilesDir} (partners list shows them)`);
        const plans = profiles.map((p) => planProfile(p, (f) => fs.readFileSync(f, 'utf8')));
        const login = rt.config.odoo.url ? rt.config.odoo.user ?? '' : 'admin';
        return withCliOdoo(rt, async () => {
          try {
            return await checkOdoo(rt.odoo(), plans, login);
          } catch (err) {
            if (!(err instanceof GatewayError) || !/AUTH|LOGIN|ACCESS_DENIED|UNAVAILABLE|CONNECT/i.test(err.code)) throw err;
            const where = rt.config.odoo.url ? `${rt.config.odoo.url} (database ${rt.config.odoo.db ?? ''})` : 'the sandbox Odoo';
            throw new GatewayError(err.code, `user '${login}' cannot use ${where}: ${err.message}`);
          }
        });
      });
      for (const p of result.problems) process.stdout.write(`${formatProblem(p)}\n`);
      const c = result.counts;
      process.stderr.write(`checked ${c.profiles} profile(s) as user '${result.user.login}' (uid ${result.user.uid}): ${c.rights} right(s), ${c.customers} customer(s), `
        + `${c.products} item row(s), ${c.addresses} location row(s); ${result.problems.length} problem(s)\n`);
      if (result.problems.length) process.exitCode = 1;
    });

  partners
    .command('new')
    .description('scaffold a partner profile that lints clean')
    .argument('<id>', 'partner id: lower-case letters, digits and dashes')
    .requiredOption('--standard <standard>', 'x12 or edifact')
    .requiredOption('--version <version>', 'X12 004010 / 005010, or an EDIFACT directory such as D96A')
    .option('--name <name>', 'the partner\'s name')
    .option('--sender-id <id>', 'their ISA06 / UNB 0004 id')
    .option('--qualifier <q>', 'their id qualifier (ZZ, 01, 14 ...)')
    .action((id: string, opts: { standard: string; version: string; name?: string; senderId?: string; qualifier?: string }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const standard = opts.standard.toLowerCase();
      if (standard !== 'x12' && standard !== 'edifact') throw new GatewayError('USAGE', `--standard must be x12 or edifact, not '${opts.standard}'`);
      if (standard === 'x12' && !['004010', '005010'].includes(opts.version)) throw new GatewayError('USAGE', `--version for X12 must be 004010 or 005010, not '${opts.version}'`);
      if (standard === 'edifact' && !/^D\d\d[AB]$/.test(opts.version)) throw new GatewayError('USAGE', `--version for EDIFACT must be a directory such as D96A, not '${opts.version}'`);
      const dir = path.join(config.profilesDir, id);
      const file = path.join(dir, 'profile.yaml');
      if (fs.existsSync(file)) throw new GatewayError('USAGE', `${file} already exists`);
      const text = scaffoldProfile({ id, standard, version: opts.version, name: opts.name, senderId: opts.senderId, qualifier: opts.qualifier });
      fs.mkdirSync(path.join(dir, 'samples', 'inbound'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'samples', 'outbound'), { recursive: true });
      fs.writeFileSync(file, text);
      // Refuse to leave a profile behind that the gateway would not load.
      const { issues } = loadProfiles(config.profilesDir);
      const mine = issues.filter((i) => i.file === file || i.message.includes(file));
      if (mine.length) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw new GatewayError('USAGE', `the new profile would not load: ${formatIssue(mine[0])}`);
      }
      process.stdout.write(`${file}\n`);
    });
}

