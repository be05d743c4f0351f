import type { Logger } from '../../log/logger';
import type { ChannelTask } from '../marketplace';

/**
 * A ChannelTask that runs `run` at start and then `everyMs` after each run ends (never two at
 * once). stop() aborts the signal, so a run waiting on a rate limit or backoff ends at once, and
 * resolves when the run in hand has ended. A failed run is logged; the next one tries again.
 */
export function periodicTask(o: {
  name: string; settings: unknown; everyMs: number; log: Logger;
  run: (signal: AbortSignal) => Promise<unknown>;
}): ChannelTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let controller: AbortController | undefined;
  const tick = () => {
    const signal = controller!.signal;
    running = o.run(signal).then(
      (summary) => { if (summary !== undefined) o.log.debug({ task: o.name, summary }, 'channel task ran'); },
      (err: Error) => { if (!signal.aborted) o.log.error({ task: o.name, err: err.message, code: (err as { code?: string }).code }, 'channel task failed; next run tries again'); },
    ).finally(() => {
      running = undefined;
      if (!signal.aborted) timer = setTimeout(tick, o.everyMs);
    });
  };
  return {
    name: o.name,
    settings: o.settings,
    start() {
      if (controller && !controller.signal.aborted) return;
      controller = new AbortController();
      tick();
    },
    async stop() {
      controller?.abort();
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
