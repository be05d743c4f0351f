import crypto from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { GatewayError } from '../../errors/gateway-error';
import { awaitSettled } from '../../pipeline/await-settled';
import { getMessage, type MessageRow } from '../../store/messages.repo';
import { withRuntime } from '../context';
import { withCliOdoo } from '../odoo-for-cli';
import { printJson, table } from '../format';
import { readInputFiles } from '../read-input';

interface IngestRow {
  file: string;
  messageId: number;
  partnerId: string | null;
  receipt: 'stored' | 'duplicate' | 'already-stored';
  status: string;
  stage: string;
  errorCode: string | null;
  detail: string;
}

function describe(receipt: IngestRow['receipt'], m: MessageRow | undefined): string {
  if (receipt === 'already-stored') return 'this file was ingested before; nothing stored';
  if (receipt === 'duplicate') return `same bytes already received as message ${m?.duplicateOf}; not processed again`;
  if (m?.status === 'exception') return m.errorMessage ?? '';
  if (m?.status === 'retrying') return `will retry: ${m.errorMessage ?? ''}`;
  return '';
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('store files and run them through the inbound pipeline')
    .argument('<file...>', 'EDI files to ingest')
    .option('--partner <id>', 'the partner the files come from (default: found from each envelope)')
    .option('--json', 'print the summary as JSON')
    .action(async (files: string[], opts: { partner?: string; json?: boolean }, cmd: Command) => {
      const inputs = readInputFiles(files);
      const rows = await withRuntime(cmd, { role: 'cli', needsPartners: true, quiet: true }, async (rt) => {
        if (opts.partner && !rt.partners().get(opts.partner)) {
          throw new GatewayError('USAGE', `--partner ${opts.partner}: no such partner in ${rt.config.profilesDir}`);
        }
        const receipts: { file: string; result: Awaited<ReturnType<typeof rt.receive>> }[] = [];
        await withCliOdoo(rt, async () => {
          rt.workInbound();
          rt.workOutbound();
          for (const input of inputs) {
            const sha256 = crypto.createHash('sha256').update(input.content).digest('hex');
            const result = await rt.receive({
              content: input.content,
              transport: 'cli',
              // Ingesting the same file again is the same receipt: recognised, nothing new stored.
              transportRef: `${opts.partner ?? '*'}:${sha256}`,
              partnerId: opts.partner,
              filename: path.basename(input.file),
            });
            receipts.push({ file: input.file, result });
          }
          await awaitSettled(rt.store.knex, receipts.filter((r) => r.result.outcome === 'stored').map((r) => r.result.messageId));
        });
        const out: IngestRow[] = [];
        for (const { file, result } of receipts) {
          const m = await getMessage(rt.store.knex, result.messageId);
          out.push({
            file, messageId: result.messageId, partnerId: m?.partnerId ?? null, receipt: result.outcome,
            status: m?.status ?? 'unknown', stage: m?.stage ?? '', errorCode: m?.errorCode ?? null, detail: describe(result.outcome, m),
          });
        }
        return out;
      });
      if (opts.json) printJson(rows);
      else {
        process.stdout.write(table(['FILE', 'MESSAGE', 'PARTNER', 'RECEIPT', 'STATUS', 'CODE', 'DETAIL'],
          rows.map((r) => [r.file, r.messageId, r.partnerId ?? '-', r.receipt, r.status, r.errorCode ?? '', r.detail])));
      }
      if (rows.some((r) => r.status === 'exception')) process.exitCode = 1;
    });
}
