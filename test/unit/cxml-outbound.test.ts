import { GatewayError } from '../../src/errors/gateway-error';
import { cxmlMarketplace } from '../../src/marketplaces/cxml';
import { withSharedSecret } from '../../src/marketplaces/cxml/credential';
import { renderCxml } from '../../src/marketplaces/cxml/cxml-render';
import { cxmlDay, cxmlMoney, cxmlNumber } from '../../src/marketplaces/cxml/cxml-writer';
import { parseCxml } from '../../src/marketplaces/cxml/parse-cxml';
import { loadProfiles } from '../../src/partners/load-profiles';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { ack, checkAgainstDtd, invoice, ORDER_PAYLOAD_ID, plain, shipment } from '../cxml-outbound-fixtures';
import { PROFILES } from '../helpers';

const { profiles } = loadProfiles(PROFILES);
const coupa = profiles.find((p) => p.id === 'coupa-buyer')!;
// 2026-12-09 17:05:09 UTC: 09:05:09 on the buyer's clock (Pacific) when the profile says so.
const NOW = new Date('2026-12-09T17:05:09Z');
const pacific: PartnerProfile = { ...coupa, outbound: { ...coupa.outbound, timeZone: 'America/Los_Angeles' } };

const render = (doc: Parameters<typeof renderCxml>[0], profile: PartnerProfile = pacific) => {
  const r = renderCxml(doc, profile, { now: NOW });
  const xml = r.content.toString('utf8');
  return { ...r, xml, tree: plain.parse(xml) as any };
};
const unrenderable = (f: () => unknown): string => {
  try { f(); } catch (err) { if (err instanceof GatewayError && err.code === 'DOCUMENT_UNRENDERABLE') return err.message; throw err; }
  throw new Error('rendered');
};

describe('cXML outbound: the channel', () => {
  it('takes back order acks, shipments and invoices (the canonical type names)', () => {
    expect(cxmlMarketplace.outbound?.types).toEqual(['order_ack', 'shipment', 'invoice']);
    expect(cxmlMarketplace.outbound?.render).toBe(renderCxml);
  });
});

describe('cXML outbound: the envelope every document shares', () => {
  it('From and Sender are us (cxml.ourIdentity), To is the buyer, UserAgent edi-gateway, no SharedSecret stored; the reader of the inbound side reads it back', () => {
    const { xml, tree } = render(shipment());
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.050/Fulfill.dtd">\n<cXML ')).toBe(true);
    expect(xml).not.toMatch(/SharedSecret/);
    const doc = parseCxml(Buffer.from(xml));
    expect(doc.requestType).toBe('ShipNoticeRequest');
    expect(doc.from).toEqual([{ domain: 'DUNS', identity: '5790000000001' }]);
    expect(doc.sender).toEqual([{ domain: 'DUNS', identity: '5790000000001' }]);
    expect(doc.to).toEqual([{ domain: 'NetworkID', identity: 'AN01000002779' }]);
    expect(doc.deploymentMode).toBe('production');
    expect(tree.cXML.Header.Sender.UserAgent).toBe('edi-gateway');
    expect(tree.cXML['@timestamp']).toBe('2026-12-09T09:05:09-08:00');
    expect(tree.cXML['@version']).toBe('1.2.050');
    expect(doc.payloadID).toMatch(/^ShipNoticeRequest\.WH-OUT-00007\.[0-9a-f]{24}@edi-gateway$/);
  });

  it('the payloadID is the same for the same document rendered again (later), and another for a changed one', () => {
    const a = parseCxml(renderCxml(shipment(), coupa, { now: NOW }).content).payloadID;
    const again = parseCxml(renderCxml(shipment(), coupa, { now: new Date(NOW.getTime() + 86_400_000) }).content).payloadID;
    const changed = parseCxml(renderCxml(shipment({ trackingNumber: '1Z0000' }), coupa, { now: NOW }).content).payloadID;
    expect(again).toBe(a);
    expect(changed).not.toBe(a);
  });

  it('a test-mode profile sends deploymentMode test', () => {
    expect(parseCxml(renderCxml(ack(), { ...coupa, mode: 'test' }, { now: NOW }).content).deploymentMode).toBe('test');
  });

  it('without cxml.ourIdentity nothing is rendered, and the reason names the field', () => {
    const none: PartnerProfile = { ...coupa, cxml: { ...coupa.cxml!, ourIdentity: undefined } };
    expect(unrenderable(() => renderCxml(ack(), none, { now: NOW }))).toMatch(/cxml\.ourIdentity is not set/);
  });

  it('what XML cannot carry is escaped or dropped, never breaking the document', () => {
    const { xml, tree } = render(invoice({ lines: [{ ...invoice().lines[0], description: 'Widgets <12"> & "co"\u0001' }], taxes: [], untaxedAmount: 125, totalAmount: 125 }));
    expect(checkAgainstDtd(xml).problems).toEqual([]);
    expect(tree.cXML.Request.InvoiceDetailRequest.InvoiceDetailOrder.InvoiceDetailItem[0].InvoiceDetailItemReference.Description['#text']).toBe('Widgets <12"> & "co"');
  });

  it('deliver() inserts the secret after the Sender identity (escaped), and only there', () => {
    const stored = renderCxml(ack(), coupa, { now: NOW }).content;
    const sent = withSharedSecret(stored, 's3cr<t&').toString('utf8');
    const doc = parseCxml(Buffer.from(sent));
    expect(doc.sender).toEqual([{ domain: 'DUNS', identity: '5790000000001', sharedSecret: 's3cr<t&' }]);
    expect(doc.from[0].sharedSecret).toBeUndefined();
    expect(checkAgainstDtd(sent).problems).toEqual([]);
    expect(() => withSharedSecret(Buffer.from(sent), 'x')).toThrow(/SharedSecret already/);
  });

  it('numbers, money and dates as cXML writes them', () => {
    expect([cxmlNumber(10), cxmlNumber(2.5), cxmlNumber(0.1 + 0.2), cxmlNumber(-0)]).toEqual(['10', '2.5', '0.3', '0']);
    expect([cxmlMoney(12.5), cxmlMoney(4.11), cxmlMoney(0.1234), cxmlMoney(100)]).toEqual(['12.50', '4.11', '0.1234', '100.00']);
    expect(cxmlDay('2026-12-12', 'America/Los_Angeles')).toBe('2026-12-12T12:00:00-08:00');
    expect(cxmlDay('2026-07-01', 'Europe/Stockholm', '0930')).toBe('2026-07-01T09:30:00+02:00');
    expect(() => cxmlNumber(Number.NaN)).toThrow(GatewayError);
  });
});

describe('cXML outbound: OrderAck -> ConfirmationRequest', () => {
  it('an order accepted as sent is type accept, with the PO and the OrderRequest\'s payloadID, and no items', () => {
    const { xml, tree, label, description } = render(ack());
    expect(checkAgainstDtd(xml)).toEqual({ problems: [], checked: expect.any(Number) });
    const req = tree.cXML.Request.ConfirmationRequest;
    expect(req.ConfirmationHeader).toEqual({ '@confirmID': 'S00042', '@operation': 'new', '@type': 'accept', '@noticeDate': '2026-12-09T09:05:09-08:00' });
    expect(req.OrderReference).toEqual({ '@orderID': 'CB-PO-10045', DocumentReference: { '@payloadID': ORDER_PAYLOAD_ID } });
    expect(req.ConfirmationItem).toBeUndefined();
    expect(label).toBe('ConfirmationRequest-S00042');
    expect(description).toMatch(/ConfirmationRequest \(accept\) for PO CB-PO-10045/);
  });

  it('an order with changes is type detail with every line: quantities confirmed and rejected add up to the ordered one, a changed price goes with detail, the delivery date comes along', () => {
    const a = ack({ status: 'accepted_with_changes', lines: [
      { ...ack().lines[0], status: 'changed', quantity: 8 },
      { ...ack().lines[1], status: 'price_changed', unitPrice: 4.2, orderedUnitPrice: 4.11 },
    ] });
    const { xml, tree } = render(a);
    expect(checkAgainstDtd(xml).problems).toEqual([]);
    const req = tree.cXML.Request.ConfirmationRequest;
    expect(req.ConfirmationHeader['@type']).toBe('detail');
    expect(req.ConfirmationItem.map((i: any) => [i['@lineNumber'], i['@quantity'], i.UnitOfMeasure])).toEqual([['1', '10', 'EA'], ['2', '9', 'EA']]);
    expect(req.ConfirmationItem[0].ConfirmationStatus).toEqual([
      { '@quantity': '8', '@type': 'accept', '@deliveryDate': '2026-12-12T12:00:00-08:00', UnitOfMeasure: 'EA' },
      { '@quantity': '2', '@type': 'reject', UnitOfMeasure: 'EA' },
    ]);
    expect(req.ConfirmationItem[1].ConfirmationStatus).toEqual([
      { '@quantity': '9', '@type': 'detail', UnitOfMeasure: 'EA', UnitPrice: { Money: { '@currency': 'USD', '#text': '4.20' } } },
    ]);
  });

  it('a rejected order is type reject; a backordered line is backordered', () => {
    expect(render(ack({ status: 'rejected' })).tree.cXML.Request.ConfirmationRequest.ConfirmationHeader['@type']).toBe('reject');
    const back = render(ack({ status: 'accepted_with_changes', lines: [ack().lines[0], { ...ack().lines[1], status: 'backordered', quantity: 0 }] }));
    expect(checkAgainstDtd(back.xml).problems).toEqual([]);
    expect(back.tree.cXML.Request.ConfirmationRequest.ConfirmationItem[1].ConfirmationStatus).toEqual([{ '@quantity': '9', '@type': 'backordered', UnitOfMeasure: 'EA' }]);
  });

  it('an order that did not come in as cXML cannot be confirmed (OrderReference needs its payloadID); a line number that is not a number is refused', () => {
    expect(unrenderable(() => render(ack({ source: undefined })))).toMatch(/did not come in as a cXML OrderRequest/);
    expect(unrenderable(() => render(ack({ status: 'accepted_with_changes', lines: [{ ...ack().lines[0], lineNumber: 'A1', status: 'changed', quantity: 1 }] }))))
      .toMatch(/line number 'A1'/);
  });
});

describe('cXML outbound: Shipment -> ShipNoticeRequest', () => {
  it('header dates on the buyer\'s clock, ShipControl with the carrier and every tracking number, a portion for the PO with each line shipped', () => {
    const { xml, tree, label, description } = render(shipment());
    expect(checkAgainstDtd(xml).problems).toEqual([]);
    const req = tree.cXML.Request.ShipNoticeRequest;
    expect(req.ShipNoticeHeader).toEqual({
      '@shipmentID': 'WH-OUT-00007', '@operation': 'new', '@noticeDate': '2026-12-09T09:05:09-08:00', '@shipmentDate': '2026-12-08T14:30:00-08:00', '@shipmentType': 'actual',
    });
    expect(req.ShipControl.CarrierIdentifier).toEqual([{ '@domain': 'companyName', '#text': 'unknown' }]);
    expect(req.ShipControl.ShipmentIdentifier).toEqual([
      { '@domain': 'trackingNumber', '#text': '1Z999AA10123456784' }, { '@domain': 'trackingNumber', '#text': '1Z999AA10123456795' }]);
    const [portion] = req.ShipNoticePortion;
    expect(portion.OrderReference).toEqual({ '@orderID': 'CB-PO-10045', DocumentReference: { '@payloadID': ORDER_PAYLOAD_ID } });
    expect(portion.ShipNoticeItem).toEqual([
      { '@quantity': '10', '@lineNumber': '1', ItemID: { SupplierPartID: 'ODW-1001', SupplierPartAuxiliaryID: 'RED-12' }, UnitOfMeasure: 'EA' },
      { '@quantity': '6', '@lineNumber': '2', ItemID: { SupplierPartID: 'ODW-1002' }, UnitOfMeasure: 'EA' },
    ]);
    expect(label).toBe('ShipNoticeRequest-WH-OUT-00007');
    expect(description).toMatch(/for PO CB-PO-10045, tracking 1Z999AA10123456784/);
  });

  it('the SCAC is the CarrierIdentifier when known; a line split over packs is one item; without tracking there is no ShipControl', () => {
    const s = shipment({ carrier: { scac: 'UPSN' }, trackingNumber: undefined, references: [] });
    s.orders[0].packs = [{ items: [s.orders[0].packs[0].items[0]] }, { items: [{ ...s.orders[0].packs[0].items[0], quantity: 5 }] }];
    const { xml, tree } = render(s);
    expect(checkAgainstDtd(xml).problems).toEqual([]);
    expect(tree.cXML.Request.ShipNoticeRequest.ShipControl).toBeUndefined();
    expect(tree.cXML.Request.ShipNoticeRequest.ShipNoticePortion[0].ShipNoticeItem.map((i: any) => [i['@lineNumber'], i['@quantity']])).toEqual([['1', '15']]);
    const tracked = render(shipment({ carrier: { scac: 'UPSN', name: 'UPS' } })).tree.cXML.Request.ShipNoticeRequest.ShipControl;
    expect(tracked.CarrierIdentifier).toEqual([{ '@domain': 'SCAC', '#text': 'UPSN' }, { '@domain': 'companyName', '#text': 'UPS' }]);
  });

  it('a replacement is operation update, a cancel delete; an order not from cXML, or an item without a line, is refused', () => {
    expect(render(shipment({ purpose: 'replace' })).tree.cXML.Request.ShipNoticeRequest.ShipNoticeHeader['@operation']).toBe('update');
    expect(render(shipment({ purpose: 'cancel' })).tree.cXML.Request.ShipNoticeRequest.ShipNoticeHeader['@operation']).toBe('delete');
    expect(unrenderable(() => render(shipment({ source: undefined })))).toMatch(/ShipNoticeRequest must quote the OrderRequest's payloadID/);
    const s = shipment();
    delete s.orders[0].packs[0].items[1].lineNumber;
    expect(unrenderable(() => render(s))).toMatch(/has no line number/);
  });
});

describe('cXML outbound: Invoice -> InvoiceDetailRequest', () => {
  it('header, the order quoted with its payloadID, an item per line with unit, price, subtotal and tax, and the summary amounts', () => {
    const { xml, tree, label } = render(invoice());
    expect(xml).toContain('<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.037/InvoiceDetail.dtd">');
    expect(checkAgainstDtd(xml).problems).toEqual([]);
    const req = tree.cXML.Request.InvoiceDetailRequest;
    expect(req.InvoiceDetailRequestHeader).toEqual({
      '@invoiceID': 'INV/2026/00012', '@purpose': 'standard', '@operation': 'new', '@invoiceDate': '2026-12-09T12:00:00-08:00', '@invoiceOrigin': 'supplier',
      InvoiceDetailHeaderIndicator: '', InvoiceDetailLineIndicator: { '@isTaxInLine': 'yes' },
      InvoiceDetailPaymentTerm: [{ '@payInNumberOfDays': '30', '@percentageRate': '0' }],
    });
    const order = req.InvoiceDetailOrder;
    expect(order.InvoiceDetailOrderInfo).toEqual({
      OrderReference: { '@orderID': 'CB-PO-10045', DocumentReference: { '@payloadID': ORDER_PAYLOAD_ID } }, SupplierOrderInfo: { '@orderID': 'S00042' } });
    const usd = (v: string) => ({ Money: { '@currency': 'USD', '#text': v } });
    expect(order.InvoiceDetailItem[1]).toEqual({
      '@invoiceLineNumber': '2', '@quantity': '6', UnitOfMeasure: 'EA', UnitPrice: usd('4.11'),
      InvoiceDetailItemReference: { '@lineNumber': '2', ItemID: { SupplierPartID: 'ODW-1002' }, Description: { '@xml:lang': 'en', '#text': 'Blue Widget' } },
      SubtotalAmount: usd('24.66'),
      Tax: { ...usd('2.16'), Description: { '@xml:lang': 'en', '#text': 'ST 8.75%' }, TaxDetail: [{ '@category': 'sales', '@percentageRate': '8.75', TaxableAmount: usd('24.66'), TaxAmount: usd('2.16') }] },
    });
    expect(req.InvoiceDetailSummary).toEqual({
      SubtotalAmount: usd('149.66'),
      Tax: { ...usd('13.10'), Description: { '@xml:lang': 'en', '#text': 'ST 8.75%' }, TaxDetail: [{ '@category': 'sales', '@percentageRate': '8.75', TaxableAmount: usd('149.66'), TaxAmount: usd('13.10') }] },
      GrossAmount: usd('162.76'), NetAmount: usd('162.76'), DueAmount: usd('162.76'),
    });
    expect(label).toBe('InvoiceDetailRequest-INV/2026/00012');
  });

  it('without a cXML order the PO alone is quoted (OrderIDInfo); no tax is a zero Tax; a credit note is a creditMemo with negative amounts', () => {
    const { xml, tree } = render(invoice({ source: undefined, taxes: [], lines: invoice().lines.map((l) => ({ ...l, taxes: [] })), untaxedAmount: 149.66, totalAmount: 149.66 }));
    expect(checkAgainstDtd(xml).problems).toEqual([]);
    const req = tree.cXML.Request.InvoiceDetailRequest;
    expect(req.InvoiceDetailOrder.InvoiceDetailOrderInfo).toEqual({ OrderIDInfo: { '@orderID': 'CB-PO-10045' }, SupplierOrderInfo: { '@orderID': 'S00042' } });
    expect(req.InvoiceDetailSummary.Tax).toEqual({ Money: { '@currency': 'USD', '#text': '0.00' }, Description: { '@xml:lang': 'en', '#text': 'no tax' } });
    const credit = render(invoice({ invoiceType: 'credit_note' }));
    expect(checkAgainstDtd(credit.xml).problems).toEqual([]);
    const c = credit.tree.cXML.Request.InvoiceDetailRequest;
    expect(c.InvoiceDetailRequestHeader['@purpose']).toBe('creditMemo');
    expect([c.InvoiceDetailOrder.InvoiceDetailItem[0]['@quantity'], c.InvoiceDetailOrder.InvoiceDetailItem[0].UnitPrice.Money['#text'], c.InvoiceDetailSummary.DueAmount.Money['#text']])
      .toEqual(['-10', '12.50', '-162.76']);
  });

  it('an invoice without currency or PO is refused', () => {
    expect(unrenderable(() => render(invoice({ currency: undefined })))).toMatch(/no currency/);
    expect(unrenderable(() => render(invoice({ poNumber: undefined })))).toMatch(/names no PO number/);
  });

  it('the content-model check itself fails a document out of order or missing a required attribute', () => {
    const xml = render(invoice()).xml;
    const swapped = xml.replace(/(<GrossAmount>[\s\S]*?<\/GrossAmount>)(\s*)(<NetAmount>[\s\S]*?<\/NetAmount>)/, '$3$2$1');
    expect(checkAgainstDtd(swapped).problems).toEqual([expect.stringMatching(/^\/cXML\/Request\/InvoiceDetailRequest\/InvoiceDetailSummary: children/)]);
    expect(checkAgainstDtd(xml.replace(/ currency="USD"/, '')).problems).toEqual([expect.stringMatching(/Money: required attribute currency is missing/)]);
  });
});
