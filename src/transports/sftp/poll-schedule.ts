import type { When } from '../../schedule/cluster-scheduler';

export type PollSchedule = { cron: string } | { everyMs: number };

/**
 * The cluster schedule's ticks for a poll: the profile's cron (in the gateway's time zone, as every
 * cron of the scheduler without one of its own), or every pollSeconds, ticks aligned to the epoch.
 */
export function pollWhen(schedule: PollSchedule): When {
  return 'cron' in schedule ? { cron: schedule.cron } : { everySeconds: schedule.everyMs / 1000 };
}

/**
 * The tick a poll at start claims: a fixed interval polls at once, as the latest tick at or before
 * `now` (the same tick in every process that starts within one interval, so only one of them polls,
 * and none if a running process already polled it); a cron schedule waits for its first tick.
 */
export function startTick(when: When, now: number): Date | undefined {
  if ('cron' in when) return undefined;
  const periodMs = when.everySeconds * 1000; // as ClusterScheduler reckons its ticks
  return new Date(Math.floor(now / periodMs) * periodMs);
}

/** Delay before reconnect attempt n (1, 2, ...): initialMs doubling, at most maxMs. */
export function backoffMs(reconnect: { initialMs: number; maxMs: number }, attempt: number): number {
  return Math.min(reconnect.maxMs, reconnect.initialMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
}

/**
 * After `failures` failed polls in a row, the last ended at `lastFailedAt`: the moment before which
 * ticks are skipped (the next attempt waits backoffMs(failures) from the last failure), or
 * undefined when a tick at `now` may poll.
 */
export function backingOffUntil(reconnect: { initialMs: number; maxMs: number }, failures: number, lastFailedAt: Date | null, now: Date): Date | undefined {
  if (failures <= 0 || !lastFailedAt) return undefined;
  const until = new Date(lastFailedAt.getTime() + backoffMs(reconnect, failures));
  return until > now ? until : undefined;
}
