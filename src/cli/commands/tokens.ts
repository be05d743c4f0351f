import type { Command } from 'commander';
import { GatewayError } from '../../errors/gateway-error';
import { createToken, isRole, listTokens, revokeToken, ROLES, TOKEN_NAME } from '../../store/api-tokens.repo';
import { withRuntime } from '../context';
import { isoSeconds, printJson, table } from '../format';

/** API tokens: made and revoked here, checked by every gateway process on the same store. */
export function registerTokens(program: Command): void {
  const tokens = program.command('tokens').description('API tokens with roles (viewer, operator, admin): create, list, revoke');

  tokens
    .command('create')
    .description('make a token; it is printed once, alone on stdout, and only its SHA-256 is stored')
    .requiredOption('--role <role>', `what it may do: ${ROLES.join(', ')}`)
    .requiredOption('--name <name>', 'who or what holds it (unique; letters, digits, . _ -)')
    .action(async (opts: { role: string; name: string }, cmd: Command) => {
      if (!isRole(opts.role)) throw new GatewayError('USAGE', `--role ${opts.role}: expected one of ${ROLES.join(', ')}`);
      if (!TOKEN_NAME.test(opts.name)) throw new GatewayError('USAGE', `--name ${opts.name}: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
      const role = opts.role;
      const { token } = await withRuntime(cmd, { role: 'cli', needsPartners: false }, (rt) => createToken(rt.store.knex, opts.name, role));
      process.stdout.write(`${token}\n`);
    });

  tokens
    .command('list')
    .description('every token, revoked ones too (never the token itself)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const rows = await withRuntime(cmd, { role: 'cli', needsPartners: false }, (rt) => listTokens(rt.store.knex));
      if (opts.json) return printJson(rows);
      process.stdout.write(table(['NAME', 'ROLE', 'CREATED', 'LAST USED', 'REVOKED'],
        rows.map((t) => [t.name, t.role, isoSeconds(t.createdAt), isoSeconds(t.lastUsedAt) || '-', isoSeconds(t.revokedAt) || '-'])));
    });

  tokens
    .command('revoke')
    .description('stop a token working, in every gateway process on this store within a second')
    .argument('<name>', 'the token\'s name')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const t = await withRuntime(cmd, { role: 'cli', needsPartners: false }, (rt) => revokeToken(rt.store.knex, name));
      process.stdout.write(`token ${t.name}: revoked ${isoSeconds(t.revokedAt)}\n`);
    });
}
