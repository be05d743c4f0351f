import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GatewayConfigSchema, type GatewayConfig } from '../src/config/gateway.config';
import { openRuntime, type Runtime } from '../src/daemon/runtime';
import type { Knex } from 'knex';
import { createLogger } from '../src/log/logger';
import { insertInbound, recordStage } from '../src/store/messages.repo';
import { createScratchDatabase } from '../src/store/scratch-database';
import type { StoreRole } from '../src/store/embedded-pglite';

export const REPO = path.resolve(__dirname, '..');
export const PROFILES = path.join(REPO, 'partner-profiles');

/**
 * The store backends a test runs on: always the embedded PGlite; PostgreSQL too when
 * TEST_DATABASE_URL names a server (.ci/run starts one).
 */
export type BackendName = 'pglite' | 'postgres';
export const BACKENDS: BackendName[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export const silentLog = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', destination: 2 });

/** A new temporary folder, under the run's own (global-setup.js), which goes when the run ends. */
export function tempDir(prefix = 'edi-gw-'): string {
  return fs.mkdtempSync(path.join(process.env.EDI_GATEWAY_TEST_TMP ?? os.tmpdir(), prefix));
}

/** A fresh, empty PostgreSQL database on the test server; its URL. */
export function freshDatabase(): Promise<string> {
  return createScratchDatabase(process.env.TEST_DATABASE_URL!, 'edi_test');
}

export async function testConfig(backend: BackendName, overrides: Record<string, any> = {}): Promise<GatewayConfig> {
  return GatewayConfigSchema.parse({
    home: tempDir(),
    profilesDir: PROFILES,
    databaseUrl: backend === 'postgres' ? await freshDatabase() : undefined,
    ...overrides,
    // Tests that want Odoo start the sandbox and say so; the others stop at canonical documents.
    odoo: { enabled: false, ...overrides.odoo },
    queue: { pollIntervalMs: 200, retryDelaySeconds: 0, retryLimit: 2, ...overrides.queue },
    folder: { pollSeconds: 0.2, stableSeconds: 0, ...overrides.folder },
    http: { port: 0, ...overrides.http },
  });
}

export async function testRuntime(backend: BackendName, overrides: Record<string, any> = {}, role: StoreRole = 'daemon'): Promise<Runtime> {
  return openRuntime(await testConfig(backend, overrides), silentLog, { role, needsPartners: true });
}

/** Waits until check() returns a truthy value, or fails the test after timeoutMs. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A small, valid X12 004010 850 interchange from the given ISA sender. */
export function x12Interchange(sender = 'ACMERETAIL', control = '000000417', po = 'PO1'): Buffer {
  const isa = `ISA*00*          *00*          *ZZ*${sender.padEnd(15)}*ZZ*ODOODIST       *261127*1200*U*00401*${control}*0*P*>~`;
  const set = ['ST*850*0001', `BEG*00*SA*${po}**20261127`, 'PO1*1*10*EA*9.99**UP*012345678905', 'CTT*1', 'SE*5*0001'];
  const body = `GS*PO*${sender}*ODOODIST*20261127*1200*417*X*004010~${set.join('~')}~GE*1*417~IEA*1*${control}~\n`;
  return Buffer.from(isa + body, 'latin1');
}

/**
 * A big file part way through translation, as src/pipeline/progress.ts leaves it: stored with no
 * job (no worker picks it up), its run started, a first run's report before a retry, then the
 * current run's `12000 of 87968 sets translated`. Returns its id and when the current run started.
 */
export async function bigFileInProgress(knex: Knex, partnerId: string, control = '000008001'): Promise<{ messageId: number; since: Date }> {
  const content = x12Interchange(partnerId.toUpperCase().replace(/-/g, '').slice(0, 15), control, `BIG-${control}`);
  const stored = await knex.transaction((trx) => insertInbound(trx, { direction: 'in', transport: 'test', partnerId, filename: `big-${control}.edi`, content,
    sha256: crypto.createHash('sha256').update(content).digest('hex') }));
  const { messageId } = stored;
  const report = (done: number, total: number) => recordStage(knex, messageId, { stage: 'translate', outcome: 'info', detail: `${done} of ${total} sets translated`, data: { done, total } });
  await recordStage(knex, messageId, { stage: 'process', outcome: 'info', status: 'processing', countAttempt: true });
  await report(500, 1000);
  await recordStage(knex, messageId, { stage: 'odoo', outcome: 'retrying', status: 'retrying', code: 'ODOO_UNAVAILABLE', detail: 'down' });
  await recordStage(knex, messageId, { stage: 'process', outcome: 'info', status: 'processing', countAttempt: true, detail: 'attempt 2' });
  const [{ at }] = await knex('message_events').where({ message_id: messageId }).orderBy('id', 'desc').limit(1).select('at');
  await report(12000, 87968);
  return { messageId, since: new Date(at) };
}
