import type { Logger } from '../log/logger';

/** A signal that came before stopOnSignal was listening (holdSignals caught it). */
let held: NodeJS.Signals | undefined;
let holder: ((signal: NodeJS.Signals) => void) | undefined;

/**
 * From the first line of a daemon: a SIGTERM or SIGINT that comes while modules load or the store
 * opens is kept for stopOnSignal instead of killing the process mid-start (Node's default).
 */
export function holdSignals(): void {
  if (holder) return;
  holder = (signal) => { held ??= signal; };
  process.on('SIGTERM', holder);
  process.on('SIGINT', holder);
}

export interface SignalOptions {
  /** The process is gone at most this long after the first signal, whatever is still stopping. */
  deadlineMs: number;
}

/**
 * Resolves once `stop` has run after the first SIGTERM or SIGINT. Bounded: past deadlineMs the
 * process exits anyway (jobs in hand are leased and run again on the next start, so exiting is
 * safe); a second signal exits at once. Once stopped, a handle left open by a library cannot keep
 * the process alive either.
 */
export function stopOnSignal(stop: () => Promise<void>, log: Logger, options: SignalOptions): Promise<void> {
  return new Promise((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      signalled = true;
      log.info({ signal }, 'signal received');
      const deadline = setTimeout(() => {
        log.error({ deadlineMs: options.deadlineMs }, 'still stopping at the deadline: exiting now; jobs in hand run again on the next start');
        process.exit(1);
      }, options.deadlineMs);
      // Once stopped, the process should end by itself; a handle some library left open gets a second.
      const lingering = () => setTimeout(() => {
        log.warn('stopped, but something still held the process open: exiting');
        process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      }, 1000).unref();
      stop().then(
        () => undefined,
        (err) => { log.error({ err }, 'unclean stop'); process.exitCode = 1; },
      ).finally(() => { clearTimeout(deadline); lingering(); resolve(); });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    if (holder) {
      process.off('SIGTERM', holder);
      process.off('SIGINT', holder);
      holder = undefined;
    }
    if (held) onSignal(held);
  });
}
