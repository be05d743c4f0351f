import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError } from '../../src/errors/gateway-error';
import {
  backoffDelay, CircuitBreaker, codeFor, featuresFor, JsonRpcTransport, namedArgs, OdooTransportError, ResilientOdooClient, retrySafety,
  Semaphore, type OdooFailure, type OdooTransport,
} from '../../src/odoo/client';

describe('Odoo error mapping', () => {
  const odoo = (name: string, message = 'm'): OdooFailure => ({ kind: 'odoo', name, message });
  it.each([
    [odoo('odoo.exceptions.AccessDenied'), 'ODOO_AUTH', 'never'],
    [odoo('odoo.exceptions.AccessError'), 'ODOO_ACCESS', 'never'],
    [odoo('odoo.exceptions.ValidationError'), 'ODOO_VALIDATION', 'never'],
    [odoo('odoo.exceptions.UserError'), 'ODOO_USER_ERROR', 'never'],
    [odoo('odoo.exceptions.MissingError'), 'ODOO_MISSING', 'never'],
    [odoo('builtins.ValueError'), 'ODOO_BAD_REQUEST', 'never'],
    [odoo('builtins.AttributeError'), 'ODOO_BAD_REQUEST', 'never'],
    [odoo('psycopg2.OperationalError', 'connection to server at "127.0.0.1", port 55432 failed: Connection refused'), 'ODOO_UNAVAILABLE', 'safe'],
    [odoo('psycopg2.OperationalError', 'FATAL: database "nodb" does not exist'), 'ODOO_BAD_REQUEST', 'never'],
    [odoo('psycopg2.errors.SerializationFailure'), 'ODOO_CONFLICT', 'safe'],
    [odoo('psycopg2.errors.DeadlockDetected'), 'ODOO_CONFLICT', 'safe'],
    [odoo('something.Unknown'), 'ODOO_SERVER_ERROR', 'never'],
    [{ kind: 'network', code: 'ECONNREFUSED', message: 'refused' }, 'ODOO_UNAVAILABLE', 'safe'],
    [{ kind: 'network', code: 'ECONNRESET', message: 'reset' }, 'ODOO_UNAVAILABLE', 'ambiguous'],
    [{ kind: 'timeout', message: 't' }, 'ODOO_TIMEOUT', 'ambiguous'],
    [{ kind: 'http', status: 502, message: 'bad gateway' }, 'ODOO_UNAVAILABLE', 'safe'],
    [{ kind: 'http', status: 503, message: 'x' }, 'ODOO_UNAVAILABLE', 'safe'],
    [{ kind: 'http', status: 504, message: 'x' }, 'ODOO_UNAVAILABLE', 'ambiguous'],
    [{ kind: 'http', status: 400, message: 'x' }, 'ODOO_BAD_REQUEST', 'never'],
    [{ kind: 'odoo', name: 'http.401', message: 'x', status: 401 }, 'ODOO_AUTH', 'never'],
  ] as [OdooFailure, string, string][])('%j -> %s, retry %s', (f, code, safety) => {
    expect(codeFor(f)).toBe(code);
    expect(retrySafety(f)).toBe(safety);
    expect(new GatewayError(codeFor(f), 'x').retryable).toBe(['ODOO_UNAVAILABLE', 'ODOO_TIMEOUT', 'ODOO_CONFLICT'].includes(code));
  });
});

describe('circuit breaker', () => {
  it('opens after K consecutive failures, fails fast while open, lets one trial through after the cool-down, and closes on its success', () => {
    let now = 0;
    const c = new CircuitBreaker({ failures: 3, cooldownMs: 1000, now: () => now });
    c.failure(); c.failure();
    expect(c.state).toBe('closed');
    c.admit();
    c.failure();
    expect(c.state).toBe('open');
    expect(() => c.admit()).toThrow(expect.objectContaining({ code: 'ODOO_UNAVAILABLE', retryable: true }));
    now = 1000;
    expect(c.state).toBe('half-open');
    c.admit(); // the trial
    expect(() => c.admit()).toThrow(/trial call/); // only one at a time
    c.failure();
    expect(c.state).toBe('open'); // a failed trial opens it again at once
    now = 2000;
    c.admit();
    c.success();
    expect(c.state).toBe('closed');
    c.failure();
    expect(c.state).toBe('closed'); // the count started again
  });
});

describe('semaphore and backoff', () => {
  it('never has more than max in flight', async () => {
    const s = new Semaphore(2);
    let active = 0; let peak = 0;
    const releases: (() => void)[] = [];
    const runs = Array.from({ length: 5 }, () => s.run(async () => {
      active++; peak = Math.max(peak, active);
      await new Promise<void>((r) => releases.push(r));
      active--;
    }));
    while (releases.length < 2) await new Promise((r) => setImmediate(r));
    expect(releases).toHaveLength(2);
    while (releases.length) { releases.shift()!(); await new Promise((r) => setImmediate(r)); await new Promise((r) => setImmediate(r)); }
    await Promise.all(runs);
    expect(peak).toBe(2);
  });
  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelay(0, 200, 5000, () => 1)).toBe(200);
    expect(backoffDelay(3, 200, 5000, () => 1)).toBe(1600);
    expect(backoffDelay(10, 200, 5000, () => 1)).toBe(5000);
    expect(backoffDelay(3, 200, 5000, () => 0.5)).toBe(800);
  });
});

/** A transport that fails as told, then answers. */
function scripted(failures: OdooFailure[]): OdooTransport & { calls: string[] } {
  const calls: string[] = [];
  return {
    api: 'jsonrpc', calls,
    async execute(model, method) {
      calls.push(`${model}.${method}`);
      const f = failures.shift();
      if (f) throw new OdooTransportError(f);
      return 42;
    },
    async version() { return { serverVersion: '18.0', major: 18 }; },
  };
}

const client = (t: OdooTransport, failures = 5) => new ResilientOdooClient(t, {
  maxConcurrent: 2, attempts: 3, circuit: new CircuitBreaker({ failures, cooldownMs: 60_000 }), sleep: async () => undefined,
});

describe('resilient client', () => {
  it('retries what never reached Odoo, even a write', async () => {
    const t = scripted([{ kind: 'network', code: 'ECONNREFUSED', message: 'refused' }, { kind: 'odoo', name: 'psycopg2.OperationalError', message: 'connection refused' }]);
    await expect(client(t).call('sale.order', 'action_confirm', [[1]])).resolves.toBe(42);
    expect(t.calls).toHaveLength(3);
  });
  it('does not repeat a write that timed out (it may have committed), but does repeat a read', async () => {
    const t = scripted([{ kind: 'timeout', message: 't' }]);
    await expect(client(t).call('sale.order', 'action_confirm', [[1]])).rejects.toMatchObject({ code: 'ODOO_TIMEOUT', retryable: true });
    expect(t.calls).toHaveLength(1);
    const r = scripted([{ kind: 'timeout', message: 't' }]);
    await expect(client(r).call('sale.order', 'search_read', [[]])).resolves.toBe(42);
    expect(r.calls).toHaveLength(2);
  });
  it('never retries a business error and keeps Odoo\'s message', async () => {
    const t = scripted([{ kind: 'odoo', name: 'odoo.exceptions.UserError', message: 'Some orders are not in a state requiring confirmation.' }]);
    await expect(client(t).call('sale.order', 'action_confirm', [[1]])).rejects.toMatchObject({
      code: 'ODOO_USER_ERROR', retryable: false, message: 'Odoo sale.order.action_confirm: Some orders are not in a state requiring confirmation.' });
    expect(t.calls).toHaveLength(1);
  });
  it('opens the circuit after consecutive unavailability and stops calling', async () => {
    const down: OdooFailure = { kind: 'network', code: 'ECONNREFUSED', message: 'refused' };
    const t = scripted([down, down, down, down, down, down]);
    const c = client(t, 2);
    await expect(c.call('res.partner', 'search_read', [[]])).rejects.toMatchObject({ code: 'ODOO_UNAVAILABLE' });
    expect(c.circuit.state).toBe('open');
    const before = t.calls.length;
    await expect(c.call('res.partner', 'search_read', [[]])).rejects.toMatchObject({ code: 'ODOO_UNAVAILABLE', details: { circuit: 'open' } });
    expect(t.calls).toHaveLength(before);
  });
  it('treats a missing external id as undefined', async () => {
    const t = scripted([{ kind: 'odoo', name: 'builtins.ValueError', message: 'External ID not found in the system: edi.so_x' }]);
    await expect(client(t).checkObjectReference('edi', 'so_x')).resolves.toBeUndefined();
  });
});

describe('JSON-RPC transport on the wire', () => {
  let server: http.Server;
  let url: string;
  const seen: any[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        const msg = JSON.parse(body);
        seen.push(msg.params);
        const { service, method, args } = msg.params;
        res.setHeader('Content-Type', 'application/json');
        if (service === 'common' && method === 'login') return res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: args[2] === 'key' ? 7 : false }));
        if (service === 'common' && method === 'version') return res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { server_version: '17.0', server_version_info: [17, 0, 0, 'final', 0, ''] } }));
        const [, , , model, fn] = args;
        // A method returning None: Odoo leaves out the result key.
        if (fn === 'action_unlock') return res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id }));
        if (model === 'res.partnerx') return res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, error: { code: 200, message: 'Odoo Server Error', data: { name: 'odoo.exceptions.UserError', message: "Object res.partnerx doesn't exist" } } }));
        res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: [{ id: 1 }] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const conn = (apiKey = 'key') => ({ url, db: 'd', user: 'bot', apiKey, timeoutMs: 5000 });

  it('logs in with the API key once, then calls execute_kw with uid and key', async () => {
    const t = new JsonRpcTransport(conn());
    await expect(t.execute('res.partner', 'search_read', [[]], { fields: ['id'] })).resolves.toEqual([{ id: 1 }]);
    await t.execute('res.partner', 'search_read', [[]], {});
    expect(seen.filter((p) => p.method === 'login')).toHaveLength(1);
    expect(seen.at(-1)).toEqual({ service: 'object', method: 'execute_kw', args: ['d', 7, 'key', 'res.partner', 'search_read', [[]], {}] });
  });
  it('reads a missing result as null, and an error by its data.name', async () => {
    const t = new JsonRpcTransport(conn());
    await expect(t.execute('sale.order', 'action_unlock', [[1]], {})).resolves.toBeNull();
    await expect(t.execute('res.partnerx', 'read', [[1]], {})).rejects.toMatchObject({ failure: { kind: 'odoo', name: 'odoo.exceptions.UserError' } });
  });
  it('refuses a wrong key as AccessDenied, and finds the major version', async () => {
    await expect(new JsonRpcTransport(conn('nope')).execute('res.partner', 'read', [[1]], {})).rejects.toMatchObject({ failure: { name: 'odoo.exceptions.AccessDenied' } });
    await expect(new JsonRpcTransport(conn()).version()).resolves.toEqual({ serverVersion: '17.0', major: 17 });
  });
  it('reports a refused connection as a network failure that is safe to retry', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const t = new JsonRpcTransport({ ...conn(), url: `http://127.0.0.1:${port}` });
    const err = await t.version().catch((e) => e);
    expect(err).toBeInstanceOf(OdooTransportError);
    expect(retrySafety(err.failure)).toBe('safe');
  });
});

describe('the HTTP exchange under the transports', () => {
  /** A server that answers each request as `answer` says, counting the connections it was given. */
  async function serve(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
    let connections = 0;
    const server = http.createServer((req, res) => { req.resume(); req.on('end', () => answer(req, res)); });
    server.on('connection', () => { connections++; });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, connections: () => connections, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
  }
  const rpc = (url: string, timeoutMs = 5000) => new JsonRpcTransport({ url, db: 'd', user: 'bot', apiKey: 'key', timeoutMs });
  const versionBody = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { server_version: '18.0', server_version_info: [18, 0] } });

  it('keeps one connection open for call after call', async () => {
    const s = await serve((_req, res) => { res.setHeader('Content-Type', 'application/json'); res.end(versionBody); });
    try {
      const t = rpc(s.url);
      for (let i = 0; i < 5; i++) await expect(t.version()).resolves.toEqual({ serverVersion: '18.0', major: 18 });
      expect(s.connections()).toBe(1);
    } finally { await s.close(); }
  });

  it('times out on no answer, and on an answer whose body never ends, as a timeout (a write may have gone through)', async () => {
    const silent = await serve(() => undefined);
    const halfway = await serve((_req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.write('{"jsonrpc":'); });
    try {
      for (const s of [silent, halfway]) {
        const err = await rpc(s.url, 300).version().catch((e) => e);
        expect(err).toBeInstanceOf(OdooTransportError);
        expect(err.failure).toMatchObject({ kind: 'timeout' });
        expect(retrySafety(err.failure)).toBe('ambiguous');
      }
    } finally { await silent.close(); await halfway.close(); }
  });

  it('reports a connection cut mid-answer as a network failure, and does not follow a redirect', async () => {
    const cut = await serve((req, res) => { res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' }); res.write('{"a":'); setTimeout(() => req.socket.destroy(), 20); });
    const moved = await serve((_req, res) => { res.writeHead(303, { Location: '/web/login' }); res.end(); });
    try {
      const err = await rpc(cut.url).version().catch((e) => e);
      expect(err.failure).toMatchObject({ kind: 'network' });
      await expect(rpc(moved.url).version()).rejects.toMatchObject({ failure: { kind: 'http', status: 303 } });
    } finally { await cut.close(); await moved.close(); }
  });
});

describe('JSON-2 named arguments and version features', () => {
  it('names positional arguments per method', () => {
    expect(namedArgs('search_read', [[['a', '=', 1]]], { fields: ['id'] })).toEqual({ domain: [['a', '=', 1]], fields: ['id'] });
    expect(namedArgs('action_confirm', [[5]], { context: {} })).toEqual({ ids: [5], context: {} });
    expect(namedArgs('load', [['id'], [['x']]], {})).toEqual({ fields: ['id'], data: [['x']] });
  });
  it('knows the field names that changed', () => {
    expect(featuresFor(16)).toMatchObject({ moveDoneQty: 'quantity_done', movePicked: false, confirmedStates: ['sale', 'done'] });
    expect(featuresFor(17)).toMatchObject({ moveDoneQty: 'quantity', movePicked: true, saleLineUom: 'product_uom', storable: { field: 'detailed_type' } });
    expect(featuresFor(18).storable).toEqual({ field: 'is_storable', value: true });
    expect(featuresFor(19).saleLineUom).toBe('product_uom_id');
  });
});
