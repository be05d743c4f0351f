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
   * The work of one tick; what it returns is kept in the run's history. Throwing TickSkipped notes
   * the tick `skipped` with its reason (the run chose not to work this time), not `failed`.
   */
  run: (tick: Date) => Promise<string | void>;
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

interface Entry { def: ScheduleDefinition; stop: () => void; running: Set<Promise<unknown>> }

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
  private readonly leaseSeconds: number;
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {
    this.leaseSeconds = options.leaseSeconds ?? 60;
  }

  /** Adds (or replaces) a schedule; its timers start at once. */
  add(def: ScheduleDefinition): void {
    this.remove(def.name);
    if (this.stopped) return;
    const entry: Entry = { def, stop: () => undefined, running: new Set() };
    const fire = (tick: Date) => { void this.tick(entry, tick); };
    if ('cron' in def.when) {
      const task: ScheduledTask = cron.schedule(def.when.cron, (ctx) => fire(ctx.date), { timezone: def.when.timeZone, name: def.name });
      entry.stop = () => void task.destroy();
    } else {
      const periodMs = def.when.everySeconds * 1000;
      let timer: NodeJS.Timeout;
      const arm = () => {
        const next = Math.floor(Date.now() / periodMs) * periodMs + periodMs;
        timer = setTimeout(() => { fire(new Date(next)); arm(); }, next - Date.now());
        timer.unref();
      };
      arm();
      entry.stop = () => clearTimeout(timer);
    }
    this.entries.set(def.name, entry);
  }

  /**
   * Stops a schedule's timers; resolves once its ticks in hand have ended (claimed, run, noted).
   * With `only`, removes the schedule only if it is still that definition (not one added since under the same name).
   */
  remove(name: string, only?: ScheduleDefinition): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry || (only && entry.def !== only)) return Promise.resolve();
    entry.stop();
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
    return this.tick(entry, tick);
  }

  private tick(entry: Entry, tick: Date): Promise<boolean> {
    // Known from the start (the claim included), so that remove() and stop() wait for it.
    const running = this.claimAndRun(entry, tick);
    entry.running.add(running);
    const done = () => { entry.running.delete(running); };
    void running.then(done, done);
    return running;
  }

  private async claimAndRun(entry: Entry, tick: Date): Promise<boolean> {
    const { knex, log } = this.options;
    const { name } = entry.def;
    if (this.stopped) return false;
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
    try {
      const detail = await entry.def.run(tick);
      await finishRun(knex, name, tick, this.owner, 'ok', detail || undefined);
    } catch (err) {
      if (err instanceof TickSkipped) {
        log.debug({ schedule: name, tick: tick.toISOString(), reason: err.message }, 'scheduled run skipped this tick');
        await finishRun(knex, name, tick, this.owner, 'skipped', err.message).catch(() => undefined);
      } else {
        log.error({ schedule: name, tick: tick.toISOString(), err: (err as Error).message }, 'scheduled run failed; the next tick runs as usual');
        await finishRun(knex, name, tick, this.owner, 'failed', (err as Error).message).catch(() => undefined);
      }
    } finally {
      clearInterval(beat);
    }
    return true;
  }

  /** Stops every timer and waits for the runs in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    const running = [...this.entries.values()].flatMap((e) => [...e.running]);
    for (const e of this.entries.values()) e.stop();
    this.entries.clear();
    await Promise.all(running);
  }
}
