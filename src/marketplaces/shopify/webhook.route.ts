import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../daemon/runtime';
import { channelScheduleName } from '../marketplace';
import { verifyWebhook } from './webhook';

/** Webhook bodies are small JSON documents; anything larger is not Shopify's. */
const MAX_BYTES = 1024 * 1024;

/** Topics that mean "an order changed": each brings the store's next order pull forward. */
const ORDER_TOPICS = /^orders\//;

/**
 * POST /shopify/<partner id>/webhooks: Shopify's webhooks, an early trigger only. The body is not
 * stored: the order pull that follows reads the order from the API (what a webhook carries is
 * neither complete nor guaranteed to arrive, nor in order), so a webhook can bring an order in
 * sooner but can never bring it twice.
 *
 *   401  the partner is not a Shopify store, or X-Shopify-Hmac-Sha256 is not the HMAC of the body
 *        with the app's secret (webhookSecretEnv), or the profile names no secret;
 *   500  the secret's environment variable is unset (Shopify retries; the pull still runs on schedule);
 *   200  verified; an orders/* topic triggers the pull now (`triggered`: false when this process
 *        has no order pull for the store, e.g. its access token is not set here).
 *
 * The pull a webhook triggers runs in the process that received it, at once: not as a claimed tick
 * of the cluster schedule `channel:<id>:orders` (a webhook should not wait for the next tick, nor
 * be dropped because another process's tick is running). It never runs beside this process's own
 * tick of that schedule (the scheduler's trigger() waits for it), but may run beside another
 * process's tick. That costs an extra Orders page at most: both pulls read from the stored
 * watermark, the store takes each order version once (its ref), and a watermark one of them sets
 * back only makes the next pull read a few orders again.
 */
export async function registerShopifyRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  const log = rt.log.child({ transport: 'shopify-webhook' });
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BYTES }, (_req, body, done) => done(null, body));
    scope.post<{ Params: { partnerId: string } }>('/shopify/:partnerId/webhooks', { bodyLimit: MAX_BYTES }, async (req, reply) => {
      const partnerId = req.params.partnerId;
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const profile = rt.partners().get(partnerId);
      const s = profile?.kind === 'shopify' ? profile.shopify : undefined;
      const plog = log.child({ partnerId });
      if (!s || !s.webhookSecretEnv) {
        plog.warn('webhook for a partner that is not a Shopify store with a webhook secret: 401');
        return reply.code(401).send({ error: 'unauthorized' });
      }
      const secret = process.env[s.webhookSecretEnv];
      if (!secret) {
        plog.error({ env: s.webhookSecretEnv }, 'Shopify webhook: the secret\'s environment variable is not set: 500');
        return reply.code(500).send({ error: 'the gateway cannot verify webhooks for this store now' });
      }
      const hmac = req.headers['x-shopify-hmac-sha256'];
      if (!verifyWebhook(body, typeof hmac === 'string' ? hmac : undefined, secret)) {
        plog.warn({ topic: req.headers['x-shopify-topic'] }, 'Shopify webhook with a wrong signature: 401');
        return reply.code(401).send({ error: 'unauthorized' });
      }
      const topic = String(req.headers['x-shopify-topic'] ?? '');
      const shop = String(req.headers['x-shopify-shop-domain'] ?? '');
      if (shop && shop !== s.shop) plog.warn({ shop, expected: s.shop }, 'Shopify webhook signed with our secret from another shop domain');
      const triggered = ORDER_TOPICS.test(topic) ? rt.schedules.trigger(channelScheduleName(partnerId, 'orders')) : false;
      plog.info({ topic, webhookId: req.headers['x-shopify-webhook-id'], triggered }, 'Shopify webhook received');
      return reply.code(200).send({ ok: true, triggered });
    });
  });
}
