import type { Runtime } from '../../src/daemon/runtime';
import { GatewayError } from '../../src/errors/gateway-error';
import { createOdooClient } from '../../src/odoo/client/create-client';
import { writeOrder, writeWarehouseAdvice } from '../../src/odoo/writers';
import { requestReplay } from '../../src/pipeline/replay';
import { listDocuments } from '../../src/store/documents.repo';
import { getMessage } from '../../src/store/messages.repo';
import { BACKENDS, eventually, silentLog } from '../helpers';
import { acme850, acmeOrder, linesOf, odooRuntime, ordersFor, settled, startSandbox, swift945, type SandboxOdoo } from '../odoo-helpers';

describe.each(BACKENDS)('Odoo writes through the inbound pipeline on %s', (backend) => {
  let sb: SandboxOdoo;
  let rt: Runtime;
  beforeAll(async () => {
    sb = await startSandbox();
    rt = await odooRuntime(backend, sb);
    rt.workInbound();
  });
  afterAll(async () => {
    await rt?.close();
    await sb?.close();
  });
  const ctx = (profileId = 'acme-retail', odoo: Record<string, unknown> = {}) => {
    const p = rt.partners().get(profileId)!;
    return { client: rt.odoo(), profile: { ...p, odoo: { ...p.odoo, ...odoo } }, log: silentLog };
  };

  it('an 850 becomes one confirmed sale order with its lines, delivery address and dates; a replay changes nothing', async () => {
    const r = await rt.receive({ content: acme850('000001001', '4500012345'), transport: 'test' });
    expect(await settled(rt, r.messageId)).toMatchObject({ status: 'done' });
    const [so, ...more] = ordersFor(sb, '4500012345');
    expect(more).toEqual([]);
    expect(so.state).toBe('sale');
    // Line 2 was ordered as 6 CA at 48: it stays 6 'Case of 12' at ACME's price per case (acme's mapping.uom.CA.odooUom).
    const lines = sb.execute('sale.order.line', 'search_read', [[['order_id', '=', so.id]]], { fields: ['product_id', 'product_uom_qty', 'product_uom', 'price_unit', 'tax_id'], order: 'id asc' }) as any[];
    expect(lines.map((l) => [l.product_id[1], l.product_uom_qty, l.product_uom[1], l.price_unit])).toEqual([
      [expect.stringContaining('ODW-1001'), 24, 'Units', 12.5], [expect.stringContaining('ODW-1002'), 6, 'Case of 12', 48]]);
    expect(lines.every((l) => l.tax_id.length === 1)).toBe(true);
    const [full] = sb.execute('sale.order', 'read', [[so.id]], { fields: ['partner_id', 'partner_shipping_id', 'commitment_date', 'write_date', 'currency_id', 'amount_untaxed', 'amount_tax', 'amount_total'] }) as any[];
    // 300 + 288, 15% tax rounded per line (45 + 43.20), in the order's currency (none sent: the default pricelist's, USD).
    expect([full.currency_id[1], full.amount_untaxed, full.amount_tax, full.amount_total]).toEqual(['USD', 588, 88.2, 676.2]);
    expect(full.partner_id[1]).toMatch(/ACME Retail/);
    expect(full.partner_shipping_id[1]).toMatch(/0042/);
    expect(full.commitment_date).toMatch(/^2026-12-05/);
    const [doc] = await listDocuments(rt.store.knex, r.messageId);
    expect(doc).toMatchObject({ odooModel: 'sale.order', odooId: so.id });

    // A replay, and a replay after the store lost the link (a crash between Odoo and our commit): one order, same lines.
    await requestReplay(rt.store.knex, rt.queue, r.messageId);
    await eventually(async () => (await getMessage(rt.store.knex, r.messageId))?.status === 'done', 45_000, 'the replay');
    await rt.store.knex('documents').where({ id: doc.id }).update({ odoo_model: null, odoo_id: null });
    await requestReplay(rt.store.knex, rt.queue, r.messageId);
    await eventually(async () => (await listDocuments(rt.store.knex, r.messageId))[0].odooId === so.id, 45_000, 'the link again');
    expect(ordersFor(sb, '4500012345').map((o) => [o.id, o.order_line.length, o.state])).toEqual([[so.id, 2, 'sale']]);
    const [after] = sb.execute('sale.order', 'read', [[so.id]], { fields: ['write_date'] }) as any[];
    expect(after.write_date).toBe(full.write_date);
  });

  it('the same order written twice (a retry after an ambiguous timeout) is one order, confirmed once', async () => {
    const order = acmeOrder('PO-TWICE');
    const first = await writeOrder(order, ctx());
    const second = await writeOrder(order, ctx());
    expect(second.id).toBe(first.id);
    expect(second.note).toMatch(/already in Odoo/);
    expect(ordersFor(sb, 'PO-TWICE').map((o) => [o.order_line.length, o.state])).toEqual([[2, 'sale']]);
  });

  it('as the least-privilege bot: an order, its replay, a same-PO order entered by hand, with no external-id lookup that can miss', async () => {
    const bot = createOdooClient(rt.config, undefined, { user: 'edi-bot', apiKey: 'edi-bot' });
    const methods: string[] = [];
    const call = bot.call.bind(bot);
    bot.call = ((model: string, method: string, ...rest: [unknown[]?, Record<string, unknown>?]) => { methods.push(`${model}.${method}`); return call(model, method, ...rest); }) as typeof bot.call;
    const botCtx = { ...ctx(), client: bot };
    const first = await writeOrder(acmeOrder('PO-BOT-1'), botCtx);
    expect(first.note).toMatch(/created/);
    const again = await writeOrder(acmeOrder('PO-BOT-1'), botCtx);
    expect(again).toMatchObject({ id: first.id, note: expect.stringMatching(/already in Odoo/) });
    // Entered by hand: the same PO for the same customer, without our external id.
    const acme = (sb.execute('res.partner', 'search', [[['ref', '=', 'ACME-RETAIL']]]) as number[])[0];
    sb.execute('sale.order', 'create', [{ partner_id: acme, client_order_ref: 'PO-BOT-2' }]);
    const err = await writeOrder(acmeOrder('PO-BOT-2'), botCtx).catch((e) => e);
    expect(err).toMatchObject({ code: 'ODOO_VALIDATION', message: expect.stringMatching(/not written by the gateway/) });
    expect(ordersFor(sb, 'PO-BOT-2')).toHaveLength(1);
    expect(methods.filter((m) => m.startsWith('ir.model.data'))).toEqual([]);
    expect(methods).toContain('sale.order.get_metadata');
  });

  it.each([
    ['product', acmeOrder('PO-BADITEM', { lines: [{ ...acmeOrder('x').lines[0] }, { lineNumber: '2', quantity: 1, uom: 'EA', ids: { vendorItem: 'NOPE-1' }, productCode: 'NOPE-1' }] }), {}, 'ODOO_PRODUCT_NOT_FOUND', /line 2: product code NOPE-1/],
    ['location', acmeOrder('PO-BADSTORE', { shipTo: { name: 'ACME STORE 9999', code: '9999', codeQualifier: '92', resolved: 'ACME-ST-9999' } }), {}, 'ODOO_LOCATION_NOT_FOUND', /store 9999 .*ACME-ST-9999/],
    ['customer', acmeOrder('PO-BADCUST'), { customer: 'NOBODY-INC' }, 'ODOO_CUSTOMER_NOT_FOUND', /customer 'NOBODY-INC'/],
  ])('an unknown %s is a clear, permanent exception and nothing is written', async (_what, order, odoo, code, message) => {
    const partnersBefore = (sb.execute('res.partner', 'search_count', [[]]) as number);
    const err = await writeOrder(order, ctx('acme-retail', odoo)).catch((e) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ code, retryable: false });
    expect(err.message).toMatch(message);
    expect(ordersFor(sb, order.poNumber)).toEqual([]);
    expect(sb.execute('res.partner', 'search_count', [[]])).toBe(partnersBefore);
  });

  it('an unknown store becomes a child delivery address when the profile allows, once', async () => {
    const shipTo = { name: 'ACME STORE 0555', code: '0555', codeQualifier: '92', address: { lines: ['5 Elm St'], city: 'Peoria', postalCode: '61602' } };
    const a = await writeOrder(acmeOrder('PO-NEWSTORE-1', { shipTo }), ctx('acme-retail', { createDeliveryAddresses: true }));
    const b = await writeOrder(acmeOrder('PO-NEWSTORE-2', { shipTo }), ctx('acme-retail', { createDeliveryAddresses: true }));
    const addresses = sb.execute('res.partner', 'search_read', [[['ref', '=', '0555']]], { fields: ['type', 'parent_id', 'city'] }) as any[];
    expect(addresses).toEqual([expect.objectContaining({ type: 'delivery', city: 'Peoria', parent_id: [expect.any(Number), expect.stringMatching(/ACME/)] })]);
    const ships = sb.execute('sale.order', 'read', [[a.id, b.id]], { fields: ['partner_shipping_id'] }) as any[];
    expect(ships.map((s) => s.partner_shipping_id[0])).toEqual([addresses[0].id, addresses[0].id]);
  });

  it('a change rewrites the lines while nothing has shipped, a cancel cancels, and after shipping both are refused', async () => {
    const original = acmeOrder('PO-CHG');
    const { id } = await writeOrder(original, ctx());
    const changed = acmeOrder('PO-CHG', { purpose: 'change', lines: [{ ...original.lines[1], quantity: 36 }] });
    await writeOrder(changed, ctx());
    expect(linesOf(sb, id).map((l) => l.product_uom_qty)).toEqual([0, 36]);
    expect(ordersFor(sb, 'PO-CHG')).toHaveLength(1);
    await writeOrder(acmeOrder('PO-CHG', { purpose: 'cancel' }), ctx());
    expect(ordersFor(sb, 'PO-CHG')[0].state).toBe('cancel');

    // Ship another one, then try to change it.
    const shipped = await writeOrder(acmeOrder('PO-SHIPPED'), ctx());
    const [so] = ordersFor(sb, 'PO-SHIPPED');
    const [picking] = sb.execute('stock.picking', 'read', [so.picking_ids], { fields: ['name'] }) as any[];
    await writeWarehouseAdvice({ type: 'warehouse_advice', partnerId: 'swift-3pl', orderNumber: picking.name, references: [],
      lines: [{ shippedQuantity: 24, uom: 'EA', ids: { vendorItem: 'ODW-1001' } }, { shippedQuantity: 72, uom: 'EA', ids: { vendorItem: 'ODW-1002' } }] }, ctx('swift-3pl'));
    for (const purpose of ['change', 'cancel'] as const) {
      await expect(writeOrder(acmeOrder('PO-SHIPPED', { purpose }), ctx())).rejects.toMatchObject({ code: 'ODOO_ORDER_SHIPPED', message: expect.stringContaining(picking.name) });
    }
    expect(ordersFor(sb, 'PO-SHIPPED').map((o) => [o.id, o.state])).toEqual([[shipped.id, 'sale']]);
  });

  it('a 945 from swift-3pl validates the picking with the shipped quantities and tracking, leaves a backorder, and a replay changes nothing', async () => {
    await writeOrder(acmeOrder('PO-945'), ctx());
    const [so] = ordersFor(sb, 'PO-945');
    const [picking] = sb.execute('stock.picking', 'read', [so.picking_ids], { fields: ['name'] }) as any[];
    const r = await rt.receive({ content: swift945('000000801', picking.name, 'PO-945'), transport: 'test' });
    expect(await settled(rt, r.messageId)).toMatchObject({ status: 'done' });
    const [done] = sb.execute('stock.picking', 'read', [[picking.id]], { fields: ['state', 'carrier_tracking_ref', 'write_date'] }) as any[];
    expect(done).toMatchObject({ state: 'done', carrier_tracking_ref: '1Z999AA10123456784' });
    const moves = sb.execute('stock.move', 'search_read', [[['picking_id', '=', picking.id]]], { fields: ['product_id', 'quantity'], order: 'id asc' }) as any[];
    expect(moves.map((m) => m.quantity)).toEqual([24, 60]);
    const backorders = sb.execute('stock.picking', 'search_read', [[['backorder_id', '=', picking.id]]], { fields: ['state'] }) as any[];
    expect(backorders).toHaveLength(1);

    await rt.store.knex('documents').where({ message_id: r.messageId }).update({ odoo_model: null, odoo_id: null });
    await requestReplay(rt.store.knex, rt.queue, r.messageId);
    await eventually(async () => (await listDocuments(rt.store.knex, r.messageId))[0].odooId === picking.id, 45_000, 'the replayed 945');
    const [again] = sb.execute('stock.picking', 'read', [[picking.id]], { fields: ['write_date'] }) as any[];
    expect(again.write_date).toBe(done.write_date);
    expect(sb.execute('stock.picking', 'search_count', [[['backorder_id', '=', picking.id]]])).toBe(1);
  });

  // Issue 12 item 7: 3PLs give the tracking number per package, in the LX loop, not in the heading.
  const trackingInLoops = (control: string, picking: string, po: string, second?: string) => {
    let text = swift945(control, picking, po).toString('latin1').replace('N9*CN*1Z999AA10123456784~', '')
      .replace('MAN*GM*006141411234567890~', 'MAN*GM*006141411234567890~N9*CN*1Z999AA10123456784~');
    if (second) text = text.replace('LX*2~', `LX*2~N9*2I*${second}~`).replace('SE*16*0001', 'SE*17*0001');
    expect(text).not.toMatch(/N9\*CN\*[^~]*~G62/);
    return Buffer.from(text, 'latin1');
  };
  const shipped945 = async (po: string, content: (picking: string) => Buffer) => {
    await writeOrder(acmeOrder(po), ctx());
    const [so] = ordersFor(sb, po);
    const [picking] = sb.execute('stock.picking', 'read', [so.picking_ids], { fields: ['name'] }) as any[];
    const r = await rt.receive({ content: content(picking.name), transport: 'test' });
    expect(await settled(rt, r.messageId)).toMatchObject({ status: 'done' });
    const [done] = sb.execute('stock.picking', 'read', [[picking.id]], { fields: ['state', 'carrier_tracking_ref'] }) as any[];
    return done as { state: string; carrier_tracking_ref: string | false };
  };

  it('a 945 whose tracking number is in its LX loop (N9*CN after LX, none in the heading) puts it on the picking', async () => {
    const done = await shipped945('PO-945-LX', (name) => trackingInLoops('000000803', name, 'PO-945-LX'));
    expect(done).toMatchObject({ state: 'done', carrier_tracking_ref: '1Z999AA10123456784' });
  });

  it('a 945 with a tracking number per package puts them all on the picking, joined with commas as Odoo\'s carriers do', async () => {
    const done = await shipped945('PO-945-2', (name) => trackingInLoops('000000804', name, 'PO-945-2', '1Z999AA10123456791'));
    expect(done).toMatchObject({ state: 'done', carrier_tracking_ref: '1Z999AA10123456784,1Z999AA10123456791' });
  });

  it('a 945 whose W0602 is the 3PL\'s own number is matched by the PO in W0606 to the one open picking of that order', async () => {
    const done = await shipped945('PO-945-PO', () => swift945('000000805', 'SWS-ORDER-77', 'PO-945-PO'));
    expect(done).toMatchObject({ state: 'done', carrier_tracking_ref: '1Z999AA10123456784' });
  });

  it('a 945 for a picking that does not exist is a permanent exception naming it', async () => {
    const r = await rt.receive({ content: swift945('000000802', 'WH/OUT/99999'), transport: 'test' });
    expect(await settled(rt, r.messageId)).toMatchObject({ status: 'exception', errorCode: 'ODOO_RECORD_NOT_FOUND', errorMessage: expect.stringContaining('WH/OUT/99999') });
  });
});
