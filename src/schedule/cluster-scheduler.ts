import crypto from 'node:crypto';
import os from 'node:os';
import type { Knex } from 'knex';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log/logger';
import { claimTick, finishRun, heartbeat } from '../store/schedule-runs.repo';

/** When a schedule ticks: a cron expression in a time zone, or every N seconds (ticks aligned to the epoch). */
export type When = { cron: string; timeZone?: string } | { everySeconds: number };

export interface ScheduleDefinition {
  /** Unique in the cluster: the same name in every process is the same schedule. */
  name: string;
  when: When;
  /**
   * The work of one tick; what it returns is kept in the run's history. The signal is aborted when
   * the schedule is removed or the scheduler stops: a run waiting on a remote API should end then.
   * Throwing TickSkipped notes the tick `skipped` with its reason (the run chose not to work this
   * time), not `failed`.
   */
  run: (tick: Date, signal: AbortSignal) => Promise<string | void>;
  /**
   * everySeconds only: when added, also claim the tick just past. If no process ran it (the gateway
   * was down, the schedule is new), it runs now rather than up to a period later; if one did, nothing
   * happens. Processes started together compute the same tick, so it still runs once in the cluster.
   */
  catchUp?: boolean;
}

/** Thrown by a run that decides not to work at this tick (say, backing off after failures): the tick is noted skipped, with this message. */
export class TickSkipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TickSkipped';
  }
}

export interface SchedulerOptions {
  knex: Knex;
  log: Logger;
  /** A run whose heartbeat is older than this is taken for dead: the next tick may start. */
  leaseSeconds?: number;
}

interface Entry {
  def: ScheduleDefinition;
  stopTimers: () => void;
  /** Aborted by remove() and stop(). */
  controller: AbortController;
  /** The end of this process's latest run (a tick's or a trigger's): the next one starts after it. */
  last: Promise<void>;
  /** A triggered run waiting behind the run in hand: further triggers join it. */
  queued?: Promise<void>;
  /** Its claims and runs in hand: remove() waits for them. */
  running: Set<Promise<unknown>>;
}

/**
 * Schedules that run once per tick in the whole cluster, however many gateway processes run them.
 * Every process keeps the same timers; at each tick each tries to claim the tick in the store
 * (schedule_runs, keyed by name and tick), and the one that gets it runs it. A run still going
 * when the next tick comes (its heartbeat fresh) makes that tick skipped, noted so: runs of one
 * schedule never overlap, across processes or within one.
 */
export class ClusterScheduler {
  readonly owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  private readonly entries = new Map<string, Entry>();
  /** Every run in hand, of removed schedules too: stop() waits for them all. */
  private readonly inHand = new Set<Promise<unknown>>();
  private readonly leaseSeconds: number;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {
    this.leaseSeconds = options.leaseSeconds ?? 60;
  }

  /** Adds (or replaces) a schedule; its timers start at once. */
  add(def: ScheduleDefinition): void {
    // A replaced schedule's run may still be ending (aborted): the new one's runs come after it.
    const previous = this.entries.get(def.name)?.last ?? Promise.resolve();
    this.remove(def.name);
    if (this.stopped) return;
    const entry: Entry = { def, stopTimers: () => undefined, controller: new AbortController(), last: previous, running: new Set() };
    const fire = (tick: Date) => { void this.track(this.tick(entry, tick), entry); };
    if ('cron' in def.when) {
      const task: ScheduledTask = cron.schedule(def.when.cron, (ctx) => fire(ctx.date), { timezone: def.when.timeZone, name: def.name });
      entry.stopTimers = () => void task.destroy();
    } else {
      const periodMs = def.when.everySeconds * 1000;
      let timer: NodeJS.Timeout;
      const arm = () => {
        const next = Math.floor(Date.now() / periodMs) * periodMs + periodMs;
        timer = setTimeout(() => { fire(new Date(next)); arm(); }, next - Date.now());
        timer.unref();
      };
      arm();
      entry.stopTimers = () => clearTimeout(timer);
    }
    this.entries.set(def.name, entry);
    if (def.catchUp && 'everySeconds' in def.when) {
      const periodMs = def.when.everySeconds * 1000;
      fire(new Date(Math.floor(Date.now() / periodMs) * periodMs));
    }
  }

  /**
   * Stops a schedule's timers and aborts its run in hand (which still ends, and is noted, on its
   * own); resolves once its claims and runs in hand have ended. With `only`, removes the schedule
   * only if it is still that definition (not one added since under the same name).
   */
  remove(name: string, only?: ScheduleDefinition): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry || (only && entry.def !== only)) return Promise.resolve();
    entry.stopTimers();
    entry.controller.abort();
    this.entries.delete(name);
    return Promise.all(entry.running).then(() => undefined);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Claims and runs one tick of a schedule now (what the timers do); false if another process has it. */
  async runTick(name: string, tick: Date): Promise<boolean> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`no schedule named ${name}`);
    return this.track(this.tick(entry, tick), entry);
  }

  /**
   * Runs a schedule now in this process, outside its ticks and without claiming one (a Shopify
   * webhook bringing the order pull forward). It never runs beside this process's own run of the
   * schedule: it waits for it, and triggers that come meanwhile make one more run, not many. Other
   * processes are not asked, so one of their ticks may run at the same time: use it only for work
   * that is harmless twice. Not in schedule_runs (it has no tick); logged. False if there is no
   * such schedule here.
   */
  trigger(name: string): boolean {
    const entry = this.entries.get(name);
    if (!entry || this.stopped) return false;
    const { log } = this.options;
    entry.queued ??= this.exclusive(entry, async () => {
      entry.queued = undefined;
      const signal = entry.controller.signal;
      if (signal.aborted) return;
      try {
        const detail = await entry.def.run(new Date(), signal);
        log.info({ schedule: name, detail: detail || undefined }, 'triggered run done');
      } catch (err) {
        if (!signal.aborted) log.error({ schedule: name, err: (err as Error).message }, 'triggered run failed; the next tick runs as usual');
      }
    });
    return true;
  }

  /** Runs `work` after this process's run in hand of the schedule, never beside it; stop() waits for it. */
  private exclusive<T>(entry: Entry, work: () => Promise<T>): Promise<T> {
    const run = entry.last.then(work);
    entry.last = this.track(run, entry).then(() => undefined, () => undefined);
    return run;
  }

  /** Notes work in hand (a claim, a run) until it settles: stop(), and remove() of its schedule, wait for it. */
  private track<T>(work: Promise<T>, entry: Entry): Promise<T> {
    const settled = work.then(() => undefined, () => undefined);
    this.inHand.add(settled);
    entry.running.add(settled);
    void settled.then(() => { this.inHand.delete(settled); entry.running.delete(settled); });
    return work;
  }

  private async tick(entry: Entry, tick: Date): Promise<boolean> {
    const { knex, log } = this.options;
    const { name } = entry.def;
    const signal = entry.controller.signal;
    if (this.stopped || signal.aborted) return false;
    let mine: boolean;
    try {
      mine = await claimTick(knex, name, tick, this.owner, this.leaseSeconds);
    } catch (err) {
      log.error({ schedule: name, tick: tick.toISOString(), err: (err as Error).message }, 'schedule tick not claimed: the store did not answer');
      return false;
    }
    if (!mine) return false;
    const beat = setInterval(() => { heartbeat(knex, name, tick, this.owner).catch(() => undefined); }, (this.leaseSeconds * 1000) / 3);
    beat.unref();
    await this.exclusive(entry, async () => {
      try {
        // Stopped while waiting for a triggered run: the tick is closed without running.
        if (signal.aborted) throw new Error('the schedule was stopped before this run began');
        const detail = await entry.def.run(tick, signal);
        await finishRun(knex, name, tick, this.owner, 'ok', detail || undefined);
      } catch (err) {
        const message = (err as Error).message;
        if (err instanceof TickSkipped) {
          log.debug({ schedule: name, tick: tick.toISOString(), reason: message }, 'scheduled run skipped this tick');
          await finishRun(knex, name, tick, this.owner, 'skipped', message).catch(() => undefined);
          return;
        }
        if (signal.aborted) log.info({ schedule: name, tick: tick.toISOString(), err: message }, 'scheduled run stopped with its schedule');
        else log.error({ schedule: name, tick: tick.toISOString(), err: message }, 'scheduled run failed; the next tick runs as usual');
        const detail = signal.aborted ? `stopped (the process stopping or the schedule changed): ${message}` : message;
        await finishRun(knex, name, tick, this.owner, 'failed', detail).catch(() => undefined);
      } finally {
        clearInterval(beat);
      }
    });
    return true;
  }

  /** Stops every timer, aborts the runs in hand and waits for them to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const name of [...this.entries.keys()]) void this.remove(name);
    await Promise.all([...this.inHand]);
  }
}
