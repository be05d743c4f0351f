import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * PGlite's PostgreSQL settings for the embedded store. Its default shared_buffers (128 MB) is
 * allocated inside the WebAssembly heap, which never shrinks; the store's files are read through
 * the operating system's page cache anyway, so 16 MB of buffers costs little speed and keeps the
 * daemon's resident size near 250 MB instead of 370 (measured: issue 13 note).
 */
export const EMBEDDED_START_PARAMS: string[] = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * Creates the embedded store's data directory in a child process, when it does not exist yet.
 *
 * Why a child: PGlite runs initdb as a second WebAssembly module with its own heap, and the
 * process that created a store keeps both heaps (about 800 MB resident, against 250 MB for one
 * that opens an existing store); a process's WebAssembly memory is never given back. The child
 * builds the directory beside the real one and it is renamed into place, so a crash half-way
 * leaves no half-made store for the next start to trust.
 */
export async function ensureDataDir(dataDir: string): Promise<void> {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  const building = `${dataDir}.init-${process.pid}`;
  fs.rmSync(building, { recursive: true, force: true });
  const entry = require.resolve('@electric-sql/pglite');
  const script = `require(${JSON.stringify(entry)}).PGlite.create(process.argv[1])`
    + '.then((db) => db.close()).then(() => process.exit(0), (err) => { console.error(err && err.message || err); process.exit(1); })';
  const stderr: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, building], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0 || !fs.existsSync(path.join(building, 'PG_VERSION'))) {
    fs.rmSync(building, { recursive: true, force: true });
    throw new Error(`the embedded store could not be created in ${dataDir}: ${Buffer.concat(stderr).toString().trim() || `exit ${code}`}`);
  }
  // A directory left by an earlier start that died before this rename holds no PG_VERSION: replace it.
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.renameSync(building, dataDir);
}
