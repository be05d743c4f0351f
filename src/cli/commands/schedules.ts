import type { Command } from 'commander';
import { GatewayError } from '../../errors/gateway-error';
import { withRuntime } from '../context';
import { isoSeconds, oneLine, printJson, table } from '../format';

/** The cluster's scheduled runs (src/schedule): which process ran each tick, how it ended, and the ticks skipped. */
export function registerSchedules(program: Command): void {
  program
    .command('schedules')
    .description('scheduled runs of the whole cluster, newest first: Odoo scans, send cycles, acknowledgment checks, alerts, reports (the rows of GET /api/schedules)')
    .option('--name <name>', 'only this schedule\'s runs (e.g. odoo-events, ack-overdue-check, outbound:acme-retail:default, sftp:acme-retail, channel:shop-demo:orders)')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { name?: string; limit: string; json?: boolean }, cmd: Command) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new GatewayError('USAGE', `--limit ${opts.limit}: a whole number from 1 to 1000`);
      const { listRuns } = await import('../../store/schedule-runs.repo');
      const rows = await withRuntime(cmd, { role: 'cli', needsPartners: false }, (rt) => listRuns(rt.store.knex, { name: opts.name, limit }));
      if (opts.json) return printJson(rows);
      process.stdout.write(table(['SCHEDULE', 'TICK', 'PROCESS', 'OUTCOME', 'SECONDS', 'DETAIL'], rows.map((r) => [
        r.name, isoSeconds(r.tick), r.owner, r.outcome ?? 'running',
        r.finishedAt ? ((new Date(r.finishedAt).getTime() - new Date(r.startedAt).getTime()) / 1000).toFixed(1) : '-', oneLine(r.detail ?? '')])));
    });
}
