import type { Knex } from 'knex';
import type { Logger } from '../log/logger';
import { recordStage } from '../store/messages.repo';

/** How often a long stage says how far it is: every `everyItems` items or `everyMs`, whichever comes first. */
export interface ProgressOptions {
  everyItems: number;
  everyMs: number;
}

export const DEFAULT_PROGRESS: ProgressOptions = { everyItems: 1000, everyMs: 5000 };

/**
 * A stage's progress through a big message, written to the message's trail (an 'info' event:
 * `12000 of 87968 sets translated`, with { done, total } as data) and to the log. Small messages
 * (fewer items than one step) say nothing.
 */
export class StageProgress {
  private last = Date.now();
  private lastDone = 0;

  constructor(private readonly deps: { knex: Knex; log: Logger; messageId: number; stage: string; total: number; what: string; options?: ProgressOptions }) {}

  /** Whether a step has passed since the last report. */
  due(done: number): boolean {
    const o = this.deps.options ?? DEFAULT_PROGRESS;
    return done < this.deps.total && done > this.lastDone && (done - this.lastDone >= o.everyItems || Date.now() - this.last >= o.everyMs);
  }

  /** Reports `done` if a step has passed since the last report. */
  async tick(done: number): Promise<void> {
    if (!this.due(done)) return;
    this.last = Date.now();
    this.lastDone = done;
    const { knex, log, messageId, stage, total, what } = this.deps;
    await recordStage(knex, messageId, { stage, outcome: 'info', detail: `${done} of ${total} ${what}`, data: { done, total } });
    log.info({ done, total }, `${stage}: ${done} of ${total} ${what}`);
  }
}
