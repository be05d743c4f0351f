import { OdooTransportError } from './odoo-errors';
import { majorOf, post, shortText, snippet, withoutKey, type OdooConnection, type OdooTransport, type OdooVersion } from './transport';

/**
 * Positional arguments of the ORM methods we call -> JSON-2's named ones. JSON-2 takes no
 * positional arguments; a method not listed here is a recordset method whose first argument is `ids`.
 */
const PARAMS: Record<string, string[]> = {
  search: ['domain', 'offset', 'limit', 'order'],
  search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
  search_count: ['domain', 'limit'],
  read: ['ids', 'fields'],
  create: ['vals_list'],
  write: ['ids', 'vals'],
  unlink: ['ids'],
  load: ['fields', 'data'],
  fields_get: ['allfields', 'attributes'],
  check_object_reference: ['module', 'xml_id'],
  name_search: ['name', 'domain', 'operator', 'limit'],
  context_get: [],
};

export function namedArgs(method: string, args: unknown[], kwargs: Record<string, unknown>): Record<string, unknown> {
  const names = PARAMS[method] ?? ['ids'];
  if (args.length > names.length) throw new Error(`JSON-2: ${method} takes at most ${names.length} positional argument(s); pass the rest by name`);
  const body: Record<string, unknown> = {};
  args.forEach((a, i) => { body[names[i]] = a; });
  return { ...body, ...kwargs };
}

/**
 * Odoo 19's JSON-2 API: POST /json/2/<model>/<method>, `Authorization: bearer <key>`, named
 * arguments, the database in X-Odoo-Database. Errors use real HTTP statuses with
 * {name, message} bodies. On 18 the route redirects to /web/login: a 303 says "not JSON-2".
 */
export class Json2Transport implements OdooTransport {
  readonly api = 'json2' as const;

  constructor(private readonly conn: OdooConnection) {}

  private base(): string {
    return this.conn.url.replace(/\/+$/, '');
  }

  async execute(model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): Promise<unknown> {
    const res = await post(`${this.base()}/json/2/${model}/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `bearer ${this.conn.apiKey}`, 'X-Odoo-Database': this.conn.db },
      body: JSON.stringify(namedArgs(method, args, kwargs)),
    }, this.conn.timeoutMs);
    if (res.status === 200) {
      const text = await res.text();
      return text === '' ? null : JSON.parse(text);
    }
    if (res.status >= 300 && res.status < 400) {
      throw new OdooTransportError({ kind: 'http', status: res.status, message: `HTTP ${res.status}: this Odoo has no JSON-2 API (Odoo 19 or later); set odoo.api to jsonrpc` });
    }
    // The key out of whatever the answer says: it travels in our Authorization header, which an echoing server repeats.
    const text = withoutKey(await res.text().catch(() => ''), this.conn.apiKey);
    let body: { name?: string; message?: string } | undefined;
    try { body = JSON.parse(text); } catch { body = undefined; }
    if (body && typeof body === 'object' && (body.name || body.message)) {
      throw new OdooTransportError({ kind: 'odoo', name: body.name ?? `http.${res.status}`, message: body.message ?? `HTTP ${res.status}`, status: res.status });
    }
    throw new OdooTransportError({ kind: 'http', status: res.status, message: `HTTP ${res.status} ${shortText(text)}`.trim() });
  }

  async version(): Promise<OdooVersion> {
    const res = await post(`${this.base()}/web/version`, { method: 'GET' }, this.conn.timeoutMs);
    if (res.status !== 200) throw new OdooTransportError({ kind: 'http', status: res.status, message: `HTTP ${res.status} ${await snippet(res, this.conn.apiKey)}`.trim() });
    const v = await res.json() as { version?: string; version_info?: unknown[] };
    return { serverVersion: String(v?.version ?? ''), major: majorOf(v?.version_info, v?.version) };
  }
}
