'use strict';
// An N-order 850 file through the whole inbound pipeline (store, validate and acknowledge,
// translate, write into the sandbox Odoo), as the daemon runs it: orders per second end to end
// and per stage, and the peak RSS of the gateway's process. The sandbox Odoo runs in a process of
// its own, as a real Odoo would (`npm start` holds it in the daemon's: its 88,000 orders would be
// counted as the gateway's); its own peak is reported beside. BENCH_ORDERS=N overrides the size.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { report, peakRss, sandboxProcess, vmHwm } = require('./lib');
const { writeOrdersFile } = require('./orders-gen');
const { GatewayConfigSchema } = require('../dist/config/gateway.config');
const { openRuntime } = require('../dist/daemon/runtime');
const { createLogger } = require('../dist/log/logger');
const { createScratchDatabase } = require('../dist/store/scratch-database');

async function runOnce(n, databaseUrl, backend) {
  // As `run` sets V8 up for the daemon (src/daemon/memory-tuning.ts), so the figures are the daemon's.
  require('../dist/daemon/memory-tuning').tuneForLongRunning();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-bench-orders-'));
  const file = path.join(home, `850-${n}.edi`);
  const bytes = await writeOrdersFile(file, n);
  const sb = await sandboxProcess();
  const config = GatewayConfigSchema.parse({
    home, profilesDir: path.join(__dirname, '..', 'partner-profiles'),
    databaseUrl: databaseUrl ? await createScratchDatabase(databaseUrl, 'edi_bench') : undefined,
    sandboxOdoo: { port: sb.port }, odoo: { enabled: true, pollSeconds: 0, timeoutSeconds: 300 },
    queue: { pollIntervalMs: 200 },
  });
  const rt = await openRuntime(config, createLogger({ level: process.env.BENCH_LOG ?? 'silent', destination: 2 }), { role: 'daemon', needsPartners: true });
  try {
    rt.workInbound();
    const idle = Math.round(process.memoryUsage().rss / 1e5) / 10;
    const peak = peakRss();
    const t0 = Date.now();
    const { messageId } = await rt.receive({ content: fs.readFileSync(file), transport: 'bench', filename: path.basename(file), partnerId: 'acme-retail' });
    let state;
    for (;;) {
      state = await rt.store.knex('message_state').where({ message_id: messageId }).first();
      if (state && ['done', 'exception', 'duplicate'].includes(state.status)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const secs = (Date.now() - t0) / 1000;
    const rss = peak();
    if (state.status !== 'done') throw new Error(`the ${n}-order file ended ${state.status}: ${state.error_message}`);
    const written = Number((await rt.store.knex('documents').where({ message_id: messageId }).whereNotNull('odoo_id').count('* as c').first()).c);
    if (written !== n) throw new Error(`${written} of ${n} orders linked to Odoo`);
    // Each stage's time from the trail: from the event before it to its own 'ok'.
    const events = await rt.store.knex('message_events').where({ message_id: messageId }).orderBy('id');
    const stageSecs = {};
    let last = new Date(events[0].at ?? events[0].created_at).getTime();
    for (const e of events) {
      const at = new Date(e.at ?? e.created_at).getTime();
      if (e.outcome === 'ok' && ['validate', 'translate', 'odoo'].includes(e.stage)) { stageSecs[e.stage] = (at - last) / 1000; last = at; }
      else if (e.outcome === 'ok') last = at;
    }
    const input = `${n} x 850 (${(bytes / 1e6).toFixed(1)} MB), ${backend}`;
    report({ bench: 'orders-pipeline', metric: 'orders', value: +(n / secs).toFixed(1), unit: 'orders/s', input });
    report({ bench: 'orders-pipeline', metric: 'total', value: +secs.toFixed(1), unit: 's', input });
    for (const [stage, s] of Object.entries(stageSecs)) report({ bench: 'orders-pipeline', metric: `${stage}`, value: +s.toFixed(1), unit: 's', input });
    report({ bench: 'orders-pipeline', metric: 'peak_rss', value: rss, unit: 'MB', input });
    // What the file adds to the process (the store, PGlite's WebAssembly heap, weighs the same for one order).
    report({ bench: 'orders-pipeline', metric: 'rss_growth', value: +(rss - idle).toFixed(1), unit: 'MB', input });
    report({ bench: 'orders-pipeline', metric: 'sandbox_odoo_peak_rss', value: vmHwm(sb.pid), unit: 'MB', input });
  } finally {
    await rt.close();
    await sb.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

module.exports = async function ordersBench({ size, databaseUrl, backend }) {
  const n = Number(process.env.BENCH_ORDERS) || (size === 'full' ? 88_000 : 500);
  await runOnce(n, databaseUrl, backend);
};
