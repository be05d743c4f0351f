import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { collectHistory } from './history-snapshot';
import { PGliteServer } from './pglite-server';

/**
 * The embedded store's database, on a thread of its own (embedded-pglite.ts starts it): PGlite
 * and the socket server that serves it. PostgreSQL's work (WebAssembly) runs beside the gateway's
 * JavaScript instead of taking turns with it on the main thread.
 *
 * Messages from the owner: { type: 'close', historyWindowDays } -> { type: 'closed', collected }.
 * To it: { type: 'ready' } once serving, { type: 'failed', message } if it could not open.
 */
export interface PGliteWorkerData {
  dataDir: string;
  socketPath: string;
  startParams: string[];
}

export type FromPGliteWorker =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'closed'; collected: Awaited<ReturnType<typeof collectHistory>> };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(port: NonNullable<typeof parentPort>, data: PGliteWorkerData): Promise<void> {
  let db: PGlite | undefined;
  try {
    db = await PGlite.create(data.dataDir, { startParams: data.startParams });
    const server = new PGliteServer(db);
    await server.listen(data.socketPath);
    const opened = db;
    port.on('message', async (m: { type: 'close'; historyWindowDays: number }) => {
      if (m.type !== 'close') return;
      // Other processes may be attached: let them finish before the database goes away.
      const until = Date.now() + 30_000;
      while (server.connections > 0 && Date.now() < until) await sleep(50);
      await server.close();
      // Nobody else can write now: the history the read-only CLI commands need (history-snapshot.ts).
      const collected = await collectHistory((text, params) => opened.query(text, params), m.historyWindowDays)
        .catch((err: Error) => ({ reason: err.message }));
      await opened.close();
      port.postMessage({ type: 'closed', collected } satisfies FromPGliteWorker);
      port.close();
    });
    port.postMessage({ type: 'ready' } satisfies FromPGliteWorker);
  } catch (err) {
    await db?.close().catch(() => undefined);
    port.postMessage({ type: 'failed', message: (err as Error).message } satisfies FromPGliteWorker);
    port.close();
  }
}

if (parentPort) void main(parentPort, workerData as PGliteWorkerData);
