import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { exited, killDaemons } from '../cli-helpers';
import { eventually } from '../helpers';
import { readEdifact, readX12, x12Segment } from '../peer-readers';
import {
  acme850, customerId, daemon, drop, invoiceAndPost, nordmartOrders, openLoop, openPickings, ordersByRef, outFiles, partnerDir,
  productId, swift945, validatePicking, waitForOut, type Loop,
} from './e2e-helpers';

/**
 * The whole EDI <-> Odoo loop through the daemon, against the sandbox in `npm test` and
 * unchanged against a real Odoo 18 with ODOO_URL & co. set (see e2e-helpers.ts).
 */
jest.setTimeout(10 * 60_000);

/** Odoo's amount in the cents X12 TDS carries (N2). */
const cents = (amount: number) => String(Math.round(amount * 100));

describe(`the Odoo loop end to end (${process.env.ODOO_URL ? `real Odoo at ${process.env.ODOO_URL}` : 'sandbox Odoo'})`, () => {
  let loop: Loop;
  beforeAll(async () => {
    loop = await openLoop();
    // A gateway's first scan takes what Odoo holds as history: let it happen before the tests make anything.
    const gw = daemon(loop);
    await eventually(() => (gw.output().match(/Odoo events: first scan/g) ?? []).length >= 4, 60_000, 'the first Odoo scan of every event');
    gw.kill('SIGTERM');
    await exited(gw);
  });
  afterAll(async () => {
    killDaemons();
    await loop?.close();
  });

  it('acme: 850 -> sale order -> 855; picking done -> 856; invoice posted -> 810 with Odoo\'s total', async () => {
    const po = `E2E-${loop.run}-1`;
    const gw = daemon(loop);
    try {
      drop(loop, 'acme-retail', 'po-1.edi', acme850(1, po));
      const [so] = await eventually(async () => { const r = await ordersByRef(loop, po); return r[0]?.state === 'sale' ? r : undefined; }, 60_000, `sale order ${po}`);
      const [ack] = await waitForOut(loop, 'acme-retail', new RegExp(`BAK\\*00\\*\\w\\w\\*${po}\\*`));
      expect(ack.text).toContain(`REF*VN*${so.name}`);
      // The 997 for the 850 went out too.
      await waitForOut(loop, 'acme-retail', /ST\*997\*/);

      const [picking] = await openPickings(loop, so);
      await validatePicking(loop, picking.id, `TRK-${loop.run}`);
      const [asn] = await waitForOut(loop, 'acme-retail', new RegExp(`PRF\\*${po}`));
      expect(asn.text).toContain(`REF*CN*TRK-${loop.run}`);

      const invoice = await invoiceAndPost(loop, so.id);
      const [bill] = await waitForOut(loop, 'acme-retail', new RegExp(`BIG\\*\\d{8}\\*${invoice.name.replace(/\//g, '\\/')}\\*`));
      // Read back by node-x12, not by our reader: Odoo's total to the cent, and the tax.
      const read = readX12(bill.text);
      expect(x12Segment(read, 'TDS')?.[1]).toBe(cents(invoice.amount_total));
      if (invoice.amount_tax) expect(read.functionalGroups[0].transactions[0].segments.some((seg) => seg.tag === 'TXI' && Number(seg.elements[1].value) === invoice.amount_tax)).toBe(true);
      // Each document once, and every file out/ holds reads as X12.
      expect(outFiles(loop, 'acme-retail').filter((f) => f.text.includes(po)).length).toBe(3);
      for (const f of outFiles(loop, 'acme-retail')) expect(() => readX12(f.text)).not.toThrow();
    } finally {
      gw.kill('SIGTERM');
      await exited(gw);
    }
  });

  it('coupa-buyer (cXML): OrderRequest -> sale order -> ConfirmationRequest; picking done -> ShipNoticeRequest; invoice posted -> InvoiceDetailRequest with Odoo\'s total', async () => {
    const po = `E2E-${loop.run}-CXML`;
    const payloadID = `e2e-${loop.run}@coupa.test`;
    const sample = fs.readFileSync(path.join(loop.ws.cwd, 'partner-profiles', 'coupa-buyer', 'samples', 'inbound', 'order-request.xml'), 'utf8');
    const gw = daemon(loop);
    try {
      // The folder takes a buyer's cXML as the HTTP endpoint does (without the shared-secret check: the folder is ours).
      drop(loop, 'coupa-buyer', 'order.xml', Buffer.from(sample.replace('1796371200000.4242.coupa@coupa-buyer.example', payloadID).replace('orderID="CB-PO-10045"', `orderID="${po}"`)));
      // coupa-buyer's orders wait for a person to confirm them in Odoo (odoo.autoConfirm is off).
      const [draft] = await eventually(async () => { const r = await ordersByRef(loop, po); return r.length ? r : undefined; }, 60_000, `sale order ${po}`);
      expect(draft.state).toBe('draft');
      await loop.odoo('sale.order', 'action_confirm', [[draft.id]]);
      const [so] = await ordersByRef(loop, po);
      // No cxml.postUrl in the example profile: what goes back waits in out/, read here by fast-xml-parser.
      const [confirmation] = await waitForOut(loop, 'coupa-buyer', new RegExp(`<ConfirmationRequest>[\\s\\S]*orderID="${po}"`));
      expect(confirmation.text).toContain(`payloadID="${payloadID}"`);
      const [picking] = await openPickings(loop, so);
      await validatePicking(loop, picking.id, `TRK-${loop.run}-C`);
      const [notice] = await waitForOut(loop, 'coupa-buyer', /<ShipNoticeRequest>/);
      expect(notice.text).toContain(`TRK-${loop.run}-C`);
      const invoice = await invoiceAndPost(loop, so.id);
      const [bill] = await waitForOut(loop, 'coupa-buyer', new RegExp(`invoiceID="${invoice.name.replace(/\//g, '\\/')}"`));
      const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(bill.text);
      expect(Number(parsed.cXML.Request.InvoiceDetailRequest.InvoiceDetailSummary.DueAmount.Money['#text'])).toBe(invoice.amount_total);
      for (const f of outFiles(loop, 'coupa-buyer')) expect(f.text).not.toContain('SharedSecret');
    } finally {
      gw.kill('SIGTERM');
      await exited(gw);
    }
  });

  it('swift-3pl: an order shipped from its warehouse -> 940; its 945 validates the picking with a backorder -> 856 to acme', async () => {
    const po = `E2E-${loop.run}-3PL`;
    const [wh] = await loop.odoo('stock.warehouse', 'search_read', [[['code', '=', 'SWF']]], { fields: ['id'], limit: 1 });
    const [p1, p2] = [await productId(loop, 'ODW-1001'), await productId(loop, 'ODW-1002')];
    const soId = [await loop.odoo('sale.order', 'create', [[{ partner_id: await customerId(loop, 'ACME-RETAIL'), client_order_ref: po, warehouse_id: wh.id,
      order_line: [[0, 0, { product_id: p1, product_uom_qty: 24 }], [0, 0, { product_id: p2, product_uom_qty: 72 }]] }]])].flat()[0];
    const gw = daemon(loop);
    try {
      await loop.odoo('sale.order', 'action_confirm', [[soId]]);
      const [so] = await ordersByRef(loop, po);
      const [picking] = await openPickings(loop, so);
      expect(picking.state).toBe('assigned');
      const [w940] = await waitForOut(loop, 'swift-3pl', new RegExp(`W05\\*N\\*${picking.name.replace(/\//g, '\\/')}\\*${po}`));
      expect(w940.text).toContain('W01*');
      // The tracking numbers are per package, in the LX loops (issue 12 item 7).
      drop(loop, 'swift-3pl', '945-1.edi', swift945(2, picking.name, po, ['1Z999AA10123456784', '1Z999AA10123456791']));
      // swift-3pl's profile waits for a done-marker on SFTP only; the folder takes the file as it is.
      const done = await eventually(async () => {
        const [p] = await loop.odoo('stock.picking', 'read', [[picking.id], ['state', 'carrier_tracking_ref']]);
        return p.state === 'done' ? p : undefined;
      }, 60_000, `picking ${picking.name} validated by the 945`);
      expect(done.carrier_tracking_ref).toBe('1Z999AA10123456784,1Z999AA10123456791');
      const [after] = await ordersByRef(loop, po);
      expect((await openPickings(loop, after)).length).toBe(1); // the backorder for the 12 not shipped
      const [asn] = await waitForOut(loop, 'acme-retail', new RegExp(`PRF\\*${po}`));
      expect(asn.text).toContain('REF*CN*1Z999AA10123456784~');
      expect(asn.text).toContain('REF*2I*1Z999AA10123456791~');
    } finally {
      gw.kill('SIGTERM');
      await exited(gw);
    }
  });

  it('nordmart: ORDERS -> sale order in the order\'s currency -> DESADV and INVOIC with Odoo\'s total', async () => {
    const po = `E2E-${loop.run}-NM`;
    const gw = daemon(loop);
    try {
      drop(loop, 'nordmart', 'orders-1.edi', nordmartOrders(`NM${loop.run}`.slice(0, 14), po));
      const [so] = await eventually(async () => { const r = await ordersByRef(loop, po); return r[0]?.state === 'sale' ? r : undefined; }, 60_000, `sale order ${po}`);
      expect(so.currency_id[1]).toBe('EUR');
      await waitForOut(loop, 'nordmart', /UNH\+\d+\+CONTRL:/);
      const [picking] = await openPickings(loop, so);
      await validatePicking(loop, picking.id);
      const [desadv] = await waitForOut(loop, 'nordmart', new RegExp(`DESADV[\\s\\S]*RFF\\+ON:${po}`));
      expect(desadv.text).toMatch(/CPS\+1/);
      const invoice = await invoiceAndPost(loop, so.id);
      const [invoic] = await waitForOut(loop, 'nordmart', new RegExp(`INVOIC[\\s\\S]*${invoice.name.replace(/\//g, '\\/')}`));
      // Read back by the `edifact` package: the currency and Odoo's total.
      const segs = readEdifact(invoic.text);
      expect(segs.find((seg) => seg.name === 'CUX')?.elements[0].slice(0, 2)).toEqual(['2', 'EUR']);
      const moa77 = segs.find((seg) => seg.name === 'MOA' && seg.elements[0][0] === '77');
      expect(Number(moa77?.elements[0][1])).toBe(invoice.amount_total);
      expect(readEdifact(desadv.text).some((seg) => seg.name === 'CPS')).toBe(true);
    } finally {
      gw.kill('SIGTERM');
      await exited(gw);
    }
  });

  it('120 orders confirmed in one call give 120 855s within two minutes; SIGTERM while it works stops within 10 s', async () => {
    const gw = daemon(loop);
    const refs = Array.from({ length: 120 }, (_, i) => `E2E-${loop.run}-B${String(i).padStart(3, '0')}`);
    try {
      const customer = await customerId(loop, 'ACME-RETAIL');
      const product = await productId(loop, 'ODW-1001');
      const ids = [await loop.odoo('sale.order', 'create', [refs.map((ref) => ({ partner_id: customer, client_order_ref: ref, order_line: [[0, 0, { product_id: product, product_uom_qty: 1 }]] }))])].flat();
      await loop.odoo('sale.order', 'action_confirm', [ids]);
      const acks = await waitForOut(loop, 'acme-retail', new RegExp(`BAK\\*00\\*\\w\\w\\*E2E-${loop.run}-B\\d{3}\\*`), 120, 120_000);
      const pos = acks.map((f) => new RegExp(`BAK\\*00\\*\\w\\w\\*(E2E-${loop.run}-B\\d{3})\\*`).exec(f.text)![1]);
      expect(pos.sort()).toEqual(refs);

      // Keep it busy, then SIGTERM: the process ends within 10 seconds.
      for (let i = 0; i < 30; i++) drop(loop, 'acme-retail', `busy-${i}.edi`, acme850(1000 + i, `E2E-${loop.run}-T${i}`));
      await eventually(() => fs.readdirSync(partnerDir(loop, 'acme-retail', 'archive')).length > 5, 60_000, 'the daemon to take some files');
    } finally {
      gw.kill('SIGTERM');
    }
    const deadline = new Promise<'deadline'>((r) => setTimeout(() => r('deadline'), 10_000).unref());
    expect(await Promise.race([exited(gw).then(() => 'exited'), deadline])).toBe('exited');
    // What the stop left undone, a restart finishes: every busy order in Odoo once.
    const busy = Array.from({ length: 30 }, (_, i) => `E2E-${loop.run}-T${i}`);
    const again = daemon(loop);
    try {
      const rows = await eventually(async () => {
        const r: { client_order_ref: string }[] = await loop.odoo('sale.order', 'search_read', [[['client_order_ref', 'in', busy]]], { fields: ['client_order_ref'] });
        return r.length >= busy.length ? r : undefined;
      }, 120_000, 'the orders left by the stop');
      expect(rows.map((r) => r.client_order_ref).sort()).toEqual([...busy].sort());
    } finally {
      again.kill('SIGTERM');
      await exited(again);
    }
  });

  it('40 orders across 5 SIGKILLs: each in Odoo once within a minute of the last restart', async () => {
    const pos = Array.from({ length: 40 }, (_, i) => `E2E-${loop.run}-K${String(i).padStart(2, '0')}`);
    pos.forEach((po, i) => drop(loop, 'acme-retail', `kill-${i}.edi`, acme850(2000 + i, po)));
    for (let k = 0; k < 5; k++) {
      const gw = daemon(loop);
      // Killed at a different point each time: while starting, storing, writing to Odoo.
      await new Promise((r) => setTimeout(r, 1_500 + k * 700));
      gw.kill('SIGKILL');
      await exited(gw);
    }
    const gw = daemon(loop);
    try {
      await eventually(async () => {
        const rows: { client_order_ref: string }[] = await loop.odoo('sale.order', 'search_read', [[['client_order_ref', 'in', pos]]], { fields: ['client_order_ref'] });
        return rows.length >= pos.length ? rows : undefined;
      }, 60_000, '40 sale orders').catch((err) => {
        // What the last daemon said is the one clue to where the minute went.
        throw new Error(`${(err as Error).message}; the daemon's last lines:\n${gw.output().split('\n').slice(-40).join('\n')}`);
      });
      const rows: { client_order_ref: string }[] = await loop.odoo('sale.order', 'search_read', [[['client_order_ref', 'in', pos]]], { fields: ['client_order_ref'] });
      expect(rows.map((r) => r.client_order_ref).sort()).toEqual(pos);
    } finally {
      gw.kill('SIGTERM');
      await exited(gw);
    }
  });
});
