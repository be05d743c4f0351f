'use strict';
// Sandbox Odoo store: N sale orders written through the calls the gateway's order writer makes
// (src/odoo/writers/order.writer.ts: lookups, the second-key search, load() with 3 lines, read,
// action_confirm, read), in process, against a sandbox with its data dir on disk. Orders/s over
// the first and the last window of orders: flat means the cost of an order does not grow with
// the orders before it. Also the data files' sizes at the end, and the time to start again on them.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { report, peakRss } = require('./lib');
const { startSandboxOdoo, sandboxSeed } = require('../dist/odoo/sandbox');

const CUSTOMER = 'ACME-RETAIL';
const SHIP_TO = 'ACME-ST-0042';

function writeOrder(sb, n, codes, customerId) {
  const ex = (model, method, args = [], kwargs = {}) => sb.execute(model, method, args, kwargs);
  const po = `BENCH-PO-${n}`;
  // existingOrder: the orders carrying the PO (none: a new order, so no get_metadata).
  ex('sale.order', 'search_read', [[['client_order_ref', '=', po]]], { fields: ['name', 'state', 'picking_ids'], order: 'id asc', limit: 50 });
  // requireCustomer, findAddress, resolveProducts.
  ex('res.partner', 'search_read', [[['ref', '=', CUSTOMER]]], { fields: ['id', 'parent_id'], limit: 5, order: 'id asc' });
  const [ship] = ex('res.partner', 'search_read', [[['ref', '=', SHIP_TO]]], { fields: ['id'], limit: 1, order: 'id asc' });
  const lineCodes = [0, 1, 2].map((i) => codes[(n + i) % codes.length]);
  const products = ex('product.product', 'search_read', [[['default_code', 'in', lineCodes]]], { fields: ['id', 'default_code', 'barcode'] });
  const byCode = new Map(products.map((p) => [p.default_code, p.id]));
  // The second key: same PO, same customer, entered some other way.
  ex('sale.order', 'search_read', [[['partner_id', '=', customerId], ['client_order_ref', '=', po], ['state', '!=', 'cancel']]], { fields: ['name'], limit: 1 });
  const header = [`__import__.edi_order_bench_${n}`, String(customerId), String(ship.id), po, `EDI bench ${n}/0001`, '2026-12-01 12:00:00'];
  const rows = lineCodes.map((code, i) => [...(i === 0 ? header : header.map(() => '')),
    `__import__.edi_order_line_bench_${n}_${i + 1}`, String(byCode.get(code)), String(1 + (n + i) % 12)]);
  const r = ex('sale.order', 'load', [['id', 'partner_id/.id', 'partner_shipping_id/.id', 'client_order_ref', 'origin', 'commitment_date',
    'order_line/id', 'order_line/product_id/.id', 'order_line/product_uom_qty'], rows]);
  if (!r.ids || !r.ids[0]) throw new Error(`load failed: ${JSON.stringify(r.messages)}`);
  const id = r.ids[0];
  const [so] = ex('sale.order', 'read', [[id], ['state']]);
  if (so.state === 'draft') ex('sale.order', 'action_confirm', [[id]]);
  ex('sale.order', 'read', [[id], ['name']]);
}

const mb = (file) => (fs.existsSync(file) ? Math.round(fs.statSync(file).size / 1e5) / 10 : 0);

async function run(n, window, size) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-bench-sandbox-'));
  try {
    const sb = await startSandboxOdoo({ port: 0, dataDir: dir });
    const codes = sandboxSeed.SEED_PRODUCTS.map((p) => p.defaultCode);
    const [customer] = sb.execute('res.partner', 'search', [[['ref', '=', CUSTOMER]]]);
    const peak = peakRss();
    const stamps = [process.hrtime.bigint()];
    for (let i = 1; i <= n; i++) {
      writeOrder(sb, i, codes, customer);
      if (i % window === 0) stamps.push(process.hrtime.bigint());
    }
    const rate = (k) => Math.round(window / (Number(stamps[k + 1] - stamps[k]) / 1e9) * 10) / 10;
    const input = `${n} orders of 3 lines (writer's 9 calls each), data dir on disk, ${size}`;
    report({ bench: 'sandbox-odoo', metric: `orders/s, first ${window} of ${n}`, value: rate(0), unit: 'orders/s', input });
    report({ bench: 'sandbox-odoo', metric: `orders/s, last ${window} of ${n}`, value: rate(stamps.length - 2), unit: 'orders/s', input });
    report({ bench: 'sandbox-odoo', metric: `peak RSS, ${n} orders`, value: peak(), unit: 'MB', input });
    const files = fs.readdirSync(dir).map((f) => `${f} ${mb(path.join(dir, f))} MB`).join(', ');
    report({ bench: 'sandbox-odoo', metric: `data dir before close, ${n} orders`, value: fs.readdirSync(dir).reduce((s, f) => s + mb(path.join(dir, f)), 0), unit: 'MB', input: files });
    let t = process.hrtime.bigint();
    await sb.close();
    report({ bench: 'sandbox-odoo', metric: `close, ${n} orders`, value: Math.round(Number(process.hrtime.bigint() - t) / 1e6), unit: 'ms', input });
    t = process.hrtime.bigint();
    const again = await startSandboxOdoo({ port: 0, dataDir: dir });
    report({ bench: 'sandbox-odoo', metric: `start on the data, ${n} orders`, value: Math.round(Number(process.hrtime.bigint() - t) / 1e6), unit: 'ms', input });
    const count = again.execute('sale.order', 'search_count', [[['client_order_ref', '=like', 'BENCH-PO-%']]]);
    if (count !== n) throw new Error(`expected ${n} orders after a restart, found ${count}`);
    await again.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = async function sandboxOdooBench({ size }) {
  const sizes = process.env.BENCH_SANDBOX_N ? process.env.BENCH_SANDBOX_N.split(',').map(Number) : size === 'full' ? [1000, 5000] : [400];
  // The first and the last thousand (a fifth of a smaller run, so that first and last differ).
  for (const n of sizes) await run(n, Math.max(1, Math.min(1000, Math.floor(n / 5))), size);
};

if (require.main === module) {
  module.exports({ size: process.env.BENCH_SIZE === 'full' ? 'full' : 'small' }).then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
}
