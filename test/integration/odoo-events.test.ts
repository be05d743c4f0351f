import type { Runtime } from '../../src/daemon/runtime';
import { writeOrder } from '../../src/odoo/writers';
import { reportErrorLines, validateOutbound } from '../../src/parsers/x12/validate-outbound';
import { requestReplay } from '../../src/pipeline/replay';
import { getMessage } from '../../src/store/messages.repo';
import { BACKENDS, eventually, silentLog } from '../helpers';
import { acme850, acmeOrder, odooRuntime, ordersFor, settled, startSandbox, swift945, type SandboxOdoo } from '../odoo-helpers';

/** What Odoo users do by hand, over the sandbox's RPC. */
function validateByHand(sb: SandboxOdoo, pickingId: number): void {
  const moves = sb.execute('stock.move', 'search_read', [[['picking_id', '=', pickingId]]], { fields: ['product_uom_qty'] }) as any[];
  for (const m of moves) sb.execute('stock.move', 'write', [[m.id], { quantity: m.product_uom_qty, picked: true }]);
  sb.execute('stock.picking', 'write', [[pickingId], { carrier_tracking_ref: `TRK-${pickingId}` }]);
  const r = sb.execute('stock.picking', 'button_validate', [[pickingId]]);
  expect(r).toBe(true);
}

function invoiceAndPost(sb: SandboxOdoo, soId: number): number {
  const context = { active_model: 'sale.order', active_ids: [soId] };
  const wiz = [sb.execute('sale.advance.payment.inv', 'create', [[{ advance_payment_method: 'delivered', sale_order_ids: [[6, 0, [soId]]] }]], { context })].flat()[0] as number;
  sb.execute('sale.advance.payment.inv', 'create_invoices', [[wiz]], { context });
  const [so] = sb.execute('sale.order', 'read', [[soId]], { fields: ['invoice_ids'] }) as any[];
  const invoice = so.invoice_ids.at(-1);
  sb.execute('account.move', 'action_post', [[invoice]]);
  return invoice;
}

async function outbox(rt: Runtime, partner: string): Promise<{ id: number; filename: string; text: string }[]> {
  const rows = await rt.store.knex('messages').where({ direction: 'out', partner_id: partner, transport: 'outbox' }).whereNotNull('transport_ref')
    .where('transport_ref', 'like', 'odoo:%').orderBy('id').select('id', 'filename', 'content');
  return rows.map((r) => ({ id: r.id, filename: r.filename, text: Buffer.from(r.content).toString('latin1') }));
}

function checked(rt: Runtime, partner: string, text: string): string {
  const profile = rt.partners().get(partner)!;
  expect(reportErrorLines(validateOutbound(text, profile, rt.config.self.x12).report)).toEqual([]);
  return text;
}

const pickingOf = (sb: SandboxOdoo, so: { picking_ids: number[] }) =>
  (sb.execute('stock.picking', 'read', [so.picking_ids], { fields: ['name', 'state'] }) as any[]).find((p) => p.state !== 'done' && p.state !== 'cancel');

describe.each(BACKENDS)('Odoo events to outbound documents on %s', (backend) => {
  let sb: SandboxOdoo;
  let rt: Runtime;
  beforeAll(async () => {
    sb = await startSandbox();
    rt = await odooRuntime(backend, sb);
    rt.workInbound();
    // The first scan sets every cursor; what follows is new.
    await rt.odooEvents.scanNow();
  });
  afterAll(async () => {
    await rt?.close();
    await sb?.close();
  });
  const ctx = (id: string, odoo: Record<string, unknown> = {}) => {
    const p = rt.partners().get(id)!;
    return { client: rt.odoo(), profile: { ...p, odoo: { ...p.odoo, ...odoo } }, log: silentLog };
  };

  it('done when: an acme 850 -> confirmed order -> 855; picking validated by hand -> 856; invoice posted -> 810; a swift 945 validates the other picking; replays change nothing', async () => {
    const r = await rt.receive({ content: acme850('000002001', 'PO-E2E-1'), transport: 'test' });
    expect(await settled(rt, r.messageId)).toMatchObject({ status: 'done' });
    const [so] = ordersFor(sb, 'PO-E2E-1');
    expect(so.state).toBe('sale');

    let report = await rt.odooEvents.scanNow();
    expect(report.error).toBeUndefined();
    expect(report.events.sale_confirmed.queued).toBe(1);
    let out = await outbox(rt, 'acme-retail');
    expect(out.map((o) => o.filename)).toEqual([expect.stringMatching(/^855-/)]);
    const ack = checked(rt, 'acme-retail', out[0].text);
    expect(ack).toContain('BAK*00*AD*PO-E2E-1*20261120');
    expect(ack).toContain('PO1*2*6*CA*48**');
    expect(ack).toContain(`REF*VN*${so.name}`);

    const picking = pickingOf(sb, so);
    validateByHand(sb, picking.id);
    report = await rt.odooEvents.scanNow();
    expect(report.events.picking_done.queued).toBe(1);
    const invoiceId = invoiceAndPost(sb, so.id);
    report = await rt.odooEvents.scanNow();
    expect(report.events.invoice_posted.queued).toBe(1);
    out = await outbox(rt, 'acme-retail');
    expect(out.map((o) => o.filename.slice(0, 3))).toEqual(['855', '856', '810']);
    const asn = checked(rt, 'acme-retail', out[1].text);
    expect(asn).toContain('PRF*PO-E2E-1');
    expect(asn).toContain('N1*ST*ACME STORE 0042*92*0042');
    expect(asn).toContain(`REF*CN*TRK-${picking.id}`);
    const [inv] = sb.execute('account.move', 'read', [[invoiceId]], { fields: ['name'] }) as any[];
    const bill = checked(rt, 'acme-retail', out[2].text);
    expect(bill).toContain(`*${inv.name}*20261120*PO-E2E-1`);
    expect(bill).toContain('IT1*2*6*CA*48**');

    // The 945 path: another order, its picking validated by swift-3pl's advice.
    const r2 = await rt.receive({ content: acme850('000002002', 'PO-E2E-2'), transport: 'test' });
    expect(await settled(rt, r2.messageId)).toMatchObject({ status: 'done' });
    const [so2] = ordersFor(sb, 'PO-E2E-2');
    const picking2 = pickingOf(sb, so2);
    const a = await rt.receive({ content: swift945('000000901', picking2.name, 'PO-E2E-2'), transport: 'test' });
    expect(await settled(rt, a.messageId)).toMatchObject({ status: 'done' });
    expect((sb.execute('stock.picking', 'read', [[picking2.id]], { fields: ['state'] }) as any[])[0].state).toBe('done');
    report = await rt.odooEvents.scanNow();
    expect(report.events.picking_done.queued).toBe(1);
    const asn2 = checked(rt, 'acme-retail', (await outbox(rt, 'acme-retail')).at(-1)!.text);
    // Shipped 24 of 24 and 60 of 72 EA: back in acme's cases (2 CA, 5 of 6 CA).
    expect(asn2).toContain('SN1**2*CA**2*CA~');
    expect(asn2).toContain('SN1**5*CA**6*CA~');

    // Replays of every message, and scans again: Odoo and the outbox stay as they are.
    const before = { orders: sb.execute('sale.order', 'search_count', [[]]), pickings: sb.execute('stock.picking', 'search_count', [[]]), out: (await outbox(rt, 'acme-retail')).length };
    for (const id of [r.messageId, r2.messageId, a.messageId]) {
      await requestReplay(rt.store.knex, rt.queue, id);
      await eventually(async () => (await getMessage(rt.store.knex, id))?.status === 'done', 45_000, `replay of ${id}`);
    }
    await rt.odooEvents.scanNow();
    expect({ orders: sb.execute('sale.order', 'search_count', [[]]), pickings: sb.execute('stock.picking', 'search_count', [[]]), out: (await outbox(rt, 'acme-retail')).length }).toEqual(before);
  });

  it('summit-grocers gets 856 and 810 (no 855: its profile lists none); swift-3pl gets a 940 for a picking ready in its warehouse', async () => {
    const summitOrder = acmeOrder('SG-1001', { partnerId: 'summit-grocers', shipTo: { name: 'SUMMIT DC EAST', code: '0614141000418', codeQualifier: 'UL', resolved: 'SUMMIT-DC-EAST' },
      lines: [{ lineNumber: '1', quantity: 10, uom: 'CA', ids: { gtin: '10614141000012' }, productCode: 'ODW-2001' }] });
    const { id } = await writeOrder(summitOrder, ctx('summit-grocers'));
    sb.execute('sale.order', 'action_confirm', [[id]]);
    let report = await rt.odooEvents.scanNow();
    expect(report.events.sale_confirmed).toMatchObject({ queued: 0 });
    const [so] = ordersFor(sb, 'SG-1001');
    validateByHand(sb, pickingOf(sb, so).id);
    invoiceAndPost(sb, id);
    report = await rt.odooEvents.scanNow();
    const summit = await outbox(rt, 'summit-grocers');
    expect(summit.map((o) => o.filename.slice(0, 3))).toEqual(['856', '810']);
    expect(checked(rt, 'summit-grocers', summit[0].text)).toContain('LIN*1*UK*10614141000012*VN*ODW-2001');
    expect(checked(rt, 'summit-grocers', summit[1].text)).toContain('IT1*1*10*CA*18.6**UK*10614141000012');

    // An acme order shipped from the 3PL's warehouse: ready there -> 940 to swift-3pl, W0502 = the picking name.
    await writeOrder(acmeOrder('PO-3PL-1'), ctx('acme-retail', { warehouse: 'SWF' }));
    const [so3] = ordersFor(sb, 'PO-3PL-1');
    const picking = pickingOf(sb, so3);
    expect(picking.state).toBe('assigned');
    report = await rt.odooEvents.scanNow();
    expect(report.events.picking_ready.queued).toBe(1);
    const [w940] = await outbox(rt, 'swift-3pl');
    expect(checked(rt, 'swift-3pl', w940.text)).toContain(`W05*N*${picking.name}*PO-3PL-1`);
    // No stored 850 behind this order: the store number comes back from acme's locations table by the address's ref.
    expect(w940.text).toContain('N1*ST*ACME Store 0042 Springfield*92*0042');
  });
});
