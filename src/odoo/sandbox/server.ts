import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../../log/logger';
import { callMethodNamed, dispatchService, uidForKey, versionInfo, type Core } from './dispatch';
import type { FailKind, FaultState } from './faults';
import { INVALID_JSON, NOT_FOUND, SERVICE_UNAVAILABLE, WRONG_CONTENT_TYPE } from './http-bodies';
import {
  asOdooError, errorData, OdooError, operationalError, serializationFailure,
} from './rpc-errors';

/** One call as the sandbox saw it; tests use the log to count writes that reached "Odoo". */
export interface CallRecord { service: string; model?: string; method: string; error?: string }

/**
 * The HTTP side of the sandbox: `POST /jsonrpc` as Odoo 17/18 (and 19) answer it, Odoo 19's
 * `POST /json/2/<model>/<method>` when running as 19 (a 303 to /web/login otherwise, as 18 does),
 * `GET /web/version` on 19, and the fault hooks. node:http, no framework.
 */
export class SandboxServer {
  private server: Server;
  private sockets = new Set<Socket>();
  port = 0;
  readonly calls: CallRecord[] = [];

  constructor(private readonly core: Core, private readonly faults: FaultState, private readonly log: Logger, private readonly host: string) {
    this.server = this.newServer();
  }

  private newServer(): Server {
    const server = createServer((req, res) => { void this.handle(req, res); });
    server.keepAliveTimeout = 5000;
    server.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
    return server;
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        this.port = typeof addr === 'object' && addr ? addr.port : port;
        resolve(this.port);
      });
    });
  }

  get listening(): boolean {
    return this.server.listening;
  }

  /** Stops accepting and drops open keep-alive connections, so the next request is refused. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
    this.server = this.newServer();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (this.faults.mode503) return this.send(res, 503, 'text/html', SERVICE_UNAVAILABLE);
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const path = url.pathname;
    if (path === '/jsonrpc') return this.jsonrpc(req, res, body);
    const json2 = /^\/json\/2\/([^/]+)\/([^/]+)\/?$/.exec(path);
    if (json2) {
      // JSON-2 exists from 19 on; Odoo 18 answers it with a redirect to the login page (observed).
      if (this.core.version < 19) {
        res.writeHead(303, { Location: `/web/login?redirect=${encodeURIComponent(path)}`, 'Content-Type': 'text/html; charset=utf-8' });
        res.end('<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href="/web/login">/web/login</a>. If not, click the link.\n');
        return;
      }
      return this.json2(req, res, decodeURIComponent(json2[1]), decodeURIComponent(json2[2]), body);
    }
    if (path === '/web/version' && this.core.version >= 19) {
      const v = versionInfo(this.core.version);
      return this.send(res, 200, 'application/json', JSON.stringify({ version: v.server_version, version_info: v.server_version_info }));
    }
    if (path === '/web/login') return this.send(res, 200, 'text/html', '<!doctype html><title>Odoo</title><p>Sandbox Odoo: use /jsonrpc.</p>');
    return this.send(res, 404, 'text/html', NOT_FOUND);
  }

  private async jsonrpc(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const ctype = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (req.method !== 'POST' || (ctype !== 'application/json' && ctype !== 'application/json-rpc')) {
      return this.send(res, 400, 'text/html', WRONG_CONTENT_TYPE);
    }
    let request: { id?: unknown; params?: { service?: unknown; method?: unknown; args?: unknown } };
    try {
      request = JSON.parse(body) as typeof request;
      if (!request || typeof request !== 'object') throw new Error('not an object');
    } catch {
      return this.send(res, 400, 'text/html', INVALID_JSON);
    }
    const id = request.id ?? null;
    const params = request.params ?? {};
    const service = String(params.service);
    const method = String(params.method);
    const args = Array.isArray(params.args) ? params.args : [];
    const model = service === 'object' ? String(args[3]) : undefined;
    const touchesDb = service === 'object' || (service === 'common' && (method === 'login' || method === 'authenticate'));
    const fail = touchesDb ? this.faults.takeFailure() : undefined;

    let payload: Record<string, unknown>;
    try {
      injectFailure(fail);
      const result = dispatchService(this.core, service, method, args);
      payload = { jsonrpc: '2.0', id };
      // A Python None result: Odoo leaves the `result` key out entirely (ODOO-NOTES §1.1).
      if (result !== undefined) payload.result = result;
      this.record({ service, model, method: service === 'object' ? String(args[4]) : method });
    } catch (thrown) {
      const err = asOdooError(thrown);
      this.record({ service, model, method: service === 'object' ? String(args[4]) : method, error: err.odooName });
      if (!(thrown instanceof OdooError)) this.log.error({ err: thrown }, 'sandbox odoo: internal error');
      // Application errors are HTTP 200 with code 200 "Odoo Server Error" (http.py serialize_exception).
      payload = { jsonrpc: '2.0', id, error: { code: 200, message: 'Odoo Server Error', data: errorData(err) } };
    }
    if (fail === 'reset') { req.socket.destroy(); return; }
    await this.pause();
    this.send(res, 200, 'application/json', JSON.stringify(payload));
  }

  /** Odoo 19 JSON-2: bearer key, named arguments, bare result, errors with real HTTP statuses. */
  private async json2(req: IncomingMessage, res: ServerResponse, model: string, method: string, body: string): Promise<void> {
    const auth = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const uid = auth ? uidForKey(this.core, auth[1].trim()) : undefined;
    let status = 200;
    let out: unknown;
    const fail = uid !== undefined ? this.faults.takeFailure() : undefined;
    try {
      if (uid === undefined) throw new OdooError('werkzeug.exceptions.Unauthorized', 'Invalid apikey', 401);
      let named: unknown;
      try { named = body.trim() ? JSON.parse(body) : {}; } catch { throw new OdooError('werkzeug.exceptions.BadRequest', 'Invalid JSON data', 400); }
      if (!named || typeof named !== 'object' || Array.isArray(named)) throw new OdooError('werkzeug.exceptions.UnprocessableEntity', 'The request body must be a JSON object of named arguments.', 422);
      if (!this.core.registry.models.has(model)) throw new OdooError('werkzeug.exceptions.NotFound', `the model '${model}' does not exist`, 404);
      injectFailure(fail);
      out = callMethodNamed(this.core, uid, model, method, named as Record<string, unknown>);
      this.record({ service: 'json2', model, method });
    } catch (thrown) {
      const err = asOdooError(thrown);
      this.record({ service: 'json2', model, method, error: err.odooName });
      status = err.httpStatus;
      out = errorData(err);
    }
    if (fail === 'reset') { req.socket.destroy(); return; }
    await this.pause();
    this.send(res, status, 'application/json', JSON.stringify(out === undefined ? null : out));
  }

  private record(c: CallRecord): void {
    this.calls.push(c);
    if (this.calls.length > 10000) this.calls.splice(0, this.calls.length - 10000);
    this.log.debug(c, 'sandbox odoo call');
  }

  private async pause(): Promise<void> {
    const ms = this.faults.takeDelay();
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }

  private send(res: ServerResponse, status: number, type: string, body: string): void {
    if (res.destroyed) return;
    res.writeHead(status, { 'Content-Type': `${type}; charset=utf-8`, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }
}

function injectFailure(kind: FailKind | undefined): void {
  if (kind === 'serialization') throw serializationFailure();
  if (kind === 'operational') throw operationalError();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
