'use strict';
// Shared helpers for the benchmarks: JSON lines out, peak RSS sampling, a runtime on a fresh home.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { GatewayConfigSchema } = require('../dist/config/gateway.config');
const { openRuntime } = require('../dist/daemon/runtime');
const { createLogger } = require('../dist/log/logger');
const { createScratchDatabase } = require('../dist/store/scratch-database');

const results = [];

function report(figure) {
  results.push(figure);
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

/** Samples this process's RSS every 50 ms; returns a function giving the peak in MB. */
function peakRss() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  timer.unref();
  return () => { clearInterval(timer); return Math.round(Math.max(peak, process.memoryUsage().rss) / 1e5) / 10; };
}

async function benchRuntime(adminUrl, queue = {}, overrides = {}) {
  const databaseUrl = adminUrl ? await createScratchDatabase(adminUrl, 'edi_bench') : undefined;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-bench-'));
  const config = GatewayConfigSchema.parse({
    home, profilesDir: path.join(__dirname, '..', 'partner-profiles'), databaseUrl,
    queue: { pollIntervalMs: 200, batchSize: 100, concurrency: 4, ...queue },
    ...overrides,
  });
  const rt = await openRuntime(config, createLogger({ level: 'silent', destination: 2 }), { role: 'daemon', needsPartners: true });
  return { rt, home };
}

/** acme-retail's UPCs (items.csv): lines the translation maps to products, as a real order's would. */
const ACME_UPCS = fs.readFileSync(path.join(__dirname, '..', 'partner-profiles', 'acme-retail', 'items.csv'), 'utf8')
  .split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('product_code')).map((l) => l.split(',')[1]).filter(Boolean);

/** A 850 interchange of about `bytes` bytes, unique by n, its lines acme-retail's items. */
function x12Order(n, bytes = 1800) {
  const ctl = String(n % 1e9).padStart(9, '0');
  const head = `ISA*00*          *00*          *ZZ*ACMERETAIL     *ZZ*ODOODIST       *261127*1200*U*00401*${ctl}*0*P*>~` +
    `GS*PO*ACMERETAIL*ODOODIST*20261127*1200*${n}*X*004010~ST*850*0001~BEG*00*SA*PO${n}**20261127~`;
  let lines = '';
  let i = 0;
  while (head.length + lines.length < bytes - 60) { i++; lines += `PO1*${i}*12*EA*9.99**UP*${ACME_UPCS[(n + i) % ACME_UPCS.length]}~`; }
  return Buffer.from(`${head}${lines}CTT*${i}~SE*${i + 4}*0001~GE*1*${n}~IEA*1*${ctl}~\n`);
}

/** The sandbox Odoo in a child process; resolves with its port, its pid, and a close(). */
function sandboxProcess() {
  const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(path.join(__dirname, '..', 'dist', 'odoo', 'sandbox'))})
    .startSandboxOdoo({ port: 0 }).then((sb) => console.log('port ' + sb.port))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve({ port: Number(/port (\d+)/.exec(String(d))[1]), pid: child.pid,
      close: () => new Promise((r) => { child.once('exit', r); child.kill(); }) }));
    child.once('exit', (code) => reject(new Error(`the sandbox Odoo exited (${code})`)));
  });
}

/** A process's peak RSS (VmHWM) in MB. */
const vmHwm = (pid) => Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 102.4) / 10;

module.exports = { report, results, peakRss, benchRuntime, x12Order, sandboxProcess, vmHwm };
