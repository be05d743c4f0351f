import cron from 'node-cron';

export type PollSchedule = { cron: string } | { everyMs: number };

/** Milliseconds until the next poll: the next cron match, or the fixed interval. */
export function msToNextPoll(schedule: PollSchedule): number {
  if ('everyMs' in schedule) return schedule.everyMs;
  const task = cron.createTask(schedule.cron, () => undefined);
  try {
    const [next] = task.getNextRuns(1);
    return Math.max(0, next.getTime() - Date.now());
  } finally {
    void task.destroy();
  }
}

/** Delay before reconnect attempt n (1, 2, ...): initialMs doubling, at most maxMs. */
export function backoffMs(reconnect: { initialMs: number; maxMs: number }, attempt: number): number {
  return Math.min(reconnect.maxMs, reconnect.initialMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
}
