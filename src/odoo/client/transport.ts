import http from 'node:http';
import https from 'node:https';
import { OdooTransportError, type OdooFailure } from './odoo-errors';

/**
 * The only code that speaks Odoo's wire protocols. Not XML-RPC: it cannot marshal None, so a
 * method that returns nothing (action_unlock, action_apply_inventory) reports a fault after its
 * change was committed (ODOO-NOTES §1.2) — a failure that is not one is worse than no answer.
 */
export interface OdooTransport {
  readonly api: 'jsonrpc' | 'json2';
  execute(model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): Promise<unknown>;
  /** Odoo's version, e.g. { serverVersion: '18.0', major: 18 }. */
  version(): Promise<OdooVersion>;
}

export interface OdooVersion {
  serverVersion: string;
  major: number;
}

export interface OdooConnection {
  url: string;
  db: string;
  user: string;
  apiKey: string;
  timeoutMs: number;
}

/** What post() answers: the status and the whole body, read before the time limit. */
export interface HttpAnswer {
  status: number;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

export interface PostInit {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Connections kept open between calls, per scheme. Why node:http and not fetch: the pipeline
 * profile (docs/pipeline-profile.md) found undici's fetch 15-31% of the daemon's CPU, about
 * 0.4-0.8 ms of client CPU a call against 0.08-0.16 ms for node:http with a keep-alive agent
 * (bench/http-client-cost.js), at 13-22 calls an order.
 */
/** An idle connection is closed after 4 s (as undici does), before a proxy's or Odoo's own keep-alive limit can close it under a request. */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 16, timeout: 4000 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 16, timeout: 4000 }),
};

/** One request with a time limit on the whole exchange, body included; every way it fails becomes an OdooTransportError. Redirects are not followed. */
export function post(url: string, init: PostInit, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try { target = new URL(url); } catch (err) { reject(new OdooTransportError(networkFailure(err, url))); return; }
    const lib = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
    if (!lib) { reject(new OdooTransportError({ kind: 'network', message: `${url}: only http and https URLs are supported` })); return; }
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new OdooTransportError(networkFailure(err, url)));
    };
    const req = lib.request(target, {
      method: init.method, agent: AGENTS[target.protocol as 'http:' | 'https:'],
      headers: { ...init.headers, ...(body ? { 'Content-Length': String(body.length) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', fail);
      res.on('aborted', () => fail(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' })));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, text: async () => text, json: async () => JSON.parse(text) as unknown });
      });
    });
    const timer = setTimeout(() => {
      fail(Object.assign(new Error(`no answer in ${timeoutMs} ms`), { name: 'TimeoutError' }));
      req.destroy();
    }, timeoutMs);
    req.on('error', fail);
    req.end(body);
  });
}

export function networkFailure(err: unknown, url: string): OdooFailure {
  const e = err as { name?: string; message?: string; code?: string; errors?: { code?: string }[]; cause?: { code?: string; message?: string; errors?: { code?: string }[] } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return { kind: 'timeout', message: `no answer from ${url}` };
  // Trying IPv4 and IPv6 (happy eyeballs) fails with an AggregateError whose parts carry the codes.
  const code = e?.code ?? e?.errors?.find((x) => x?.code)?.code ?? e?.cause?.code ?? e?.cause?.errors?.find((x) => x?.code)?.code;
  return { kind: 'network', code, message: `${url}: ${code ?? e?.cause?.message ?? e?.message ?? String(err)}` };
}

/**
 * The body of a response that is not what we expected, cut short: a proxy's HTML page says enough
 * in 200 characters. The API key is taken out first: a server that echoes the request it could not
 * handle (a debug server, some proxies) would otherwise put it in the error, the log and the API.
 */
export async function snippet(res: HttpAnswer, apiKey: string): Promise<string> {
  return shortText(withoutKey(await res.text().catch(() => ''), apiKey));
}

export function shortText(text: string): string {
  return text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}

export function withoutKey(text: string, apiKey: string): string {
  return apiKey ? text.split(apiKey).join('[redacted]') : text;
}

export function majorOf(info: unknown, fallback: unknown): number {
  if (Array.isArray(info) && typeof info[0] === 'number') return info[0];
  const m = /(\d+)/.exec(String(fallback ?? ''));
  return m ? Number(m[1]) : 0;
}
