import net from 'node:net';
import { openStore } from '../../src/store/store';
import { openRuntime, type Runtime } from '../../src/daemon/runtime';
import { QUEUES } from '../../src/queue/job-queue';
import { silentLog, tempDir, testConfig } from '../helpers';

/**
 * A daemon started before its PostgreSQL answers (a compose stack, a database restart) waits for
 * it instead of exiting; the CLI does not wait. PostgreSQL only: the embedded store is in-process.
 */
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

onPostgres('opening the store on a PostgreSQL that is not up yet', () => {
  /** A port nothing listens on yet, and a way to open it later as a plain TCP relay to the real server. */
  async function latePort() {
    // Read here, not in the describe body: a skipped describe's body still runs (without TEST_DATABASE_URL).
    const target = new URL(process.env.TEST_DATABASE_URL!);
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const sockets = new Set<net.Socket>();
    const relay = net.createServer((client) => {
      const server = net.connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, server]) { sockets.add(s); s.on('error', () => undefined); s.on('close', () => sockets.delete(s)); }
      client.pipe(server).pipe(client);
    });
    return {
      url: Object.assign(new URL(target.href), { port: String(port) }).href,
      open: () => new Promise<void>((r) => relay.listen(port, '127.0.0.1', r)),
      close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); relay.close(() => r()); }),
    };
  }

  it('the daemon waits for it and opens the store once it answers', async () => {
    const late = await latePort();
    try {
      let opened = false;
      const opening = openStore({ home: tempDir(), databaseUrl: late.url, role: 'daemon', log: silentLog, connectWaitMs: 30_000 })
        .then((s) => { opened = true; return s; });
      await new Promise((r) => setTimeout(r, 2500));
      expect(opened).toBe(false); // still waiting, not failed
      await late.open();
      const store = await opening;
      try {
        expect((await store.knex.raw('SELECT 1 AS one')).rows[0].one).toBe(1);
      } finally { await store.close(); }
    } finally { await late.close(); }
  });

  it('the CLI says at once that the server does not answer', async () => {
    const late = await latePort();
    await expect(openStore({ home: tempDir(), databaseUrl: late.url, role: 'cli', log: silentLog })).rejects.toMatchObject({ code: expect.any(String) });
  });
});

onPostgres('several processes starting at once on a fresh PostgreSQL database', () => {
  // Replicas of one deployment start together: each migrates the schema and creates the job
  // queues. Without the start-up lock, knex refused the second migrator and pg-boss's queue
  // creation deadlocked (40P01), and the process that lost exited.
  it('all of them start, and the schema and queues exist once', async () => {
    const config = await testConfig('postgres');
    const runtimes = await Promise.allSettled([1, 2, 3, 4].map(() =>
      openRuntime({ ...config, home: tempDir() }, silentLog, { role: 'daemon', needsPartners: true })));
    try {
      expect(runtimes.map((r) => (r.status === 'rejected' ? String(r.reason) : 'started'))).toEqual(['started', 'started', 'started', 'started']);
      const knex = (runtimes[0] as PromiseFulfilledResult<Runtime>).value.store.knex;
      const migrations = await knex('knex_migrations').select('name');
      expect(new Set(migrations.map((m) => m.name)).size).toBe(migrations.length);
      const queues = (await knex.raw('SELECT name FROM pgboss.queue ORDER BY name')).rows.map((r: { name: string }) => r.name);
      expect(queues).toEqual(Object.values(QUEUES).sort());
    } finally {
      for (const r of runtimes) if (r.status === 'fulfilled') await r.value.close();
    }
  });
});
