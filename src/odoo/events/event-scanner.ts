import crypto from 'node:crypto';
import os from 'node:os';
import type { Knex } from 'knex';
import type { GatewayConfig } from '../../config/gateway.config';
import { coerceError } from '../../errors/gateway-error';
import type { Logger } from '../../log/logger';
import type { PartnerRegistry } from '../../partners/partner-registry';
import { enqueueRendered } from '../../pipeline/render-outbound';
import type { JobQueue } from '../../queue/job-queue';
import {
  advanceCursor, claimRecord, getCursor, handledRecords, initCursor, leaseScan, releaseScan, settleRecord, type OdooCursor,
} from '../../store/odoo-cursors.repo';
import type { Domain, OdooClient } from '../client/odoo-client';
import { ODOO_EVENTS, scanContext, type EventOutcome, type OdooEvent, type ScanContext } from './events';
import { andDomain, ODOO_EPOCH, windowDomain, windowStart } from './scan-window';

export interface EventCounts {
  /** Documents queued, records skipped (not an EDI partner's ...), records that could not become a document. */
  queued: number;
  skipped: number;
  failed: number;
  notes: string[];
}

export interface ScanReport {
  events: Record<string, EventCounts>;
  /** Set when Odoo could not be reached or the scan was stopped: nothing of the window was given up. */
  error?: string;
}

export interface ScannerDeps {
  knex: Knex;
  queue: JobQueue;
  config: GatewayConfig;
  partners: () => PartnerRegistry;
  odoo: () => OdooClient;
  log: Logger;
  /** Ids per search page (default 500). */
  pageSize?: number;
  now?: () => Date;
  events?: readonly OdooEvent[];
}

/** How long one process may hold an event's scan without renewing it (renewed after every page). */
const LEASE_SECONDS = 120;
/** The lookups of a scan (customers, 3PL picking types) are read again after this long. */
const CONTEXT_TTL_MS = 60_000;
/** stop() waits this long for a scan to reach a record boundary; past it, the scan is abandoned (its records are handled again next time). */
const STOP_GRACE_MS = 5_000;

/**
 * Odoo's events -> outbound documents (src/odoo/README.md has the design and why). Each scan
 * reads, per event, the records in a window that overlaps the previous scans by
 * `odoo.eventOverlapSeconds`, page by id; the records table keeps what each record became, so
 * a record is handled once however often the window passes over it, after a restart, and with
 * several gateway processes. A record's document and its row commit together (key
 * odoo:<event>:<model>:<id>). The daemon's cluster schedule 'odoo-events' calls scanNow() every
 * odoo.pollSeconds, webhooks call it early; the poll is the source of truth.
 */
export class OdooEventScanner {
  private running: Promise<ScanReport> | undefined;
  private followUp: Promise<ScanReport> | undefined;
  private stopping = false;
  private context: { at: number; registry: PartnerRegistry; ctx: ScanContext } | undefined;
  private readonly owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;

  constructor(private readonly deps: ScannerDeps) {}

  /**
   * Scans now. A call during a scan gets one more scan after it (a webhook's record may be behind
   * the running scan's page); every call made meanwhile shares that one, so a burst of webhooks
   * costs two scans, not one per webhook.
   */
  scanNow(): Promise<ScanReport> {
    if (this.stopping) return Promise.resolve({ events: {}, error: 'STOPPING: the scanner is stopping' });
    if (!this.running) {
      this.running = this.scanAll().finally(() => { this.running = undefined; });
      return this.running;
    }
    this.followUp ??= this.running.catch(() => undefined).then(() => {
      this.followUp = undefined;
      return this.scanNow();
    });
    return this.followUp;
  }

  /** Returns within seconds: the scan stops at its next record; one stuck in an Odoo call is left behind. */
  async stop(): Promise<void> {
    this.stopping = true;
    const pending = [this.running, this.followUp].filter(Boolean).map((p) => p!.catch(() => undefined));
    if (!pending.length) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, STOP_GRACE_MS); timer.unref(); });
    await Promise.race([Promise.all(pending), grace]);
    clearTimeout(timer);
  }

  private get client(): OdooClient {
    return this.deps.odoo();
  }

  private async scanAll(): Promise<ScanReport> {
    const report: ScanReport = { events: {} };
    const now = this.deps.now?.() ?? new Date();
    try {
      const ctx = await this.scanContext(now);
      for (const event of this.deps.events ?? ODOO_EVENTS) {
        if (this.stopping) throw new Error('STOPPING: the scanner is stopping');
        report.events[event.name] = { queued: 0, skipped: 0, failed: 0, notes: [] };
        await this.scanEvent(event, ctx, report.events[event.name], now);
      }
    } catch (err) {
      const e = coerceError(err);
      report.error = e.message.startsWith('STOPPING') ? e.message : `${e.code}: ${e.message}`;
      if (!this.stopping) this.deps.log.warn({ code: e.code, err: e.message }, 'Odoo event scan stopped; its window is scanned again next time');
    }
    return report;
  }

  private async scanContext(now: Date): Promise<ScanContext> {
    const registry = this.deps.partners();
    const c = this.context;
    if (c && c.registry === registry && now.getTime() - c.at < CONTEXT_TTL_MS && now.getTime() >= c.at) {
      return { ...c.ctx, now };
    }
    const ctx = await scanContext(this.client, this.deps.knex, this.deps.config, registry, now);
    this.context = { at: now.getTime(), registry, ctx };
    return ctx;
  }

  private async scanEvent(event: OdooEvent, ctx: ScanContext, counts: EventCounts, now: Date): Promise<void> {
    const leaves = await event.leaves(ctx);
    if (!leaves) return;
    const { knex } = this.deps;
    const cursor = (await getCursor(knex, event.name)) ?? (await this.firstScan(event, leaves));
    if (!(await leaseScan(knex, event.name, this.owner, LEASE_SECONDS))) {
      counts.notes.push('another gateway process is scanning this event');
      return;
    }
    try {
      const since = windowStart(cursor, this.deps.config.odoo.eventOverlapSeconds);
      // The watermark this scan may move to, read before the pages: what commits meanwhile is in the next window.
      const newest = await this.newestWriteDate(event, windowDomain(leaves, since));
      const log = this.deps.log.child({ event: event.name });
      for await (const ids of this.pages(event, leaves, since)) {
        const handled = await handledRecords(knex, event.name, ids);
        const fresh = ids.filter((id) => !handled.has(id));
        if (fresh.length) {
          // Read with the event's own leaves again: a record may have left the event's state since the search.
          const records = await this.client.searchRead<{ id: number; write_date: string }>(event.model,
            andDomain([...leaves, ['id', 'in', fresh]]), await event.fields(ctx), { order: 'id asc' });
          for (const record of records) {
            if (this.stopping) throw new Error('STOPPING: the scanner is stopping');
            await this.handle(event, record, ctx, counts, now, log);
          }
        }
        await leaseScan(knex, event.name, this.owner, LEASE_SECONDS);
      }
      if (newest) await advanceCursor(knex, event.name, newest);
    } finally {
      await releaseScan(knex, event.name, this.owner).catch(() => undefined);
    }
  }

  /** The window's ids, a page at a time, by id: a page is never read twice in one scan. */
  private async *pages(event: OdooEvent, leaves: Domain, since: string): AsyncGenerator<number[]> {
    const size = this.deps.pageSize ?? 500;
    let afterId = 0;
    for (;;) {
      if (this.stopping) throw new Error('STOPPING: the scanner is stopping');
      const ids = await this.client.call<number[]>(event.model, 'search', [windowDomain(leaves, since, afterId)], { order: 'id asc', limit: size });
      if (!ids.length) return;
      yield ids;
      if (ids.length < size) return;
      afterId = ids[ids.length - 1];
    }
  }

  private async newestWriteDate(event: OdooEvent, domain: Domain): Promise<string | undefined> {
    const [row] = await this.client.searchRead<{ write_date: string }>(event.model, domain, ['write_date'], { order: 'write_date desc, id desc', limit: 1 });
    return row?.write_date;
  }

  /**
   * The first scan of an event: what Odoo holds now is history. The floor is the newest
   * write_date; the records already at it are marked handled, so that a record written later in
   * that same second is still sent.
   */
  private async firstScan(event: OdooEvent, leaves: Domain): Promise<OdooCursor> {
    const { knex } = this.deps;
    const floor = (await this.newestWriteDate(event, andDomain(leaves))) ?? ODOO_EPOCH;
    if (floor !== ODOO_EPOCH) {
      for await (const ids of this.pages(event, leaves, floor)) {
        await knex.transaction(async (trx) => {
          for (const id of ids) await claimRecord(trx, event.name, id, floor, 'skipped', 'in Odoo before the gateway first scanned it');
        });
      }
    }
    this.deps.log.info({ event: event.name, floor }, 'Odoo events: first scan; records before it are not sent');
    return initCursor(knex, event.name, floor);
  }

  /** One record: its document (or why none), claimed and queued in one transaction. */
  private async handle(event: OdooEvent, record: { id: number; write_date: string }, ctx: ScanContext, counts: EventCounts, now: Date, log: Logger): Promise<void> {
    let outcome: EventOutcome | undefined;
    let failure: string | undefined;
    try {
      outcome = await event.toDocument(record, ctx);
    } catch (err) {
      const e = coerceError(err);
      if (e.retryable) throw e;
      failure = `${e.code}: ${e.message}`;
    }
    const key = `odoo:${event.name}:${event.model}:${record.id}`;
    const skip = outcome && 'skip' in outcome ? outcome.skip : undefined;
    let claimed = false;
    await this.deps.knex.transaction(async (trx) => {
      claimed = await claimRecord(trx, event.name, record.id, record.write_date, failure ? 'failed' : skip ? 'skipped' : 'queued', failure ?? skip);
      // Handled already: by an earlier scan of this window, or by another process meanwhile.
      if (!claimed || !outcome || !('doc' in outcome)) return;
      const doc = outcome;
      try {
        // A savepoint: a document our validator refuses gives back the control numbers it took.
        const r = await trx.transaction((sp) => enqueueRendered(sp, this.deps.queue, this.deps.config, doc.profile, [doc.doc], { key, now }));
        counts.queued += r.created ? 1 : 0;
        await settleRecord(trx, event.name, record.id, { outcome: 'queued', messageId: r.messageId });
      } catch (err) {
        const e = coerceError(err);
        if (e.retryable) throw e;
        failure = `${e.code}: ${e.message}`;
        await settleRecord(trx, event.name, record.id, { outcome: 'failed', detail: failure });
      }
    });
    if (!claimed) return;
    if (failure) {
      // A record that cannot become a document (an unrenderable value) is recorded and passed, or it would block every later one.
      counts.failed++;
      counts.notes.push(`${event.model} ${record.id}: ${failure}`);
      log.error({ model: event.model, id: record.id, failure }, 'Odoo event not sent');
    } else if (skip) {
      counts.skipped++;
      // A partner's record we could not serve is worth a note; a record of no partner is routine.
      if (skip !== 'not an EDI partner' && !counts.notes.includes(skip)) counts.notes.push(skip);
      log.debug({ model: event.model, id: record.id, reason: skip }, 'Odoo event skipped');
    }
  }
}
