#!/usr/bin/env node
'use strict';
// npm run bench [-- NAME...]: runs the benchmarks, prints one JSON line per figure, and rewrites
// BENCHMARKS.md. BENCH_SIZE=full for the long runs (default: small, as in CI);
// BENCH_DATABASE_URL to measure on a PostgreSQL server as well as the embedded store.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { results } = require('./lib');
const { writeChart } = require('./chart');

const BENCHES = {
  as2: require('./as2.bench'),
  cli: require('./cli.bench'),
  edifact: require('./edifact.bench'),
  inbox: require('./inbox.bench'),
  'odoo-latency': require('./odoo-latency.bench'),
  orders: require('./orders.bench'),
  pipeline: require('./pipeline.bench'),
  queue: require('./queue.bench'),
  'sandbox-odoo': require('./sandbox-odoo.bench'),
  x12: require('./x12.bench'),
};

/** Benchmarks that use no store of the gateway's: they run once, not once per backend. */
const NO_STORE = new Set(['x12', 'edifact', 'cli', 'sandbox-odoo', 'as2', 'odoo-latency']);

/** Each benchmark on each backend runs in a process of its own, so peak RSS is its own. */
function runChild(name, backend) {
  const r = spawnSync(process.execPath, [__filename, '--child', name, backend], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`benchmark ${name} on ${backend} failed (exit ${r.status})`);
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    results.push(JSON.parse(line));
    process.stdout.write(`${line}\n`);
  }
}

async function main() {
  const size = process.env.BENCH_SIZE === 'full' ? 'full' : 'small';
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  if (process.argv[2] === '--child') {
    const [name, backend] = process.argv.slice(3);
    // The CLI benchmark runs once, and adds its PostgreSQL rows itself when given a server.
    return BENCHES[name]({ size, databaseUrl: backend === 'postgres' || name === 'cli' ? databaseUrl : undefined, backend });
  }
  const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  for (const n of names) if (!BENCHES[n]) throw new Error(`unknown benchmark '${n}'; have: ${Object.keys(BENCHES).join(', ')}`);
  for (const name of names.length ? names : Object.keys(BENCHES)) {
    // Store-bound benchmarks run on each backend; the parsers, AS2 and the sandbox Odoo need none, and the CLI's runs are on the embedded store.
    const backends = NO_STORE.has(name) ? ['none'] : databaseUrl ? ['pglite', 'postgres'] : ['pglite'];
    for (const backend of backends) runChild(name, backend);
  }

  const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const date = new Date().toISOString().slice(0, 10);
  const ran = new Set(results.map((r) => r.bench));
  // Rows of benchmarks not run this time are kept, so `npm run bench -- x12` rewrites only its own.
  const file = path.join(__dirname, '..', 'BENCHMARKS.md');
  // Only the results table, above the prose: a table in the prose is the prose's own.
  const kept = fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8').split(/\n## /)[0].split('\n')
      .filter((l) => /^\| [a-z0-9-]+ \|/.test(l) && !l.startsWith('| bench |') && !ran.has(l.split('|')[1].trim()))
    : [];
  // Prose after the table (sections starting '## ') is the file's own, kept as written.
  const prose = fs.existsSync(file) ? (fs.readFileSync(file, 'utf8').match(/\n(## [\s\S]*)$/)?.[1] ?? '') : '';
  const rows = results.map((r) => `| ${r.bench} | ${r.metric} | ${r.value} ${r.unit} | ${r.input ?? ''} | ${r.peer && r.peer.value !== undefined ? `${r.peer.name}: ${r.peer.value} ${r.unit}` : ''} | ${size}, ${date} |`);
  fs.writeFileSync(file, [
    '# Benchmarks', '',
    'Written by `npm run bench` (`BENCH_SIZE=full` for the long runs, `BENCH_DATABASE_URL=postgres://...` to add PostgreSQL;',
    '`npm run bench -- NAME` reruns one and keeps the other rows).', '',
    `Last run on: ${machine}.`, '', '| bench | metric | value | input | peer | run |', '|---|---|---|---|---|---|', ...kept, ...rows, '',
    ...(prose ? [prose.trimEnd(), ''] : []),
  ].join('\n'));
  // The chart is drawn from the table as written, so it holds the kept rows as well as this run's.
  for (const line of writeChart(file)) process.stderr.write(`chart: ${line}\n`);
}

main().then(() => process.exit(0), (err) => { console.error(`bench: ${err.stack ?? err}`); process.exit(1); });
