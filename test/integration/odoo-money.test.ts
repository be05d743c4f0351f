import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../../src/daemon/runtime';
import { BACKENDS, PROFILES, tempDir, testRuntime } from '../helpers';
import { acme850, odooRuntime, ordersFor, sample, settled, startSandbox, type SandboxOdoo } from '../odoo-helpers';

/**
 * Money to the cent (issue 11 item 4) on the sandbox, whose money follows Odoo 18 as measured:
 * price_unit kept to 2 decimals, 15% sales tax rounded per line, a line's unit of measure, the
 * pricelist's currency. Every amount in the outbound documents is Odoo's own.
 */

function validateByHand(sb: SandboxOdoo, pickingId: number): void {
  const moves = sb.execute('stock.move', 'search_read', [[['picking_id', '=', pickingId]]], { fields: ['product_uom_qty'] }) as any[];
  for (const m of moves) sb.execute('stock.move', 'write', [[m.id], { quantity: m.product_uom_qty, picked: true }]);
  expect(sb.execute('stock.picking', 'button_validate', [[pickingId]])).toBe(true);
}

function invoiceAndPost(sb: SandboxOdoo, soId: number): any {
  const context = { active_model: 'sale.order', active_ids: [soId] };
  const wiz = [sb.execute('sale.advance.payment.inv', 'create', [[{ advance_payment_method: 'delivered', sale_order_ids: [[6, 0, [soId]]] }]], { context })].flat()[0] as number;
  sb.execute('sale.advance.payment.inv', 'create_invoices', [[wiz]], { context });
  const [so] = sb.execute('sale.order', 'read', [[soId]], { fields: ['invoice_ids'] }) as any[];
  const id = so.invoice_ids.at(-1);
  sb.execute('account.move', 'action_post', [[id]]);
  return (sb.execute('account.move', 'read', [[id]], { fields: ['name', 'currency_id', 'amount_untaxed', 'amount_tax', 'amount_total'] }) as any[])[0];
}

async function outbox(rt: Runtime, partner: string, pattern: RegExp): Promise<string[]> {
  const rows = await rt.store.knex('messages').where({ direction: 'out', partner_id: partner, transport: 'outbox' }).whereNotNull('transport_ref')
    .where('transport_ref', 'like', 'odoo:%').orderBy('id').select('content');
  return rows.map((r) => Buffer.from(r.content).toString('latin1')).filter((t) => pattern.test(t));
}

const money = (so: any) => [so.currency_id[1], so.amount_untaxed, so.amount_tax, so.amount_total];
const cents = (n: number) => String(Math.round(n * 100));

function saleOrder(sb: SandboxOdoo, po: string): any {
  const [so] = ordersFor(sb, po);
  expect(so).toBeDefined();
  return (sb.execute('sale.order', 'read', [[so.id]], { fields: ['name', 'state', 'picking_ids', 'pricelist_id', 'currency_id', 'amount_untaxed', 'amount_tax', 'amount_total'] }) as any[])[0];
}

function saleLines(sb: SandboxOdoo, soId: number): any[] {
  return sb.execute('sale.order.line', 'search_read', [[['order_id', '=', soId]]],
    { fields: ['product_uom_qty', 'product_uom', 'price_unit', 'price_subtotal', 'price_tax', 'qty_delivered'], order: 'id asc' }) as any[];
}

/** acme's sample 850 with line 2 as `line2` (PO102-PO104), its own control and PO number, and optionally a CUR segment. */
function acmeOrderWith(control: string, po: string, line2: string, currency?: string): Buffer {
  let text = acme850(control, po).toString('latin1').replace('PO1*2*6*CA*48*', `PO1*2*${line2}*`);
  if (currency) text = text.replace('CUR*BY*USD~', `CUR*BY*${currency}~`);
  return Buffer.from(text, 'latin1');
}

/** nordmart's sample ORDERS with its own interchange, order number and currency. */
function nordmartOrders(control: string, po: string, currency = 'EUR'): Buffer {
  return Buffer.from(sample('nordmart', 'ORDERS-dc-order.edi').toString('latin1').replaceAll('NM00000123', control)
    .replace('BGM+220+NM-PO-55012+9', `BGM+220+${po}+9`).replace('CUX+2:EUR:9', `CUX+2:${currency}:9`), 'latin1');
}

/** The example profiles, with acme's CA converted to eaches (no Odoo unit for the case). */
function profilesWithoutCaseUnit(): string {
  const dir = tempDir('edi-money-profiles-');
  fs.cpSync(PROFILES, dir, { recursive: true });
  const file = path.join(dir, 'acme-retail', 'profile.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const changed = text.replace("CA: { uom: EA, factor: 12, odooUom: 'Case of 12' }", 'CA: { uom: EA, factor: 12 }');
  expect(changed).not.toBe(text);
  fs.writeFileSync(file, changed);
  return dir;
}

describe.each(BACKENDS)('money to the cent, sandbox Odoo, on %s', (backend) => {
  let sb: SandboxOdoo;
  let rt: Runtime;
  beforeAll(async () => {
    sb = await startSandbox();
    rt = await odooRuntime(backend, sb);
    rt.workInbound();
    await rt.odooEvents.scanNow();
  });
  afterAll(async () => {
    await rt?.close();
    await sb?.close();
  });

  it('acme 7 CA at 47.99 stays 7 Case of 12 at 47.99; the 855 accepts it as ordered and the 810 bills Odoo\'s totals, tax included', async () => {
    const po = 'PO-MONEY-CA';
    const r = await rt.receive({ content: acmeOrderWith('000009101', po, '7*CA*47.99'), transport: 'test' });
    expect(await settled(rt, r.messageId)).toMatchObject({ status: 'done' });
    const so = saleOrder(sb, po);
    expect(saleLines(sb, so.id).map((l) => [l.product_uom_qty, l.product_uom[1], l.price_unit, l.price_subtotal, l.price_tax])).toEqual([
      [24, 'Units', 12.5, 300, 45], [7, 'Case of 12', 47.99, 335.93, 50.39]]);
    // 15% per line, rounded per line: 45 + 50.39 (not 95.3895 rounded once).
    expect(money(so)).toEqual(['USD', 635.93, 95.39, 731.32]);

    await rt.odooEvents.scanNow();
    const [ack] = await outbox(rt, 'acme-retail', new RegExp(`BAK\\*00\\*\\w\\w\\*${po}`));
    expect(ack).toContain(`BAK*00*AD*${po}`);
    expect(ack).toContain('PO1*2*7*CA*47.99**');
    expect(ack).toMatch(/ACK\*IA\*7\*CA/);

    // Stock moves are in the product's unit (84 units); delivered is counted back in cases.
    const picking = so.picking_ids[0];
    const moves = sb.execute('stock.move', 'search_read', [[['picking_id', '=', picking]]], { fields: ['product_uom', 'product_uom_qty'], order: 'id asc' }) as any[];
    expect(moves.map((m) => [m.product_uom[1], m.product_uom_qty])).toEqual([['Units', 24], ['Units', 84]]);
    validateByHand(sb, picking);
    expect(saleLines(sb, so.id).map((l) => l.qty_delivered)).toEqual([24, 7]);
    // The 856 counts the 84 units shipped back in ACME's cases.
    await rt.odooEvents.scanNow();
    const [asn] = await outbox(rt, 'acme-retail', new RegExp(`PRF\\*${po}`));
    expect(asn).toMatch(/LIN\*2\*[^~]*~\s*SN1\*\*7\*CA\*\*7\*CA~/);

    const invoice = invoiceAndPost(sb, so.id);
    expect(money(invoice)).toEqual(money(so));
    await rt.odooEvents.scanNow();
    const [bill] = await outbox(rt, 'acme-retail', new RegExp(`BIG\\*\\d+\\*${invoice.name.replace(/\//g, '\\/')}`));
    expect(bill).toContain('IT1*2*7*CA*47.99**');
    expect(bill).toContain('TXI*TX*50.39*15');
    expect(bill).toContain(`TDS*${cents(invoice.amount_total)}`);
    expect(bill).toContain(`TXI*TX*${invoice.amount_tax}*15`);
  });

  it('without an Odoo unit for CA: 84 EA at 3.999167 is held at 4.00, and the 855 and 810 say 48 per case (ACK IP), Odoo\'s numbers', async () => {
    const converted = await testRuntime(backend, {
      profilesDir: profilesWithoutCaseUnit(), sandboxOdoo: { port: sb.port },
      odoo: { enabled: true, timeoutSeconds: 10, attempts: 2, circuitFailures: 3, circuitCooldownSeconds: 0, pollSeconds: 0 },
      queue: { retryLimit: 40, retryDelaySeconds: 0 },
    });
    try {
      converted.workInbound();
      await converted.odooEvents.scanNow();
      const po = 'PO-MONEY-EA';
      const r = await converted.receive({ content: acmeOrderWith('000009102', po, '7*CA*47.99'), transport: 'test' });
      expect(await settled(converted, r.messageId)).toMatchObject({ status: 'done' });
      const so = saleOrder(sb, po);
      expect(saleLines(sb, so.id).map((l) => [l.product_uom_qty, l.product_uom[1], l.price_unit, l.price_subtotal])).toEqual([
        [24, 'Units', 12.5, 300], [84, 'Units', 4, 336]]);
      expect(money(so)).toEqual(['USD', 636, 95.4, 731.4]);

      await converted.odooEvents.scanNow();
      const [ack] = await outbox(converted, 'acme-retail', new RegExp(`BAK\\*00\\*\\w\\w\\*${po}`));
      expect(ack).toContain(`BAK*00*AC*${po}`);
      expect(ack).toContain('PO1*2*7*CA*48**');
      expect(ack).toMatch(/ACK\*IP\*7\*CA/);
      // 24 EA divide into cases: answered as 2 CA at 12 x 12.50 (the outbound uom mapping), nothing changed.
      expect(ack).toContain('PO1*1*2*CA*150**');

      validateByHand(sb, so.picking_ids[0]);
      const invoice = invoiceAndPost(sb, so.id);
      await converted.odooEvents.scanNow();
      const [bill] = await outbox(converted, 'acme-retail', new RegExp(`BIG\\*\\d+\\*${invoice.name.replace(/\//g, '\\/')}`));
      expect(bill).toContain('IT1*2*7*CA*48**');
      expect(bill).toContain(`TDS*${cents(invoice.amount_total)}`);
      expect(invoice.amount_total).toBe(731.4);
    } finally {
      await converted.close();
    }
  });

  it('nordmart CUX+2:EUR becomes a EUR sale order (its Nordmart EUR pricelist) and an INVOIC in EUR with Odoo\'s totals', async () => {
    const po = 'NM-PO-EUR-1';
    const r = await rt.receive({ content: nordmartOrders('NM00009201', po), transport: 'test' });
    expect(await settled(rt, r.messageId)).toMatchObject({ status: 'done' });
    const so = saleOrder(sb, po);
    expect(so.pricelist_id[1]).toBe('Nordmart EUR');
    // 48 x 11.90 + 12 x 3.75 = 616.20; tax 85.68 + 6.75.
    expect(money(so)).toEqual(['EUR', 616.2, 92.43, 708.63]);

    validateByHand(sb, so.picking_ids[0]);
    const invoice = invoiceAndPost(sb, so.id);
    expect(money(invoice)).toEqual(['EUR', 616.2, 92.43, 708.63]);
    expect((await rt.odooEvents.scanNow()).events.invoice_posted).toMatchObject({ failed: 0 });
    const [invoic] = await outbox(rt, 'nordmart', new RegExp(`BGM\\+380\\+${invoice.name.replace(/\//g, '\\/')}`));
    expect(invoic).toContain("CUX+2:EUR:4'");
    for (const seg of ["MOA+77:708.63'", "MOA+79:616.2'", "MOA+125:616.2'", "MOA+176:92.43'", "MOA+124:92.43'", "MOA+203:571.2'", "MOA+124:85.68'"]) expect(invoic).toContain(seg);
    expect(invoic).toContain("TAX+7+VAT+++:::15+S'");
  });

  it.each([
    ['nordmart in GBP (no pricelist in GBP)', () => nordmartOrders('NM00009202', 'NM-PO-GBP-1', 'GBP'), 'NM-PO-GBP-1', 'GBP'],
    ['acme in EUR (no pricelist named, Odoo would use USD)', () => acmeOrderWith('000009103', 'PO-MONEY-EUR', '6*CA*48', 'EUR'), 'PO-MONEY-EUR', 'EUR'],
  ])('an order in a currency its profile cannot place is a permanent exception, and nothing is written: %s', async (_what, content, po, currency) => {
    const r = await rt.receive({ content: content(), transport: 'test' });
    expect(await settled(rt, r.messageId)).toMatchObject({ status: 'exception', errorCode: 'ODOO_CURRENCY_UNPLACED',
      errorMessage: expect.stringContaining(`${po} is in ${currency}`) });
    expect(ordersFor(sb, po)).toEqual([]);
  });
});
