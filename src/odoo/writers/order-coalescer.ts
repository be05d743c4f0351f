import type { Order } from '../../canonical';
import type { PartnerProfile } from '../../partners/profile.schema';
import { writeOrders, type BatchOutcome } from './order-batch';
import type { WriterContext } from './writer';

interface Submission {
  entries: { key: unknown; order: Order }[];
  ctx: WriterContext;
  resolve(outcomes: Map<unknown, BatchOutcome>): void;
  reject(err: unknown): void;
}

interface Lane {
  pending: Submission[];
  running: boolean;
}

/**
 * New orders of many messages -> one writeOrders call: one customer lookup, one search for the
 * POs, one read of the items, one load(), one action_confirm and one read of the names for all of
 * them, where each one-order file alone made thirteen calls.
 *
 * Group commit, per partner profile: the first orders go to Odoo at once; orders that arrive while
 * a batch is in Odoo wait for it and then go together, up to `maxBatch` orders. No timer holds an
 * order back: when the gateway is quiet each order goes alone, as soon as it comes; under load the
 * batches grow by themselves with the number of messages in hand.
 *
 * Each caller gets its own orders' outcomes, as writeOrders gives them (an order Odoo refuses is
 * its own error; the others land). A retryable error (Odoo down) fails every caller of that batch:
 * their jobs retry, and what the batch wrote is found by its external ids, not written twice.
 */
export class OrderCoalescer {
  private readonly lanes = new Map<PartnerProfile, Lane>();

  constructor(private readonly maxBatch: number) {}

  write<K>(entries: { key: K; order: Order }[], ctx: WriterContext): Promise<Map<K, BatchOutcome>> {
    // A profile reloaded meanwhile is another object: its orders never share a batch with the old one's.
    let lane = this.lanes.get(ctx.profile);
    if (!lane) this.lanes.set(ctx.profile, (lane = { pending: [], running: false }));
    const done = new Promise<Map<unknown, BatchOutcome>>((resolve, reject) => lane.pending.push({ entries, ctx, resolve, reject }));
    if (!lane.running) void this.drain(ctx.profile, lane);
    return done as Promise<Map<K, BatchOutcome>>;
  }

  private async drain(profile: PartnerProfile, lane: Lane): Promise<void> {
    lane.running = true;
    try {
      while (lane.pending.length) {
        // Whole submissions, at least one, up to maxBatch orders: a message's orders are never split.
        const batch = [lane.pending.shift()!];
        let orders = batch[0].entries.length;
        while (lane.pending.length && orders + lane.pending[0].entries.length <= this.maxBatch) {
          const next = lane.pending.shift()!;
          orders += next.entries.length;
          batch.push(next);
        }
        await this.run(batch);
      }
    } finally {
      lane.running = false;
      this.lanes.delete(profile);
    }
  }

  private async run(batch: Submission[]): Promise<void> {
    // One key space for the batch: the position of each order in it.
    const flat = batch.flatMap((s) => s.entries.map((e) => ({ s, key: e.key, order: e.order })));
    try {
      // The first caller's client (its lookups remembered for the batch) and log; a fresh item cache.
      const outcomes = await writeOrders(flat.map((f, i) => ({ key: i, order: f.order })), { ...batch[0].ctx, products: undefined });
      const per = new Map<Submission, Map<unknown, BatchOutcome>>(batch.map((s) => [s, new Map()]));
      flat.forEach((f, i) => {
        const outcome = outcomes.get(i);
        if (outcome) per.get(f.s)!.set(f.key, outcome);
      });
      for (const s of batch) s.resolve(per.get(s)!);
    } catch (err) {
      for (const s of batch) s.reject(err);
    }
  }
}
