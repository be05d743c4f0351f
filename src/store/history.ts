import type { Knex } from 'knex';
import { PEEK_SQL, followingControlNumber, peekControlNumber, type ControlKind } from './control-numbers.repo';
import { findPriorInterchange, priorInterchangeSql, type InterchangeKey, type PriorInterchange } from './interchanges.repo';

/**
 * What the store remembers that a check of a file, which stores nothing, needs to read: earlier
 * receipts of an interchange (duplicates) and the next control numbers (what `ack` would use).
 * Implemented on the store through knex (knexHistory, the pipeline's), on a plain SQL connection
 * with the same statements (sqlHistory, the read-only CLI commands': no knex to load), on a
 * history snapshot file (history-snapshot.ts), and for a store that does not exist (EMPTY_HISTORY).
 */
export interface InterchangeHistory {
  /** Same contract as interchanges.repo findPriorInterchange. */
  findPriorInterchange(key: InterchangeKey, since: Date, excludeMessageId?: number): Promise<PriorInterchange | undefined>;
}

export interface ControlNumberPeek {
  /** Same contract as control-numbers.repo peekControlNumber. */
  peekControlNumber(partnerId: string, kind: ControlKind): Promise<number>;
}

export type StoreHistory = InterchangeHistory & ControlNumberPeek;

/** A plain SQL runner with `$1` parameters: a pg client's `query`, or PGlite's. */
export type SqlQuery = (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

export function knexHistory(db: Knex): StoreHistory {
  return {
    findPriorInterchange: (key, since, excludeMessageId) => findPriorInterchange(db, key, since, excludeMessageId),
    peekControlNumber: (partnerId, kind) => peekControlNumber(db, partnerId, kind),
  };
}

/** knex's `?` placeholders as pg's `$1, $2...` (the statements here have no other `?`). */
function dollarParams(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The repositories' own statements, run on a plain connection. */
export function sqlHistory(query: SqlQuery): StoreHistory {
  return {
    async findPriorInterchange(key, since, excludeMessageId) {
      const q = priorInterchangeSql(key, since, excludeMessageId);
      const [row] = (await query(dollarParams(q.sql), q.bindings)).rows;
      return row && { id: Number(row.id), messageId: Number(row.messageId), recordedAt: row.recordedAt as Date };
    },
    async peekControlNumber(partnerId, kind) {
      const [row] = (await query(dollarParams(PEEK_SQL), [partnerId, kind])).rows;
      return followingControlNumber(kind, row ? Number(row.last_value) : undefined);
    },
  };
}

/** No store yet: nothing was received before, and every sequence starts at its first value. */
export const EMPTY_HISTORY: StoreHistory = {
  findPriorInterchange: async () => undefined,
  peekControlNumber: async () => 1,
};
