import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startSandboxOdoo, type SandboxOdoo } from '../../src/odoo/sandbox';
import { exited, killDaemons, startDaemon, workspace } from '../cli-helpers';
import { eventually, freshDatabase } from '../helpers';
import { acme850 } from '../odoo-helpers';

/**
 * Several gateway processes on one PostgreSQL (README "Running several gateway processes"): real
 * daemons, one sandbox Odoo they all write to (as a real Odoo would be), the job queue and the
 * cluster-wide schedules shared through the database.
 */
const ORDERS = 2000;
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

onPostgres('three gateway processes on one PostgreSQL', () => {
  let sb: SandboxOdoo;
  let db: pg.Pool;
  afterAll(async () => {
    await killDaemons();
    await db?.end();
    await sb?.close();
  });

  const one = async <T = any>(sql: string, values: unknown[] = []): Promise<T> => (await db.query(sql, values)).rows[0];
  const inboundDone = async () => Number((await one(`SELECT count(*) AS n FROM messages m JOIN message_state s ON s.message_id = m.id
    WHERE m.direction = 'in' AND s.status = 'done'`)).n);

  it(`${ORDERS} orders: each stored, processed, acknowledged and written to Odoo once, with one of the three killed by SIGKILL midway; each schedule tick run by one`, async () => {
    sb = await startSandboxOdoo({ port: 0 });
    const databaseUrl = await freshDatabase();
    db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    const shared = {
      DATABASE_URL: databaseUrl, EDI_GATEWAY_ODOO_ENABLED: 'true', ODOO_URL: sb.url, ODOO_DB: sb.db, ODOO_USER: sb.user, ODOO_API_KEY: sb.apiKey,
      EDI_GATEWAY_ODOO_POLL_SECONDS: '0', EDI_GATEWAY_ALERTS_CHECK_SECONDS: '1',
    };
    const wss = [workspace(), workspace(), workspace()];
    for (const ws of wss) Object.assign(ws.env, shared);
    // Every file lands on the first machine; the queue spreads the work over the three.
    const inDir = path.join(wss[0].home, 'partners', 'acme-retail', 'in');
    fs.mkdirSync(inDir, { recursive: true });
    const pos = Array.from({ length: ORDERS }, (_, i) => `SCALE-${i}`);
    pos.forEach((po, i) => fs.writeFileSync(path.join(inDir, `po-${i}.edi`), acme850(String(100_000 + i).padStart(9, '0'), po)));

    const daemons = wss.map((ws) => startDaemon(ws));
    for (const d of daemons) await eventually(() => d.output().includes('"msg":"gateway started"'), 60_000, 'a gateway to start');
    // Midway, the second process dies without a word.
    await eventually(async () => (await inboundDone()) >= ORDERS / 3, 180_000, 'a third of the orders to be done');
    daemons[1].kill('SIGKILL');
    expect((await exited(daemons[1])).signal).toBe('SIGKILL');
    await eventually(async () => (await inboundDone()) === ORDERS, 240_000, 'every order to be done by the other two');
    for (const d of [daemons[0], daemons[2]]) d.kill('SIGTERM');
    for (const d of [daemons[0], daemons[2]]) expect((await exited(d)).code).toBe(0);

    // Stored once: one inbound message per file, none a duplicate, none left in the folder.
    expect(Number((await one(`SELECT count(*) AS n FROM messages WHERE direction = 'in'`)).n)).toBe(ORDERS);
    expect(fs.readdirSync(inDir)).toEqual([]);
    // Acknowledged once: one 997 per order (the first run's key), none twice.
    const acks = await one(`SELECT count(*) AS n, count(DISTINCT transport_ref) AS d FROM messages WHERE direction = 'out' AND transport_ref LIKE 'ack:%'`);
    expect([Number(acks.n), Number(acks.d)]).toEqual([ORDERS, ORDERS]);
    // Written to Odoo once: one sale order per PO.
    const refs = (sb.execute('sale.order', 'search_read', [[['client_order_ref', 'like', 'SCALE-']]], { fields: ['client_order_ref'] }) as { client_order_ref: string }[])
      .map((o) => o.client_order_ref);
    expect(refs.length).toBe(ORDERS);
    expect(new Set(refs).size).toBe(ORDERS);
    // The work was shared: the trail names the process that ran each message, and all three ran some.
    const byProcess = (await db.query(`SELECT data->>'process' AS p, count(DISTINCT message_id) AS n FROM message_events
      WHERE stage = 'process' AND outcome = 'info' GROUP BY 1`)).rows;
    expect(byProcess.map((r) => Number(String(r.p).split(':')[1])).sort()).toEqual(daemons.map((d) => d.pid!).sort());
    // The alerts schedule ticked every second: each tick run by one process, the three taking turns.
    const runs = (await db.query(`SELECT tick, owner, outcome FROM schedule_runs WHERE name = 'alerts' ORDER BY tick`)).rows;
    expect(runs.length).toBeGreaterThan(10);
    expect(new Set(runs.map((r) => String(r.tick))).size).toBe(runs.length);
    expect(new Set(runs.map((r) => String(r.owner).split(':')[1])).size).toBeGreaterThanOrEqual(2);
    expect(runs.filter((r) => r.outcome === 'failed').length).toBeLessThanOrEqual(1); // the killed process's run, if it died in one
  }, 600_000);
});
