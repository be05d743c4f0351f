import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { GatewayError } from '../../errors/gateway-error';
import { rangeOf, reconciliationCsv, runReconciliation } from '../../reconciliation';
import { withRuntime } from '../context';
import { isoSeconds, printJson, table } from '../format';

interface ReconcileOptions { from?: string; to?: string; partner?: string; flagged?: boolean; csv?: string; json?: boolean }

export function registerReconcile(program: Command): void {
  program
    .command('reconcile')
    .description('each purchase order side by side: ordered, acknowledged, in Odoo, shipped, invoiced, acknowledgments; mismatches flagged')
    .option('--from <date>', 'orders received from this date (YYYY-MM-DD, UTC) or ISO time; default: --to less the report days (14)')
    .option('--to <date>', 'orders received up to this date, the whole day (YYYY-MM-DD, UTC) or ISO time; default: now')
    .option('--partner <id>', 'only this partner\'s orders')
    .option('--flagged', 'only orders with a flag')
    .option('--csv <file>', 'also write the report as CSV to this file')
    .option('--json', 'print JSON (the rows GET /api/reconciliation answers)')
    .action(async (opts: ReconcileOptions, cmd: Command) => {
      const result = await withRuntime(cmd, { role: 'cli', needsPartners: true }, async (rt) => {
        const now = new Date();
        const range = rangeOf(opts.from, opts.to, now, rt.config.reconciliation.reportDays);
        if ('error' in range) throw new GatewayError('USAGE', range.error.replace(/^(from|to)/, '--$1'));
        const rows = await runReconciliation(rt.store.knex, rt.partners(), rt.config.odoo.enabled,
          { ...range, partnerId: opts.partner, flagged: opts.flagged, now });
        return { from: range.from.toISOString(), to: range.to.toISOString(), rows };
      });
      if (opts.csv) {
        try {
          fs.mkdirSync(path.dirname(path.resolve(opts.csv)), { recursive: true });
          fs.writeFileSync(opts.csv, reconciliationCsv(result.rows));
        } catch (err) {
          throw new GatewayError('USAGE', `--csv ${opts.csv}: ${(err as Error).message}`);
        }
      }
      if (opts.json) printJson(result);
      else {
        const n = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v);
        process.stdout.write(table(['PARTNER', 'PO', 'RECEIVED', 'ODOO', 'ORDERED', 'ACK', 'SHIPPED', '945', 'INVOICED', 'AMOUNT', 'FLAGS'],
          result.rows.map((r) => [r.partnerId, r.poNumber, isoSeconds(r.receivedAt), r.odoo.saleOrderName ?? r.odoo.saleOrderId ?? '-', r.ordered.quantity,
            r.acknowledged ? `${r.acknowledged.type} ${r.acknowledged.quantity}` : '-', n(r.shipped.quantity), n(r.shipped.advisedQuantity),
            n(r.invoiced?.quantity), n(r.invoiced?.amount), r.flags.map((f) => f.code).join(' ')])));
        for (const r of result.rows) for (const f of r.flags) process.stdout.write(`${r.partnerId} ${r.poNumber}: ${f.code} ${f.message}\n`);
      }
      // A flagged order is something to act on: a script can alert on the exit code (as `acks overdue`).
      if (result.rows.some((r) => r.flags.length)) process.exitCode = 1;
    });
}
