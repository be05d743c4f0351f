import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Runtime } from '../daemon/runtime';
import { as2Receiver, type As2ReceiverDeps } from '../transports/as2/as2.receiver';
import { registerApiRoutes } from './api.routes';
import { registerReconciliationRoutes } from './reconciliation.routes';
import { registerMarketplaceRoutes } from '../marketplaces';
import { registerDashboardRoutes } from '../dashboard/dashboard.routes';
import { bearerMatches, isOpenRoute, queryTokenMatches } from './bearer-auth';

export interface HttpServer {
  port: number;
  app: FastifyInstance;
  /** Waits for asynchronous MDNs in flight (tests). */
  as2Idle(): Promise<void>;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  /** Defaults to config.http.port; 0 picks a free port. */
  port?: number;
  host?: string;
  fetch?: As2ReceiverDeps['fetch'];
  asyncMdn?: As2ReceiverDeps['asyncMdn'];
}

/**
 * The gateway's one HTTP server, on loopback (a reverse proxy in front terminates TLS):
 * /healthz and /as2 open, everything else behind the bearer token. Without a token the API is
 * not served at all rather than served open.
 */
export async function startHttpServer(rt: Runtime, options: HttpServerOptions = {}): Promise<HttpServer> {
  const log = rt.log.child({ component: 'http' });
  // Fastify logs each request at info: kept out, our handlers log what matters.
  const fastifyLog = log.child({}, { level: log.isLevelEnabled('warn') ? 'warn' : log.level });
  const app: FastifyInstance = Fastify({ loggerInstance: fastifyLog as unknown as FastifyBaseLogger, bodyLimit: rt.config.as2.maxBytes });
  const token = rt.config.http.apiToken;
  if (!token) log.warn('EDI_GATEWAY_API_TOKEN is not set: the API is off; /as2 and /healthz are served');

  app.addHook('onRequest', async (req, reply) => {
    if (isOpenRoute(req.url)) return;
    if (!token) return reply.code(503).send({ error: 'the API is off: set EDI_GATEWAY_API_TOKEN (or _FILE) to turn it on' });
    if (!bearerMatches(req.headers.authorization, token) && !queryTokenMatches(req.url, token)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'a valid bearer token is required' });
    }
  });

  app.get('/healthz', async (_req, reply) => {
    try {
      await rt.store.knex.raw('select 1');
      return { ok: true };
    } catch {
      return reply.code(503).send({ ok: false, error: 'store unreachable' });
    }
  });

  const receiver = as2Receiver({ config: rt.config, knex: rt.store.knex, partners: rt.partners, receive: rt.receive,
    log: rt.log.child({ transport: 'as2' }), fetch: options.fetch, asyncMdn: options.asyncMdn });
  await app.register(async (as2) => {
    // AS2 bodies are binary S/MIME whatever their Content-Type says: read them as bytes.
    as2.removeAllContentTypeParsers();
    as2.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    as2.addHook('onRequest', async (req, reply) => {
      const early = receiver.preflight(req.headers);
      if (early) return reply.code(early.status).headers(early.headers).send(early.body);
    });
    as2.post('/as2', async (req, reply) => {
      const r = await receiver.handle({ headers: req.headers, body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) });
      return reply.code(r.status).headers(r.headers).send(r.body);
    });
  });
  await registerMarketplaceRoutes(app, rt);
  await registerDashboardRoutes(app, rt);
  if (token) {
    registerApiRoutes(app, rt.store.knex, rt.queue);
    registerReconciliationRoutes(app, rt);
    // Odoo's webhooks are hints, not data: a scan re-reads Odoo by cursor, so a lost or repeated hint changes nothing.
    app.post('/api/odoo/webhook', async (_req, reply) => {
      void rt.odooEvents.scanNow().catch((err) => log.warn({ err }, 'Odoo scan after a webhook failed; the next poll retries'));
      return reply.code(202).send({ accepted: true });
    });
  }

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? rt.config.http.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  log.info({ port }, 'HTTP server listening');
  return {
    port, app,
    as2Idle: () => receiver.idle(),
    async close() {
      await app.close();
      await receiver.idle();
    },
  };
}
