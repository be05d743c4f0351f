import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openEmbeddedDatabase, type EmbeddedDatabase } from '../../src/store/embedded-pglite';
import { silentLog, tempDir } from '../helpers';

describe('embedded store served to many clients', () => {
  let db: EmbeddedDatabase;
  let pools: pg.Pool[];
  beforeAll(async () => {
    db = await openEmbeddedDatabase(tempDir(), { role: 'daemon', log: silentLog });
    pools = [1, 2, 3].map(() => new pg.Pool({ ...db.connection, max: 6 }));
    await pools[0].query('CREATE TABLE counter (n int NOT NULL); INSERT INTO counter VALUES (0)');
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await db.close();
  });

  it('gives every client its own rows when extended-protocol queries run at once', async () => {
    const asks = Array.from({ length: 300 }, (_, i) => i);
    const answers = await Promise.all(asks.map((i) =>
      pools[i % 3].query('SELECT $1::int AS asked, repeat($2::text, $1::int % 50) AS pad', [i, 'x'])));
    answers.forEach((r, i) => expect(r.rows).toEqual([{ asked: i, pad: 'x'.repeat(i % 50) }]));
  });

  it('keeps each transaction whole: concurrent increments lose no update', async () => {
    const increments = 120;
    await Promise.all(Array.from({ length: increments }, async (_, i) => {
      const client = await pools[i % 3].connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query('SELECT n FROM counter');
        await new Promise((r) => setImmediate(r)); // give the others a chance to barge in
        await client.query('UPDATE counter SET n = $1', [rows[0].n + 1]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    }));
    const { rows } = await pools[0].query('SELECT n FROM counter');
    expect(rows[0].n).toBe(increments);
  });

  it('rolls back the open transaction of a client that disappears', async () => {
    const client = new pg.Client(db.connection);
    client.on('error', () => undefined); // the connection we are about to cut
    await client.connect();
    await client.query('BEGIN');
    await client.query('UPDATE counter SET n = -1');
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const { rows } = await pools[1].query('SELECT n FROM counter');
    expect(rows[0].n).toBe(120);
    await client.end().catch(() => undefined);
  });

  it('reports SQL errors to the client that made them and carries on', async () => {
    await expect(pools[2].query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
    expect((await pools[2].query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

describe('the embedded store\'s lock', () => {
  const lockOf = (home: string) => path.join(home, 'store', 'owner.json');
  /** A pid that is certainly gone: a child that has exited. */
  const deadPid = () => {
    const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(r.stdout);
  };
  const leaveLock = (home: string, record: object) => {
    fs.mkdirSync(path.dirname(lockOf(home)), { recursive: true });
    fs.writeFileSync(lockOf(home), JSON.stringify(record));
  };

  it('names the process opening the store from its first byte, so a kill then leaves a lock the next start clears', async () => {
    const home = tempDir();
    const opening = openEmbeddedDatabase(home, { role: 'daemon', log: silentLog });
    // Written with the lock's creation, before the database opens (a kill now used to leave an empty lock, cleared only after 30 s).
    expect(JSON.parse(fs.readFileSync(lockOf(home), 'utf8'))).toEqual({ starting: true, pid: process.pid });
    await (await opening).close();
  });

  it('is cleared at once when the process that was opening the store died (not after 30 s)', async () => {
    const home = tempDir();
    leaveLock(home, { starting: true, pid: deadPid() });
    // Three seconds of patience would not outlast the old 30-second rule: this opens only because the lock names a dead pid.
    const db = await openEmbeddedDatabase(home, { role: 'daemon', log: silentLog, waitMs: 3000 });
    try {
      expect(JSON.parse(fs.readFileSync(lockOf(home), 'utf8'))).toMatchObject({ pid: process.pid, role: 'daemon' });
    } finally { await db.close(); }
  });

  it('takes a lock naming our own pid that this process never held as a leftover (a restarted container is pid 1 again)', async () => {
    const home = tempDir();
    leaveLock(home, { pid: process.pid, role: 'daemon', socketDir: path.join(home, 'store', 'socket'), startedAt: new Date(0).toISOString() });
    const db = await openEmbeddedDatabase(home, { role: 'daemon', log: silentLog, waitMs: 3000 });
    await db.close();
  });

  it('still refuses a second daemon in the same process while the first holds the store', async () => {
    const home = tempDir();
    const first = await openEmbeddedDatabase(home, { role: 'daemon', log: silentLog });
    try {
      await expect(openEmbeddedDatabase(home, { role: 'daemon', log: silentLog, waitMs: 1000 })).rejects.toMatchObject({ code: 'STORE_BUSY' });
    } finally { await first.close(); }
  });

  it('waits while a live process is still opening the store', async () => {
    const home = tempDir();
    leaveLock(home, { starting: true, pid: process.ppid });
    await expect(openEmbeddedDatabase(home, { role: 'daemon', log: silentLog, waitMs: 1000 })).rejects.toMatchObject({ code: 'STORE_BUSY' });
  });
});
