import crypto from 'node:crypto';
import pg from 'pg';

/**
 * Creates a new, empty database on a PostgreSQL server and returns its URL. For tests and
 * benchmarks, so that no run sees the rows of an earlier one. `adminUrl` must be allowed to
 * CREATE DATABASE.
 */
export async function createScratchDatabase(adminUrl: string, prefix = 'edi_scratch'): Promise<string> {
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
