import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Worker } from 'node:worker_threads';
import { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../log/logger';
import { invalidateHistorySnapshot, storeFingerprint, writeHistorySnapshot } from './history-snapshot';
import type { FromPGliteWorker, PGliteWorkerData } from './pglite-worker';
import { EMBEDDED_START_PARAMS, ensureDataDir } from './pglite-init';
import { PORT, connectionFor, isAlive, readOwner, socketDirFor, startingPid, startingRecord, storePaths, type OwnerRecord, type StoreRole } from './store-owner';

/**
 * The embedded store: PGlite (PostgreSQL in WASM) under $EDI_GATEWAY_HOME/store.
 *
 * PGlite is one in-process database that only its opening process may touch. The process that
 * opens it (the owner) serves it on a Unix socket (PGliteServer), and every user of the store,
 * the owner included, connects with the ordinary `pg` driver. So the store and queue code is the
 * same on PGlite and PostgreSQL, and a CLI command run while the daemon is up attaches to the
 * daemon's socket instead of opening the files a second time.
 */
export type { StoreRole } from './store-owner';

export interface EmbeddedDatabase {
  connection: pg.ClientConfig;
  owner: boolean;
  close(): Promise<void>;
}

async function canConnect(connection: pg.ClientConfig): Promise<boolean> {
  const client = new pg.Client({ ...connection, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Locks this process created and still holds. */
const HELD = new Set<string>();

/**
 * Whether the process a lock names still holds it. Our own pid in a lock this process did not
 * create is a leftover of an earlier life with the same pid (a container restarted: pid 1 again).
 */
const stillHeld = (pid: number, lockFile: string) => (pid === process.pid ? HELD.has(lockFile) : isAlive(pid));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface OpenEmbeddedOptions {
  role: StoreRole;
  log: Logger;
  /** How long to wait for another process that holds the store; a CLI command is seconds. */
  waitMs?: number;
  /**
   * How many days of interchanges the history snapshot left at a clean close must cover (the
   * longest duplicate window of the profiles the owner knows; asked at close). Default 365.
   */
  historyWindowDays?: () => number;
}

export async function openEmbeddedDatabase(home: string, options: OpenEmbeddedOptions): Promise<EmbeddedDatabase> {
  const { storeDir, dataDir, lockFile } = storePaths(home);
  fs.mkdirSync(storeDir, { recursive: true, mode: 0o700 });
  const deadline = Date.now() + (options.waitMs ?? 60_000);

  for (;;) {
    const owner = readOwner(lockFile);
    if (owner && owner !== 'starting' && !stillHeld(owner.pid, lockFile)) {
      options.log.warn({ pid: owner.pid }, 'embedded store: removing the lock of a process that is gone');
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (owner === 'starting') {
      const pid = startingPid(lockFile);
      const stat = fs.statSync(lockFile, { throwIfNoEntry: false });
      // Its writer died while opening the database: at once when the lock names it, else after 30 s.
      if ((pid !== undefined && !stillHeld(pid, lockFile)) || (stat && Date.now() - stat.mtimeMs > 30_000)) {
        options.log.warn({ pid }, 'embedded store: removing the lock of a process that died while opening the store');
        fs.rmSync(lockFile, { force: true });
        continue;
      }
    } else if (owner) {
      if (options.role === 'daemon' && owner.role === 'daemon') {
        throw new GatewayError('STORE_BUSY',
          `${storeDir}: a gateway daemon (pid ${owner.pid}) already runs on this EDI_GATEWAY_HOME`);
      }
      // A CLI command attaches to whoever owns the store. The daemon waits for a CLI owner to finish,
      // because a CLI owner goes away and would take the database with it.
      if (options.role === 'cli') {
        const connection = connectionFor(owner.socketDir);
        if (await canConnect(connection)) {
          return { connection, owner: false, close: async () => undefined };
        }
      }
    } else {
      const opened = await tryBecomeOwner(storeDir, lockFile, dataDir, socketDirFor(storeDir), options);
      if (opened) return opened;
    }
    if (Date.now() > deadline) {
      throw new GatewayError('STORE_BUSY', `${storeDir}: the embedded store is held by another process; try again`);
    }
    await sleep(100 + Math.random() * 150);
  }
}

async function tryBecomeOwner(
  storeDir: string, lockFile: string, dataDir: string, socketDir: string, options: OpenEmbeddedOptions,
): Promise<EmbeddedDatabase | undefined> {
  let fd: number;
  try {
    fd = fs.openSync(lockFile, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  }
  HELD.add(lockFile);
  fs.writeSync(fd, startingRecord());
  let worker: Worker | undefined;
  try {
    // From here on the store may change: a history snapshot of an earlier owner no longer holds
    // (history-snapshot.ts). Removed before PGlite starts, so a crash cannot leave it in place.
    invalidateHistorySnapshot(storeDir);
    fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
    const socketPath = path.join(socketDir, `.s.PGSQL.${PORT}`);
    fs.rmSync(socketPath, { force: true }); // left by an owner that was killed
    await ensureDataDir(dataDir);
    const started = await startWorker({ dataDir, socketPath, startParams: EMBEDDED_START_PARAMS }, options.log);
    worker = started;
    fs.chmodSync(socketPath, 0o600);
    const record: OwnerRecord = { pid: process.pid, role: options.role, socketDir, startedAt: new Date().toISOString() };
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, JSON.stringify(record), 0);
    fs.closeSync(fd);
    options.log.debug({ dataDir, socketPath }, 'embedded store opened');

    let closed = false;
    return {
      connection: connectionFor(socketDir),
      owner: true,
      close: async () => {
        if (closed) return;
        closed = true;
        // The worker waits for attached processes, closes the server and the database, and hands
        // back the history the read-only CLI commands need (history-snapshot.ts). Never fails the close.
        const collected = await askToClose(started, options.historyWindowDays?.() ?? 365).catch((err: Error) => ({ reason: err.message }));
        await started.terminate();
        if ('snapshot' in collected) {
          try {
            writeHistorySnapshot(storeDir, { ...collected.snapshot, store: storeFingerprint(dataDir) });
          } catch (err) {
            options.log.warn({ err }, 'embedded store: could not write the history snapshot');
          }
        } else {
          options.log.info({ reason: collected.reason }, 'embedded store: no history snapshot written');
        }
        fs.rmSync(lockFile, { force: true });
        HELD.delete(lockFile);
        fs.rmSync(socketPath, { force: true });
      },
    };
  } catch (err) {
    try { fs.closeSync(fd); } catch { /* already closed */ }
    fs.rmSync(lockFile, { force: true });
    HELD.delete(lockFile);
    await worker?.terminate().catch(() => undefined);
    throw new GatewayError('STORE_UNAVAILABLE', `${dataDir}: cannot open the embedded store: ${(err as Error).message}`,
      undefined, { cause: err });
  }
}

/**
 * The worker's script: beside this module when it runs compiled; from dist/ when this module runs
 * as TypeScript (the tests: a worker thread does not go through their TypeScript transform, and
 * the tests' global setup builds dist/ first).
 */
function workerScript(): string {
  return __filename.endsWith('.ts')
    ? path.resolve(__dirname, '..', '..', 'dist', 'store', 'pglite-worker.js')
    : path.join(__dirname, 'pglite-worker.js');
}

/** Starts the database's thread and waits until it serves (or says why it cannot). */
function startWorker(data: PGliteWorkerData, log: Logger): Promise<Worker> {
  // A small young generation: the database's memory is WebAssembly's, outside the heap, and its JavaScript only passes
  // messages (the default semi-spaces cost about 25 MB of resident memory). The old generation is left room for big results.
  const worker = new Worker(workerScript(), { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 1024 } });
  return new Promise<Worker>((resolve, reject) => {
    const early = (err: Error) => reject(err);
    const exited = (code: number) => reject(new Error(`the embedded store's thread stopped (exit ${code}) before it served`));
    worker.once('error', early);
    worker.once('exit', exited);
    worker.once('message', (m: FromPGliteWorker) => {
      worker.off('error', early);
      worker.off('exit', exited);
      if (m.type !== 'ready') {
        void worker.terminate();
        reject(new Error(m.type === 'failed' ? m.message : `unexpected message ${m.type}`));
        return;
      }
      // Past this point a failure of the thread is the store going away: connections fail, jobs retry, and it is said loudly.
      worker.on('error', (err) => log.error({ err }, 'embedded store: its thread failed; the store is unavailable'));
      resolve(worker);
    });
  });
}

function askToClose(worker: Worker, historyWindowDays: number): Promise<Extract<FromPGliteWorker, { type: 'closed' }>['collected']> {
  // A thread that died earlier (logged then) would never answer: the close goes on without it.
  if (worker.threadId === -1) return Promise.reject(new Error('the embedded store\'s thread had already stopped'));
  return new Promise((resolve, reject) => {
    const exited = (code: number) => reject(new Error(`the embedded store's thread stopped (exit ${code}) while closing`));
    worker.once('exit', exited);
    worker.on('message', (m: FromPGliteWorker) => {
      if (m.type !== 'closed') return;
      worker.off('exit', exited);
      resolve(m.collected);
    });
    worker.postMessage({ type: 'close', historyWindowDays });
  });
}
