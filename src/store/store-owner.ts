import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';

/**
 * Where the embedded store lives under $EDI_GATEWAY_HOME, and who holds it (the owner record).
 * Only node built-ins here: the read-only CLI commands ask "is there a store, and does anyone
 * hold it?" without loading PGlite or the pg driver (src/cli/history-source.ts).
 */
export type StoreRole = 'daemon' | 'cli';

export interface OwnerRecord {
  pid: number;
  role: StoreRole;
  socketDir: string;
  startedAt: string;
}

export interface StorePaths {
  storeDir: string;
  /** PGlite's files; absent until the store is first opened. */
  dataDir: string;
  /** The owner record (owner.json): created exclusively by the process that opens PGlite. */
  lockFile: string;
}

export const PORT = 5432; // pg's socket file name is .s.PGSQL.<port>
const SOCKET_PATH_MAX = 100; // sun_path is 108 bytes on Linux

export function storePaths(home: string): StorePaths {
  const storeDir = path.join(home, 'store');
  return { storeDir, dataDir: path.join(storeDir, 'pgdata'), lockFile: path.join(storeDir, 'owner.json') };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function socketDirFor(storeDir: string): string {
  const local = path.join(storeDir, 'socket');
  if (path.join(local, `.s.PGSQL.${PORT}`).length <= SOCKET_PATH_MAX) return local;
  // A deep $EDI_GATEWAY_HOME would overflow sun_path: use a private folder named after it.
  const hash = crypto.createHash('sha256').update(storeDir).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `edi-gateway-${hash}`);
}

/** The owner record; 'starting' while its writer is still opening the database; undefined when none. */
export function readOwner(lockFile: string): OwnerRecord | 'starting' | undefined {
  const r = readLock(lockFile);
  return r && 'starting' in r ? 'starting' : r;
}

/**
 * The pid of the process opening the store, when the lock says who it is (it does from its first
 * byte: a kill before the database opened leaves a lock the next start can clear at once).
 */
export function startingPid(lockFile: string): number | undefined {
  const r = readLock(lockFile);
  return r && 'starting' in r ? r.pid : undefined;
}

/** What a process opening the store writes into the lock it just created. */
export function startingRecord(): string {
  return JSON.stringify({ starting: true, pid: process.pid });
}

function readLock(lockFile: string): OwnerRecord | { starting: true; pid?: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(lockFile, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = JSON.parse(text) as OwnerRecord | { starting: true; pid?: number };
    return r && typeof r === 'object' ? r : { starting: true };
  } catch {
    return { starting: true }; // created and not yet written (a lock of an older version)
  }
}

export function connectionFor(socketDir: string): pg.ClientConfig {
  return { host: socketDir, port: PORT, user: 'postgres', database: 'postgres' };
}
