import fs from 'node:fs';
import type pg from 'pg';
import type { GatewayConfig } from '../config/gateway.config';
import type { Logger } from '../log/logger';
import type { PartnerRegistry } from '../partners/partner-registry';
import { longestDuplicateWindowDays } from '../pipeline/flag-duplicates';
import { EMPTY_HISTORY, knexHistory, sqlHistory, type StoreHistory } from '../store/history';
import { readHistorySnapshot, snapshotHistory, snapshotPath } from '../store/history-snapshot';
import { connectionFor, isAlive, readOwner, storePaths } from '../store/store-owner';

/** Where a read-only command's history came from (logged at debug, named in tests). */
export type HistorySourceKind = 'none' | 'snapshot' | 'attached' | 'opened' | 'postgres';

export interface CliHistory {
  history: StoreHistory;
  source: HistorySourceKind;
  close(): Promise<void>;
}

const UNDEFINED_TABLE = '42P01';

/**
 * The store's history over one plain pg connection: no knex (the repositories' statements, run
 * by sqlHistory), no migrations, no job queue. A database whose schema was never created has no
 * history yet, like a fresh home.
 */
async function pgReader(connection: pg.ClientConfig, source: HistorySourceKind): Promise<CliHistory> {
  const { default: pgDriver } = await import('pg');
  const client = new pgDriver.Client({ ...connection, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  const store = sqlHistory((text, params) => client.query(text, params as unknown[]));
  const orEmpty = <T>(p: Promise<T>, empty: T): Promise<T> =>
    p.catch((err: { code?: string }) => { if (err?.code === UNDEFINED_TABLE) return empty; throw err; });
  return {
    source,
    history: {
      findPriorInterchange: (key, since, exclude) => orEmpty(store.findPriorInterchange(key, since, exclude), undefined),
      peekControlNumber: (partnerId, kind) => orEmpty(store.peekControlNumber(partnerId, kind), 1),
    },
    close: () => client.end(),
  };
}

/**
 * The history `validate`, `ack` and `translate` read (earlier interchanges for the duplicate
 * check, the next control numbers), from the cheapest place that is correct:
 *
 * - DATABASE_URL: that server, through one plain connection.
 * - Embedded store held by a live process (the daemon, or a CLI command such as ingest): its
 *   socket, as every client of the store does; it may be writing, so nothing else would be current.
 * - Embedded store that does not exist (a fresh $EDI_GATEWAY_HOME): nothing was received, every
 *   sequence starts at 1. Nothing is created.
 * - Embedded store that nobody holds: the history snapshot its last owner left at a clean close
 *   (src/store/history-snapshot.ts), when there is one that still matches the store and reaches
 *   back over the longest duplicate window of the profiles.
 * - Otherwise (no valid snapshot; an owner starting up; a lock that does not answer): the store
 *   opened as before, PGlite and all, but without the job queue. Being its owner, this process
 *   then leaves a snapshot at close, so the next command is quick again.
 */
export async function openCliHistory(config: GatewayConfig, log: Logger, partners: PartnerRegistry, now = new Date()): Promise<CliHistory> {
  const chosen = await choose(config, log, partners, now);
  log.debug({ historySource: chosen.source }, `history source: ${chosen.source}`);
  return chosen;
}

async function choose(config: GatewayConfig, log: Logger, partners: PartnerRegistry, now: Date): Promise<CliHistory> {
  if (config.databaseUrl) return pgReader({ connectionString: config.databaseUrl }, 'postgres');

  const { storeDir, dataDir, lockFile } = storePaths(config.home);
  const windowDays = longestDuplicateWindowDays(partners);
  const owner = readOwner(lockFile);
  let why: string;
  if (owner && owner !== 'starting' && isAlive(owner.pid)) {
    try {
      return await pgReader(connectionFor(owner.socketDir), 'attached');
    } catch (err) {
      why = `the store's owner (pid ${owner.pid}) did not answer: ${(err as Error).message}`;
    }
  } else if (owner === 'starting') {
    why = 'another process is opening the store';
  } else if (!fs.existsSync(dataDir)) {
    // Checked after the lock: an owner creating the store holds the lock first.
    return { source: 'none', history: EMPTY_HISTORY, close: async () => undefined };
  } else {
    const read = readHistorySnapshot(storeDir, dataDir, new Date(now.getTime() - windowDays * 86_400_000));
    if ('snapshot' in read) {
      log.debug({ file: snapshotPath(storeDir), writtenAt: read.snapshot.writtenAt }, 'history snapshot read');
      return { source: 'snapshot', history: snapshotHistory(read.snapshot), close: async () => undefined };
    }
    why = read.reason;
  }
  log.debug({ reason: why }, 'opening the store to read its history');
  const { openStore } = await import('../store/store');
  const store = await openStore({
    home: config.home, role: 'cli', log, poolMax: 1, migrate: 'if-owner', historyWindowDays: () => windowDays,
  });
  return { source: store.owner ? 'opened' : 'attached', history: knexHistory(store.knex), close: () => store.close() };
}
