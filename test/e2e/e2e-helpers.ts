import fs from 'node:fs';
import path from 'node:path';
import { caller, openTarget, type Target } from '../contract/odoo-target';
import { startDaemon, workspace } from '../cli-helpers';
import { eventually } from '../helpers';
import { sample } from '../odoo-helpers';

/**
 * The gateway end to end as a user runs it (the `run` daemon, folder transports) against an Odoo:
 * a real one when ODOO_URL & co. are set (../shared/real-odoo/README.md: `eval "$(./env.sh)"`,
 * the gateway then logs in as ODOO_BOT_USER, the least-privilege user, and "by hand" steps run
 * as ODOO_USER), else the sandbox, started here and reached by URL like a real server.
 */
export interface Loop {
  target: Target;
  /** execute_kw as the admin user, for what an Odoo user does by hand. */
  odoo: ReturnType<typeof caller>['call'];
  ws: ReturnType<typeof workspace>;
  /** The daemon's environment: Odoo by URL, quick polls. */
  env: NodeJS.ProcessEnv;
  /** Unique per run: a real Odoo keeps every earlier run's records. */
  run: string;
  close(): Promise<void>;
}

export async function openLoop(): Promise<Loop> {
  const target = await openTarget();
  const ws = workspace();
  const gatewayUser = target.real && target.bot ? target.bot : { user: target.user, key: target.key };
  const env: NodeJS.ProcessEnv = {
    ODOO_URL: target.url, ODOO_DB: target.db, ODOO_USER: gatewayUser.user, ODOO_API_KEY: gatewayUser.key,
    EDI_GATEWAY_ODOO_ENABLED: 'true', EDI_GATEWAY_ODOO_POLL_SECONDS: '1', EDI_GATEWAY_ODOO_TIMEOUT_SECONDS: '120',
    EDI_GATEWAY_LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
  };
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`.toUpperCase();
  const loop = { target, odoo: caller(target).call, ws, env, run, close: () => target.close() };
  if (target.real) await odooSetupForProfiles(loop);
  return loop;
}

/**
 * What the example profiles need beyond ../shared/real-odoo/seed.py (`partners check-odoo` names
 * it): nordmart's EUR pricelist (odoo.pricelists) with EUR active, and acme's unit 'Case of 12'
 * (mapping.uom.CA.odooUom). Made once, found after.
 */
async function odooSetupForProfiles(loop: Pick<Loop, 'odoo'>): Promise<void> {
  if (!(await loop.odoo('uom.uom', 'search', [[['name', '=', 'Case of 12']]])).length) {
    const [units] = await loop.odoo('uom.category', 'search', [[['name', '=', 'Unit']]], { limit: 1 });
    await loop.odoo('uom.uom', 'create', [[{ name: 'Case of 12', category_id: units, uom_type: 'bigger', factor_inv: 12 }]]);
  }
  const [eur] = await loop.odoo('res.currency', 'search_read', [[['name', '=', 'EUR'], ['active', 'in', [true, false]]]], { fields: ['active'] });
  if (!eur.active) await loop.odoo('res.currency', 'write', [[eur.id], { active: true }]);
  const found = await loop.odoo('product.pricelist', 'search_read', [[['name', '=', 'Nordmart EUR']]], { fields: ['id'] });
  if (!found.length) await loop.odoo('product.pricelist', 'create', [[{ name: 'Nordmart EUR', currency_id: eur.id }]]);
}

export function daemon(loop: Loop, extra: NodeJS.ProcessEnv = {}) {
  return startDaemon(loop.ws, { ...loop.env, ...extra });
}

export const partnerDir = (loop: Loop, partner: string, dir: 'in' | 'out' | 'archive' | 'error') => path.join(loop.ws.home, 'partners', partner, dir);

/** Drops a file the way a transport would: written aside, then renamed into in/. */
export function drop(loop: Loop, partner: string, name: string, content: Buffer): void {
  const dir = partnerDir(loop, partner, 'in');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `.${name}.tmp`), content);
  fs.renameSync(path.join(dir, `.${name}.tmp`), path.join(dir, name));
}

/** Every file the gateway wrote to a partner's out/, as text. */
export function outFiles(loop: Loop, partner: string): { name: string; text: string }[] {
  const dir = partnerDir(loop, partner, 'out');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((n) => !n.startsWith('.')).sort()
    .map((name) => ({ name, text: fs.readFileSync(path.join(dir, name)).toString('latin1') }));
}

/** The out/ files that contain `needle`, once there are at least `count` of them. */
export function waitForOut(loop: Loop, partner: string, needle: RegExp, count = 1, timeoutMs = 60_000) {
  return eventually(() => {
    const hits = outFiles(loop, partner).filter((f) => needle.test(f.text));
    return hits.length >= count ? hits : undefined;
  }, timeoutMs, `${count} file(s) matching ${needle} in ${partner}/out`);
}

/** acme's sample 850 with its own interchange control and PO number. */
export function acme850(control: number, po: string): Buffer {
  const ctrl = String(control).padStart(9, '0');
  return Buffer.from(sample('acme-retail', '850-store-order.edi').toString('latin1')
    .replace('*000001001*', `*${ctrl}*`).replace('IEA*1*000001001', `IEA*1*${ctrl}`).replace('BEG*00*SA*4500012345', `BEG*00*SA*${po}`), 'latin1');
}

/** Nordmart's sample ORDERS with its own interchange reference and order number. */
export function nordmartOrders(ref: string, po: string): Buffer {
  return Buffer.from(sample('nordmart', 'ORDERS-dc-order.edi').toString('latin1')
    .replace(/NM00000123/g, ref).replace('BGM+220+NM-PO-55012', `BGM+220+${po}`), 'latin1');
}

/**
 * swift-3pl's sample 945 for our picking, shipping 24 of ODW-1001 and 60 of 72 of ODW-1002. With
 * `tracking`, the heading's N9*CN goes and each package's number is in its LX loop instead, as
 * 3PLs send a parcel shipment (N9*CN after LX 1's MAN, N9*2I in LX 2).
 */
export function swift945(control: number, picking: string, po: string, tracking?: [string, string]): Buffer {
  const ctrl = String(control).padStart(9, '0');
  let text = sample('swift-3pl', '945-shipped.edi').toString('latin1')
    .replace('*000000733*', `*${ctrl}*`).replace('IEA*1*000000733', `IEA*1*${ctrl}`)
    .replace('W06*F*WH/OUT/00042*20261122*SWS-98811**4500012345', `W06*F*${picking}*20261122*SWS-98811**${po}`);
  if (tracking) {
    text = text.replace('N9*CN*1Z999AA10123456784~', '').replace('MAN*GM*006141411234567890~', `MAN*GM*006141411234567890~N9*CN*${tracking[0]}~`)
      .replace('LX*2~', `LX*2~N9*2I*${tracking[1]}~`).replace('SE*16*0001', 'SE*17*0001');
  }
  return Buffer.from(text, 'latin1');
}

export interface SaleOrder { id: number; name: string; state: string; picking_ids: number[]; invoice_ids: number[]; amount_total: number; currency_id: [number, string] }

export async function ordersByRef(loop: Loop, po: string): Promise<SaleOrder[]> {
  return loop.odoo('sale.order', 'search_read', [[['client_order_ref', '=', po]]],
    { fields: ['name', 'state', 'picking_ids', 'invoice_ids', 'amount_total', 'currency_id'] });
}

export async function customerId(loop: Loop, ref: string): Promise<number> {
  const [row] = await loop.odoo('res.partner', 'search_read', [[['ref', '=', ref], ['parent_id', '=', false]]], { fields: ['id'], limit: 1 });
  if (!row) throw new Error(`no customer with ref ${ref} in ${loop.target.url}: seed it (../shared/real-odoo/seed.py partner-profiles)`);
  return row.id;
}

export async function productId(loop: Loop, code: string): Promise<number> {
  const [row] = await loop.odoo('product.product', 'search_read', [[['default_code', '=', code]]], { fields: ['id'], limit: 1 });
  if (!row) throw new Error(`no product ${code} in ${loop.target.url}`);
  return row.id;
}

/** Validates a picking by hand: every move done in full, then button_validate (a backorder wizard, if any, answered "create"). */
export async function validatePicking(loop: Loop, pickingId: number, tracking?: string): Promise<void> {
  const moves = await loop.odoo('stock.move', 'search_read', [[['picking_id', '=', pickingId]]], { fields: ['product_uom_qty'] });
  for (const m of moves) await loop.odoo('stock.move', 'write', [[m.id], { quantity: m.product_uom_qty, picked: true }]);
  if (tracking) await loop.odoo('stock.picking', 'write', [[pickingId], { carrier_tracking_ref: tracking }]);
  const r = await loop.odoo('stock.picking', 'button_validate', [[pickingId]]);
  if (r && typeof r === 'object' && r.res_model === 'stock.backorder.confirmation') {
    const wiz = await loop.odoo('stock.backorder.confirmation', 'create', [[{}]], { context: r.context });
    await loop.odoo('stock.backorder.confirmation', 'process', [[wiz].flat()], { context: r.context });
  }
  const [p] = await loop.odoo('stock.picking', 'read', [[pickingId], ['state']]);
  if (p.state !== 'done') throw new Error(`picking ${pickingId} is ${p.state} after validation`);
}

/** Invoices a sale order's delivered quantities and posts the invoice, as a user does. */
export async function invoiceAndPost(loop: Loop, soId: number): Promise<{ id: number; name: string; amount_total: number; amount_tax: number; amount_untaxed: number }> {
  const context = { active_model: 'sale.order', active_ids: [soId] };
  const wiz = [await loop.odoo('sale.advance.payment.inv', 'create', [[{ advance_payment_method: 'delivered', sale_order_ids: [[6, 0, [soId]]] }]], { context })].flat()[0];
  await loop.odoo('sale.advance.payment.inv', 'create_invoices', [[wiz]], { context });
  const [so] = await loop.odoo('sale.order', 'read', [[soId], ['invoice_ids']]);
  const id = so.invoice_ids.at(-1);
  await loop.odoo('account.move', 'action_post', [[id]]);
  const [inv] = await loop.odoo('account.move', 'read', [[id], ['name', 'amount_total', 'amount_tax', 'amount_untaxed']]);
  return inv;
}

/** The pickings of a sale order not yet done. */
export async function openPickings(loop: Loop, so: SaleOrder): Promise<{ id: number; name: string; state: string }[]> {
  const rows = await loop.odoo('stock.picking', 'read', [so.picking_ids, ['name', 'state']]);
  return rows.filter((p: { state: string }) => p.state !== 'done' && p.state !== 'cancel');
}
