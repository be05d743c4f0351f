import type { OrderAck, OrderAckLine } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import { cxmlDay, cxmlDateTime, cxmlMoney, cxmlNumber, lineNumberOf, orderPayloadId, orderReference, type XmlTree } from './cxml-writer';

/**
 * OrderAck (our 855) -> the body of a ConfirmationRequest. The whole order accepted as sent is
 * type "accept" with no items; rejected whole, "reject"; anything else "detail" with every line,
 * so that no reader has to guess what an unlisted line means. A line's ConfirmationStatus
 * quantities add up to what was ordered: what we confirm (accept, or detail when Odoo's price
 * differs, with that price), and the rest rejected or backordered.
 */
export function confirmationRequest(ack: OrderAck, o: { zone: string; now: Date }): XmlTree {
  const payloadID = orderPayloadId(ack, ack.poNumber);
  if (!payloadID) {
    throw new GatewayError('DOCUMENT_UNRENDERABLE', `order ${ack.orderNumber ?? ack.poNumber} (PO ${ack.poNumber}) did not come in as a cXML OrderRequest: `
      + 'a ConfirmationRequest must quote the OrderRequest\'s payloadID');
  }
  const type = ack.status === 'accepted' ? 'accept' : ack.status === 'rejected' ? 'reject' : 'detail';
  return {
    ConfirmationHeader: {
      '@confirmID': ack.orderNumber ?? ack.poNumber,
      '@operation': 'new',
      '@type': type,
      '@noticeDate': cxmlDateTime(o.now, o.zone),
    },
    OrderReference: orderReference(ack.poNumber, payloadID),
    ConfirmationItem: type === 'detail' ? ack.lines.map((l) => confirmationItem(l, ack, o.zone)) : undefined,
  };
}

function confirmationItem(l: OrderAckLine, ack: OrderAck, zone: string): XmlTree {
  const lineNumber = lineNumberOf(l.lineNumber, `PO ${ack.poNumber}`);
  const deliveryDate = l.scheduledDate ? cxmlDay(l.scheduledDate, zone) : undefined;
  const status = (type: string, quantity: number, price?: number): XmlTree => ({
    '@quantity': cxmlNumber(quantity),
    '@type': type,
    '@deliveryDate': type === 'accept' || type === 'detail' ? deliveryDate : undefined,
    UnitOfMeasure: l.uom,
    UnitPrice: price !== undefined && ack.currency ? { Money: { '@currency': ack.currency, '#text': cxmlMoney(price) } } : undefined,
  });
  const confirmed = l.status === 'rejected' || l.status === 'backordered' ? 0 : l.quantity;
  const priced = l.status === 'price_changed' || (l.orderedUnitPrice !== undefined && l.unitPrice !== undefined);
  const statuses: XmlTree[] = [];
  if (confirmed > 0) statuses.push(priced ? status('detail', confirmed, l.unitPrice) : status(confirmed > l.orderedQuantity ? 'detail' : 'accept', confirmed));
  const rest = l.orderedQuantity - confirmed;
  if (rest > 0) statuses.push(status(l.status === 'backordered' ? 'backordered' : 'reject', rest));
  // Nothing ordered and nothing confirmed (a line Odoo added at 0): rejected, as cXML needs one status.
  if (!statuses.length) statuses.push(status('reject', 0));
  return {
    '@quantity': cxmlNumber(l.orderedQuantity),
    '@lineNumber': lineNumber,
    UnitOfMeasure: l.uom,
    ConfirmationStatus: statuses,
  };
}
