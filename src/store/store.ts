import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { coerceError } from '../errors/gateway-error';
import type { Logger } from '../log/logger';
import { openEmbeddedDatabase, type StoreRole } from './embedded-pglite';
import { migrationSource } from './migrations';
import { withStartupLock } from './startup-lock';

// int8 ids and counts come back as numbers; ours stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type Backend = 'pglite' | 'postgres';

export interface Store {
  knex: Knex;
  backend: Backend;
  /** How to reach the same database with a plain pg pool (the job queue uses it). */
  connection: pg.ClientConfig;
  /** This process opened the embedded store (rather than attaching to another's, or using PostgreSQL). */
  owner: boolean;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  home: string;
  databaseUrl?: string;
  role: StoreRole;
  log: Logger;
  poolMax?: number;
  /** Days of interchanges the embedded store's history snapshot keeps (embedded-pglite.ts). */
  historyWindowDays?: () => number;
  /**
   * 'always' (default) brings the schema up to date. 'if-owner': only when this process opened the
   * embedded store; a reader attached to another owner, or to PostgreSQL, leaves the schema to
   * whoever writes (the read-only CLI commands).
   */
  migrate?: 'always' | 'if-owner';
  /**
   * How long to wait for a PostgreSQL that does not answer yet (a restart, a compose stack whose
   * database starts after the gateway) before giving up. Default: 60 s for the daemon, none for the CLI.
   */
  connectWaitMs?: number;
}

/** A server that is not there yet, or still starting: worth waiting for at start. Anything else (a wrong password) is not. */
const NOT_UP_YET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', '57P03']);

async function waitForServer(knex: Knex, log: Logger, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (let said = false; ; said = true) {
    try {
      await knex.raw('SELECT 1');
      if (said) log.info('store: PostgreSQL answers now');
      return;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!NOT_UP_YET.has(code) || Date.now() > deadline) throw err;
      if (!said) log.warn({ code, waitSeconds: Math.round(waitMs / 1000) }, 'store: PostgreSQL does not answer yet; waiting for it');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const embedded = options.databaseUrl
    ? undefined
    : await openEmbeddedDatabase(options.home, { role: options.role, log: options.log, historyWindowDays: options.historyWindowDays });
  const connection: pg.ClientConfig = embedded?.connection ?? { connectionString: options.databaseUrl };
  const knex = knexFactory({
    client: 'pg',
    connection: connection as Knex.PgConnectionConfig,
    pool: { min: 0, max: options.poolMax ?? 5 },
    acquireConnectionTimeout: 30_000,
  });
  try {
    const waitMs = options.connectWaitMs ?? (options.role === 'daemon' ? 60_000 : 0);
    if (!embedded && waitMs > 0) await waitForServer(knex, options.log, waitMs);
    if (options.migrate !== 'if-owner' || embedded?.owner) {
      const migrate = () => knex.migrate.latest({ migrationSource, tableName: 'knex_migrations' });
      // The embedded store has one migrator, its owner; PostgreSQL may have several processes starting at once.
      await (embedded ? migrate() : withStartupLock(connection, migrate));
    }
  } catch (err) {
    await knex.destroy();
    await embedded?.close();
    throw coerceError(err);
  }
  return {
    knex,
    backend: embedded ? 'pglite' : 'postgres',
    connection,
    owner: embedded?.owner ?? false,
    close: async () => {
      await knex.destroy();
      await embedded?.close();
    },
  };
}

/**
 * A `{ executeSql }` for libraries that speak plain SQL (pg-boss), running on the connection that
 * `k` holds: inside a knex transaction this puts the library's statements in that transaction.
 */
export function sqlExecutor(k: Knex | Knex.Transaction) {
  return {
    async executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }> {
      const client = k.client as { acquireConnection(): Promise<pg.Client>; releaseConnection(c: pg.Client): Promise<void> };
      const conn = await client.acquireConnection();
      try {
        return await conn.query(text, values as any[]);
      } finally {
        await client.releaseConnection(conn);
      }
    },
  };
}
