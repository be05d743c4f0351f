import type { Knex } from 'knex';

/** Statuses after which nothing more happens to a message without a person or a retry timer. */
const SETTLED = ['done', 'exception', 'duplicate', 'retrying'];

/**
 * Waits until every message has settled, whichever process works it (this one, or a daemon that
 * shares the store). Returns the ids still unsettled at the deadline.
 */
export async function awaitSettled(knex: Knex, ids: number[], timeoutMs = 120_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...ids];
  while (pending.length) {
    const rows: { message_id: number; status: string }[] = await knex('message_state')
      .whereIn('message_id', pending).select('message_id', 'status');
    const settled = new Set(rows.filter((r) => SETTLED.includes(r.status)).map((r) => r.message_id));
    pending = pending.filter((id) => !settled.has(id));
    if (!pending.length || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return pending;
}
