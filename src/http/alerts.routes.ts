import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { ALERT_KINDS } from '../alerts/alert';
import { listAlerts } from '../store/alerts.repo';

const DELIVERY = ['pending', 'sent', 'failed', 'none'] as const;

/** GET /api/alerts: every alert raised, newest first, with whether each channel got it. */
export function registerAlertRoutes(app: FastifyInstance, knex: Knex): void {
  app.get('/api/alerts', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.kind && !(ALERT_KINDS as readonly string[]).includes(q.kind)) {
      return reply.code(400).send({ error: `kind must be one of ${ALERT_KINDS.join(', ')}`, code: 'USAGE' });
    }
    if (q.delivery && !(DELIVERY as readonly string[]).includes(q.delivery)) {
      return reply.code(400).send({ error: `delivery must be one of ${DELIVERY.join(', ')}`, code: 'USAGE' });
    }
    const limit = Math.min(Math.max(Number(q.limit ?? 100) || 100, 1), 1000);
    return { alerts: await listAlerts(knex, {
      kind: q.kind, partnerId: q.partner, delivery: q.delivery as (typeof DELIVERY)[number] | undefined, limit,
      beforeId: q.before && /^\d+$/.test(q.before) ? Number(q.before) : undefined,
    }) };
  });
}
