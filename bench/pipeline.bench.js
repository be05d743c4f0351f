'use strict';
// End-to-end inbound throughput of the daemon, as `npm start` runs it: N files of one 850 with one
// order each are written into $EDI_GATEWAY_HOME/partners/acme-retail/in/ of a running
// `edi-gateway run` (its own process, the sandbox Odoo in the daemon's child process, a fresh home),
// and the clock stops when every order is a confirmed sale order in the sandbox Odoo (acme-retail
// has odoo.autoConfirm) and every file's 997 is in partners/acme-retail/out/. The folder poll and
// its stable-file wait (folder.pollSeconds 2, stableSeconds 1, maxFilesPerPoll 500: the defaults)
// are inside the measure, as is everything else the daemon does meanwhile (the Odoo event scan
// turns confirmed orders into 855s every odoo.pollSeconds). Peak RSS (VmHWM) of the daemon's
// process and, beside it, of the sandbox Odoo's.
//
// On PostgreSQL (BENCH_DATABASE_URL), each size again on 3 gateway processes sharing it, as
// test/integration/scale-out.test.ts runs them (README "Running several gateway processes"): a home
// each, the files dropped into the first one's in/, the queue spreading the work, one sandbox Odoo
// (its own process) for all three; input "N files, store postgres, 3 processes", and peak_rss the
// largest of the three daemons' (its input says so).
//
// BENCH_FILES=N: one run of N files instead of the sizes (small: 200; full: 1,000 and 3,000).
// For profiling (docs/pipeline-profile.md), none of which changes the rows:
//   BENCH_PIPELINE_DETAIL=DIR  writes DIR/pipeline-<store>-<N>.json (timeline, per-stage latencies
//                              from message_events, pickup latency, and on PostgreSQL samples of
//                              pg_stat_activity) and keeps the daemon's log there
//   BENCH_PIPELINE_LOG=debug   the daemon's log level (debug: the sandbox logs every JSON-RPC call,
//                              counted by model and method into the detail file; slows the run)
//   BENCH_PIPELINE_EVENTS=off   no Odoo event scan (EDI_GATEWAY_ODOO_POLL_SECONDS=0): no 855s meanwhile
//   BENCH_PIPELINE_ENV='K=V K=V' more settings for the daemon (EDI_GATEWAY_QUEUE_CONCURRENCY=8 ...)
//   BENCH_PIPELINE_CPU_PROF=DIR  node --cpu-prof for the daemon and its sandbox child (DIR/<store>-<N>/)
//   BENCH_PIPELINE_PROCESSES=1  on PostgreSQL, the one-process run only (not the 3 processes after it)
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { fork, spawn } = require('child_process');
const pg = require('pg');
const { report } = require('./lib');
const { writeOrdersFile } = require('./orders-gen');
const { createScratchDatabase } = require('../dist/store/scratch-database');
const { openStore } = require('../dist/store/store');
const { createLogger } = require('../dist/log/logger');

const ROOT = path.join(__dirname, '..');
const PARTNER = 'acme-retail';
/** No progress for this long: the run has failed. */
const STALL_MS = 180_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** A process's peak RSS (VmHWM) and current RSS in MB, or undefined once it is gone. */
function memOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)[1]);
    return { peak: Math.round(kb('VmHWM') / 102.4) / 10, rss: Math.round(kb('VmRSS') / 102.4) / 10 };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used so far. */
function cpuOf(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The machine's CPU seconds, busy and all (every core), from /proc/stat. */
function machineCpu() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  const all = f.reduce((a, b) => a + b, 0);
  return { busy: (all - idle) / 100, all: all / 100 };
}

/** CPU seconds of every postgres process on the machine (with the reaped backends the postmaster counts). */
function postgresCpu() {
  let total = 0;
  for (const p of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const f = stat.split(') ')[1].split(' ');
      total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

function childrenOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The N files' bytes: one interchange of one order each, its own ISA/GS control number and PO. */
async function makeFiles(dir, n) {
  fs.mkdirSync(dir, { recursive: true });
  const files = [];
  for (let k = 1; k <= n; k++) {
    const name = `po-${String(k).padStart(6, '0')}.edi`;
    const file = path.join(dir, name);
    await writeOrdersFile(file, 1, { control: String(k).padStart(9, '0'), prefix: `PB${String(k).padStart(6, '0')}N` });
    // GS06 as the ISA's number too (orders-gen numbers groups from 1 in each interchange).
    const text = fs.readFileSync(file, 'latin1').replace(/^(GS\*(?:[^*]*\*){5})1\*/m, `$1${k}*`).replace(/^GE\*1\*1~/m, `GE*1*${k}~`);
    files.push({ name, content: Buffer.from(text, 'latin1') });
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return files;
}

/** The sandbox Odoo over JSON-RPC, as a client would see it. */
function odooRpc(port) {
  let seq = 0;
  const rpc = async (service, method, args) => {
    const res = await fetch(`http://127.0.0.1:${port}/jsonrpc`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: ++seq, params: { service, method, args } }),
    });
    const body = await res.json();
    if (body.error) throw new Error(`sandbox odoo: ${body.error.data?.message ?? body.error.message}`);
    return body.result;
  };
  return {
    count: (model, domain) => rpc('object', 'execute_kw', ['sandbox', 2, 'admin', model, 'search_count', [domain], {}]),
  };
}

const quantiles = (xs) => {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  const r = (v) => Math.round(v * 10) / 10;
  return { n: s.length, mean: r(s.reduce((a, b) => a + b, 0) / s.length), p50: r(q(0.5)), p90: r(q(0.9)), p99: r(q(0.99)), max: r(s[s.length - 1]) };
};

/** Per-stage latencies (ms) of the inbound messages and their 997s, from the store's trail. */
async function trailStats(knex, writtenAt) {
  const msgs = await knex('messages').select('id', 'direction', 'filename', 'created_at', 'transport_ref');
  const byId = new Map(msgs.map((m) => [Number(m.id), m]));
  const events = await knex('message_events').select('message_id', 'stage', 'outcome', 'at').orderBy('id');
  const trail = new Map();
  for (const e of events) {
    const id = Number(e.message_id);
    if (!trail.has(id)) trail.set(id, []);
    trail.get(id).push(e);
  }
  const stages = {};
  const add = (k, ms) => (stages[k] ??= []).push(ms);
  let first = Infinity;
  let last = 0;
  for (const [id, evs] of trail) {
    const m = byId.get(id);
    if (!m) continue;
    const created = new Date(m.created_at).getTime();
    if (m.direction === 'in') {
      const w = writtenAt.get(m.filename);
      if (w !== undefined) add('pickup (file written -> stored)', created - w);
      let prev = new Date(evs[0].at).getTime();
      for (const e of evs) {
        const at = new Date(e.at).getTime();
        if (e.stage === 'received') { prev = at; continue; }
        if (e.stage === 'process' && e.outcome === 'info') add('queue wait (stored -> job starts)', at - prev);
        else if (e.stage === 'process' && e.outcome === 'ok') {
          add('in job (job starts -> done)', at - new Date(evs.find((x) => x.stage === 'process' && x.outcome === 'info').at).getTime());
          add('total (stored -> done)', at - created);
          if (w !== undefined) add('end to end (file written -> done)', at - w);
          first = Math.min(first, at);
          last = Math.max(last, at);
        } else if (e.outcome === 'ok') add(e.stage, at - prev);
        prev = at;
      }
    } else if (/^997-/.test(m.filename ?? '')) {
      const sent = evs.find((e) => e.stage === 'sent' && e.outcome === 'ok');
      if (sent) add('997: rendered -> written to out/', new Date(sent.at).getTime() - created);
    }
  }
  return Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, quantiles(v)]));
}

/** `edi-gateway run` on its home, its output (with its sandbox child's, if it starts one) in logFile. */
function startDaemon({ home, env, logFile, nodeArgs }) {
  const logFd = fs.openSync(logFile, 'w');
  const proc = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'bin', 'edi-gateway.js'), 'run'], { cwd: home, env, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  const daemon = { proc, pid: proc.pid, logFile, exited: false };
  daemon.exit = new Promise((resolve) => proc.once('exit', (code, signal) => { daemon.exited = true; resolve({ code, signal }); }));
  return daemon;
}

/** SIGTERM, as a service manager stops it (it finishes or hands back its jobs); SIGKILL after 90 s. */
async function stopDaemon(daemon) {
  if (daemon.exited) return;
  daemon.proc.kill('SIGTERM');
  const killer = setTimeout(() => daemon.proc.kill('SIGKILL'), 90_000);
  await daemon.exit;
  clearTimeout(killer);
}

/**
 * For several daemons: one sandbox Odoo they all write to, as a real Odoo would be. It is the
 * child `run` forks (dist/odoo/sandbox/sandbox-child.js), forked here instead: the same server in a
 * process of its own, so its CPU and peak RSS are measured as in the 1-process run.
 */
async function startSharedSandbox({ home, port, level, logFile, nodeArgs }) {
  const logFd = fs.openSync(logFile, 'w');
  const child = fork(path.join(ROOT, 'dist', 'odoo', 'sandbox', 'sandbox-child.js'), [JSON.stringify({ home, port, level, pretty: false })],
    { execArgv: nodeArgs, stdio: ['ignore', logFd, logFd, 'ipc'] });
  fs.closeSync(logFd);
  const exit = new Promise((resolve) => child.once('exit', resolve));
  // It ignores SIGTERM (the daemons still need it while they stop) and ends on 'stop' or when the IPC channel closes.
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send('stop');
    else child.kill('SIGKILL');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exit;
    clearTimeout(killer);
  };
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the sandbox Odoo did not start in 60 s:\n${fs.readFileSync(logFile, 'utf8')}`)), 60_000);
      child.once('message', (m) => { clearTimeout(timer); if (m.url) resolve(m.url); else reject(new Error(`sandbox Odoo: ${m.error}`)); });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`sandbox Odoo: its process ended (exit ${code}) before it listened`)); });
    });
    return { pid: child.pid, url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * One run of n files on `processes` gateway processes. One: its home is the run's folder and it
 * starts its own sandbox Odoo. Several (PostgreSQL only), as test/integration/scale-out.test.ts runs
 * them: a home each (partner folders are a process's own, README "Running several gateway
 * processes"), every file dropped into the first one's in/ and the queue spreading the work over
 * all of them, one scratch database and one sandbox Odoo shared; a 997 is written to the out/ of
 * the process that sends it, so the 997s are counted over every home.
 */
async function runOnce(n, adminUrl, backend, processes = 1) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-bench-pipeline-'));
  const several = processes > 1;
  const detailDir = process.env.BENCH_PIPELINE_DETAIL;
  const logLevel = process.env.BENCH_PIPELINE_LOG ?? 'info';
  const cpuProf = process.env.BENCH_PIPELINE_CPU_PROF;
  const input = `${n} files, store ${backend}, ${several ? `${processes} processes` : '1 process'}`;
  const tag = `${backend}-${n}${several ? `-${processes}p` : ''}`;
  const homes = several ? Array.from({ length: processes }, (_, i) => path.join(root, `gateway-${i + 1}`)) : [root];
  for (const home of homes) fs.mkdirSync(home, { recursive: true });
  if (detailDir) fs.mkdirSync(detailDir, { recursive: true });
  if (cpuProf) fs.mkdirSync(cpuProf, { recursive: true });
  // --cpu-prof is refused in NODE_OPTIONS: given on the command line, the forked sandbox child inherits it (execArgv).
  const nodeArgs = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(cpuProf, tag)}`] : [];
  /** One figure per daemon: the value itself for the one process (the detail file as it was), else the list. */
  const perDaemon = (xs) => (several ? xs : xs[0]);
  const files = await makeFiles(path.join(root, 'stage'), n);
  const daemons = [];
  const logFiles = [];
  let databaseUrl;
  let sandbox;
  let store;
  let sampler;
  try {
    databaseUrl = adminUrl ? await createScratchDatabase(adminUrl, 'edi_bench') : undefined;
    const sandboxPort = await freePort();
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) =>
      !/^(EDI_GATEWAY_|ODOO_|DATABASE_URL$|SANDBOX_ODOO_PORT$|NODE_OPTIONS$|ACME_RETAIL_)/.test(k)));
    Object.assign(env, {
      EDI_GATEWAY_PROFILES_DIR: path.join(ROOT, 'partner-profiles'), EDI_GATEWAY_LOG_LEVEL: logLevel,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...(process.env.BENCH_PIPELINE_EVENTS === 'off' ? { EDI_GATEWAY_ODOO_POLL_SECONDS: '0' } : {}),
    });
    if (several) {
      const logFile = detailDir ? path.join(detailDir, `pipeline-${tag}-sandbox.log`) : path.join(root, 'sandbox-odoo.log');
      logFiles.push(logFile);
      sandbox = await startSharedSandbox({ home: path.join(root, 'sandbox'), port: sandboxPort, level: logLevel, logFile, nodeArgs });
      Object.assign(env, { ODOO_URL: sandbox.url, ODOO_DB: 'sandbox', ODOO_USER: 'admin', ODOO_API_KEY: 'admin' });
    } else {
      env.SANDBOX_ODOO_PORT = String(sandboxPort);
    }
    const extraEnv = Object.fromEntries((process.env.BENCH_PIPELINE_ENV ?? '').split(/\s+/).filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    for (const [i, home] of homes.entries()) {
      const logFile = detailDir ? path.join(detailDir, `pipeline-${tag}${several ? `-gateway-${i + 1}` : ''}.log`) : path.join(home, 'daemon.log');
      logFiles.push(logFile);
      daemons.push(startDaemon({ home, logFile, nodeArgs, env: { ...env, EDI_GATEWAY_HOME: home, EDI_GATEWAY_HTTP_PORT: String(await freePort()), ...extraEnv } }));
    }
    const logTail = () => daemons.map((d) => `${several ? `${path.basename(d.logFile)} (pid ${d.pid}):\n` : ''}${fs.readFileSync(d.logFile, 'utf8').split('\n').slice(-15).join('\n')}`).join('\n');

    // Up: the store open, the sandbox started, the transports polling.
    const upBy = Date.now() + 60_000 * processes;
    for (const daemon of daemons) {
      while (!/"msg":"gateway started"/.test(fs.readFileSync(daemon.logFile, 'utf8'))) {
        if (daemon.exited || Date.now() > upBy) throw new Error(`the daemon did not start:\n${logTail()}`);
        await sleep(100);
      }
    }
    const sandboxPid = sandbox ? sandbox.pid : childrenOf(daemons[0].pid).find((p) => {
      try { return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('sandbox-child'); } catch { return false; }
    });
    const odoo = odooRpc(sandboxPort);
    const base = await odoo.count('sale.order', [['state', '=', 'sale']]);
    const idle = perDaemon(daemons.map((d) => memOf(d.pid)));
    const partnerDirs = homes.map((home) => path.join(home, 'partners', PARTNER));
    const inDir = path.join(partnerDirs[0], 'in');
    const outDirs = partnerDirs.map((dir) => path.join(dir, 'out'));
    const archiveDir = path.join(partnerDirs[0], 'archive');
    for (const d of [inDir, ...outDirs]) if (!fs.existsSync(d)) throw new Error(`${d} is missing: the folder transport did not start`);

    if (detailDir && databaseUrl) {
      // Where PostgreSQL's sessions of the gateway are: running, idle, or waiting (a lock, the client).
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      const samples = [];
      const dbStats = async () => (await client.query(`SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, tup_returned, tup_fetched
        FROM pg_stat_database WHERE datname = current_database()`)).rows[0];
      const before = await dbStats();
      let stop = false;
      const loop = (async () => {
        while (!stop) {
          const { rows } = await client.query(`SELECT state, coalesce(wait_event_type, '-') AS wt, coalesce(wait_event, '-') AS we, application_name AS app,
              CASE WHEN wait_event_type = 'Lock' THEN left(regexp_replace(query, '\\s+', ' ', 'g'), 90) END AS blocked
            FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
          samples.push(rows);
          await sleep(100);
        }
      })();
      sampler = { samples, stop: async () => {
        if (stop) return;
        stop = true;
        await loop;
        // The statistics collector reports a backend's counts when its transaction ends, at most every 500 ms.
        await sleep(1000);
        const after = await dbStats();
        sampler.dbStats = Object.fromEntries(Object.keys(after).map((k) => [k, Number(after[k]) - Number(before[k])]));
        await client.end();
      } };
    }

    // The drop: every file written into in/ at once, as a partner's batch lands.
    const gatewayCpu = () => daemons.reduce((sum, d) => sum + cpuOf(d.pid), 0);
    const cpu0 = { gateway: gatewayCpu(), sandbox: sandboxPid && cpuOf(sandboxPid), machine: machineCpu(), bench: process.cpuUsage(), postgres: postgresCpu() };
    const t0 = Date.now();
    const writtenAt = new Map();
    for (const f of files) {
      fs.writeFileSync(path.join(inDir, f.name), f.content);
      writtenAt.set(f.name, Date.now());
    }
    const timeline = [];
    let acks = 0;
    let confirmed = 0;
    let lastChange = Date.now();
    let lastKey = '';
    for (;;) {
      const out = outDirs.flatMap((dir) => fs.readdirSync(dir));
      acks = out.filter((f) => f.startsWith('997-')).length;
      confirmed = (await odoo.count('sale.order', [['state', '=', 'sale']])) - base;
      const t = Date.now() - t0;
      const row = { t, in: fs.readdirSync(inDir).length, archived: fs.existsSync(archiveDir) ? fs.readdirSync(archiveDir).length : 0,
        acks, confirmed, x855: out.filter((f) => f.startsWith('855-')).length, rss: perDaemon(daemons.map((d) => memOf(d.pid)?.rss)) };
      timeline.push(row);
      if (acks >= n && confirmed >= n) break;
      const key = `${row.in}/${row.archived}/${acks}/${confirmed}`;
      if (key !== lastKey) { lastKey = key; lastChange = Date.now(); }
      const gone = daemons.find((d) => d.exited);
      if (gone) throw new Error(`the daemon${several ? ` (pid ${gone.pid})` : ''} exited:\n${logTail()}`);
      if (Date.now() - lastChange > STALL_MS) throw new Error(`no progress for ${STALL_MS / 1000} s (${key} in/archived/997s/confirmed):\n${logTail()}`);
      await sleep(100);
    }
    const secs = (Date.now() - t0) / 1000;
    const m1 = machineCpu();
    const b1 = process.cpuUsage(cpu0.bench);
    const cpu = { gatewaySecs: gatewayCpu() - cpu0.gateway, sandboxSecs: sandboxPid ? cpuOf(sandboxPid) - cpu0.sandbox : undefined,
      benchSecs: (b1.user + b1.system) / 1e6, postgresSecs: +(postgresCpu() - cpu0.postgres).toFixed(2), machineBusySecs: m1.busy - cpu0.machine.busy, machineSecs: m1.all - cpu0.machine.all, cores: os.cpus().length };
    const gateways = daemons.map((d) => memOf(d.pid));
    const sandboxMem = sandboxPid ? memOf(sandboxPid) : undefined;
    await sampler?.stop();

    // What the store says: every message done, its 997 sent.
    store = await openStore({ home: homes[0], databaseUrl, role: 'cli', migrate: 'if-owner', log: createLogger({ level: 'silent', destination: 2 }) });
    const knex = store.knex;
    const byStatus = Object.fromEntries((await knex('messages as m').join('message_state as s', 's.message_id', 'm.id')
      .where('m.direction', 'in').groupBy('s.status').select('s.status').count('* as c')).map((r) => [r.status, Number(r.c)]));
    if (byStatus.done !== n) throw new Error(`inbound messages by status: ${JSON.stringify(byStatus)}, expected ${n} done`);
    const acksSent = Number((await knex('messages as m').join('message_state as s', 's.message_id', 'm.id')
      .where('m.direction', 'out').where('m.filename', 'like', '997-%').where('s.status', 'done').count('* as c').first()).c);
    if (acksSent !== n) throw new Error(`${acksSent} 997s sent, expected ${n}`);

    report({ bench: 'pipeline', metric: 'throughput', value: +(n / secs).toFixed(1), unit: 'documents/s', input });
    // Several processes: the largest one's peak (each is a machine's share).
    report({ bench: 'pipeline', metric: 'peak_rss', value: Math.max(...gateways.map((g) => g.peak)), unit: 'MB', input: several ? `${input}, largest of the ${processes}` : input });
    if (sandboxMem) report({ bench: 'pipeline', metric: 'sandbox_odoo_peak_rss', value: sandboxMem.peak, unit: 'MB', input });

    if (detailDir) {
      const detail = { n, backend, processes, pids: { gateway: perDaemon(daemons.map((d) => d.pid)), sandbox: sandboxPid }, secs, throughput: n / secs, idleRss: idle,
        gateway: perDaemon(gateways), sandbox: sandboxMem, cpu, inboundByStatus: byStatus, x855: timeline[timeline.length - 1].x855, stages: await trailStats(knex, writtenAt), timeline };
      if (several) {
        // How the queue shared the work: inbound messages run by each process (the trail's `process` event, host:pid).
        detail.byProcess = Object.fromEntries((await knex('message_events').where({ stage: 'process', outcome: 'info' })
          .select(knex.raw(`data->>'process' AS p`)).countDistinct('message_id as c').groupByRaw('1')).map((r) => [r.p, Number(r.c)]));
      }
      if (sampler) {
        // Share of samples each (state, wait event) had, per connection pool.
        const tally = {};
        const blocked = {};
        for (const rows of sampler.samples) for (const r of rows) {
          const k = `${r.app || '(knex)'} | ${r.state} | ${r.wt}:${r.we}`;
          tally[k] = (tally[k] ?? 0) + 1;
          if (r.blocked) blocked[r.blocked] = (blocked[r.blocked] ?? 0) + 1;
        }
        detail.pgLockWaits = Object.fromEntries(Object.entries(blocked).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, +(v / sampler.samples.length).toFixed(3)]));
        detail.pgStatDatabase = sampler.dbStats;
        detail.pgActivity = { samples: sampler.samples.length, perSample: Object.fromEntries(Object.entries(tally).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, +(v / sampler.samples.length).toFixed(2)])) };
      }
      fs.writeFileSync(path.join(detailDir, `pipeline-${tag}.json`), `${JSON.stringify(detail, null, 1)}\n`);
    }
    await store.close();
    store = undefined;
  } finally {
    await sampler?.stop().catch(() => undefined);
    await store?.close().catch(() => undefined);
    // The daemons first (they still write to Odoo while they finish their jobs in hand), then a sandbox of their own.
    await Promise.all(daemons.map(stopDaemon));
    await sandbox?.stop();
    if (detailDir && logLevel === 'debug') {
      // Every JSON-RPC call the sandbox served, by model and method (its debug lines).
      const calls = {};
      for (const logFile of logFiles) for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
        if (!line.includes('sandbox odoo call')) continue;
        const c = JSON.parse(line);
        const k = `${c.service === 'object' ? c.model : c.service}.${c.method}${c.error ? ` (error ${c.error})` : ''}`;
        calls[k] = (calls[k] ?? 0) + 1;
      }
      const file = path.join(detailDir, `pipeline-${tag}.json`);
      const detail = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
      detail.rpcCalls = Object.fromEntries(Object.entries(calls).sort((a, b) => b[1] - a[1]));
      fs.writeFileSync(file, `${JSON.stringify(detail, null, 1)}\n`);
    }
    fs.rmSync(root, { recursive: true, force: true });
    if (databaseUrl) {
      // The scratch database goes with the run (it holds a few thousand messages and documents).
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect().then(() => admin.query(`DROP DATABASE IF EXISTS ${new URL(databaseUrl).pathname.slice(1)}`))
        .catch((err) => process.stderr.write(`pipeline bench: scratch database not dropped: ${err.message}\n`))
        .finally(() => admin.end().catch(() => undefined));
    }
  }
}

module.exports = async function pipelineBench({ size, databaseUrl, backend }) {
  const sizes = Number(process.env.BENCH_FILES) ? [Number(process.env.BENCH_FILES)] : size === 'full' ? [1000, 3000] : [200];
  for (const n of sizes) await runOnce(n, databaseUrl, backend);
  // On PostgreSQL, the same on 3 gateway processes sharing it (README "Running several gateway processes"): never slower than 1.
  if (databaseUrl && process.env.BENCH_PIPELINE_PROCESSES !== '1') for (const n of sizes) await runOnce(n, databaseUrl, backend, 3);
};
