import pino from 'pino';
import type { Logger } from '../../log/logger';
import { callMethod, DB_NAME, type Core } from './dispatch';
import { FaultState, type FailKind, type SandboxFaults } from './faults';
import { createRegistry } from './models';
import { seedSandbox } from './seed';
import { SandboxServer, type CallRecord } from './server';
import { Store } from './store';

export type { FailKind, SandboxFaults } from './faults';
export type { CallRecord } from './server';
export * as sandboxSeed from './seed-data';

export interface SandboxOdooOptions {
  /** 0 = a free random port. Default 18069 (CONTRACTS.md SANDBOX_ODOO_PORT). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where the data file lives (the CLI uses $EDI_GATEWAY_HOME/sandbox-odoo); in memory when omitted. */
  dataDir?: string;
  /** Which Odoo to be: 17 and 18 speak JSON-RPC only (default 18); 19 also answers JSON-2. */
  version?: 17 | 18 | 19;
  /** Seed a fresh database with the example partners' customers and products (default true). */
  seed?: boolean;
  log?: Logger;
}

export interface SandboxOdoo {
  url: string;
  db: 'sandbox';
  user: 'admin';
  apiKey: 'admin';
  port: number;
  version: 17 | 18 | 19;
  close(): Promise<void>;
  /** For tests: make the server down, slow, or fail the next calls (see faults.ts). */
  faults: SandboxFaults;
  /** For tests: pin the clock (write_date, create_date, date_done ...) or let it run again (null). */
  setNow(at: Date | string | null): void;
  /** For tests: the calls served so far, oldest first (at most the last 10000). */
  calls(): readonly CallRecord[];
  /** For tests and seeding: call a model method in-process as admin (or `uid`), as execute_kw would. */
  execute(model: string, method: string, args?: unknown[], kwargs?: Record<string, unknown>, uid?: number): unknown;
}

/** Starts the sandbox Odoo. Resolves once it listens. */
export async function startSandboxOdoo(opts: SandboxOdooOptions = {}): Promise<SandboxOdoo> {
  const log = opts.log ?? pino({ level: 'silent' });
  const host = opts.host ?? '127.0.0.1';
  const version = opts.version ?? 18;
  let pinned: Date | undefined;
  const core: Core = { store: new Store(opts.dataDir), registry: createRegistry(), version, now: () => pinned ?? new Date() };
  if (opts.seed !== false) seedSandbox(core);

  const faultState = new FaultState();
  const server = new SandboxServer(core, faultState, log, host);
  const port = await server.listen(opts.port ?? 18069);
  let comeBack: NodeJS.Timeout | undefined;
  let closed = false;

  const up = async () => {
    if (comeBack) clearTimeout(comeBack);
    comeBack = undefined;
    faultState.mode503 = false;
    if (!closed && !server.listening) await server.listen(port);
  };
  const faults: SandboxFaults = {
    async down(ms?: number, mode: 'refuse' | '503' = 'refuse') {
      if (comeBack) clearTimeout(comeBack);
      if (mode === '503') faultState.mode503 = true;
      else await server.close();
      log.info({ ms, mode }, 'sandbox odoo: down');
      if (ms !== undefined) {
        comeBack = setTimeout(() => { void up().then(() => log.info('sandbox odoo: back up'), (err) => log.error({ err }, 'sandbox odoo: could not come back')); }, ms);
        comeBack.unref();
      }
    },
    up,
    delay(ms: number, count = Number.MAX_SAFE_INTEGER) {
      faultState.delayMs = ms;
      faultState.delayCount = ms > 0 ? count : 0;
    },
    failNext(n: number, kind: FailKind) {
      for (let i = 0; i < n; i++) faultState.failQueue.push(kind);
    },
    slowTransactions(seconds: number, calls = 1) {
      core.slow = { seconds, calls };
    },
    async reset() {
      faultState.clear();
      core.slow = undefined;
      await up();
    },
    get isDown() {
      return faultState.mode503 || !server.listening;
    },
  };

  log.info({ url: `http://${host}:${port}`, db: DB_NAME, version, dataFile: core.store.file ?? 'memory' }, 'sandbox odoo listening');
  return {
    url: `http://${host}:${port}`,
    db: DB_NAME,
    user: 'admin',
    apiKey: 'admin',
    port,
    version,
    async close() {
      closed = true;
      if (comeBack) clearTimeout(comeBack);
      await server.close();
      // The journal goes into a new snapshot: the data dir holds just sandbox-odoo.json again.
      core.store.close();
    },
    faults,
    setNow(at) {
      pinned = at === null ? undefined : at instanceof Date ? at : new Date(at.includes('T') || at.endsWith('Z') ? at : `${at.replace(' ', 'T')}Z`);
    },
    calls: () => server.calls,
    execute: (model, method, args = [], kwargs = {}, uid = 2) => callMethod(core, uid, model, method, args, kwargs),
  };
}
