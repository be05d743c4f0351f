import os from 'node:os';
import type { Knex } from 'knex';
import { coerceError, GatewayError } from '../errors/gateway-error';
import { messageLogger, type Logger } from '../log/logger';
import type { PartnerRegistry } from '../partners/partner-registry';
import type { FailureHook, JobContext, JobHandler } from '../queue/queue-worker';
import { Semaphore } from '../lib/semaphore';
import { CONTENT_PART_BYTES } from '../store/message-content';
import { getContent, getMessage, getMessageWithContent, recordStage, recordTrail, type MessageRow, type StageRecord } from '../store/messages.repo';
import type { InboundContext, InboundStage } from './inbound-stages';

/**
 * Messages bigger than this (the ones stored in parts) are large: at most LARGE_AT_ONCE of them go
 * through the stages at once in a process, however many lanes it has. Lanes are cheap for the
 * one-order files that make up most traffic (16 of them batch 4x as many orders per Odoo call as
 * 4), but a large file holds its bytes and a page of documents in memory while it runs.
 */
const LARGE_MESSAGE_BYTES = CONTENT_PART_BYTES;
const LARGE_AT_ONCE = 4;

/** A message still in its stages after this long writes each stage's event as it ends. */
const LIVE_TRAIL_AFTER_MS = 1000;

/** This process, as the trail names it: host and pid. */
const PROCESS_NAME = `${os.hostname()}:${process.pid}`;

/** A stage's error, keeping its code and retryable flag, labelled with the stage it came from. */
class StageFailure extends GatewayError {
  constructor(stage: string, err: unknown) {
    const inner = coerceError(err);
    super(inner.code, inner.message, { ...inner.details, stage }, { cause: err });
  }
}

export interface InboundJob {
  messageId: number;
  /** Set by a replay (replay.ts): its generation, 1 for the first replay. Absent on the first run. */
  replay?: number;
}

export interface ProcessorDeps {
  knex: Knex;
  partners: () => PartnerRegistry;
  log: Logger;
  stages: readonly InboundStage[];
}

/** The job that carries one stored message through the inbound stages, recording each. */
export function inboundProcessor(deps: ProcessorDeps): { handle: JobHandler<InboundJob>; onFailure: FailureHook<InboundJob> } {
  const large = new Semaphore(LARGE_AT_ONCE);
  const handle: JobHandler<InboundJob> = async (data, job) => {
    const found = await getMessageWithContent(deps.knex, data.messageId);
    if (!found) throw new GatewayError('MESSAGE_NOT_FOUND', `message ${data.messageId} is not in the store`);
    const { message, content } = found;
    // A job can run twice (at-least-once delivery): a finished message is left as it is.
    if (message.status === 'done' || message.status === 'duplicate') return;
    if (message.sizeBytes > LARGE_MESSAGE_BYTES) return large.run(() => processMessage(message, content, data, job));
    return processMessage(message, content, data, job);
  };

  const processMessage = async (message: MessageRow, inRow: Buffer | undefined, { messageId, replay }: InboundJob, job: JobContext): Promise<void> => {
    // Read here for a large message: only once it has its turn (its bytes are in parts, not in the row).
    const content = inRow ?? await getContent(deps.knex, messageId);
    if (!content) throw new GatewayError('MESSAGE_NOT_FOUND', `message ${messageId} has no stored content`);
    const log = messageLogger(deps.log, { messageId, partnerId: message.partnerId, filename: message.filename });
    const ctx: InboundContext = { message, content, partners: deps.partners(), log, problems: [], generation: replay ?? 0, lastAttempt: job.lastAttempt };

    await recordStage(deps.knex, messageId, { stage: 'process', outcome: 'info', status: 'processing', countAttempt: true,
      detail: [replay ? `replay ${replay}` : '', job.attempt ? `attempt ${job.attempt + 1}` : ''].filter(Boolean).join(', ') || undefined,
      // Which gateway process ran it: with several on one database, the trail says where to look in the logs.
      data: { process: PROCESS_NAME } });
    // Each stage's event keeps its own time but waits to be written with the next status: a quick
    // message's whole trail is one statement. A message still going after a second (a big file)
    // writes as it goes, so that the trail shows how far it got.
    const trail: StageRecord[] = [];
    const started = Date.now();
    const flush = () => recordTrail(deps.knex, messageId, trail.splice(0));
    for (const stage of deps.stages) {
      if (stage.standard && stage.standard !== ctx.sniffed?.standard) continue;
      ctx.log = log.child({ stage: stage.name });
      let note: string | void;
      try {
        note = await stage.run(ctx);
      } catch (err) {
        // The stages that did end stay in the trail; a store that fails here must not hide the stage's own error.
        await flush().catch((e) => log.warn({ err: (e as Error).message }, 'could not write the trail of the stages before the failure'));
        throw new StageFailure(stage.name, err);
      }
      trail.push({ stage: stage.name, outcome: 'ok', detail: note || null, at: new Date() });
      if (Date.now() - started > LIVE_TRAIL_AFTER_MS) await flush();
    }
    if (ctx.problems.length) {
      // The accepted part went through; what did not is left for a person, by name.
      const [first] = ctx.problems;
      const more = ctx.problems.length > 1 ? `; and ${ctx.problems.length - 1} more: ${ctx.problems.slice(1, 4).map((p) => p.message).join('; ')}` : '';
      trail.push({ stage: 'process', outcome: 'failed', status: 'exception', code: first.code, detail: `${first.message}${more}`,
        // Where each problem is (set, segment, value): the dashboard marks it in the raw EDI.
        data: { problems: ctx.problems.slice(0, 200).map((p) => ({ code: p.code, message: p.message, ...p.details })) } });
      await flush();
      log.warn({ problems: ctx.problems.length }, 'message processed in part');
      return;
    }
    trail.push({ stage: 'process', outcome: 'ok', status: 'done' });
    await flush();
    log.info('message processed');
  };

  const onFailure: FailureHook<InboundJob> = async ({ messageId }, err, job) => {
    const stage = err.details?.stage as string | undefined ?? 'process';
    const m = await getMessage(deps.knex, messageId).catch(() => undefined);
    messageLogger(deps.log, { messageId, partnerId: m?.partnerId, filename: m?.filename, stage })[job.willRetry ? 'warn' : 'error'](
      { code: err.code, err: err.message, attempt: job.attempt + 1, willRetry: job.willRetry }, job.willRetry ? 'message failed; will retry' : 'message failed: parked as an exception');
    await recordStage(deps.knex, messageId, {
      stage,
      outcome: job.willRetry ? 'retrying' : 'failed',
      status: job.willRetry ? 'retrying' : 'exception',
      code: err.code,
      detail: err.message,
      // A retryable failure that ends here is a dead letter: retries exhausted, parked for a person to replay.
      data: job.willRetry ? { attempt: job.attempt + 1 } : err.retryable ? { attempts: job.attempt + 1, retriesExhausted: true } : undefined,
    });
  };
  return { handle, onFailure };
}
