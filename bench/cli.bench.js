'use strict';
// The analyst's read-only commands as a user runs them: `node bin/edi-gateway.js validate|ack|translate FILE`,
// each a process of its own, timed from spawn to exit (Node's start-up included), with its CPU time
// and peak RSS (getrusage, read at exit by cli-rss.js). On a shared machine the wall time moves with
// the load; the CPU time much less. On a small file with a fresh $EDI_GATEWAY_HOME (no store),
// with an existing store nobody holds (its history snapshot), and with the daemon holding the store
// (its socket); then `validate` on a big generated X12 file (BENCH_SIZE=full: about 1 GB).
// BENCH_CLI_ROOT=DIR measures the CLI of another checkout (built) instead, e.g. for a before/after.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { report } = require('./lib');
const { writeX12File } = require('./x12-gen');

const ROOT = path.resolve(process.env.BENCH_CLI_ROOT || path.join(__dirname, '..'));
const BIN = path.join(ROOT, 'bin', 'edi-gateway.js');
const SAMPLE = path.join(ROOT, 'partner-profiles', 'acme-retail', 'samples', 'inbound', '850-store-order.edi');

function env(home, databaseUrl) {
  return {
    PATH: process.env.PATH, HOME: process.env.HOME, EDI_GATEWAY_HOME: home,
    EDI_GATEWAY_ODOO_ENABLED: 'false', EDI_GATEWAY_HTTP_PORT: '0', SANDBOX_ODOO_PORT: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
}

/** One run of the CLI: wall seconds, CPU seconds and peak RSS in MB. */
function run(args, home, databaseUrl) {
  const rssFile = path.join(os.tmpdir(), `edi-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', path.join(__dirname, 'cli-rss.js'), BIN, ...args],
    { cwd: ROOT, env: { ...env(home, databaseUrl), BENCH_RSS_FILE: rssFile }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const secs = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`edi-gateway ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const { maxRssKb, cpuUs } = JSON.parse(fs.readFileSync(rssFile, 'utf8'));
  fs.rmSync(rssFile, { force: true });
  return { secs, cpu: cpuUs / 1e6, mb: Math.round(maxRssKb / 102.4) / 10 };
}

/** The median run of `times` (each on a home `home()` gives): start-up times scatter on a shared machine. */
function median(times, args, home, databaseUrl) {
  const runs = Array.from({ length: times }, () => run(args, home(), databaseUrl));
  const by = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(times / 2)];
  return { secs: +by('secs').toFixed(2), cpu: +by('cpu').toFixed(2), mb: by('mb') };
}

function figures(cmd, input, m) {
  report({ bench: 'cli', metric: `${cmd} wall_time`, value: m.secs, unit: 's', input });
  report({ bench: 'cli', metric: `${cmd} cpu_time`, value: m.cpu, unit: 's', input });
  report({ bench: 'cli', metric: `${cmd} peak_rss`, value: m.mb, unit: 'MB', input });
}

async function waitFor(check, ms, what) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

module.exports = async function cliBench({ size, databaseUrl }) {
  const times = 5;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-bench-cli-'));
  const kb = (fs.statSync(SAMPLE).size / 1024).toFixed(1);
  try {
    let n = 0;
    // A fresh home: a folder that does not exist yet (the commands must not create it).
    for (const cmd of ['validate', 'ack', 'translate']) {
      figures(cmd, `${kb} KB 850, fresh home`, median(times, [cmd, SAMPLE], () => path.join(dir, `fresh-${n++}`)));
    }

    // An existing store with history (an ingested file), held by nobody: its owner left a snapshot.
    const home = path.join(dir, 'store-home');
    const ingest = spawnSync(process.execPath, [BIN, 'ingest', SAMPLE], { cwd: ROOT, env: env(home), encoding: 'utf8' });
    if (ingest.status !== 0) throw new Error(`ingest failed: ${ingest.stderr}`);
    for (const cmd of ['validate', 'ack', 'translate']) {
      figures(cmd, `${kb} KB 850, existing store`, median(times, [cmd, SAMPLE], () => home));
    }

    // The same store held by the daemon: read through its socket.
    const daemon = spawn(process.execPath, [BIN, 'run'], { cwd: ROOT, env: env(home), stdio: 'ignore' });
    try {
      await waitFor(() => {
        try { return JSON.parse(fs.readFileSync(path.join(home, 'store', 'owner.json'), 'utf8')).pid === daemon.pid; } catch { return false; }
      }, 60_000, 'the daemon');
      await new Promise((r) => setTimeout(r, 2000)); // let its start-up settle
      for (const cmd of ['validate', 'ack', 'translate']) {
        figures(cmd, `${kb} KB 850, existing store held by the daemon`, median(times, [cmd, SAMPLE], () => home));
      }
    } finally {
      daemon.kill('SIGTERM');
      await new Promise((r) => (daemon.exitCode !== null ? r() : daemon.once('exit', r)));
    }

    // PostgreSQL (BENCH_DATABASE_URL): a database of its own holding the ingested file.
    if (databaseUrl) {
      const { createScratchDatabase } = require('../dist/store/scratch-database');
      const url = await createScratchDatabase(databaseUrl, 'edi_bench');
      const pgHome = path.join(dir, 'pg-home');
      const r = spawnSync(process.execPath, [BIN, 'ingest', SAMPLE], { cwd: ROOT, env: env(pgHome, url), encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ingest on PostgreSQL failed: ${r.stderr}`);
      for (const cmd of ['validate', 'ack', 'translate']) {
        figures(cmd, `${kb} KB 850, PostgreSQL (DATABASE_URL)`, median(times, [cmd, SAMPLE], () => pgHome, url));
      }
    }

    // A big file, validated streaming (one run: it is long).
    const sets = size === 'full' ? 3_500_000 : 10_000;
    const big = path.join(dir, `850-${sets}.edi`);
    const bytes = await writeX12File(big, sets);
    const m = run(['validate', big], path.join(dir, 'big-home'));
    fs.rmSync(big);
    const input = `${sets} x 850 (${(bytes / 1e6).toFixed(1)} MB), fresh home`;
    figures('validate', input, { secs: +m.secs.toFixed(1), cpu: +m.cpu.toFixed(1), mb: m.mb });
    report({ bench: 'cli', metric: 'validate throughput', value: +(bytes / 1e6 / m.secs).toFixed(1), unit: 'MB/s', input });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
