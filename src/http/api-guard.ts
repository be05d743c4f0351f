import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../log/logger';
import { roleAllows, type Role } from '../store/api-tokens.repo';
import { isOpenRoute, queryToken } from './bearer-auth';
import { FixedWindowLimiter } from './rate-limit';
import { bearerToken, type Caller, type TokenAuthenticator } from './token-auth';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role a route needs. Without it: viewer for GET, admin for anything else (closed by default). */
    role?: Role;
  }
  interface FastifyRequest {
    /** Who called, once the guard let the request through (undefined on open routes). */
    caller?: Caller;
  }
}

export interface GuardOptions {
  auth: TokenAuthenticator;
  log: Logger;
  /** Requests a minute per token; 0 is no limit. */
  requestsPerMinute: number;
  /** Failed authentications a minute per client address before it must wait; 0 is no limit. */
  authFailuresPerMinute: number;
  now?: () => number;
}

export function requiredRole(req: FastifyRequest): Role {
  return req.routeOptions.config?.role ?? (req.method === 'GET' || req.method === 'HEAD' ? 'viewer' : 'admin');
}

function tooMany(reply: FastifyReply, seconds: number, error: string) {
  return reply.code(429).header('retry-after', String(seconds)).send({ error, retryAfterSeconds: seconds });
}

/**
 * Every route but the open ones (AS2, cXML, the probes) needs a bearer token whose role the route
 * allows: 401 without a valid one, 403 with too small a role, 429 over the rate limits, 503 when
 * no token exists at all (the API is off rather than open).
 */
export function registerGuard(app: FastifyInstance, options: GuardOptions): void {
  const perToken = new FixedWindowLimiter({ limit: options.requestsPerMinute, now: options.now });
  const failures = new FixedWindowLimiter({ limit: options.authFailuresPerMinute, now: options.now });
  app.decorateRequest('caller', undefined);

  app.addHook('onRequest', async (req, reply) => {
    if (isOpenRoute(req.url)) return;
    // An address that keeps failing waits before any token it sends is even looked at.
    const wait = failures.blockedFor(req.ip);
    if (wait) return tooMany(reply, wait, 'too many failed authentications from this address; try again later');
    let caller: Caller | undefined;
    try {
      caller = await options.auth.authenticate(bearerToken(req.headers.authorization) ?? queryToken(req.url));
      if (!caller && !(await options.auth.isOn())) {
        return reply.code(503).send({ error: 'the API is off: set EDI_GATEWAY_API_TOKEN (or _FILE), or create a token with `edi-gateway tokens create`' });
      }
    } catch (err) {
      options.log.warn({ err: (err as Error).message }, 'API tokens could not be read from the store');
      return reply.code(503).send({ error: 'the store is unreachable: tokens cannot be checked' });
    }
    if (!caller) {
      failures.hit(req.ip);
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'a valid bearer token is required' });
    }
    const over = perToken.hit(`${caller.source}:${caller.name}`);
    if (over) return tooMany(reply, over, `token '${caller.name}' is over its ${options.requestsPerMinute} requests a minute`);
    const needed = requiredRole(req);
    if (!roleAllows(caller.role, needed)) {
      return reply.code(403).send({ error: `this needs the ${needed} role; token '${caller.name}' is ${caller.role}`, requiredRole: needed, role: caller.role });
    }
    req.caller = caller;
  });
}
