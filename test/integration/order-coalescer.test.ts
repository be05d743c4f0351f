import type { Order } from '../../src/canonical';
import type { Runtime } from '../../src/daemon/runtime';
import { GatewayError } from '../../src/errors/gateway-error';
import type { OdooClient } from '../../src/odoo/client/odoo-client';
import { OrderCoalescer } from '../../src/odoo/writers/order-coalescer';
import { silentLog } from '../helpers';
import { acmeOrder, odooRuntime, ordersFor, startSandbox, type SandboxOdoo } from '../odoo-helpers';

/**
 * New orders of messages in hand at once share their Odoo calls (issue 16): orders that arrive
 * while a batch is in Odoo go together in the next, and each caller still gets its own orders'
 * outcomes, a bad order its own error.
 */
describe('OrderCoalescer on the sandbox Odoo', () => {
  let sb: SandboxOdoo;
  let rt: Runtime;
  beforeAll(async () => {
    sb = await startSandbox();
    rt = await odooRuntime('pglite', sb);
  });
  afterAll(async () => {
    await rt?.close();
    await sb?.close();
  });

  /** The runtime's client, counting load() calls and the orders in each; `failLoads` loads fail as if Odoo were down. */
  function countingClient(failLoads = 0) {
    const client = rt.odoo();
    const loads: number[] = [];
    const counting: OdooClient = Object.assign(Object.create(client), {
      load: async (model: string, fields: string[], rows: string[][]) => {
        if (failLoads-- > 0) throw new GatewayError('ODOO_UNAVAILABLE', 'Odoo is down (test)');
        loads.push(rows.filter((r) => r[0]).length); // header rows carry the external id
        return client.load(model, fields, rows);
      },
    });
    return { client: counting, loads };
  }
  const ctx = (client: OdooClient) => ({ client, profile: rt.partners().get('acme-retail')!, log: silentLog });
  const one = (po: string, over: Partial<Order> = {}) => [{ key: po, order: acmeOrder(po, over) }];

  it('orders that come while a batch is in Odoo go together in the next one, each caller getting its own outcomes', async () => {
    const { client, loads } = countingClient();
    const coalescer = new OrderCoalescer(200);
    // The first goes at once; the five after it wait for it and go as one batch.
    const calls = ['CO-1', 'CO-2', 'CO-3', 'CO-4', 'CO-5', 'CO-6'].map((po) => coalescer.write(one(po), ctx(client)));
    const outcomes = await Promise.all(calls);
    expect(loads).toEqual([1, 5]);
    outcomes.forEach((o, i) => {
      expect([...o.keys()]).toEqual([`CO-${i + 1}`]);
      const r = o.get(`CO-${i + 1}`)!;
      expect(r.ok && r.result.note).toMatch(/^S\d+ created with 2 line\(s\), confirmed$/);
    });
    for (let i = 1; i <= 6; i++) expect(ordersFor(sb, `CO-${i}`)).toHaveLength(1);
  });

  it('keeps a batch to its largest size, never splitting one caller\'s orders', async () => {
    const { client, loads } = countingClient();
    const coalescer = new OrderCoalescer(3);
    const two = [...one('CM-2a'), ...one('CM-2b')];
    await Promise.all([one('CM-1'), two, one('CM-3'), one('CM-4'), one('CM-5')].map((entries) => coalescer.write(entries, ctx(client))));
    expect(loads).toEqual([1, 3, 2]);
  });

  it('an order Odoo cannot take is its caller\'s error; the batch it came in with lands', async () => {
    const { client, loads } = countingClient();
    const coalescer = new OrderCoalescer(200);
    const bad = acmeOrder('CB-BAD');
    bad.lines = bad.lines.map((l) => ({ ...l, productCode: 'NO-SUCH-ITEM', ids: { vendorItem: 'NO-SUCH-ITEM' } }));
    const [first, good, worse, last] = await Promise.all([
      coalescer.write(one('CB-1'), ctx(client)),
      coalescer.write(one('CB-2'), ctx(client)),
      coalescer.write([{ key: 'CB-BAD', order: bad }], ctx(client)),
      coalescer.write(one('CB-3'), ctx(client)),
    ]);
    expect(loads).toEqual([1, 2]);
    expect(first.get('CB-1')!.ok && good.get('CB-2')!.ok && last.get('CB-3')!.ok).toBe(true);
    const r = worse.get('CB-BAD')!;
    expect(r.ok).toBe(false);
    expect(!r.ok && (r.error as GatewayError).code).toBe('ODOO_PRODUCT_NOT_FOUND');
    expect(ordersFor(sb, 'CB-BAD')).toHaveLength(0);
  });

  it('Odoo down fails every caller of that batch; their retry writes each order once', async () => {
    const { client } = countingClient(1);
    const coalescer = new OrderCoalescer(200);
    const first = await Promise.allSettled(['CR-1', 'CR-2'].map((po) => coalescer.write(one(po), ctx(client))));
    expect(first.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect((first[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'ODOO_UNAVAILABLE' });
    const again = await coalescer.write([...one('CR-1'), ...one('CR-2')], ctx(client));
    expect([...again.values()].every((r) => r.ok)).toBe(true);
    expect(ordersFor(sb, 'CR-1')).toHaveLength(1);
    expect(ordersFor(sb, 'CR-2')).toHaveLength(1);
  });
});
