import type { Runtime } from '../../src/daemon/runtime';
import { startHttpServer, type HttpServer } from '../../src/http/http-server';
import { securityRuntime } from './security-helpers';

/**
 * The HTTP API and dashboard before anyone has signed in. Tokens and roles themselves (401 without
 * a token, 403 below the route's role, 401 once revoked, the token never in a URL but Odoo's
 * webhook) are proven route by route in test/integration/api-auth.test.ts, the dashboard's session
 * and CSRF check in test/integration/dashboard.test.ts; AS2 without a signature in
 * as2.security.test.ts.
 */

const TOKEN = 'api-security-token-0123456789';

/** 24 MB of `[{},{},...]`: eight million objects once parsed, about half a gigabyte of heap. */
function jsonBomb(): Buffer {
  const n = 8_000_000;
  const body = Buffer.alloc(n * 3 + 1, ',');
  body[0] = 0x5b;
  for (let i = 1; i < body.length; i += 3) body.write('{}', i);
  body[body.length - 1] = 0x5d;
  return body;
}

describe('the HTTP server before authentication', () => {
  let rt: Runtime;
  let http: HttpServer;
  let base: string;
  beforeAll(async () => {
    rt = await securityRuntime({ http: { apiToken: TOKEN, authFailuresPerMinute: 0 } });
    http = await startHttpServer(rt);
    base = `http://127.0.0.1:${http.port}`;
  });
  afterAll(async () => {
    await http?.close();
    await rt?.close();
  });

  /** The answer to a POST of `body`, and how much the heap grew meanwhile (sampled every 10 ms). */
  async function postMeasured(url: string, body: Buffer, headers: Record<string, string>) {
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 10);
    try {
      const res = await fetch(`${base}${url}`, { method: 'POST', body, headers });
      return { status: res.status, text: await res.text(), grewMb: (peak - before) / 1e6 };
    } finally {
      clearInterval(sampler);
    }
  }

  it('a 24 MB JSON body to the dashboard\'s sign-in: 415, never parsed (it was: half a gigabyte of heap and 10 s before the 401)', async () => {
    const r = await postMeasured('/dashboard/signin', jsonBomb(), { 'content-type': 'application/json', origin: base });
    expect(r.status).toBe(415);
    expect(r.grewMb).toBeLessThan(150);
  });

  it('a 24 MB JSON body to an admin route without a token: 401 before the body is read', async () => {
    const r = await postMeasured('/api/tokens', jsonBomb(), { 'content-type': 'application/json' });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.text)).toEqual({ error: 'a valid bearer token is required' });
    expect(r.grewMb).toBeLessThan(150);
  });

  it('the dashboard\'s own form still signs in with the token', async () => {
    const res = await fetch(`${base}/dashboard/signin`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ token: TOKEN }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base } });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/^edi_gw_session=/);
  });
});
