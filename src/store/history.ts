import type { Knex } from 'knex';
import { peekControlNumber, type ControlKind } from './control-numbers.repo';
import { findPriorInterchange, type InterchangeKey, type PriorInterchange } from './interchanges.repo';

/**
 * What the store remembers that a check of a file, which stores nothing, needs to read: earlier
 * receipts of an interchange (duplicates) and the next control numbers (what `ack` would use).
 * Implemented on the store (knexHistory), on a history snapshot file (history-snapshot.ts), and
 * for a store that does not exist yet (EMPTY_HISTORY).
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

export function knexHistory(db: Knex): StoreHistory {
  return {
    findPriorInterchange: (key, since, excludeMessageId) => findPriorInterchange(db, key, since, excludeMessageId),
    peekControlNumber: (partnerId, kind) => peekControlNumber(db, partnerId, kind),
  };
}

/** No store yet: nothing was received before, and every sequence starts at its first value. */
export const EMPTY_HISTORY: StoreHistory = {
  findPriorInterchange: async () => undefined,
  peekControlNumber: async () => 1,
};
