import type { Command } from 'commander';
import { GatewayError } from '../../errors/gateway-error';
import { awaitSettled } from '../../pipeline/await-settled';
import { replayMany, requestReplay } from '../../pipeline/replay';
import { MAX_EXCEPTIONS } from '../../store/exceptions.repo';
import { getContent, getEvents, getMessage, listMessages, resolveException, type MessageRow, type MessageStatus } from '../../store/messages.repo';
import { withCliOdoo } from '../odoo-for-cli';
import { withRuntime } from '../context';
import { isoSeconds, oneLine, printJson, table } from '../format';

const STATUSES: MessageStatus[] = ['received', 'processing', 'retrying', 'done', 'exception', 'duplicate', 'resolved'];

function messageId(value: string): number {
  if (!/^[1-9]\d{0,15}$/.test(value)) throw new GatewayError('USAGE', `'${value}' is not a message id (a positive whole number)`);
  return Number(value);
}

export function registerMessages(program: Command): void {
  const messages = program.command('messages').description('the message log: list, show, replay, resolve');

  messages
    .command('list')
    .description('stored messages, newest first')
    .option('--status <status>', `only messages in this status (${STATUSES.join(', ')})`)
    .option('--partner <id>', 'only messages of this partner')
    .option('--direction <dir>', 'in or out')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print JSON')
    .action(async (opts: { status?: string; partner?: string; direction?: string; limit: string; json?: boolean }, cmd: Command) => {
      if (opts.status && !STATUSES.includes(opts.status as MessageStatus)) {
        throw new GatewayError('USAGE', `--status ${opts.status}: expected one of ${STATUSES.join(', ')}`);
      }
      if (opts.direction && !['in', 'out'].includes(opts.direction)) throw new GatewayError('USAGE', `--direction ${opts.direction}: expected in or out`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new GatewayError('USAGE', `--limit ${opts.limit}: expected a positive whole number`);
      const rows = await withRuntime(cmd, { role: 'cli', needsPartners: false }, (rt) => listMessages(rt.store.knex, {
        status: opts.status as MessageStatus | undefined, partnerId: opts.partner, direction: opts.direction as 'in' | 'out' | undefined, limit,
      }));
      if (opts.json) return printJson(rows);
      process.stdout.write(table(['ID', 'DIR', 'PARTNER', 'TRANSPORT', 'FILE', 'BYTES', 'STATUS', 'STAGE', 'CODE', 'RECEIVED'],
        rows.map((m) => [m.id, m.direction, m.partnerId ?? '-', m.transport, m.filename ?? '', m.sizeBytes, m.status, m.stage,
          m.errorCode ?? '', isoSeconds(m.createdAt)])));
    });

  messages
    .command('show')
    .description('one message: its facts and audit trail')
    .argument('<id>', 'message id')
    .option('--json', 'print JSON')
    .option('--raw', 'write the stored bytes, exactly as received, to stdout')
    .action(async (id: string, opts: { json?: boolean; raw?: boolean }, cmd: Command) => {
      const n = messageId(id);
      const found = await withRuntime(cmd, { role: 'cli', needsPartners: false }, async (rt) => {
        const m = await getMessage(rt.store.knex, n);
        if (!m) throw new GatewayError('MESSAGE_NOT_FOUND', `message ${n} is not in the store`);
        return { message: m, events: await getEvents(rt.store.knex, n), content: opts.raw ? await getContent(rt.store.knex, n) : undefined };
      });
      if (opts.raw) return void process.stdout.write(found.content ?? Buffer.alloc(0));
      if (opts.json) return printJson({ ...found.message, events: found.events });
      const m = found.message;
      const facts: [string, unknown][] = [
        ['id', m.id], ['direction', m.direction], ['partner', m.partnerId ?? '-'], ['transport', m.transport],
        ['file', m.filename ?? ''], ['bytes', m.sizeBytes], ['sha256', m.sha256], ['received', isoSeconds(m.createdAt)],
        ['status', m.status], ['stage', m.stage], ...(m.duplicateOf ? [['duplicate of', m.duplicateOf] as [string, unknown]] : []),
        ...(m.errorCode ? [['error', `${m.errorCode}: ${m.errorMessage}`] as [string, unknown]] : []),
      ];
      process.stdout.write(facts.map(([k, v]) => `${k.padEnd(13)}${oneLine(String(v))}`).join('\n') + '\n\n');
      process.stdout.write(table(['AT', 'STAGE', 'OUTCOME', 'CODE', 'DETAIL'],
        found.events.map((e) => [isoSeconds(e.at), e.stage, e.outcome, e.code ?? '', e.detail ?? ''])));
    });

  messages
    .command('resolve')
    .description('close an exception dealt with outside the gateway, with a note for the audit trail')
    .argument('<id>', 'message id')
    .requiredOption('--note <text>', 'what was done about it (kept in the message\'s trail)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { note: string; json?: boolean }, cmd: Command) => {
      const n = messageId(id);
      const note = opts.note.trim();
      if (!note) throw new GatewayError('USAGE', '--note: say what was done about it');
      const m = await withRuntime(cmd, { role: 'cli', needsPartners: false }, (rt) => resolveException(rt.store.knex, n, note));
      if (opts.json) printJson(m);
      else process.stdout.write(`message ${m.id}: resolved\n`);
    });

  messages
    .command('replay')
    .description('run a stored message through the inbound pipeline again, from its stored bytes; with --exceptions, every open exception selected')
    .argument('[id]', 'message id')
    .option('--exceptions', 'replay the open exceptions, newest first: all, or those --partner, --code and --stage select')
    .option('--partner <id>', 'with --exceptions: only this partner\'s')
    .option('--code <code>', 'with --exceptions: only those with this error code')
    .option('--stage <stage>', 'with --exceptions: only those that failed at this stage')
    .option('--limit <n>', `with --exceptions: at most this many (at most ${MAX_EXCEPTIONS})`, String(MAX_EXCEPTIONS))
    .option('--json', 'print JSON')
    .action(async (id: string | undefined, opts: ReplayOptions, cmd: Command) => {
      if (opts.exceptions) return replayExceptions(id, opts, cmd);
      if (id === undefined) throw new GatewayError('USAGE', 'replay: give a message id, or --exceptions');
      if (opts.partner || opts.code || opts.stage) throw new GatewayError('USAGE', '--partner, --code and --stage select exceptions: add --exceptions (and no id)');
      const n = messageId(id);
      const m = await withRuntime(cmd, { role: 'cli', needsPartners: true, quiet: true }, async (rt) => {
        return withCliOdoo(rt, async () => {
          rt.workInbound();
          rt.workOutbound();
          await requestReplay(rt.store.knex, rt.queue, n);
          await awaitSettled(rt.store.knex, [n]);
          return getMessage(rt.store.knex, n);
        });
      });
      if (!m) throw new GatewayError('MESSAGE_NOT_FOUND', `message ${n} is not in the store`);
      if (opts.json) printJson(m);
      else process.stdout.write(`${outcomeLine(m)}\n`);
      if (m.status === 'exception') process.exitCode = 1;
    });
}

interface ReplayOptions { exceptions?: boolean; partner?: string; code?: string; stage?: string; limit: string; json?: boolean }

/** Where a replayed message ended: `message 12: exception (CODE: why)`. */
function outcomeLine(m: MessageRow): string {
  return `message ${m.id}: ${m.status}${m.errorCode ? ` (${m.errorCode}: ${m.errorMessage})` : ''}`;
}

/**
 * `messages replay --exceptions`: each open exception selected is replayed on its own (one refused
 * does not stop the others) and waited for; one line each. Exit 1 when any ended an exception
 * again or was refused.
 */
async function replayExceptions(id: string | undefined, opts: ReplayOptions, cmd: Command): Promise<void> {
  if (id !== undefined) throw new GatewayError('USAGE', 'replay: a message id or --exceptions, not both');
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EXCEPTIONS) throw new GatewayError('USAGE', `--limit ${opts.limit}: expected a whole number from 1 to ${MAX_EXCEPTIONS}`);
  const filter = { partnerId: opts.partner, code: opts.code, stage: opts.stage, limit };
  const r = await withRuntime(cmd, { role: 'cli', needsPartners: true, quiet: true }, (rt) => withCliOdoo(rt, async () => {
    rt.workInbound();
    rt.workOutbound();
    const bulk = await replayMany(rt.store.knex, rt.queue, { filter }, 'bulk replay requested on the command line');
    await awaitSettled(rt.store.knex, bulk.replayed.map((x) => x.messageId));
    const ended: MessageRow[] = [];
    for (const x of bulk.replayed) ended.push((await getMessage(rt.store.knex, x.messageId))!);
    return { ...bulk, ended };
  }));
  if (r.ended.some((m) => m.status === 'exception') || r.refused.length) process.exitCode = 1;
  if (opts.json) {
    return printJson({ replayed: r.replayed.map((x, i) => ({ ...x, status: r.ended[i].status, errorCode: r.ended[i].errorCode, errorMessage: r.ended[i].errorMessage })),
      refused: r.refused, more: r.more });
  }
  const lines = [...r.ended.map(outcomeLine), ...r.refused.map((x) => `message ${x.messageId}: refused (${x.code}: ${x.error})`)];
  if (!lines.length) lines.push('no open exception matches');
  if (r.more) lines.push(`more open exceptions match than --limit ${limit}: run again for the rest`);
  process.stdout.write(lines.map(oneLine).join('\n') + '\n');
}
