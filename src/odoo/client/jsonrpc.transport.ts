import { OdooTransportError } from './odoo-errors';
import { majorOf, post, snippet, type OdooConnection, type OdooTransport, type OdooVersion } from './transport';

/**
 * JSON-RPC over /jsonrpc (Odoo 16 to 19, removal planned for 22): `common.login` once with the
 * API key in place of the password, then `object.execute_kw` per call (each its own transaction).
 * Application errors come back with HTTP 200 and an `error` object; a method that returns None
 * has no `result` key at all, which means null.
 */
export class JsonRpcTransport implements OdooTransport {
  readonly api = 'jsonrpc' as const;
  private uid: Promise<number> | undefined;
  private seq = 0;

  constructor(private readonly conn: OdooConnection) {}

  private async rpc(service: string, method: string, args: unknown[]): Promise<unknown> {
    const url = `${this.conn.url.replace(/\/+$/, '')}/jsonrpc`;
    const res = await post(url, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: ++this.seq, params: { service, method, args } }),
    }, this.conn.timeoutMs);
    if (res.status !== 200) throw new OdooTransportError({ kind: 'http', status: res.status, message: `HTTP ${res.status} ${await snippet(res, this.conn.apiKey)}`.trim() });
    let body: { result?: unknown; error?: { message?: string; code?: number; data?: { name?: string; message?: string } } };
    try {
      body = await res.json() as typeof body;
    } catch {
      throw new OdooTransportError({ kind: 'http', status: res.status, message: 'the answer is not JSON' });
    }
    if (body.error) {
      const data = body.error.data ?? {};
      throw new OdooTransportError({ kind: 'odoo', name: data.name ?? `jsonrpc.${body.error.code ?? 'error'}`, message: data.message ?? body.error.message ?? 'Odoo Server Error' });
    }
    return 'result' in body ? body.result : null;
  }

  private login(): Promise<number> {
    this.uid ??= (async () => {
      const uid = await this.rpc('common', 'login', [this.conn.db, this.conn.user, this.conn.apiKey]);
      // A wrong login is `false`, not an error (ODOO-NOTES §2).
      if (typeof uid !== 'number') {
        throw new OdooTransportError({ kind: 'odoo', name: 'odoo.exceptions.AccessDenied', message: `login of ${this.conn.user} on database ${this.conn.db} refused (check ODOO_USER and ODOO_API_KEY)` });
      }
      return uid;
    })().catch((err) => {
      this.uid = undefined;
      throw err;
    });
    return this.uid;
  }

  async execute(model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): Promise<unknown> {
    const uid = await this.login();
    return this.rpc('object', 'execute_kw', [this.conn.db, uid, this.conn.apiKey, model, method, args, kwargs]);
  }

  async version(): Promise<OdooVersion> {
    const v = await this.rpc('common', 'version', []) as { server_version?: string; server_version_info?: unknown[] };
    return { serverVersion: String(v?.server_version ?? ''), major: majorOf(v?.server_version_info, v?.server_version) };
  }
}
