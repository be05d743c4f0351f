import type { Logger } from '../../log/logger';
import { coerceError } from '../../errors/gateway-error';

/**
 * Work repeated every `everyMs`, one run at a time: a run asked for while one is running
 * (a webhook during a pull) runs once more right after it, never alongside; stop() waits for the
 * run in hand. The first run starts at once.
 */
export class Repeating {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;

  constructor(private readonly name: string, private readonly everyMs: number, private readonly work: () => Promise<unknown>, private readonly log: Logger) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs now (or right after the run in hand). */
  trigger(): void {
    if (this.stopped) return;
    if (this.running) { this.again = true; return; }
    this.schedule(0);
  }

  /** The run in hand, if any, or one now: resolves when it is over (tests and the CLI wait on it). */
  async runNow(): Promise<void> {
    if (this.running) await this.running;
    await this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; void this.run(); }, ms);
    this.timer.unref?.();
  }

  private async run(): Promise<void> {
    if (this.running) { this.again = true; return this.running; }
    this.running = (async () => {
      try {
        await this.work();
      } catch (err) {
        const e = coerceError(err);
        // A bad token or scope needs a person; a down store or network the next run.
        const level = e.retryable ? 'warn' : 'error';
        this.log[level]({ task: this.name, code: e.code, err: e.message }, `${this.name} failed${e.retryable ? ': the next run tries again' : ''}`);
      }
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    if (this.stopped) return;
    if (this.again) { this.again = false; this.schedule(0); } else this.schedule(this.everyMs);
  }
}
