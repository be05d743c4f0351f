import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../daemon/runtime';
import { marketplaceOf } from '../marketplaces';
import { enqueueBulk } from '../queue/bulk-work';

/**
 * POST /api/partners/{id}/inventory-push: queues a full inventory push to a marketplace partner on
 * the bulk queue (an operator after a stock take, say). It runs beside, never instead of, orders.
 */
export function registerInventoryPushRoute(app: FastifyInstance, rt: Pick<Runtime, 'partners' | 'queue'>): void {
  app.post('/api/partners/:id/inventory-push', { config: { role: 'operator' } }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const profile = rt.partners().get(id);
    if (!profile) return reply.code(404).send({ error: `no partner profile '${id}'`, code: 'PARTNER_UNKNOWN' });
    if (!marketplaceOf(profile)?.inventoryPush) {
      return reply.code(409).send({ error: `${id} is a ${profile.kind} partner: it has no inventory to push`, code: 'USAGE' });
    }
    await enqueueBulk(rt.queue, { kind: 'channel-inventory', partnerId: id });
    return reply.code(202).send({ partnerId: id, queued: 'channel-inventory' });
  });
}
