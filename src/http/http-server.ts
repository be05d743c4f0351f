import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Runtime } from '../daemon/runtime';
import { as2Receiver, type As2ReceiverDeps } from '../transports/as2/as2.receiver';
import { registerApiRoutes } from './api.routes';
import { registerExceptionRoutes } from './exceptions.routes';
import { registerReconciliationRoutes } from './reconciliation.routes';
import { registerMarketplaceRoutes } from '../marketplaces';
import { registerGuard } from './api-guard';
import { metricsText } from './metrics';
import { OPENAPI } from './openapi';
import { CONTENT_TYPE } from './prometheus-text';
import { readiness } from './readiness';
import { TokenAuthenticator } from './token-auth';
import { registerTokenRoutes } from './tokens.routes';
import { registerAlertRoutes } from './alerts.routes';
import { registerAcknowledgmentRoutes } from './acknowledgments.routes';
import { registerScheduleRoutes } from './schedules.routes';
import { registerInventoryPushRoute } from './inventory-push.routes';
import { registerDashboardRoutes } from '../dashboard/dashboard.routes';

export interface HttpServer {
  port: number;
  app: FastifyInstance;
  /** Every route registered, as METHOD and URL pattern (the OpenAPI test compares them with openapi.ts). */
  routes: { method: string; url: string; role?: string }[];
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
 * /healthz, /readyz and /as2 open, everything else behind bearer tokens with roles (api-guard.ts).
 * With no token at all (neither EDI_GATEWAY_API_TOKEN nor a stored one) the API answers 503
 * rather than being served open.
 */
export async function startHttpServer(rt: Runtime, options: HttpServerOptions = {}): Promise<HttpServer> {
  const log = rt.log.child({ component: 'http' });
  // Fastify logs each request at info: kept out, our handlers log what matters.
  const fastifyLog = log.child({}, { level: log.isLevelEnabled('warn') ? 'warn' : log.level });
  // Behind the reverse proxy on this machine, the client is the one X-Forwarded-For names (the
  // failed-authentication limit counts per client); only a loopback peer is trusted to say so.
  const app: FastifyInstance = Fastify({ loggerInstance: fastifyLog as unknown as FastifyBaseLogger, bodyLimit: rt.config.as2.maxBytes, trustProxy: 'loopback' });
  const routes: HttpServer['routes'] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url, role: r.config?.role });
  });
  const auth = new TokenAuthenticator({ knex: rt.store.knex, envToken: rt.config.http.apiToken, log });
  if (!(await auth.isOn().catch(() => true))) {
    log.warn('no API token: the API is off until EDI_GATEWAY_API_TOKEN is set or `edi-gateway tokens create` makes one; /as2, /healthz and /readyz are served');
  }
  registerGuard(app, { auth, log, requestsPerMinute: rt.config.http.rateLimitPerMinute, authFailuresPerMinute: rt.config.http.authFailuresPerMinute });

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
  app.get('/readyz', async (_req, reply) => {
    const r = await readiness({ knex: rt.store.knex, odooCircuit: rt.config.odoo.enabled ? () => rt.odoo().circuit.state : undefined });
    return reply.code(r.ready ? 200 : 503).send(r);
  });

  await registerMarketplaceRoutes(app, rt);
  await registerDashboardRoutes(app, rt, auth);
  // Registered whatever the tokens today: a token made later by the CLI (another process) turns the API on.
  registerApiRoutes(app, rt);
  registerExceptionRoutes(app, rt.store.knex, rt.queue);
  registerTokenRoutes(app, rt.store.knex, auth);
  registerReconciliationRoutes(app, rt);
  registerAlertRoutes(app, rt.store.knex);
  registerAcknowledgmentRoutes(app, rt.store.knex);
  registerScheduleRoutes(app, rt.store.knex);
  registerInventoryPushRoute(app, rt);
  // Odoo's webhooks are hints, not data: a scan re-reads Odoo by cursor, so a lost or repeated hint changes nothing.
  app.post('/api/odoo/webhook', { config: { role: 'operator' } }, async (_req, reply) => {
    void rt.odooEvents.scanNow().catch((err) => log.warn({ err }, 'Odoo scan after a webhook failed; the next poll retries'));
    return reply.code(202).send({ accepted: true });
  });
  app.get('/api/openapi.json', async () => OPENAPI);
  // Any role: figures for a Prometheus scraper, which sends its token (authorization.credentials_file).
  app.get('/metrics', async (_req, reply) => reply.type(CONTENT_TYPE).send(await metricsText(rt.store.knex)));

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? rt.config.http.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  log.info({ port }, 'HTTP server listening');
  return {
    port, app, routes,
    as2Idle: () => receiver.idle(),
    async close() {
      await app.close();
      await receiver.idle();
    },
  };
}
