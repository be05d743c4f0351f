import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Knex } from 'knex';
import { z } from 'zod';
import { replayMany } from '../pipeline/replay';
import type { JobQueue } from '../queue/job-queue';
import { listExceptions, MAX_EXCEPTIONS, resolveMany, type ExceptionTarget } from '../store/exceptions.repo';

/** A bulk request: the messages by id, or the open exceptions a filter selects (never both). */
const TargetBody = z.strictObject({
  ids: z.array(z.number().int().positive()).min(1).max(MAX_EXCEPTIONS).optional(),
  partner: z.string().min(1).optional(),
  code: z.string().min(1).nullable().optional(),
  stage: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(MAX_EXCEPTIONS).optional(),
});
const ResolveBody = TargetBody.extend({ note: z.string().trim().min(1) });

const USAGE = `a JSON body with "ids": [1, 2, ...] (at most ${MAX_EXCEPTIONS}) or a filter ("partner", "code", "stage", optional "limit"), not both`;

/** The target a body names, or the 400 already sent. */
function targetOf(reply: FastifyReply, schema: typeof TargetBody | typeof ResolveBody, body: unknown): { target: ExceptionTarget; note?: string } | undefined {
  const parsed = schema.safeParse(body ?? {});
  const bad = (why: string) => void reply.code(400).send({ error: `${why}: ${USAGE}`, code: 'USAGE' });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return bad(`${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const { ids, partner, code, stage, limit } = parsed.data;
  const filtered = partner !== undefined || code !== undefined || stage !== undefined;
  if (ids && (filtered || limit !== undefined)) return bad('ids and a filter together');
  if (!ids && !filtered) return bad('neither ids nor a filter');
  return { target: ids ? { ids } : { filter: { partnerId: partner, code, stage, limit } }, note: (parsed.data as { note?: string }).note };
}

/**
 * /api/exceptions: the open exceptions by partner, error code and stage, and the bulk forms of
 * replay and resolve (each message on its own: the answer lists what was done and what refused).
 */
export function registerExceptionRoutes(app: FastifyInstance, knex: Knex, queue: JobQueue): void {
  app.get('/api/exceptions', async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const limit = Math.min(Math.max(Number(q.limit ?? 100) || 100, 1), MAX_EXCEPTIONS);
    return { exceptions: await listExceptions(knex, { partnerId: q.partner || undefined, code: q.code || undefined, stage: q.stage || undefined, limit }) };
  });

  app.post('/api/exceptions/replay', { config: { role: 'operator' } }, async (req, reply) => {
    const t = targetOf(reply, TargetBody, req.body);
    if (!t) return reply;
    // Queued, not awaited: GET /api/messages/{id} follows each.
    return reply.code(202).send(await replayMany(knex, queue, t.target, `bulk replay requested over the API by token ${req.caller?.name}`));
  });

  app.post('/api/exceptions/resolve', { config: { role: 'operator' } }, async (req, reply) => {
    const t = targetOf(reply, ResolveBody, req.body);
    if (!t) return reply;
    return resolveMany(knex, t.target, t.note!, `api:${req.caller?.name}`);
  });
}
