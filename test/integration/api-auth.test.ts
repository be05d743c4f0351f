import crypto from 'node:crypto';
import type { Runtime } from '../../src/daemon/runtime';
import { startHttpServer, type HttpServer } from '../../src/http/http-server';
import { OPENAPI } from '../../src/http/openapi';
import { createToken, listTokens, revokeToken } from '../../src/store/api-tokens.repo';
import { getEvents, getMessage } from '../../src/store/messages.repo';
import { eventually, testRuntime, x12Interchange } from '../helpers';

const ENV_TOKEN = 'env-admin-token-0123456789';

/** Bearer tokens with roles on every guarded route: who gets 401, 403, 429, and who gets through. */
describe('API tokens and roles', () => {
  let rt: Runtime;
  let http: HttpServer;
  let base: string;
  const tokens: Record<'viewer' | 'operator' | 'admin', string> = { viewer: '', operator: '', admin: '' };
  const as = (token: string | undefined, path: string, init: RequestInit = {}) => fetch(`${base}${path}`, {
    ...init,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
  });

  beforeAll(async () => {
    // Limits out of the way here (the 401 checks are many failures from one address); the next block tests them.
    rt = await testRuntime('pglite', { http: { apiToken: ENV_TOKEN, authFailuresPerMinute: 0, rateLimitPerMinute: 0 } });
    rt.workInbound();
    // Before the server reads the tokens (it reads them again at most once a second).
    for (const role of ['viewer', 'operator', 'admin'] as const) tokens[role] = (await createToken(rt.store.knex, `${role}-1`, role)).token;
    http = await startHttpServer(rt, { port: 0 });
    base = `http://127.0.0.1:${http.port}`;
  });
  afterAll(async () => {
    await http?.close();
    await rt?.close();
  });

  it('keeps only the SHA-256 of a token, made with a recognisable prefix', async () => {
    expect(tokens.viewer).toMatch(/^edig_[A-Za-z0-9_-]{43}$/);
    const rows = await rt.store.knex('api_tokens').select('*');
    const flat = JSON.stringify(rows);
    for (const t of Object.values(tokens)) {
      expect(flat).not.toContain(t);
      expect(flat).not.toContain(t.slice(5));
      expect(rows.map((r) => r.token_sha256)).toContain(crypto.createHash('sha256').update(t).digest('hex'));
    }
  });

  it('answers 401 without a token, with an unknown one, and with one sent any way but the header', async () => {
    for (const token of [undefined, 'edig_unknown-token-0000000000000000000000000000', tokens.viewer.slice(0, -1)]) {
      const res = await as(token, '/api/messages');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toEqual({ error: 'a valid bearer token is required' });
    }
    expect((await fetch(`${base}/api/messages`, { headers: { authorization: tokens.admin } })).status).toBe(401); // no "Bearer"
    expect((await fetch(`${base}/api/messages?token=${tokens.admin}`)).status).toBe(401); // the query is for Odoo's webhook alone
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
  });

  it('lets a viewer read and refuses it a replay (403 naming the role needed); an operator replays and resolves, with its name on the trail', async () => {
    const bad = await rt.receive({ content: Buffer.from('not EDI at all'), transport: 'test', partnerId: 'acme-retail', filename: 'memo.txt' });
    const good = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000961'), transport: 'test' });
    await eventually(async () => (await getMessage(rt.store.knex, bad.messageId))?.status === 'exception', 20_000, 'the memo to be an exception');
    await eventually(async () => (await getMessage(rt.store.knex, good.messageId))?.status === 'done', 20_000, 'the order to be done');

    expect((await as(tokens.viewer, `/api/messages/${good.messageId}`)).status).toBe(200);
    expect((await as(tokens.viewer, '/metrics')).status).toBe(200);
    const refused = await as(tokens.viewer, `/api/messages/${good.messageId}/replay`, { method: 'POST' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: "this needs the operator role; token 'viewer-1' is viewer", requiredRole: 'operator', role: 'viewer' });
    expect((await as(tokens.viewer, `/api/messages/${bad.messageId}/resolve`, { method: 'POST', body: JSON.stringify({ note: 'x' }) })).status).toBe(403);
    expect((await getEvents(rt.store.knex, good.messageId)).map((e) => e.stage)).not.toContain('replay');

    const replay = await as(tokens.operator, `/api/messages/${good.messageId}/replay`, { method: 'POST' });
    expect(replay.status).toBe(202);
    const trail = await getEvents(rt.store.knex, good.messageId);
    expect(trail.find((e) => e.stage === 'replay')?.detail).toMatch(/^replay requested over the API by token operator-1/);
    const resolved = await as(tokens.operator, `/api/messages/${bad.messageId}/resolve`, { method: 'POST', body: JSON.stringify({ note: 'asked for EDI' }) });
    expect(resolved.status).toBe(200);
    expect((await getEvents(rt.store.knex, bad.messageId)).at(-1)).toMatchObject({ stage: 'resolved', data: { by: 'api:operator-1' } });

    // Odoo's webhook: operator and up, the token in the URL allowed there.
    expect((await fetch(`${base}/api/odoo/webhook?token=${tokens.viewer}`, { method: 'POST' })).status).toBe(403);
    expect((await fetch(`${base}/api/odoo/webhook?token=${tokens.operator}`, { method: 'POST' })).status).toBe(202);
  });

  it('lets only admins manage tokens; a token created over the API works, a revoked one fails at once, and names are never reused', async () => {
    expect((await as(tokens.operator, '/api/tokens')).status).toBe(403);
    expect((await as(tokens.operator, '/api/tokens', { method: 'POST', body: JSON.stringify({ name: 'x', role: 'viewer' }) })).status).toBe(403);
    const list = await as(tokens.admin, '/api/tokens');
    expect(list.status).toBe(200);
    const listed = (await list.json() as any).tokens;
    expect(listed.map((t: any) => [t.name, t.role])).toEqual([['viewer-1', 'viewer'], ['operator-1', 'operator'], ['admin-1', 'admin']]);
    for (const t of listed) expect(Object.keys(t).sort()).toEqual(['createdAt', 'lastUsedAt', 'name', 'revokedAt', 'role']);

    const made = await as(tokens.admin, '/api/tokens', { method: 'POST', body: JSON.stringify({ name: 'scraper', role: 'viewer' }) });
    expect(made.status).toBe(201);
    const { token, name, role } = await made.json() as any;
    expect([name, role]).toEqual(['scraper', 'viewer']);
    expect((await as(token, '/metrics')).status).toBe(200);
    expect((await as(tokens.admin, '/api/tokens', { method: 'POST', body: JSON.stringify({ name: 'scraper', role: 'admin' }) })).status).toBe(409);
    expect((await as(tokens.admin, '/api/tokens', { method: 'POST', body: JSON.stringify({ name: 'bad name!', role: 'admin' }) })).status).toBe(400);
    expect((await as(tokens.admin, '/api/tokens', { method: 'POST', body: JSON.stringify({ name: 'root', role: 'root' }) })).status).toBe(400);

    const revoked = await as(tokens.admin, '/api/tokens/scraper', { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect((await revoked.json() as any).revokedAt).toEqual(expect.any(String));
    const after = await as(token, '/metrics');
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toBe('Bearer');
    expect((await as(tokens.admin, '/api/tokens/nobody', { method: 'DELETE' })).status).toBe(404);
    expect((await as(tokens.admin, '/api/tokens', { method: 'POST', body: JSON.stringify({ name: 'scraper', role: 'viewer' }) })).status).toBe(409);

    // The environment's token is an admin.
    expect((await as(ENV_TOKEN, '/api/tokens')).status).toBe(200);
  });

  it('stops a token revoked by another process (straight in the store) within the cache\'s second', async () => {
    const { token } = await createToken(rt.store.knex, 'elsewhere', 'viewer');
    await eventually(async () => (await as(token, '/api/messages')).status === 200, 5000, 'the new token to be accepted');
    await revokeToken(rt.store.knex, 'elsewhere');
    await eventually(async () => (await as(token, '/api/messages')).status === 401, 5000, 'the revoked token to be refused');
  });

  it('notes when a token was last used', async () => {
    await as(tokens.viewer, '/api/messages');
    const t = await eventually(async () => (await listTokens(rt.store.knex)).find((x) => x.name === 'viewer-1' && x.lastUsedAt), 5000, 'last_used_at');
    expect(Date.now() - new Date(t.lastUsedAt!).getTime()).toBeLessThan(60_000);
    await createToken(rt.store.knex, 'idle', 'viewer');
    expect((await listTokens(rt.store.knex)).find((x) => x.name === 'idle')?.lastUsedAt).toBeNull();
  });

  it('describes every route in /api/openapi.json, with the role each needs, and every operation there answers 401 without a token and 403 below its role', async () => {
    const res = await as(tokens.viewer, '/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json() as typeof OPENAPI;
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op: op as any })));
    const toOpenApi = (url: string) => url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const described = new Set(documented.map((d) => `${d.method} ${d.path}`));
    const served = http.routes.filter((r) => r.url.startsWith('/api') || described.has(`${r.method} ${toOpenApi(r.url)}`));
    expect(new Set(served.map((r) => `${r.method} ${toOpenApi(r.url)}`))).toEqual(described);
    expect(served.filter((r) => r.url.startsWith('/api')).length).toBeGreaterThanOrEqual(9);

    const ranks = ['viewer', 'operator', 'admin'];
    for (const d of documented) {
      const route = served.find((r) => r.method === d.method && toOpenApi(r.url) === d.path)!;
      const enforced = route.role ?? (d.method === 'GET' ? 'viewer' : 'admin');
      const url = d.path.replace('{id}', '1').replace('{name}', 'nobody');
      if (d.op.security?.length === 0) {
        expect(d.op['x-required-role']).toBeUndefined();
        expect((await fetch(`${base}${url}`)).status).toBe(200);
        continue;
      }
      expect(`${d.method} ${d.path} ${d.op['x-required-role']}`).toBe(`${d.method} ${d.path} ${enforced}`);
      expect(Object.keys(d.op.responses)).toEqual(expect.arrayContaining(['401', '403', '429']));
      expect((await fetch(`${base}${url}`, { method: d.method })).status).toBe(401);
      const below = ranks[ranks.indexOf(enforced) - 1] as keyof typeof tokens | undefined;
      if (below) expect([`${d.method} ${url}`, (await as(tokens[below], url, { method: d.method })).status]).toEqual([`${d.method} ${url}`, 403]);
    }
  });
});

describe('rate limits', () => {
  const limited = { busy: '', calm: '' };
  let rt: Runtime;
  let http: HttpServer;
  let base: string;
  beforeAll(async () => {
    rt = await testRuntime('pglite', { http: { rateLimitPerMinute: 3, authFailuresPerMinute: 2 } });
    http = await startHttpServer(rt, { port: 0 });
    base = `http://127.0.0.1:${http.port}`;
  });
  afterAll(async () => {
    await http?.close();
    await rt?.close();
  });

  it('serves 503 while no token exists, naming both ways to make one (the probes stay open); a stored token turns the API on', async () => {
    const off = await fetch(`${base}/api/messages`, { headers: { authorization: 'Bearer edig_anything-at-all' } });
    expect(off.status).toBe(503);
    expect((await off.json() as any).error).toMatch(/EDI_GATEWAY_API_TOKEN.*tokens create/);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    // Until the server reads the new tokens, it answers 503 (off), which counts as no failed authentication.
    limited.busy = (await createToken(rt.store.knex, 'busy', 'viewer')).token;
    limited.calm = (await createToken(rt.store.knex, 'calm', 'viewer')).token;
    const { token } = await createToken(rt.store.knex, 'first', 'viewer');
    await eventually(async () => (await fetch(`${base}/api/messages`, { headers: { authorization: `Bearer ${token}` } })).status === 200, 5000, 'the API to turn on');
  });

  it('answers 429 with Retry-After past a token\'s requests a minute, and slows an address that keeps failing', async () => {
    const { busy: token, calm: other } = limited;
    const get = (t: string) => fetch(`${base}/api/messages`, { headers: { authorization: `Bearer ${t}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(token)).status);
    expect(statuses).toEqual([200, 200, 200]);
    const over = await get(token);
    expect(over.status).toBe(429);
    const wait = Number(over.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await over.json()).toEqual({ error: "token 'busy' is over its 3 requests a minute", retryAfterSeconds: wait });
    expect((await get(other)).status).toBe(200); // another token has its own count

    expect((await get('edig_wrong-1')).status).toBe(401);
    expect((await get('edig_wrong-2')).status).toBe(401);
    const slowed = await get('edig_wrong-3');
    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Past the failures, even a good token from that address waits: a guess is never checked.
    expect((await get(other)).status).toBe(429);
    // Behind the local reverse proxy, each client is counted apart (X-Forwarded-For from a loopback peer).
    const viaProxy = (t: string, client: string) => fetch(`${base}/api/messages`, { headers: { authorization: `Bearer ${t}`, 'x-forwarded-for': client } });
    expect((await viaProxy(other, '203.0.113.10')).status).toBe(200);
    for (const status of [401, 401, 429]) expect((await viaProxy('edig_wrong', '203.0.113.11')).status).toBe(status);
    expect((await viaProxy(other, '203.0.113.11')).status).toBe(429);
    // The probes are not limited.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});

describe('/readyz', () => {
  it('is ready with the store up, 503 with the reason when Odoo\'s circuit is open, and when the store is closed', async () => {
    const rt = await testRuntime('pglite', { odoo: { enabled: true, circuitFailures: 1, circuitCooldownSeconds: 600 } });
    const http = await startHttpServer(rt, { port: 0 });
    const base = `http://127.0.0.1:${http.port}`;
    try {
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ ready: true, reasons: [] });

      rt.odoo().circuit.failure();
      const odooDown = await fetch(`${base}/readyz`);
      expect(odooDown.status).toBe(503);
      expect((await odooDown.json() as any).reasons).toEqual([expect.stringMatching(/Odoo is unavailable: the client's circuit is open/)]);
      rt.odoo().circuit.success();
      expect((await fetch(`${base}/readyz`)).status).toBe(200);

      await rt.store.knex.destroy();
      const closed = await fetch(`${base}/readyz`);
      expect(closed.status).toBe(503);
      const body = await closed.json() as any;
      expect(body.ready).toBe(false);
      expect(body.reasons).toEqual([expect.stringMatching(/^store unreachable: /)]);
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
    } finally {
      await http.close();
      await rt.close().catch(() => undefined);
    }
  });
});
