import type { Knex } from 'knex';

/** Statuses after which nothing more happens to a message without a person or a retry timer. */
const SETTLED = ['done', 'exception', 'duplicate', 'retrying'];
/** Ids checked per look: a long list is walked a slice at a time, not sent whole every time. */
const SLICE = 500;

/**
 * Waits until every message has settled, whichever process works it (this one, or a daemon that
 * shares the store). Returns the ids still unsettled at the deadline.
 */
export async function awaitSettled(knex: Knex, ids: number[], timeoutMs = 120_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...ids];
  while (pending.length) {
    const slice = pending.slice(0, SLICE);
    const rows: { message_id: number }[] = await knex('message_state')
      .whereIn('message_id', slice).whereIn('status', SETTLED).select('message_id');
    const settled = new Set(rows.map((r) => r.message_id));
    pending = pending.filter((id) => !settled.has(id));
    if (!pending.length || Date.now() > deadline) break;
    if (settled.size < slice.length) await new Promise((r) => setTimeout(r, pending.length > SLICE ? 200 : 50));
  }
  return pending;
}
