import type { Runtime } from '../../src/daemon/runtime';
import { QUEUES } from '../../src/queue/job-queue';
import { queueDepths } from '../../src/queue/queue-depth';
import { getMessage } from '../../src/store/messages.repo';
import { BACKENDS, eventually, testRuntime, x12Interchange } from '../helpers';

const BACKLOG = 10_000;
/** The bound an order must meet however long the bulk backlog: receipt to done. */
const ORDER_BOUND_MS = 10_000;

describe.each(BACKENDS)('bulk work beside orders on %s', (backend) => {
  let rt: Runtime;
  let ran = 0;
  beforeAll(async () => {
    rt = await testRuntime(backend, { queue: { concurrency: 4, bulkConcurrency: 1 } });
    // Each bulk job holds its worker as an inventory push would (a round trip to the channel).
    rt.bulk.register('inventory-push-sim', async () => {
      ran++;
      await new Promise((r) => setTimeout(r, 20));
    });
  });
  afterAll(async () => { await rt?.close(); });

  it(`an order is done within ${ORDER_BOUND_MS / 1000} s while ${BACKLOG} inventory jobs wait on the bulk queue`, async () => {
    await rt.queue.sendMany(QUEUES.bulk, Array.from({ length: BACKLOG }, (_, i) => ({ kind: 'inventory-push-sim', partnerId: 'shop-demo', sku: `SKU-${i}` })));
    rt.workBulk();
    rt.workInbound();
    await eventually(() => ran >= 20, 20_000, 'the bulk worker to be busy');
    const t0 = Date.now();
    const r = await rt.receive({ content: x12Interchange('ACMERETAIL', '000007001', 'PO-BULK-1'), transport: 'test' });
    await eventually(async () => (await getMessage(rt.store.knex, r.messageId))!.status === 'done', ORDER_BOUND_MS, 'the order to be done');
    const tookMs = Date.now() - t0;
    expect(tookMs).toBeLessThan(ORDER_BOUND_MS);
    // The backlog was there all along: most of it still waits.
    const bulk = (await queueDepths(rt.store.knex)).find((q) => q.queue === QUEUES.bulk)!;
    expect(bulk.waiting + bulk.active).toBeGreaterThan(BACKLOG / 2);
    expect(ran).toBeLessThan(BACKLOG / 2);
  });

  it('a bulk job of an unknown kind, or an inventory push for a partner without inventory, fails for good, not retried', async () => {
    await expect(rt.bulk.handle({ kind: 'no-such-kind' }, { jobId: 'x', attempt: 0, lastAttempt: false })).rejects.toMatchObject({ code: 'USAGE', retryable: false });
    await expect(rt.bulk.handle({ kind: 'channel-inventory', partnerId: 'acme-retail' }, { jobId: 'x', attempt: 0, lastAttempt: false }))
      .rejects.toThrow(/acme-retail: its kind \(edi\) has no inventory to push/);
    await expect(rt.bulk.handle({ kind: 'channel-inventory', partnerId: 'nobody' }, { jobId: 'x', attempt: 0, lastAttempt: false }))
      .rejects.toMatchObject({ code: 'PARTNER_UNKNOWN' });
  });
});
