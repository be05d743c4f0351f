import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../daemon/runtime';
import type { ScheduleDefinition } from '../schedule/cluster-scheduler';
import { enqueueBulk } from '../queue/bulk-work';
import { reconciliationCsv, runReconciliation } from '.';

const DAY_MS = 86_400_000;

/** The local calendar date, as the report's name has it (the cron runs on the gateway's clock too). */
const localDate = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

export function reportPath(home: string, at: Date): string {
  return path.join(home, 'reports', `reconciliation-${localDate(at)}.csv`);
}

/**
 * Writes $EDI_GATEWAY_HOME/reports/reconciliation-YYYY-MM-DD.csv: the orders of the last
 * reconciliation.reportDays days. Written beside and renamed, so a reader never sees half a file.
 */
export async function writeDailyReport(rt: Pick<Runtime, 'config' | 'store' | 'partners'>, now = new Date()): Promise<{ file: string; rows: number; flagged: number }> {
  const rows = await runReconciliation(rt.store.knex, rt.partners(), rt.config.odoo.enabled,
    { from: new Date(now.getTime() - rt.config.reconciliation.reportDays * DAY_MS), to: now, now });
  const file = reportPath(rt.config.home, now);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, reconciliationCsv(rows));
  fs.renameSync(tmp, file);
  return { file, rows: rows.length, flagged: rows.filter((r) => r.flags.length).length };
}

/**
 * The daemon's daily report on reconciliation.reportCron, as a cluster-wide schedule (one process a
 * tick) whose tick queues the report as a bulk job: a slow report takes a bulk worker, never one an
 * order needs. Undefined when off.
 */
export function dailyReportSchedule(rt: Pick<Runtime, 'config' | 'queue'>): ScheduleDefinition | undefined {
  const expression = rt.config.reconciliation.reportCron;
  if (expression === 'off') return undefined;
  return {
    name: 'reconciliation-report', when: { cron: expression },
    run: async () => {
      await enqueueBulk(rt.queue, { kind: 'reconciliation-report' });
      return 'queued on the bulk queue';
    },
  };
}
