import type { Knex } from 'knex';
import { GroupCalls, groupsPer } from '../lib/group-calls';

type Body = (trx: Knex.Transaction) => Promise<unknown>;

/** Messages in one shared transaction at most. */
const MAX_BODIES = 32;

/**
 * Runs `body` in a transaction that it shares with the bodies of other lanes that come at about the
 * same time (GroupCalls): the validate stages of 16 lanes, each storing its message's interchanges
 * and 997, commit once, and their statements of one kind go together (the repositories group calls
 * made on one transaction: an INSERT of 16 interchanges, one of 16 997s, one of their jobs).
 *
 * All or nothing for the group: if any body fails, the transaction is rolled back and each body
 * runs again alone, in a transaction of its own, so that only the one at fault fails and it fails
 * with its own error. A body must therefore keep no effect outside the transaction (return what
 * it learnt rather than push it somewhere), and may run twice.
 */
export function inSharedTransaction<R>(knex: Knex, body: (trx: Knex.Transaction) => Promise<R>): Promise<R> {
  return transactionGroups(knex).call(body) as Promise<R>;
}

const transactionGroups = groupsPer((knex: Knex) => new GroupCalls<Body, unknown>((bodies) => knex.transaction(async (trx) => {
  // Every body settles before the transaction ends: none is left running on a connection rolled back under it.
  const settled = await Promise.allSettled(bodies.map((b) => b(trx)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value);
}), MAX_BODIES));
