import type { Knex } from 'knex';
import type { GatewayConfig } from '../../config/gateway.config';
import { coerceError } from '../../errors/gateway-error';
import type { Logger } from '../../log/logger';
import type { PartnerRegistry } from '../../partners/partner-registry';
import { enqueueRendered } from '../../pipeline/render-outbound';
import type { JobQueue } from '../../queue/job-queue';
import { getCursor, setCursor, type OdooCursor } from '../../store/odoo-cursors.repo';
import type { OdooClient } from '../client/odoo-client';
import { advance, EVENT_ORDER, eventDomain, initialCursor } from './cursor-domain';
import { ODOO_EVENTS, scanContext, type OdooEvent, type ScanContext } from './events';

export interface ScanReport {
  /** Per event: documents queued, records skipped (not an EDI partner's, EDIFACT ...), records that failed. */
  events: Record<string, { queued: number; skipped: number; failed: number; notes: string[] }>;
  /** Set when Odoo could not be reached: the cursors stay where they were. */
  error?: string;
}

export interface ScannerDeps {
  knex: Knex;
  queue: JobQueue;
  config: GatewayConfig;
  partners: () => PartnerRegistry;
  odoo: () => OdooClient;
  log: Logger;
  batchSize?: number;
  now?: () => Date;
  events?: readonly OdooEvent[];
}

const after = (a: OdooCursor, b: { write_date: string; id: number }) => a.writeDate > b.write_date || (a.writeDate === b.write_date && a.id >= b.id);

/**
 * Odoo's events -> outbound documents, by polling each event's records after its cursor in
 * (write_date, id) order. Each record's document is queued in the same transaction as the cursor
 * moving past it, under the key odoo:<event>:<model>:<id>, so a crash, a restart or a second
 * gateway process never sends one twice nor skips one. Webhooks (the HTTP issue) call scanNow.
 */
export class OdooEventScanner {
  private running: Promise<ScanReport> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ScannerDeps) {}

  /** Scans now; a call during a scan gets one more scan after it (a webhook must not be lost to a scan already past its record). */
  scanNow(): Promise<ScanReport> {
    if (this.running) return this.running.then(() => this.scanNow());
    this.running = this.scanAll().finally(() => { this.running = undefined; });
    return this.running;
  }

  start(pollSeconds: number): void {
    if (pollSeconds <= 0 || this.timer) return;
    const tick = () => { this.scanNow().catch((err) => this.deps.log.error({ err }, 'Odoo event scan failed')); };
    tick();
    this.timer = setInterval(tick, pollSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private async scanAll(): Promise<ScanReport> {
    const report: ScanReport = { events: {} };
    const now = this.deps.now?.() ?? new Date();
    let ctx: ScanContext;
    try {
      ctx = await scanContext(this.deps.odoo(), this.deps.knex, this.deps.config, this.deps.partners(), now);
      for (const event of this.deps.events ?? ODOO_EVENTS) {
        report.events[event.name] = { queued: 0, skipped: 0, failed: 0, notes: [] };
        await this.scanEvent(event, ctx, report.events[event.name], now);
      }
    } catch (err) {
      const e = coerceError(err);
      report.error = `${e.code}: ${e.message}`;
      this.deps.log.warn({ code: e.code, err: e.message }, 'Odoo event scan stopped; cursors kept');
    }
    return report;
  }

  private async scanEvent(event: OdooEvent, ctx: ScanContext, counts: ScanReport['events'][string], now: Date): Promise<void> {
    const leaves = await event.leaves(ctx);
    if (!leaves) return;
    const { knex } = this.deps;
    let cursor = await getCursor(knex, event.name);
    if (!cursor) {
      const [newest] = await ctx.client.searchRead<{ write_date: string }>(event.model, eventDomain(leaves), ['write_date'], { order: 'write_date desc, id desc', limit: 1 });
      cursor = initialCursor(newest);
      await setCursor(knex, event.name, cursor);
    }
    const fields = await event.fields(ctx);
    const batch = this.deps.batchSize ?? 100;
    const log = this.deps.log.child({ event: event.name });
    for (;;) {
      const records = await ctx.client.searchRead<{ id: number; write_date: string }>(event.model, eventDomain(leaves, cursor), fields, { order: EVENT_ORDER, limit: batch });
      for (const record of records) {
        let outcome: Awaited<ReturnType<OdooEvent['toDocument']>> | undefined;
        let failure: string | undefined;
        try {
          outcome = await event.toDocument(record, ctx);
        } catch (err) {
          const e = coerceError(err);
          if (e.retryable) throw e;
          failure = `${e.code}: ${e.message}`;
        }
        const key = `odoo:${event.name}:${event.model}:${record.id}`;
        await knex.transaction(async (trx) => {
          // Another process may have moved the cursor past this record meanwhile: then it is theirs.
          const current = await getCursor(trx, event.name, { lock: true });
          if (current && after(current, record)) return;
          if (outcome && 'doc' in outcome) {
            try {
              // A savepoint: a document our validator refuses gives back the control numbers it took.
              const doc = outcome;
              const r = await trx.transaction((sp) => enqueueRendered(sp, this.deps.queue, this.deps.config, doc.profile, [doc.doc], { key, now }));
              counts.queued += r.created ? 1 : 0;
            } catch (err) {
              const e = coerceError(err);
              if (e.retryable) throw e;
              failure = `${e.code}: ${e.message}`;
            }
          }
          await setCursor(trx, event.name, advance(record));
        });
        if (failure) {
          // A record that cannot become a document (an unrenderable value) is logged and passed, or it would block every later one.
          counts.failed++;
          counts.notes.push(`${event.model} ${record.id}: ${failure}`);
          log.error({ model: event.model, id: record.id, failure }, 'Odoo event not sent');
        } else if (outcome && 'skip' in outcome) {
          counts.skipped++;
          // A partner's record we could not serve is worth reporting; a record of no partner is routine.
          if (outcome.skip !== 'not an EDI partner' && !counts.notes.includes(outcome.skip)) counts.notes.push(outcome.skip);
          // Skips of records that are no partner's are routine; a partner we cannot serve yet (EDIFACT) is worth a note.
          log[/EDIFACT/.test(outcome.skip) ? 'info' : 'debug']({ model: event.model, id: record.id, reason: outcome.skip }, 'Odoo event skipped');
        }
        cursor = advance(record);
      }
      if (records.length < batch) return;
    }
  }
}
