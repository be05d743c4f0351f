import fs from 'node:fs';
import { startSandboxOdoo, type SandboxOdoo } from '../../src/odoo/sandbox';

/**
 * Where the contract tests point: a real Odoo when ODOO_URL, ODOO_DB, ODOO_USER and ODOO_API_KEY
 * (or ODOO_API_KEY_FILE) are set, else the sandbox started in-process on a free port.
 * A tiny raw JSON-RPC helper on purpose: the tests check Odoo's wire behaviour, not our client.
 */
export interface Target {
  real: boolean;
  url: string;
  db: string;
  user: string;
  key: string;
  uid: number;
  sandbox?: SandboxOdoo;
  /** A non-admin user (the sandbox's edi-bot, or ODOO_BOT_USER / ODOO_BOT_API_KEY on a real Odoo). */
  bot?: { user: string; key: string; uid: number };
  close(): Promise<void>;
}

export interface RpcError { code: number; message: string; data: { name: string; message: string; arguments: unknown[]; context: object; debug: string } }
export interface RpcReply { jsonrpc: '2.0'; id: unknown; result?: any; error?: RpcError }

let nextId = 1;

export async function rpc(url: string, service: string, method: string, args: unknown[]): Promise<RpcReply> {
  const res = await fetch(`${url}/jsonrpc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: nextId++, params: { service, method, args } }),
  });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as RpcReply;
}

export async function openTarget(): Promise<Target> {
  const env = process.env;
  if (env.ODOO_URL) {
    const key = env.ODOO_API_KEY ?? (env.ODOO_API_KEY_FILE ? fs.readFileSync(env.ODOO_API_KEY_FILE, 'utf8').trim() : '');
    const t = { real: true, url: env.ODOO_URL.replace(/\/$/, ''), db: env.ODOO_DB ?? '', user: env.ODOO_USER ?? '', key };
    const uid = (await rpc(t.url, 'common', 'login', [t.db, t.user, t.key])).result;
    if (typeof uid !== 'number') throw new Error(`ODOO_USER ${t.user} cannot log in to ${t.url} (${t.db}) with the API key given`);
    let bot: Target['bot'];
    if (env.ODOO_BOT_USER && env.ODOO_BOT_API_KEY) {
      const botUid = (await rpc(t.url, 'common', 'login', [t.db, env.ODOO_BOT_USER, env.ODOO_BOT_API_KEY])).result;
      if (typeof botUid === 'number') bot = { user: env.ODOO_BOT_USER, key: env.ODOO_BOT_API_KEY, uid: botUid };
    }
    return { ...t, uid, bot, close: async () => {} };
  }
  const sandbox = await startSandboxOdoo({ port: 0 });
  const uid = (await rpc(sandbox.url, 'common', 'login', [sandbox.db, sandbox.user, sandbox.apiKey])).result as number;
  return {
    real: false, url: sandbox.url, db: sandbox.db, user: sandbox.user, key: sandbox.apiKey, uid, sandbox,
    bot: { user: 'edi-bot', key: 'edi-bot', uid: 6 },
    close: () => sandbox.close(),
  };
}

/** execute_kw as the target's user (or another uid/key). */
export function caller(t: Target, as?: { uid: number; key: string }) {
  const uid = as?.uid ?? t.uid;
  const key = as?.key ?? t.key;
  const raw = (model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) =>
    rpc(t.url, 'object', 'execute_kw', [t.db, uid, key, model, method, args, kwargs]);
  /** The result, or a thrown Error carrying the Odoo error (for calls that must succeed). */
  const call = async (model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<any> => {
    const r = await raw(model, method, args, kwargs);
    if (r.error) throw new Error(`${model}.${method}: ${r.error.data.name}: ${r.error.data.message}`);
    return r.result;
  };
  /** The Odoo error of a call that must fail. */
  const fail = async (model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<RpcError> => {
    const r = await raw(model, method, args, kwargs);
    if (!r.error) throw new Error(`${model}.${method} was expected to fail, got ${JSON.stringify(r.result)}`);
    return r.error;
  };
  return { raw, call, fail };
}

/** A suffix that makes this run's records unique on a shared database. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
}

/**
 * The records a test run needs, created through the API so the same code works on a real Odoo:
 * a customer, a storable product invoiced on delivered quantities, and stock for it.
 */
export async function fixtures(t: Target, sfx: string) {
  const { call, raw } = caller(t);
  const module = 'edi_ct';
  const partnerXmlid = `${module}.partner_${sfx}`;
  const productXmlid = `${module}.product_${sfx}`;
  const partnerLoad = await call('res.partner', 'load', [['id', 'name', 'ref', 'is_company'], [[partnerXmlid, `CT Customer ${sfx}`, `CT-${sfx}`, '1']]]);
  const [partnerId] = partnerLoad.ids as number[];
  // 18 marks storable goods with is_storable; 16/17 with detailed_type 'product' (feature-detected).
  const productFields = await call('product.product', 'fields_get', [['is_storable', 'detailed_type']], { attributes: ['type'] });
  const storable: [string, string][] = 'is_storable' in productFields ? [['type', 'consu'], ['is_storable', '1']] : [['detailed_type', 'product']];
  const productLoad = await call('product.product', 'load', [
    ['id', 'name', 'default_code', 'list_price', 'invoice_policy', ...storable.map(([f]) => f)],
    [[productXmlid, `CT Product ${sfx}`, `CT-${sfx}`, '10', 'delivery', ...storable.map(([, v]) => v)]],
  ]);
  if (!productLoad.ids) throw new Error(`product load failed: ${JSON.stringify(productLoad.messages)}`);
  const [productId] = productLoad.ids as number[];
  const [wh] = await call('stock.warehouse', 'search_read', [[]], { fields: ['lot_stock_id'], limit: 1, order: 'id asc' });
  const [quant] = await call('stock.quant', 'create', [[{ product_id: productId, location_id: wh.lot_stock_id[0], inventory_quantity: 1000 }]], { context: { inventory_mode: true } });
  const applied = await raw('stock.quant', 'action_apply_inventory', [[quant]]);
  return { module, partnerId, partnerXmlid, productId, productXmlid, applied };
}

export type Fixtures = Awaited<ReturnType<typeof fixtures>>;
