'use strict';
// The processes a fault run starts and kills: gateway daemons (`bin/edi-gateway.js run`, one
// "life" per start), the sandbox Odoo in a process of its own (dist/odoo/sandbox/sandbox-child.js,
// as bench/pipeline.bench.js forks it for several daemons), and a throwaway PostgreSQL cluster
// (initdb / pg_ctl as .ci/run does). Everything started here is registered for cleanup: the run
// removes it whether it passes, fails or is interrupted (cleanup.js).
const fs = require('fs');
const net = require('net');
const path = require('path');
const { execFile, fork, spawn } = require('child_process');
const { promisify } = require('util');
const { onCleanup } = require('./cleanup');

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'edi-gateway.js');
const SANDBOX_CHILD = path.join(ROOT, 'dist', 'odoo', 'sandbox', 'sandbox-child.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const run = promisify(execFile);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** SIGKILL to a child's whole process group (they are started detached: a group each), then to itself. */
function killHard(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* no group (already gone) */ }
  try { child.kill('SIGKILL'); } catch { /* gone */ }
}

/**
 * SIGKILL to every process whose command line names `dir` (a run's unique temporary folder): what
 * a killed daemon may leave behind, such as the child that creates the embedded store's files.
 */
function killByPath(dir) {
  for (const p of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (Number(p) !== process.pid && fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir)) process.kill(Number(p), 'SIGKILL');
    } catch { /* gone meanwhile, or not ours to read */ }
  }
}

function exitOf(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

function tail(file, lines = 25) {
  try { return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'); } catch { return '(no log)'; }
}

/**
 * The environment of a daemon: this process's minus anything that would point it elsewhere
 * (another home, Odoo, database, partner credentials), as bench/pipeline.bench.js filters it.
 */
function gatewayEnv(extra) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) =>
    !/^(EDI_GATEWAY_|ODOO_|DATABASE_URL|SANDBOX_ODOO_PORT$|NODE_OPTIONS$|ACME_RETAIL_|TEST_DATABASE_URL$|FAULTS_)/.test(k)));
  return {
    ...env,
    EDI_GATEWAY_PROFILES_DIR: path.join(ROOT, 'partner-profiles'),
    EDI_GATEWAY_HTTP_PORT: '0',
    EDI_GATEWAY_LOG_LEVEL: 'info',
    // Files are dropped by rename (never half-written), so no stability wait: a short life still takes some.
    EDI_GATEWAY_FOLDER_POLL_SECONDS: '0.5',
    EDI_GATEWAY_FOLDER_STABLE_SECONDS: '0',
    ...extra,
  };
}

/**
 * One gateway home and the daemons run on it one after another, as a service manager restarts
 * them. start() begins a life; kill() SIGKILLs it (the process alone, as the kernel's OOM killer or
 * a lost machine would; its group only at cleanup); each life logs into logs/daemon-<n>.log.
 */
class Gateway {
  constructor({ home, env }) {
    this.home = home;
    this.env = gatewayEnv({ ...env, EDI_GATEWAY_HOME: home });
    this.logDir = path.join(home, '..', 'logs');
    fs.mkdirSync(this.logDir, { recursive: true });
    this.lives = 0;
    this.current = undefined;
    /** Every life, for the summary's start-up times. */
    this.history = [];
    /** Lives that ended without our signal (a crash, an exit on a lost store): a supervisor restarts them. */
    this.unplannedExits = [];
    onCleanup(`gateway ${home}`, () => killHard(this.current?.child));
  }

  start() {
    const n = ++this.lives;
    const logFile = path.join(this.logDir, `daemon-${String(n).padStart(3, '0')}.log`);
    const fd = fs.openSync(logFile, 'w');
    const child = spawn(process.execPath, [BIN, 'run'], { cwd: this.home, env: this.env, stdio: ['ignore', fd, fd], detached: true });
    fs.closeSync(fd);
    const life = { n, child, pid: child.pid, logFile, spawnedAt: Date.now(), startedAt: undefined, signalled: undefined };
    life.exit = exitOf(child).then((r) => {
      if (!life.signalled) this.unplannedExits.push({ life: n, ...r, log: tail(logFile, 15) });
      return r;
    });
    this.current = life;
    this.history.push(life);
    return life;
  }

  /** Whether the current life has logged "gateway started" (it remembers the moment it first saw it). */
  started(life = this.current) {
    if (!life) return false;
    if (life.startedAt) return true;
    let text = '';
    try { text = fs.readFileSync(life.logFile, 'utf8'); } catch { /* not yet */ }
    const at = text.indexOf('"msg":"gateway started"');
    if (at >= 0) {
      // When it said so (the line's own time), not when this loop noticed.
      const line = text.slice(text.lastIndexOf('\n', at) + 1, text.indexOf('\n', at) >>> 0 || undefined);
      let time;
      try { time = Date.parse(JSON.parse(line).time); } catch { /* a line not yet whole */ }
      life.startedAt = Number.isFinite(time) ? Math.min(time, Date.now()) : Date.now();
    }
    return Boolean(life.startedAt);
  }

  async waitStarted(life = this.current, timeoutMs = 120_000) {
    const until = Date.now() + timeoutMs;
    while (!this.started(life)) {
      if (life.child.exitCode !== null || life.child.signalCode !== null) return false;
      if (Date.now() > until) throw new Error(`daemon life ${life.n} did not start within ${timeoutMs / 1000} s:\n${tail(life.logFile)}`);
      await sleep(50);
    }
    return true;
  }

  alive(life = this.current) {
    return Boolean(life) && life.child.exitCode === null && life.child.signalCode === null;
  }

  async kill(life = this.current) {
    life.signalled = 'SIGKILL';
    this.started(life);
    life.child.kill('SIGKILL');
    return life.exit;
  }

  /** SIGTERM, as a service manager stops it; SIGKILL after `graceMs`. Resolves with its exit. */
  async stop(life = this.current, graceMs = 60_000) {
    if (!this.alive(life)) return life.exit;
    life.signalled = 'SIGTERM';
    life.child.kill('SIGTERM');
    const timer = setTimeout(() => life.child.kill('SIGKILL'), graceMs);
    const r = await life.exit;
    clearTimeout(timer);
    return r;
  }
}

/**
 * The sandbox Odoo in a process of its own on a fixed port, its data in `<home>/sandbox-odoo/`
 * (snapshot + fsync'd journal, src/odoo/sandbox/store.ts): killing a gateway leaves it running,
 * and kill() + start() brings it back on the same port with the data it had committed.
 */
class Sandbox {
  constructor({ home, port, logFile }) {
    Object.assign(this, { home, port, logFile, child: undefined, url: undefined, starts: 0 });
    onCleanup('sandbox Odoo', () => killHard(this.child));
  }

  async start() {
    this.starts++;
    const fd = fs.openSync(this.logFile, 'a');
    // It ends on 'stop' or when its IPC channel closes: if this run dies, so does the sandbox.
    const child = fork(SANDBOX_CHILD, [JSON.stringify({ home: this.home, port: this.port, level: 'warn', pretty: false })],
      { stdio: ['ignore', fd, fd, 'ipc'], detached: true });
    fs.closeSync(fd);
    this.child = child;
    this.url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the sandbox Odoo did not start in 60 s:\n${tail(this.logFile)}`)), 60_000);
      child.once('message', (m) => { clearTimeout(timer); if (m.url) resolve(m.url); else reject(new Error(`sandbox Odoo: ${m.error}`)); });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`sandbox Odoo: its process ended (exit ${code}) before it listened:\n${tail(this.logFile)}`)); });
    });
    return this.url;
  }

  get env() {
    return { ODOO_URL: this.url, ODOO_DB: 'sandbox', ODOO_USER: 'admin', ODOO_API_KEY: 'admin' };
  }

  /** Frozen: its socket still accepts connections, nothing answers (a hung server). */
  pause() { this.child.kill('SIGSTOP'); }

  resume() { this.child.kill('SIGCONT'); }

  /** Gone without a word, as a crashed server. */
  async kill() {
    this.child.kill('SIGCONT');
    this.child.kill('SIGKILL');
    await exitOf(this.child);
  }

  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGCONT');
    if (child.connected) child.send('stop'); else child.kill('SIGKILL');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exitOf(child);
    clearTimeout(timer);
  }

  /** JSON-RPC as a client sees it; throws when it does not answer within `timeoutMs`. */
  async rpc(model, method, args, kwargs = {}, timeoutMs = 10_000) {
    const res = await fetch(`http://127.0.0.1:${this.port}/jsonrpc`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, signal: AbortSignal.timeout(timeoutMs),
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service: 'object', method: 'execute_kw', args: ['sandbox', 2, 'admin', model, method, args, kwargs] } }),
    });
    const body = await res.json();
    if (body.error) throw new Error(`sandbox Odoo: ${body.error.data?.message ?? body.error.message}`);
    return body.result;
  }
}

/** Where PostgreSQL's server programs are (Debian's layout, or on the PATH). */
function postgresBin() {
  const dirs = [];
  try {
    for (const v of fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))) dirs.push(path.join('/usr/lib/postgresql', v, 'bin'));
  } catch { /* not Debian's layout */ }
  dirs.push(...(process.env.PATH ?? '').split(':'));
  return dirs.find((d) => d && fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl')));
}

/**
 * A throwaway PostgreSQL cluster on a free loopback port, as .ci/run starts one: initdb refuses to
 * run as root, so as root it runs as the unprivileged system user `edici` (created if missing).
 * restart() is `pg_ctl restart`; down() / up() stop and start it with a gap between.
 */
class PgCluster {
  constructor(root) {
    this.root = root;
    this.data = path.join(root, 'data');
    this.log = path.join(root, 'postgres.log');
    this.bin = postgresBin();
    this.runAs = [];
  }

  async as(cmd, args, timeout = 120_000) {
    const file = path.join(this.bin, cmd);
    const [prog, argv] = this.runAs.length ? [this.runAs[0], [...this.runAs.slice(1), file, ...args]] : [file, args];
    return run(prog, argv, { timeout });
  }

  async start() {
    if (!this.bin) throw new Error('pg-restart needs PostgreSQL\'s server programs (initdb, pg_ctl): install the Debian package postgresql (.ci/run does)');
    fs.mkdirSync(this.root, { recursive: true });
    if (process.getuid?.() === 0) {
      try { await run('id', ['edici']); } catch { await run('useradd', ['--system', '--no-create-home', 'edici']); }
      await run('chown', ['edici', this.root]);
      this.runAs = ['runuser', '-u', 'edici', '--'];
    }
    this.port = await freePort();
    onCleanup(`PostgreSQL cluster ${this.root}`, () => this.stopNow());
    await this.as('initdb', ['-D', this.data, '-U', 'postgres', '--auth=trust', '--no-sync']);
    await this.ctl('start');
    this.url = `postgres://postgres@127.0.0.1:${this.port}/postgres`;
    return this.url;
  }

  ctl(action, mode) {
    const opts = `-c listen_addresses=127.0.0.1 -c port=${this.port} -c unix_socket_directories=${this.root} -c fsync=off -c max_connections=200`;
    return this.as('pg_ctl', ['-D', this.data, '-l', this.log, '-w', '-t', '120', ...(mode ? ['-m', mode] : []), ...(action === 'stop' ? [] : ['-o', opts]), action])
      .catch((err) => { throw new Error(`pg_ctl ${action} failed: ${err.message}\n${tail(this.log)}`); });
  }

  restart(mode = 'fast') { return this.ctl('restart', mode); }

  down(mode = 'immediate') { return this.ctl('stop', mode); }

  up() { return this.ctl('start'); }

  /** At cleanup, whatever state it is in. */
  stopNow() {
    try {
      const { execFileSync } = require('child_process');
      const file = path.join(this.bin, 'pg_ctl');
      const argv = ['-D', this.data, '-m', 'immediate', '-w', 'stop'];
      if (this.runAs.length) execFileSync(this.runAs[0], [...this.runAs.slice(1), file, ...argv], { stdio: 'ignore', timeout: 60_000 });
      else execFileSync(file, argv, { stdio: 'ignore', timeout: 60_000 });
    } catch { /* not running */ }
  }
}

module.exports = { ROOT, Gateway, Sandbox, PgCluster, freePort, sleep, tail, killHard, killByPath };
