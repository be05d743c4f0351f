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
