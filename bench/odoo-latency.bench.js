'use strict';
// Sale orders written and confirmed per second through the gateway's Odoo writers and its real
// JSON-RPC client, with the network between them made slow on purpose: the sandbox Odoo (in a
// process of its own, as a real Odoo is) behind a relay that holds each chunk 2 ms or 10 ms each
// way (a LAN Odoo; a cloud Odoo in another region), and directly (0 ms) for reference. Side by
// side on the same orders and the same latency:
//   one by one: writeOrder per order, as the daemon writes a file of one order (a lookup cache
//               and a product cache per order: each file starts afresh);
//   batched:    writeOrders, ORDER_BATCH (200) orders per load() and action_confirm, one lookup
//               cache for all, as the daemon writes a file of many orders.
// Each order is acme-retail's sample 850 (two lines, a store delivery address) under its own PO.
// The sandbox answers in well under a millisecond where a real Odoo takes tens (its ORM and
// PostgreSQL): what this measures is the round trips a write costs, which latency multiplies.
const fs = require('fs');
const path = require('path');
const { report, sandboxProcess } = require('./lib');
const { startLatencyRelay } = require('./latency-relay');
const { OrderSchema } = require('../dist/canonical');
const { createLogger } = require('../dist/log/logger');
const { JsonRpcTransport } = require('../dist/odoo/client/jsonrpc.transport');
const { ResilientOdooClient } = require('../dist/odoo/client/odoo-client');
const { CircuitBreaker } = require('../dist/odoo/client/resilience');
const { writeOrder } = require('../dist/odoo/writers');
const { newProductCache } = require('../dist/odoo/writers/lookups');
const { ORDER_BATCH, writeOrders } = require('../dist/odoo/writers/order-batch');
const { withLookupCache } = require('../dist/odoo/writers/read-cache');
const { loadPartnerSet } = require('../dist/partners/require-profiles');

const PROFILES = path.join(__dirname, '..', 'partner-profiles');
const log = createLogger({ level: 'silent', destination: 2 });

/** The client as createOdooClient builds it for the sandbox (JSON-RPC, defaults), counting the HTTP calls it makes. */
function odooClient(port) {
  const transport = new JsonRpcTransport({ url: `http://127.0.0.1:${port}`, db: 'sandbox', user: 'admin', apiKey: 'admin', timeoutMs: 120_000 });
  const counter = { calls: 0 };
  for (const m of ['execute', 'version']) {
    const inner = transport[m].bind(transport);
    transport[m] = (...args) => { counter.calls++; return inner(...args); };
  }
  const client = new ResilientOdooClient(transport, { maxConcurrent: 4, attempts: 3, circuit: new CircuitBreaker({ failures: 5, cooldownMs: 30_000 }) });
  return { client, counter };
}

function ordersOf(template, prefix, n) {
  return Array.from({ length: n }, (_, i) => OrderSchema.parse({ ...template, poNumber: `${prefix}-${String(i + 1).padStart(5, '0')}` }));
}

const confirmed = (note) => { if (!/, confirmed$/.test(note)) throw new Error(`order not confirmed: ${note}`); };

async function oneByOne(client, profile, orders) {
  for (const order of orders) {
    const r = await writeOrder(order, { client: withLookupCache(client), profile, log, products: newProductCache() });
    confirmed(r.note);
  }
}

async function batched(client, profile, orders) {
  const ctx = { client: withLookupCache(client), profile, log, products: newProductCache() };
  for (let i = 0; i < orders.length; i += ORDER_BATCH) {
    const chunk = orders.slice(i, i + ORDER_BATCH).map((order, k) => ({ key: i + k, order }));
    for (const [key, out] of await writeOrders(chunk, ctx)) {
      if (!out.ok) throw new Error(`order ${key} not written: ${out.error?.message ?? out.error}`);
      confirmed(out.result.note);
    }
  }
}

module.exports = async function odooLatencyBench({ size }) {
  const n = Number(process.env.BENCH_ODOO_ORDERS) || (size === 'full' ? 400 : 30);
  const latencies = process.env.BENCH_ODOO_LATENCY ? process.env.BENCH_ODOO_LATENCY.split(',').map(Number) : [0, 2, 10];
  const profile = loadPartnerSet(PROFILES).registry.get('acme-retail');
  if (!profile?.odoo.autoConfirm) throw new Error('acme-retail profile missing or without autoConfirm');
  const template = JSON.parse(fs.readFileSync(path.join(PROFILES, 'acme-retail/samples/inbound/850-store-order.expected.json'), 'utf8'))[0];
  const sb = await sandboxProcess();
  try {
    // Warm-up, untimed: both processes' JIT, the sandbox's first orders, the client's login.
    const warm = odooClient(sb.port);
    await oneByOne(warm.client, profile, ordersOf(template, 'WARM-1', 20));
    await batched(warm.client, profile, ordersOf(template, 'WARM-B', ORDER_BATCH));
    for (const ms of latencies) {
      const relay = ms ? await startLatencyRelay(sb.port, ms) : undefined;
      try {
        const rates = {};
        // A batched run is short (a few round trips for hundreds of orders), so one run is at the
        // mercy of a GC or the other jobs on the machine: it runs three times, on orders of its
        // own each time, and the median counts. One by one runs once: it lasts long enough.
        for (const [mode, write, repeats] of [['one by one', oneByOne, 1], ['batched', batched, 3]]) {
          const runs = [];
          for (let r = 1; r <= repeats; r++) {
            const { client, counter } = odooClient(relay?.port ?? sb.port);
            await client.version(); // the connection and the first round trip, out of the measure
            counter.calls = 0;
            const orders = ordersOf(template, `LAT${ms}-${mode === 'batched' ? `B${r}` : '1'}`, n);
            const t0 = process.hrtime.bigint();
            await write(client, profile, orders);
            const secs = Number(process.hrtime.bigint() - t0) / 1e9;
            runs.push({ perSec: Math.round(n / secs * 10) / 10, calls: counter.calls / n });
          }
          runs.sort((a, b) => a.perSec - b.perSec);
          rates[mode] = runs[Math.floor(runs.length / 2)];
        }
        const input = `${n} acme-retail orders of 2 lines, written and confirmed; sandbox Odoo ${ms ? `behind ${ms} ms each way (${2 * ms} ms round trip)` : 'direct (loopback)'}`;
        report({ bench: 'odoo-latency', metric: `batched (median of 3), ${ms} ms one-way`, value: rates.batched.perSec, unit: 'orders/s', input,
          peer: { name: 'one by one (writeOrder)', value: rates['one by one'].perSec } });
        report({ bench: 'odoo-latency', metric: `calls per order, ${ms} ms one-way`, value: +rates.batched.calls.toPrecision(3), unit: 'calls', input,
          peer: { name: 'one by one (writeOrder)', value: +rates['one by one'].calls.toPrecision(3) } });
      } finally {
        await relay?.close();
      }
    }
  } finally {
    await sb.close();
  }
};

if (require.main === module) {
  module.exports({ size: process.env.BENCH_SIZE === 'full' ? 'full' : 'small' }).then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
}
