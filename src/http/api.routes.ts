import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { listMessages, type MessageStatus } from '../store/messages.repo';

const STATUSES = new Set(['received', 'processing', 'retrying', 'done', 'exception', 'duplicate']);

/** /api: read-only message log for now (the same rows as `messages list --json`). */
export function registerApiRoutes(app: FastifyInstance, knex: Knex): void {
  app.get('/api/messages', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.status && !STATUSES.has(q.status)) return reply.code(400).send({ error: `status must be one of ${[...STATUSES].join(', ')}` });
    const limit = Math.min(Math.max(Number(q.limit ?? 100) || 100, 1), 1000);
    const rows = await listMessages(knex, {
      status: q.status as MessageStatus | undefined, partnerId: q.partner, limit,
      direction: q.direction === 'in' || q.direction === 'out' ? q.direction : undefined,
      beforeId: q.before ? Number(q.before) : undefined,
    });
    return { messages: rows };
  });
}
