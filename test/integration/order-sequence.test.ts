import type { Runtime } from '../../src/daemon/runtime';
import { writeOrder } from '../../src/odoo/writers';
import type { OdooClient } from '../../src/odoo/client/odoo-client';
import type { InboundStage } from '../../src/pipeline/inbound-stages';
import { requestReplay } from '../../src/pipeline/replay';
import { getMessage } from '../../src/store/messages.repo';
import { BACKENDS, eventually, silentLog } from '../helpers';
import { acme850, acmeOrder, linesOf, odooRuntime, ordersFor, settled, startSandbox, type SandboxOdoo } from '../odoo-helpers';

/**
 * A change after the original it changes (issue 16): two files dropped together, or a change
 * that comes while its original is still on its way to Odoo, must not be written first, and
 * must never leave the original refused as "entered by hand".
 */

/** acme's 850 as a change (BEG01 04) of `po`, with line 1 at `qty` instead of 24. */
function acmeChange(control: string, po: string, qty: number): Buffer {
  return Buffer.from(acme850(control, po).toString('latin1').replace(`BEG*00*SA*${po}`, `BEG*04*SA*${po}`).replace('PO1*1*24*EA', `PO1*1*${qty}*EA`), 'latin1');
}

/** A stage before Odoo that holds the messages of a PO until released: an original still on its way. */
function gate() {
  const held = new Map<string, () => void>();
  const waits = new Map<string, Promise<void>>();
  const stage: InboundStage = {
    name: 'gate',
    async run(ctx) {
      for (const [needle, wait] of waits) if (ctx.content.includes(needle)) await wait;
    },
  };
  const holdText = (needle: string) => { waits.set(needle, new Promise<void>((r) => held.set(needle, r))); };
  const releaseText = (needle: string) => { held.get(needle)?.(); waits.delete(needle); };
  return {
    stage,
    /** Holds the original order of `po`. */
    hold: (po: string) => holdText(`BEG*00*SA*${po}*`),
    release: (po: string) => releaseText(`BEG*00*SA*${po}*`),
    /** Holds the message whose content has `needle` (an interchange control number, say). */
    holdText,
    releaseText,
  };
}

describe.each(BACKENDS)('a change after its original on %s', (backend) => {
  let sb: SandboxOdoo;
  let rt: Runtime;
  const g = gate();
  beforeAll(async () => {
    sb = await startSandbox();
    // Three retries a second or more apart (1, 2, 4 s): time for an original to land, and a last attempt to reach.
    rt = await odooRuntime(backend, sb, {}, { retryLimit: 3, retryDelaySeconds: 1 });
    const stages = rt.inboundStages();
    stages.splice(stages.findIndex((s) => s.name === 'odoo'), 0, g.stage);
    rt.workInbound(stages);
  });
  afterAll(async () => {
    await rt?.close();
    await sb?.close();
  });
  const status = async (id: number) => getMessage(rt.store.knex, id);

  it('waits for an original another message is still writing, then changes it', async () => {
    g.hold('PO-SEQ-1');
    const original = await rt.receive({ content: acme850('000007001', 'PO-SEQ-1'), transport: 'test' });
    await eventually(async () => (await rt.store.knex('documents').where({ message_id: original.messageId })).length === 1, 30_000, 'the original translated and held');
    const change = await rt.receive({ content: acmeChange('000007002', 'PO-SEQ-1', 30), transport: 'test' });
    const waiting = await eventually(async () => {
      const m = await status(change.messageId);
      return m?.status === 'retrying' ? m : undefined;
    }, 30_000, 'the change to wait');
    expect(waiting).toMatchObject({ errorCode: 'ORDER_WAITING', errorMessage: expect.stringContaining(`message ${original.messageId}`) });
    expect(ordersFor(sb, 'PO-SEQ-1')).toEqual([]);

    g.release('PO-SEQ-1');
    expect(await settled(rt, original.messageId)).toMatchObject({ status: 'done' });
    expect(await settled(rt, change.messageId)).toMatchObject({ status: 'done' });
    const orders = ordersFor(sb, 'PO-SEQ-1');
    expect(orders).toHaveLength(1);
    expect(linesOf(sb, orders[0].id).map((l) => l.product_uom_qty)).toEqual([30, 6]);
  }, 90_000);

  it('parks the change as out of sequence when its original is still held after every retry; a replay then changes the order', async () => {
    g.hold('PO-SEQ-2');
    const original = await rt.receive({ content: acme850('000007003', 'PO-SEQ-2'), transport: 'test' });
    await eventually(async () => (await rt.store.knex('documents').where({ message_id: original.messageId })).length === 1, 30_000, 'the original translated and held');
    const change = await rt.receive({ content: acmeChange('000007004', 'PO-SEQ-2', 12), transport: 'test' });
    const parked = await settled(rt, change.messageId);
    expect(parked).toMatchObject({ status: 'exception', errorCode: 'ORDER_OUT_OF_SEQUENCE',
      errorMessage: expect.stringMatching(new RegExp(`PO-SEQ-2 \\(change\\) waits for its original order in message ${original.messageId}.*replay this message`)) });
    expect(ordersFor(sb, 'PO-SEQ-2')).toEqual([]);

    g.release('PO-SEQ-2');
    expect(await settled(rt, original.messageId)).toMatchObject({ status: 'done' });
    await requestReplay(rt.store.knex, rt.queue, change.messageId);
    await eventually(async () => (await status(change.messageId))?.status === 'done', 45_000, 'the replayed change');
    const orders = ordersFor(sb, 'PO-SEQ-2');
    expect(orders).toHaveLength(1);
    expect(linesOf(sb, orders[0].id).map((l) => l.product_uom_qty)).toEqual([12, 6]);
  }, 120_000);

  it('a later change waits for an earlier change still on its way, so the later one is what stays', async () => {
    const original = await rt.receive({ content: acme850('000007005', 'PO-SEQ-3'), transport: 'test' });
    expect(await settled(rt, original.messageId)).toMatchObject({ status: 'done' });
    g.holdText('*000007006*');
    const earlier = await rt.receive({ content: acmeChange('000007006', 'PO-SEQ-3', 30), transport: 'test' });
    await eventually(async () => (await rt.store.knex('documents').where({ message_id: earlier.messageId })).length === 1, 30_000, 'the earlier change translated and held');
    const later = await rt.receive({ content: acmeChange('000007007', 'PO-SEQ-3', 40), transport: 'test' });
    const waiting = await eventually(async () => {
      const m = await status(later.messageId);
      return m?.status === 'retrying' ? m : undefined;
    }, 30_000, 'the later change to wait');
    expect(waiting).toMatchObject({ errorCode: 'ORDER_WAITING', errorMessage: expect.stringContaining(`waits for an earlier change of it in message ${earlier.messageId}`) });
    const [order] = ordersFor(sb, 'PO-SEQ-3');
    expect(linesOf(sb, order.id).map((l) => l.product_uom_qty)).toEqual([24, 6]);

    g.releaseText('*000007006*');
    expect(await settled(rt, earlier.messageId)).toMatchObject({ status: 'done' });
    expect(await settled(rt, later.messageId)).toMatchObject({ status: 'done' });
    expect(ordersFor(sb, 'PO-SEQ-3')).toHaveLength(1);
    expect(linesOf(sb, order.id).map((l) => l.product_uom_qty)).toEqual([40, 6]);
  }, 90_000);

  it('an earlier change does not wait for a later one', async () => {
    const original = await rt.receive({ content: acme850('000007008', 'PO-SEQ-4'), transport: 'test' });
    expect(await settled(rt, original.messageId)).toMatchObject({ status: 'done' });
    // The later change is translated first and held; the earlier one (a smaller message id) goes on.
    const earlierBytes = acmeChange('000007009', 'PO-SEQ-4', 30);
    const laterBytes = acmeChange('000007010', 'PO-SEQ-4', 40);
    g.holdText('*000007009*');
    g.holdText('*000007010*');
    const earlier = await rt.receive({ content: earlierBytes, transport: 'test' });
    const later = await rt.receive({ content: laterBytes, transport: 'test' });
    await eventually(async () => (await rt.store.knex('documents').whereIn('message_id', [earlier.messageId, later.messageId])).length === 2, 30_000, 'both changes translated and held');
    g.releaseText('*000007009*');
    expect(await settled(rt, earlier.messageId)).toMatchObject({ status: 'done' });
    g.releaseText('*000007010*');
    expect(await settled(rt, later.messageId)).toMatchObject({ status: 'done' });
    const [order] = ordersFor(sb, 'PO-SEQ-4');
    expect(linesOf(sb, order.id).map((l) => l.product_uom_qty)).toEqual([40, 6]);
  }, 90_000);

  /**
   * The race the store cannot see: the original's file not yet translated when the change looks.
   * The other writer lands between our external-id lookup and the same-PO check; the order is ours.
   */
  describe('a writer racing another message of the same PO', () => {
    const ctx = (client: OdooClient) => ({ client, profile: rt.partners().get('acme-retail')!, log: silentLog });
    /** rt.odoo(), with `meanwhile` run just before the writer's same-PO-by-hand check. */
    const racing = (meanwhile: () => Promise<unknown>): OdooClient => {
      const client = rt.odoo();
      const searchRead = client.searchRead.bind(client);
      let ran = false;
      return Object.assign(Object.create(Object.getPrototypeOf(client)), client, {
        searchRead: (async (model: string, domain: unknown[], ...rest: unknown[]) => {
          if (!ran && model === 'sale.order' && JSON.stringify(domain).includes('"partner_id"')) { ran = true; await meanwhile(); }
          return (searchRead as any)(model, domain, ...rest);
        }) as OdooClient['searchRead'],
      });
    };

    it('a change that loses the race to its original updates the original\'s order', async () => {
      const order = acmeOrder('PO-RACE-1');
      const change = acmeOrder('PO-RACE-1', { purpose: 'change', lines: [{ ...order.lines[0], quantity: 48 }] });
      const r = await writeOrder(change, ctx(racing(() => writeOrder(order, ctx(rt.odoo())))));
      const orders = ordersFor(sb, 'PO-RACE-1');
      expect(orders.map((o) => o.id)).toEqual([r.id]);
      expect(r.note).toMatch(/updated \(change, 1 line\(s\) set to 0\)/);
      expect(linesOf(sb, r.id).map((l) => l.product_uom_qty)).toEqual([48, 0]);
    });

    it('an original that loses the race to its change is already in Odoo, not an order "entered by hand"', async () => {
      const order = acmeOrder('PO-RACE-2');
      const change = acmeOrder('PO-RACE-2', { purpose: 'change' });
      const r = await writeOrder(order, ctx(racing(() => writeOrder(change, ctx(rt.odoo())))));
      expect(r.note).toMatch(/already in Odoo/);
      expect(ordersFor(sb, 'PO-RACE-2').map((o) => o.id)).toEqual([r.id]);
    });

    it('a same-PO order entered by hand is still refused', async () => {
      const acme = (sb.execute('res.partner', 'search', [[['ref', '=', 'ACME-RETAIL']]]) as number[])[0];
      sb.execute('sale.order', 'create', [{ partner_id: acme, client_order_ref: 'PO-RACE-3' }]);
      await expect(writeOrder(acmeOrder('PO-RACE-3', { purpose: 'change' }), ctx(rt.odoo())))
        .rejects.toMatchObject({ code: 'ODOO_VALIDATION', message: expect.stringContaining('was not written by the gateway') });
    });
  });
});
