import type { Runtime } from '../daemon/runtime';
import type { PartnerRegistry } from '../partners/partner-registry';
import type { ClusterScheduler } from '../schedule/cluster-scheduler';
import { channelTasks } from './index';
import { channelScheduleName } from './marketplace';

/**
 * Keeps the scheduler's channel schedules in step with the profiles: one cluster schedule per
 * channel task (an order pull, an inventory push), so that with several gateway processes on one
 * PostgreSQL the marketplace's API is called once a tick, not once per process (its rate limits
 * are the seller's, not the process's). Added for a new profile, replaced when the task's settings
 * change (its run in hand is aborted), removed with the profile.
 *
 * Each catches up when added: the tick just past runs now if no process ran it (the gateway was
 * down, the store is new), as a task used to run at start; a restart or a second process within
 * the period finds that tick taken and waits for the next one.
 */
export class ChannelSchedules {
  /** What each schedule was added with: one left unchanged by a reload keeps its timers and its run in hand. */
  private readonly added = new Map<string, string>();

  constructor(private readonly rt: Runtime, private readonly scheduler: ClusterScheduler) {}

  sync(registry: PartnerRegistry): void {
    const wanted = new Set<string>();
    for (const profile of registry.profiles) {
      for (const task of channelTasks(profile, this.rt)) {
        const name = channelScheduleName(profile.id, task.name);
        const settings = JSON.stringify({ everySeconds: task.everySeconds, settings: task.settings });
        wanted.add(name);
        if (this.added.get(name) === settings) continue;
        this.added.set(name, settings);
        this.scheduler.add({ name, when: { everySeconds: task.everySeconds }, catchUp: true, run: (tick, signal) => task.run(tick, signal) });
      }
    }
    for (const name of [...this.added.keys()]) {
      if (wanted.has(name)) continue;
      this.scheduler.remove(name);
      this.added.delete(name);
    }
  }
}
