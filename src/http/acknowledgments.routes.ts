import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { ACK_REGISTER_STATES, listAckRegister, type AckRegisterState } from '../store/outbound-acks.repo';

/**
 * GET /api/acknowledgments: the acknowledgments partners owe us (997 / 999 / CONTRL for each group
 * we sent), expected, overdue, and what came back. Reads only.
 */
export function registerAcknowledgmentRoutes(app: FastifyInstance, knex: Knex): void {
  app.get('/api/acknowledgments', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.state && !ACK_REGISTER_STATES.includes(q.state as AckRegisterState)) {
      return reply.code(400).send({ error: `state must be one of ${ACK_REGISTER_STATES.join(', ')}`, code: 'USAGE' });
    }
    if (q.before !== undefined && !/^[1-9]\d{0,15}$/.test(q.before)) return reply.code(400).send({ error: 'before is a positive whole number', code: 'USAGE' });
    const limit = Math.min(Math.max(Number(q.limit ?? 100) || 100, 1), 1000);
    return { acknowledgments: await listAckRegister(knex, {
      partnerId: q.partner || undefined, state: q.state as AckRegisterState | undefined, beforeId: q.before ? Number(q.before) : undefined, limit,
    }) };
  });
}
