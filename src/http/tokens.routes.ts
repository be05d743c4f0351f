import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { GatewayError } from '../errors/gateway-error';
import { createToken, isRole, listTokens, revokeToken, ROLES } from '../store/api-tokens.repo';
import type { TokenAuthenticator } from './token-auth';

/** Token management for admins, the same as `edi-gateway tokens`: the token itself is shown once, at creation. */
export function registerTokenRoutes(app: FastifyInstance, knex: Knex, auth: TokenAuthenticator): void {
  app.get('/api/tokens', { config: { role: 'admin' } }, async () => ({ tokens: await listTokens(knex) }));

  app.post('/api/tokens', { config: { role: 'admin' } }, async (req, reply) => {
    const body = (req.body ?? {}) as { name?: unknown; role?: unknown };
    if (typeof body.name !== 'string' || !isRole(body.role)) {
      return reply.code(400).send({ error: `a JSON body { "name": "...", "role": "${ROLES.join('" | "')}" } is required`, code: 'USAGE' });
    }
    try {
      const { token, info } = await createToken(knex, body.name, body.role);
      auth.invalidate();
      return reply.code(201).send({ ...info, token });
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      return reply.code(err.code === 'TOKEN_NAME_TAKEN' ? 409 : 400).send({ error: err.message, code: err.code });
    }
  });

  app.delete('/api/tokens/:name', { config: { role: 'admin' } }, async (req, reply) => {
    try {
      const info = await revokeToken(knex, (req.params as { name: string }).name);
      auth.invalidate();
      return info;
    } catch (err) {
      if (!(err instanceof GatewayError) || err.code !== 'TOKEN_NOT_FOUND') throw err;
      return reply.code(404).send({ error: err.message, code: err.code });
    }
  });
}
