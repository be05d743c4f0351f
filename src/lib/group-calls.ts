/**
 * Runs the calls of one kind that arrive together as one: group commit. The first call waits a
 * turn of the event loop for company; while a group is on its way, the calls that arrive meanwhile
 * wait and go together next. Quiet, a call goes alone after one turn; busy (16 lanes each writing
 * its message's trail), a statement carries the calls of every lane that reached it, and the
 * store answers a few statements instead of one per message.
 *
 * A group that fails is run again one call at a time, so that each caller gets its own answer:
 * the one at fault fails alone, as it would have without the group. `runMany` must therefore be
 * atomic (one statement, or one transaction) or safe to repeat.
 */
export class GroupCalls<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private busy = false;

  /**
   * @param runMany answers the items in order (one result per item).
   * @param maxItems at most this many items in one run; the rest go in the next.
   */
  constructor(private readonly runMany: (items: I[]) => Promise<O[]>, private readonly maxItems = 100,
    /** False inside a database transaction: a failed statement has aborted it, and every caller gets that error. */
    private readonly retryAlone = true) {}

  call(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.busy) return;
      this.busy = true;
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const group = this.queue.splice(0, this.maxItems);
      try {
        const out = await this.runMany(group.map((g) => g.item));
        group.forEach((g, i) => g.resolve(out[i]));
      } catch (err) {
        if (group.length === 1 || !this.retryAlone) { group.forEach((g) => g.reject(err)); continue; }
        for (const g of group) {
          try { g.resolve((await this.runMany([g.item]))[0]); } catch (e) { g.reject(e); }
        }
      }
    }
    this.busy = false;
  }
}

/**
 * One GroupCalls per owner (a knex instance or transaction: calls on one store group, never across
 * stores or transactions), made on first use and dropped with its owner.
 */
export function groupsPer<K extends object, I, O>(make: (owner: K) => GroupCalls<I, O>): (owner: K) => GroupCalls<I, O> {
  const groups = new WeakMap<K, GroupCalls<I, O>>();
  return (owner) => {
    let g = groups.get(owner);
    if (!g) groups.set(owner, g = make(owner));
    return g;
  };
}
