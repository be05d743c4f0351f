#!/usr/bin/env node
'use strict';
// Fault injection on the whole inbound path (issue 17, docs/fault-injection.md): 850 files
// dropped into partners/acme-retail/in/ of a real `edi-gateway run` -> store -> validate -> 997 in
// out/ -> translate -> a confirmed sale order in the sandbox Odoo (its own process, so a killed
// gateway leaves it running), while the daemon is killed with SIGKILL at random moments and
// restarted, the sandbox Odoo is frozen or crashed for a while, or PostgreSQL is restarted. At the
// end: every file stored once, every order once in Odoo, one 997 per interchange, nothing left in
// in/ or error/, every inbound message done.
//
//   node scripts/faults/run.js [--scenario kill|odoo-down|pg-restart|all] [--store pglite|postgres]
//                              [--transport folder|sftp] [--kills N] [--files N] [--seed N] [--keep]
//
// Progress on stderr; one JSON line per scenario on stdout; exit 1 if any promise is broken.
// FAULTS_SIZE=full: more files and kills. --store postgres: a scratch database on
// FAULTS_DATABASE_URL or TEST_DATABASE_URL (never restarted), else a throwaway cluster. pg-restart
// always runs on a throwaway cluster of its own (initdb/pg_ctl, as .ci/run), which it restarts.
// --transport sftp: the files come from OpenSSH's sshd on 127.0.0.1 instead (root and the package
// openssh-server needed) and the 997s go back to it (scripts/faults/sftp.js).
// --keep leaves the run's folders (logs of every daemon life, the store, the sandbox's data).
const fs = require('fs');
const os = require('os');
const path = require('path');
const pg = require('pg');
const { installHandlers, onCleanup, mark, cleanupTo, cleanup } = require('./cleanup');
const { ROOT, Gateway, Sandbox, PgCluster, freePort, sleep, tail, killByPath } = require('./procs');
const { startSftp } = require('./sftp');
const { makeOrders, dropFiles, partnerDirs, folderCounts, storeSettled, checkPromises } = require('./check');

const SIZES = {
  small: {
    kill: { files: 150, kills: 50, waves: 5 },
    'odoo-down': { files: 120, kills: 6, waves: 3, outageSeconds: [20, 20] },
    'pg-restart': { files: 120, kills: 6, waves: 3, pgDownSeconds: [5, 5], pgRestarts: ['fast'] },
  },
  full: {
    kill: { files: 1000, kills: 120, waves: 8 },
    'odoo-down': { files: 600, kills: 20, waves: 3, outageSeconds: [20, 40] },
    'pg-restart': { files: 600, kills: 20, waves: 4, pgDownSeconds: [5, 15], pgRestarts: ['fast', 'immediate'] },
  },
};
/** Share of kills timed from the spawn rather than from "gateway started": most of them land in start-up. */
const P_FROM_SPAWN = 0.3;
/** No change in the store or the folders for this long at the end: the run has failed. */
const STALL_MS = 180_000;

function parseArgs(argv) {
  const a = { scenario: 'all', store: 'pglite', transport: 'folder', keep: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${k} needs a value`);
      return v;
    };
    if (k === '--scenario') a.scenario = val();
    else if (k === '--store') a.store = val();
    else if (k === '--transport') a.transport = val();
    else if (k === '--kills') a.kills = Number(val());
    else if (k === '--files') a.files = Number(val());
    else if (k === '--seed') a.seed = Number(val());
    else if (k === '--keep') a.keep = true;
    else if (k === '--help' || k === '-h') a.help = true;
    else throw new Error(`unknown argument ${k}`);
  }
  if (!['kill', 'odoo-down', 'pg-restart', 'all'].includes(a.scenario)) throw new Error(`--scenario: kill, odoo-down, pg-restart or all, not ${a.scenario}`);
  if (!['pglite', 'postgres'].includes(a.store)) throw new Error(`--store: pglite or postgres, not ${a.store}`);
  if (!['folder', 'sftp'].includes(a.transport)) throw new Error(`--transport: folder or sftp, not ${a.transport}`);
  for (const k of ['kills', 'files']) if (a[k] !== undefined && !(Number.isInteger(a[k]) && a[k] > 0)) throw new Error(`--${k}: a positive whole number`);
  return a;
}

/** A seeded generator (mulberry32): a failing run can be repeated with its --seed. */
function seeded(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.now();
const say = (msg) => process.stderr.write(`[faults ${((Date.now() - T0) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`);

/** One scenario's world: its folder, sandbox Odoo, store, gateway home, files, and what was done to them. */
class Scenario {
  constructor(name, { store, transport, size, random, keep, prefix, base }) {
    Object.assign(this, { name, store, transport, size, random, keep, prefix, base });
    this.kills = 0;
    this.killsInStartup = 0;
    this.killsBusy = 0;
    this.dropped = 0;
    this.wave = 0;
    this.problems = [];
    this.outages = [];
    this.pgEvents = [];
    this.deadline = Date.now() + (process.env.FAULTS_SIZE === 'full' ? 90 : 30) * 60_000;
  }

  async setup(adminUrl) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), `edi-faults-${this.name}-`));
    onCleanup(`folder ${this.root}`, () => {
      killByPath(this.root);
      if (this.keep) say(`kept ${this.root}`);
      else fs.rmSync(this.root, { recursive: true, force: true });
    });
    this.home = path.join(this.root, 'gateway');
    fs.mkdirSync(this.home);
    if (this.store === 'postgres') {
      if (!adminUrl || this.name === 'pg-restart') {
        // A folder of its own: the cluster's user (edici, as root) cannot enter this run's private one.
        const pgRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-faults-pg-'));
        onCleanup(`folder ${pgRoot}`, () => fs.rmSync(pgRoot, { recursive: true, force: true }));
        this.cluster = new PgCluster(pgRoot);
        adminUrl = await this.cluster.start();
        say(`${this.name}: throwaway PostgreSQL cluster on port ${this.cluster.port}`);
      }
      const { createScratchDatabase } = require(path.join(ROOT, 'dist', 'store', 'scratch-database'));
      this.databaseUrl = await createScratchDatabase(adminUrl, 'edi_faults');
      if (!this.cluster) {
        onCleanup(`scratch database ${this.databaseUrl}`, async () => {
          const admin = new pg.Client({ connectionString: adminUrl });
          await admin.connect();
          try { await admin.query(`DROP DATABASE IF EXISTS ${new URL(this.databaseUrl).pathname.slice(1)} WITH (FORCE)`); } finally { await admin.end(); }
        });
      }
    }
    let transportEnv = {};
    this.dirs = partnerDirs(this.home);
    this.own = undefined;
    if (this.transport === 'sftp') {
      const sftp = await startSftp(path.join(this.root, 'profiles'));
      Object.assign(this, { dirs: sftp.dirs, own: sftp.own });
      transportEnv = sftp.env;
    }
    this.sandbox = new Sandbox({ home: path.join(this.root, 'odoo'), port: await freePort(), logFile: path.join(this.root, 'sandbox-odoo.log') });
    await this.sandbox.start();
    this.gw = new Gateway({ home: this.home, env: { ...this.sandbox.env, ...transportEnv, ...(this.databaseUrl ? { DATABASE_URL: this.databaseUrl } : {}) } });
    this.files = makeOrders(this.size.files, { prefix: this.prefix, base: this.base });
  }

  /** The next wave of files into in/ (the files split evenly over size.waves). */
  dropWave() {
    const per = Math.ceil(this.files.length / this.size.waves);
    const wave = this.files.slice(this.dropped, this.dropped + per);
    if (!wave.length) return;
    dropFiles(this.dirs.inDir, wave, this.own);
    this.dropped += wave.length;
    this.wave++;
    say(`${this.name}: wave ${this.wave}: ${wave.length} files dropped (${this.dropped}/${this.files.length})`);
  }

  checkDeadline() {
    if (Date.now() > this.deadline) throw new Error('the scenario ran past its deadline');
  }

  /** The current daemon life, restarted (as a supervisor would, after a second) when it ended on its own. */
  async ensureLife() {
    const life = this.gw.current;
    if (life && this.gw.alive(life)) return life;
    if (life) {
      const r = await life.exit;
      say(`${this.name}: daemon life ${life.n} ended on its own (${r.signal ?? `exit ${r.code}`}); restarting it:\n${tail(life.logFile, 6)}`);
      await sleep(1000);
    }
    this.checkDeadline();
    return this.gw.start();
  }

  /**
   * `n` SIGKILLs of the daemon, each restarted at once. A kill comes 0.3-3 s after the daemon's
   * spawn (most land in its start-up: opening the store, recovering the queue) or after it said
   * "gateway started" (with files waiting: in the middle of the work).
   */
  async killSome(n, until = Infinity) {
    for (let i = 0; i < n && Date.now() < until;) {
      const life = await this.ensureLife();
      const entered = Date.now();
      const fromSpawn = this.random() < P_FROM_SPAWN;
      if (!fromSpawn && !(await this.gw.waitStarted(life, Math.max(1000, Math.min(120_000, until - Date.now()))).catch((err) => {
        if (Date.now() < until) throw err;
        return false;
      }))) continue;
      // From the spawn or the start, or from now for a life that has been up a while already.
      const at = Math.min(until, Math.max(fromSpawn ? life.spawnedAt : life.startedAt, fromSpawn ? 0 : entered) + 300 + this.random() * 2700);
      while (Date.now() < at && this.gw.alive(life)) await sleep(Math.min(50, Math.max(1, at - Date.now())));
      if (!this.gw.alive(life)) continue;
      const inStartup = !this.gw.started(life);
      const killedAt = Date.now();
      await this.gw.kill(life);
      // Counted after the kill (nothing moves then), so that counting never delays it.
      const c = folderCounts(this.dirs);
      const confirmed = await this.confirmed(1500);
      const busy = !inStartup && (c.in > 0 || c.acks < this.dropped || confirmed === undefined || confirmed < this.dropped);
      i++;
      this.kills++;
      if (inStartup) this.killsInStartup++;
      if (busy) this.killsBusy++;
      const when = inStartup ? `${((killedAt - life.spawnedAt) / 1000).toFixed(2)} s after spawn, in start-up`
        : `${((killedAt - life.startedAt) / 1000).toFixed(2)} s after "gateway started"${busy ? ', busy' : ''}`;
      say(`${this.name}: kill ${this.kills} (life ${life.n}, ${when}) | in/ ${c.in} archived ${c.archived} 997s ${c.acks} orders ${confirmed ?? '?'} of ${this.dropped} dropped`);
      this.gw.start();
    }
  }

  /** Confirmed sale orders of this run's POs in the sandbox Odoo; undefined when it does not answer in time. */
  confirmed(timeoutMs) {
    return this.sandbox.rpc('sale.order', 'search_count', [[['client_order_ref', '=like', `${this.prefix}%`], ['state', '=', 'sale']]], {}, timeoutMs).catch(() => undefined);
  }

  /** Waits until the daemon has got somewhere: `acks` 997s written (or `ms` passed). */
  async progress(acks, ms) {
    const until = Date.now() + ms;
    while (Date.now() < until && folderCounts(this.dirs).acks < acks) {
      await this.ensureLife();
      await sleep(200);
    }
  }

  /** Every file dropped, then the daemon left to finish: until the store has settled and in/ is empty. Then SIGTERM. */
  async finish() {
    while (this.dropped < this.files.length) this.dropWave();
    say(`${this.name}: faults done (${this.kills} kills); letting the daemon finish`);
    let lastKey = '';
    let lastChange = Date.now();
    let lastSay = 0;
    for (;;) {
      await this.ensureLife();
      const s = await storeSettled(this.home, this.databaseUrl, this.files.length);
      const c = folderCounts(this.dirs);
      if (s?.settled && c.in === 0) break;
      const key = JSON.stringify([s?.done, s?.in_open, s?.acks_open, c]);
      if (key !== lastKey) { lastKey = key; lastChange = Date.now(); }
      if (Date.now() - lastChange > STALL_MS) {
        this.problems.push(`no progress for ${STALL_MS / 1000} s at the end (${key})`);
        break;
      }
      if (Date.now() - lastSay > 10_000) {
        lastSay = Date.now();
        say(`${this.name}: finishing | in/ ${c.in} archived ${c.archived} 997s ${c.acks} orders ${await this.confirmed(5000) ?? '?'} | store: ${s ? `${s.done} done, ${s.in_open} open, ${s.acks_open} 997s unsent` : 'not reachable'}`);
      }
      this.checkDeadline();
      await sleep(1000);
    }
    // The final SIGTERM goes to a daemon that is up. One spawned a moment ago (after a kill that
    // came as the work finished) has not run a line of JavaScript yet, so nothing of ours could
    // catch the signal and Node's default ends it: that is not the graceful stop under test.
    let life = await this.ensureLife();
    while (!(await this.gw.waitStarted(life))) life = await this.ensureLife();
    const r = await this.gw.stop(life);
    if (r.code !== 0) this.problems.push(`the final daemon (life ${life.n}) ended with ${r.signal ?? `exit ${r.code}`} on SIGTERM, not exit 0`);
    say(`${this.name}: daemon stopped (life ${life.n}, ${r.signal ?? `exit ${r.code}`}); checking`);
  }

  async check() {
    const { openStore } = require(path.join(ROOT, 'dist', 'store', 'store'));
    const { createLogger } = require(path.join(ROOT, 'dist', 'log', 'logger'));
    const store = await openStore({ home: this.home, databaseUrl: this.databaseUrl, role: 'cli', migrate: 'if-owner', log: createLogger({ level: 'silent', destination: 2 }) });
    try {
      const r = await checkPromises({ files: this.files, dirs: this.dirs, store, sandbox: this.sandbox, prefix: this.prefix });
      this.problems.push(...r.problems);
      return r.figures;
    } finally {
      await store.close();
    }
  }

  /** How long the lives that got there took from spawn to "gateway started": median and slowest, in seconds. */
  startups() {
    const t = (this.gw?.history ?? []).filter((l) => l.startedAt).map((l) => (l.startedAt - l.spawnedAt) / 1000).sort((a, b) => a - b);
    if (!t.length) return {};
    return { startup_median_s: +t[Math.floor(t.length / 2)].toFixed(1), startup_max_s: +t[t.length - 1].toFixed(1), starts_over_20s: t.filter((x) => x > 20).length };
  }

  summary(figures, started, error) {
    if (error) this.problems.push(`error: ${error.message.split('\n')[0]}`);
    const unplanned = this.gw?.unplannedExits ?? [];
    const ok = !error && this.problems.length === 0;
    return {
      faults: this.name, store: this.store, ...(this.transport !== 'folder' ? { transport: this.transport } : {}), files: this.files?.length ?? this.size.files, kills: this.kills,
      kills_in_startup: this.killsInStartup, kills_busy: this.killsBusy,
      ...(this.outages.length ? { odoo_outages: this.outages } : {}),
      ...(this.pgEvents.length ? { pg_restarts: this.pgEvents } : {}),
      lives: this.gw?.lives ?? 0, daemon_exits: unplanned.length, ...this.startups(),
      stored: figures?.stored, duplicates: figures?.duplicates, duplicate_receipts: figures?.duplicate_receipts,
      orders: figures?.orders, orders_doubled: figures?.orders_doubled, acks: figures?.acks, acks_doubled: figures?.acks_doubled,
      left_in_folder: figures?.left_in_folder, not_done: figures?.not_done, x855: figures?.x855, tmp_left_in_out: figures?.tmp_left_in_out,
      ok, seconds: Math.round((Date.now() - started) / 1000),
      ...(this.problems.length ? { problems: this.problems } : {}),
      ...(this.keep ? { kept: this.root } : {}),
    };
  }
}

const sleepUntil = (t) => sleep(Math.max(0, t - Date.now()));
const between = (random, [lo, hi]) => lo + random() * (hi - lo);

/** Kills only: the daemon killed at random moments while files arrive in waves. */
async function killScenario(s) {
  const { kills, waves } = s.size;
  s.gw.start();
  s.dropWave();
  for (let w = 1; w < waves; w++) {
    await s.killSome(Math.round((kills * w) / waves) - s.kills);
    s.dropWave();
  }
  await s.killSome(kills - s.kills);
}

/**
 * The sandbox Odoo frozen (SIGSTOP: connections accepted, never answered, calls time out) and
 * then crashed (SIGKILL) and restarted on the same port with its data, each for outageSeconds; the
 * gateway killed during both (so it also starts while Odoo is away) and a few times after.
 */
async function odooDownScenario(s) {
  const { kills, outageSeconds } = s.size;
  const share = Math.max(1, Math.floor(kills / 4));
  s.gw.start();
  s.dropWave();
  await s.gw.waitStarted();
  await s.progress(Math.ceil(s.size.files / s.size.waves / 5), 30_000);

  const frozen = between(s.random, outageSeconds) * 1000;
  const t1 = Date.now();
  s.sandbox.pause();
  say(`${s.name}: sandbox Odoo frozen (SIGSTOP) for ${(frozen / 1000).toFixed(0)} s`);
  await s.killSome(share, t1 + frozen);
  s.dropWave();
  await sleepUntil(t1 + frozen);
  s.sandbox.resume();
  s.outages.push({ how: 'SIGSTOP', seconds: Math.round((Date.now() - t1) / 1000) });
  say(`${s.name}: sandbox Odoo resumed after ${s.outages.at(-1).seconds} s`);
  await s.killSome(share);

  const down = between(s.random, outageSeconds) * 1000;
  const before = await s.sandbox.rpc('sale.order', 'search_count', [[]]).catch(() => undefined);
  const t2 = Date.now();
  await s.sandbox.kill();
  say(`${s.name}: sandbox Odoo killed (SIGKILL) with ${before} sale orders; restarting it in ${(down / 1000).toFixed(0)} s on the same port`);
  await s.killSome(share, t2 + down);
  s.dropWave();
  await sleepUntil(t2 + down);
  await s.sandbox.start();
  s.outages.push({ how: 'SIGKILL+restart', seconds: Math.round((Date.now() - t2) / 1000) });
  const after = await s.sandbox.rpc('sale.order', 'search_count', [[]]);
  say(`${s.name}: sandbox Odoo back after ${s.outages.at(-1).seconds} s with ${after} sale orders`);
  if (before !== undefined && after < before) s.problems.push(`the sandbox Odoo came back with ${after} sale orders, fewer than the ${before} it had`);
  await s.killSome(kills - s.kills);
}

/**
 * PostgreSQL (the store and the queue) restarted under the working daemon (pg_ctl restart, each
 * mode of pgRestarts), then stopped with -m immediate (a crash) for pgDownSeconds with the
 * gateway killed and restarted meanwhile (so it starts without its database), plus gateway kills
 * between.
 */
async function pgRestartScenario(s) {
  const { kills, pgRestarts, pgDownSeconds } = s.size;
  const share = Math.max(1, Math.floor(kills / (pgRestarts.length + 2)));
  s.gw.start();
  s.dropWave();
  await s.gw.waitStarted();
  await s.progress(Math.ceil(s.size.files / s.size.waves / 5), 30_000);
  for (const mode of pgRestarts) {
    const t = Date.now();
    say(`${s.name}: pg_ctl restart -m ${mode} (daemon life ${s.gw.current.n} working)`);
    await s.cluster.restart(mode);
    s.pgEvents.push({ how: `restart -m ${mode}`, seconds: Math.round((Date.now() - t) / 100) / 10 });
    s.dropWave();
    await s.killSome(share);
  }
  const down = between(s.random, pgDownSeconds) * 1000;
  const t = Date.now();
  await s.cluster.down('immediate');
  say(`${s.name}: PostgreSQL stopped (-m immediate) for ${(down / 1000).toFixed(0)} s`);
  await sleep(Math.min(down / 2, 2000));
  // The daemon dies while its database is away, and its restart finds none.
  const life = await s.ensureLife();
  await s.gw.kill(life);
  s.kills++;
  say(`${s.name}: kill ${s.kills} (life ${life.n}, while PostgreSQL is down); restarting it`);
  s.gw.start();
  await sleepUntil(t + down);
  await s.cluster.up();
  s.pgEvents.push({ how: 'stop -m immediate, start', seconds: Math.round((Date.now() - t) / 100) / 10 });
  say(`${s.name}: PostgreSQL started again after ${s.pgEvents.at(-1).seconds} s`);
  s.dropWave();
  await s.killSome(kills - s.kills);
}

const SCENARIOS = { kill: killScenario, 'odoo-down': odooDownScenario, 'pg-restart': pgRestartScenario };

async function runScenario(name, args, seed, index) {
  const size = { ...SIZES[process.env.FAULTS_SIZE === 'full' ? 'full' : 'small'][name] };
  if (args.files) size.files = args.files;
  if (args.kills) size.kills = args.kills;
  const store = name === 'pg-restart' ? 'postgres' : args.store;
  const random = seeded(seed + index);
  // PO numbers and control numbers of their own per scenario (they also run on fresh stores and sandboxes).
  const s = new Scenario(name, { store, transport: args.transport, size, random, keep: args.keep, prefix: `FLT${name[0].toUpperCase()}`, base: 100_000 * (index + 1) });
  const started = Date.now();
  const m = mark();
  let figures;
  let error;
  say(`${name}: ${size.files} files, ${size.kills} kills, store ${store}, transport ${args.transport}${name === 'kill' ? '' : `, ${name === 'odoo-down' ? `Odoo outages ${size.outageSeconds.join('-')} s` : `PostgreSQL restarts ${size.pgRestarts.join(', ')} and a ${size.pgDownSeconds.join('-')} s stop`}`}`);
  try {
    await s.setup(process.env.FAULTS_DATABASE_URL || process.env.TEST_DATABASE_URL);
    await SCENARIOS[name](s);
    await s.finish();
    figures = await s.check();
  } catch (err) {
    error = err;
    say(`${name}: ${err.stack}`);
  }
  const summary = s.summary(figures, started, error);
  if (!summary.ok) {
    for (const p of summary.problems) say(`${name}: BROKEN: ${p}`);
    if (s.gw?.current) say(`${name}: the last daemon life's log:\n${tail(s.gw.current.logFile, 30)}`);
    for (const u of s.gw?.unplannedExits ?? []) say(`${name}: life ${u.life} ended on its own (${u.signal ?? `exit ${u.code}`}):\n${u.log}`);
  }
  await s.sandbox?.stop().catch(() => undefined);
  await cleanupTo(m);
  return summary;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n') + '\n');
    return 0;
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'odoo', 'sandbox', 'sandbox-child.js'))) {
    process.stderr.write('faults: dist/ is missing: run `npm run build` first\n');
    return 2;
  }
  installHandlers();
  const seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
  const names = args.scenario === 'all' ? Object.keys(SCENARIOS) : [args.scenario];
  say(`seed ${seed} (--seed ${seed} repeats the random choices), size ${process.env.FAULTS_SIZE === 'full' ? 'full' : 'small'}, scenarios ${names.join(', ')}`);
  let ok = true;
  for (const [i, name] of names.entries()) {
    const summary = await runScenario(name, args, seed, i);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    ok &&= summary.ok;
  }
  await cleanup();
  return ok ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  process.stderr.write(`faults: ${err.stack ?? err}\n`);
  cleanup().finally(() => process.exit(1));
});
