import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../log/logger';
import { PGliteServer } from './pglite-server';

/**
 * The embedded store: PGlite (PostgreSQL in WASM) under $EDI_GATEWAY_HOME/store.
 *
 * PGlite is one in-process database that only its opening process may touch. The process that
 * opens it (the owner) serves it on a Unix socket (PGliteServer), and every user of the store,
 * the owner included, connects with the ordinary `pg` driver. So the store and queue code is the
 * same on PGlite and PostgreSQL, and a CLI command run while the daemon is up attaches to the
 * daemon's socket instead of opening the files a second time.
 */
export type StoreRole = 'daemon' | 'cli';

interface OwnerRecord {
  pid: number;
  role: StoreRole;
  socketDir: string;
  startedAt: string;
}

export interface EmbeddedDatabase {
  connection: pg.ClientConfig;
  owner: boolean;
  close(): Promise<void>;
}

const PORT = 5432; // pg's socket file name is .s.PGSQL.<port>
const SOCKET_PATH_MAX = 100; // sun_path is 108 bytes on Linux

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function socketDirFor(storeDir: string): string {
  const local = path.join(storeDir, 'socket');
  if (path.join(local, `.s.PGSQL.${PORT}`).length <= SOCKET_PATH_MAX) return local;
  // A deep $EDI_GATEWAY_HOME would overflow sun_path: use a private folder named after it.
  const hash = crypto.createHash('sha256').update(storeDir).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `edi-gateway-${hash}`);
}

function readOwner(lockFile: string): OwnerRecord | 'starting' | undefined {
  let text: string;
  try {
    text = fs.readFileSync(lockFile, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as OwnerRecord;
  } catch {
    return 'starting'; // created but not yet written; the owner is opening the database
  }
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function connectionFor(socketDir: string): pg.ClientConfig {
  return { host: socketDir, port: PORT, user: 'postgres', database: 'postgres' };
}

export interface OpenEmbeddedOptions {
  role: StoreRole;
  log: Logger;
  /** How long to wait for another process that holds the store; a CLI command is seconds. */
  waitMs?: number;
}

export async function openEmbeddedDatabase(home: string, options: OpenEmbeddedOptions): Promise<EmbeddedDatabase> {
  const storeDir = path.join(home, 'store');
  const dataDir = path.join(storeDir, 'pgdata');
  const lockFile = path.join(storeDir, 'owner.json');
  fs.mkdirSync(storeDir, { recursive: true, mode: 0o700 });
  const deadline = Date.now() + (options.waitMs ?? 60_000);

  for (;;) {
    const owner = readOwner(lockFile);
    if (owner && owner !== 'starting' && !isAlive(owner.pid)) {
      options.log.warn({ pid: owner.pid }, 'embedded store: removing the lock of a process that is gone');
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (owner === 'starting') {
      const stat = fs.statSync(lockFile, { throwIfNoEntry: false });
      if (stat && Date.now() - stat.mtimeMs > 30_000) fs.rmSync(lockFile, { force: true }); // its writer died mid-way
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
      const opened = await tryBecomeOwner(lockFile, dataDir, socketDirFor(storeDir), options);
      if (opened) return opened;
    }
    if (Date.now() > deadline) {
      throw new GatewayError('STORE_BUSY', `${storeDir}: the embedded store is held by another process; try again`);
    }
    await sleep(100 + Math.random() * 150);
  }
}

async function tryBecomeOwner(
  lockFile: string, dataDir: string, socketDir: string, options: OpenEmbeddedOptions,
): Promise<EmbeddedDatabase | undefined> {
  let fd: number;
  try {
    fd = fs.openSync(lockFile, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  }
  let db: PGlite | undefined;
  try {
    fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
    const socketPath = path.join(socketDir, `.s.PGSQL.${PORT}`);
    fs.rmSync(socketPath, { force: true }); // left by an owner that was killed
    db = await PGlite.create(dataDir);
    const server = new PGliteServer(db);
    await server.listen(socketPath);
    fs.chmodSync(socketPath, 0o600);
    const record: OwnerRecord = { pid: process.pid, role: options.role, socketDir, startedAt: new Date().toISOString() };
    fs.writeSync(fd, JSON.stringify(record));
    fs.closeSync(fd);
    options.log.debug({ dataDir, socketPath }, 'embedded store opened');

    const opened = db;
    let closed = false;
    return {
      connection: connectionFor(socketDir),
      owner: true,
      close: async () => {
        if (closed) return;
        closed = true;
        // Other processes may be attached: let them finish before the database goes away.
        const until = Date.now() + 30_000;
        while (server.connections > 0 && Date.now() < until) await sleep(50);
        await server.close();
        await opened.close();
        fs.rmSync(lockFile, { force: true });
        fs.rmSync(socketPath, { force: true });
      },
    };
  } catch (err) {
    try { fs.closeSync(fd); } catch { /* already closed */ }
    fs.rmSync(lockFile, { force: true });
    await db?.close().catch(() => undefined);
    throw new GatewayError('STORE_UNAVAILABLE', `${dataDir}: cannot open the embedded store: ${(err as Error).message}`,
      undefined, { cause: err });
  }
}
