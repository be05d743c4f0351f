import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startSandboxOdoo } from '../../src/odoo/sandbox';
import { exited, killDaemons, startDaemon, workspace } from '../cli-helpers';
import { BACKENDS, eventually, freshDatabase, x12Interchange } from '../helpers';
import { acme850 } from '../odoo-helpers';

/**
 * Recovery after a crash and a bounded stop, with real daemon processes (src/queue/README.md).
 * The contract: the jobs of a killed process run again within 30 s of a restart, or of the kill
 * while another process is up; the daemon is gone within 10 s of SIGTERM while it works.
 * EDI_GATEWAY_FAILPOINT=queue.job-hangs makes every job hang in the handler, so the daemon holds
 * them for as long as the test wants.
 */

type Ws = ReturnType<typeof workspace>;

/** The store a workspace's daemon serves: its embedded store's socket, or the PostgreSQL database. */
function storeOf(ws: Ws): pg.ClientConfig {
  if (ws.env.DATABASE_URL) return { connectionString: ws.env.DATABASE_URL };
  const owner = JSON.parse(fs.readFileSync(path.join(ws.home, 'store', 'owner.json'), 'utf8'));
  return { host: owner.socketDir, port: 5432, user: 'postgres', database: 'postgres' };
}

async function query<T = any>(ws: Ws, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client(storeOf(ws));
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Jobs in hand of the process `pid`, by its leases. Undefined while its store is not up yet. */
async function heldBy(ws: Ws, pid: number, queue = 'inbound-process'): Promise<number | undefined> {
  try {
    // Inbound jobs only: a hung process may also take the 997s the live one queues, which are not the orders counted here.
    const [r] = await query(ws, 'SELECT count(*)::int AS n FROM queue_leases l JOIN queue_workers w ON w.id = l.worker_id WHERE w.pid = $1 AND l.queue = $2', [pid, queue]);
    return r.n;
  } catch {
    return undefined;
  }
}

/**
 * Once all `count` messages are stored and `pid` holds some of them. (A worker fetches its next
 * batch only when the last one is settled, so a hung batch is all it holds.)
 */
async function holding(ws: Ws, pid: number, count: number): Promise<number | undefined> {
  const held = await heldBy(ws, pid);
  if (!held) return undefined;
  const stored = Object.values(await inbound(ws).catch(() => ({}))).reduce((a, b) => a + b, 0);
  return stored === count ? held : undefined;
}

/** Inbound messages by status. */
async function inbound(ws: Ws): Promise<Record<string, number>> {
  const rows = await query(ws, `SELECT s.status, count(*)::int AS n FROM messages m JOIN message_state s ON s.message_id = m.id
                                WHERE m.direction = 'in' GROUP BY s.status`);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

function dropOrders(ws: Ws, count: number, make: (i: number) => Buffer): string[] {
  const inDir = path.join(ws.home, 'partners', 'acme-retail', 'in');
  fs.mkdirSync(inDir, { recursive: true });
  return Array.from({ length: count }, (_, i) => {
    const name = `po-${String(i).padStart(2, '0')}.edi`;
    fs.writeFileSync(path.join(inDir, name), make(i));
    return name;
  });
}

const order = (i: number) => x12Interchange('ACMERETAIL', String(800 + i).padStart(9, '0'), `PO${i}`);
const HANG = { EDI_GATEWAY_FAILPOINT: 'queue.job-hangs' };

describe('recovery', () => {
  afterAll(killDaemons);

  it('runs the jobs of a daemon killed with SIGKILL within 30 s of its restart (embedded store)', async () => {
    const ws = workspace();
    dropOrders(ws, 5, order);
    const hung = startDaemon(ws, HANG);
    await eventually(() => holding(ws, hung.pid!, 5), 60_000, 'the daemon to hold jobs');
    hung.kill('SIGKILL');
    expect((await exited(hung)).signal).toBe('SIGKILL');

    const restarted = startDaemon(ws);
    try {
      // The contract: 30 s from the restart, the daemon's own start-up included.
      await eventually(async () => (await inbound(ws).catch(() => ({} as Record<string, number>))).done === 5, 30_000,
        'the killed daemon\'s five jobs to be done after the restart');
      expect(await inbound(ws)).toEqual({ done: 5 });
    } finally {
      restarted.kill('SIGTERM');
    }
    expect((await exited(restarted)).code).toBe(0);
  }, 120_000);

  for (const backend of BACKENDS.filter((b) => b === 'postgres')) {
    it(`hands a killed process's jobs to the live one within 30 s (${backend})`, async () => {
      const databaseUrl = await freshDatabase();
      const [wsA, wsB] = [workspace(), workspace()];
      wsA.env.DATABASE_URL = databaseUrl;
      wsB.env.DATABASE_URL = databaseUrl;
      dropOrders(wsA, 5, order);
      const a = startDaemon(wsA, HANG);
      const held = await eventually(() => holding(wsA, a.pid!, 5), 60_000, 'process A to hold jobs');
      const b = startDaemon(wsB);
      try {
        await eventually(() => b.output().includes('"msg":"gateway started"'), 60_000, 'process B to start');
        // B runs what A had not taken, heartbeats and polls, and takes nothing A holds.
        // (A may still fetch a job it stored late: what counts is that each job is A's or done, never both.)
        await eventually(async () => ((await inbound(wsA)).done ?? 0) + ((await heldBy(wsA, a.pid!)) ?? 0) === 5, 30_000, 'B to run the jobs A had not taken');
        await new Promise((r) => setTimeout(r, 4000));
        const heldNow = (await heldBy(wsA, a.pid!)) ?? 0;
        expect(heldNow).toBeGreaterThanOrEqual(held);
        expect((await inbound(wsA)).done ?? 0).toBe(5 - heldNow);

        a.kill('SIGKILL');
        await exited(a);
        await eventually(async () => (await inbound(wsB)).done === 5, 30_000, 'process B to run the dead process\'s jobs');
        expect(await heldBy(wsA, a.pid!)).toBe(0);
        expect(b.output()).toContain('a queue worker stopped heartbeating: its jobs run again');
      } finally {
        b.kill('SIGTERM');
      }
      expect((await exited(b)).code).toBe(0);
    }, 120_000);
  }

  it('exits within 10 s of SIGTERM while jobs hang, and the restart runs them again', async () => {
    const ws = workspace();
    dropOrders(ws, 3, order);
    const hung = startDaemon(ws, HANG);
    await eventually(() => holding(ws, hung.pid!, 3), 60_000, 'the daemon to hold jobs');
    const signalled = Date.now();
    hung.kill('SIGTERM');
    const { code } = await exited(hung);
    expect(Date.now() - signalled).toBeLessThan(10_000); // the contract, not a measurement
    expect(code).toBe(0);
    expect(hung.output()).toContain('jobs still running at stop: given back to the queue to run again');
    // While it waits, it says for what.
    expect(hung.output()).toMatch(/"waitingFor":\[[^\]]*"jobs in hand \(inbound-process 3\)"[^\]]*\],"msg":"gateway still stopping"/);
    expect(hung.output()).toContain('"msg":"gateway stopped"');

    const restarted = startDaemon(ws);
    try {
      await eventually(async () => (await inbound(ws).catch(() => ({} as Record<string, number>))).done === 3, 30_000, 'the given-back jobs to be done');
    } finally {
      restarted.kill('SIGTERM');
    }
    expect((await exited(restarted)).code).toBe(0);
  }, 120_000);

  it('exits at once on a second signal', async () => {
    const ws = workspace();
    dropOrders(ws, 1, order);
    const hung = startDaemon(ws, HANG);
    await eventually(() => holding(ws, hung.pid!, 1), 60_000, 'the daemon to hold the job');
    hung.kill('SIGTERM');
    await eventually(() => hung.output().includes('"msg":"signal received"'), 5000, 'the first signal to be seen');
    hung.kill('SIGINT');
    expect((await exited(hung)).code).toBe(1);
    expect(hung.output()).toContain('second signal: exiting now');
    expect(hung.output()).not.toContain('"msg":"gateway stopped"');
  });

  it('puts each of 40 orders into Odoo exactly once across 5 SIGKILLs, within a minute of the last restart', async () => {
    const ws = workspace();
    Object.assign(ws.env, { EDI_GATEWAY_ODOO_ENABLED: 'true', EDI_GATEWAY_ODOO_TIMEOUT_SECONDS: '10' });
    const pos = Array.from({ length: 40 }, (_, i) => `KILL-${i}`);
    dropOrders(ws, pos.length, (i) => acme850(String(900 + i).padStart(9, '0'), pos[i]));
    const doneNow = async () => (await inbound(ws).catch(() => ({} as Record<string, number>))).done ?? 0;

    let lastDone = 0;
    for (let kill = 1; kill <= 5; kill++) {
      const daemon = startDaemon(ws);
      // Kill once this life has got somewhere (or, when all is done already, once it is up).
      const before = lastDone;
      lastDone = await eventually(async () => {
        const done = await doneNow();
        return done > before || (before === pos.length && done === pos.length) ? done : undefined;
      }, 90_000, `progress before kill ${kill}`);
      await new Promise((r) => setTimeout(r, Math.random() * 1500));
      daemon.kill('SIGKILL');
      await exited(daemon);
    }

    const last = startDaemon(ws);
    try {
      await eventually(async () => (await doneNow()) === pos.length, 60_000, 'every order to be done after the last restart');
      expect(await inbound(ws)).toEqual({ done: pos.length });
    } finally {
      last.kill('SIGTERM');
    }
    expect((await exited(last)).code).toBe(0);

    const sb = await startSandboxOdoo({ port: 0, dataDir: path.join(ws.home, 'sandbox-odoo') });
    try {
      const refs = (sb.execute('sale.order', 'search_read', [[['client_order_ref', 'like', 'KILL-']]], { fields: ['client_order_ref'] }) as { client_order_ref: string }[])
        .map((o) => o.client_order_ref).sort();
      expect(refs).toEqual([...pos].sort());
    } finally {
      await sb.close();
    }
  }, 420_000);
});
