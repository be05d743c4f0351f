import type { Shipment, ShipmentItem, ShipmentOrder } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import { cxmlDay, cxmlDateTime, cxmlNumber, lineNumberOf, orderPayloadId, orderReference, type XmlTree } from './cxml-writer';

const OPERATION = { original: 'new', replace: 'update', cancel: 'delete' } as const;

/**
 * Shipment (our 856) -> the body of a ShipNoticeRequest: the header with its dates, ShipControl
 * with the carrier and the tracking number(s), and one ShipNoticePortion per order with what was
 * shipped of each of its lines (items of every pack added up per line: cXML has one
 * ShipNoticeItem per order line here, and the buyer matches it by lineNumber).
 */
export function shipNoticeRequest(s: Shipment, o: { zone: string; now: Date }): XmlTree {
  const tracking = [s.trackingNumber, ...s.references.filter((r) => r.qualifier === '2I').map((r) => r.value)].filter((t): t is string => !!t);
  return {
    ShipNoticeHeader: {
      '@shipmentID': s.shipmentId,
      '@operation': OPERATION[s.purpose],
      '@noticeDate': cxmlDateTime(o.now, o.zone),
      '@shipmentDate': cxmlDay(s.shipDate, o.zone, s.shipTime),
      '@deliveryDate': s.estimatedDelivery ? cxmlDay(s.estimatedDelivery, o.zone) : undefined,
      '@shipmentType': 'actual',
    },
    ShipControl: tracking.length ? shipControl(s, tracking) : undefined,
    ShipNoticePortion: s.orders.map((order) => portion(s, order)),
  };
}

/**
 * CarrierIdentifier is required beside the tracking number: the SCAC when we know it, else the
 * carrier's name. The canonical Shipment has a carrier only when the order named one (cXML orders
 * do not), so without it the carrier is written as "unknown" rather than losing the tracking number.
 */
function shipControl(s: Shipment, tracking: string[]): XmlTree {
  const carrier: XmlTree[] = [];
  if (s.carrier?.scac) carrier.push({ '@domain': 'SCAC', '#text': s.carrier.scac });
  if (s.carrier?.name) carrier.push({ '@domain': 'companyName', '#text': s.carrier.name });
  if (!carrier.length) carrier.push({ '@domain': 'companyName', '#text': 'unknown' });
  return {
    CarrierIdentifier: carrier,
    ShipmentIdentifier: tracking.map((t) => ({ '@domain': 'trackingNumber', '#text': t })),
  };
}

function portion(s: Shipment, order: ShipmentOrder): XmlTree {
  const payloadID = orderPayloadId(s, order.poNumber);
  if (!payloadID) {
    throw new GatewayError('DOCUMENT_UNRENDERABLE', `shipment ${s.shipmentId}: order ${order.orderNumber ?? order.poNumber} (PO ${order.poNumber}) did not come in as a `
      + 'cXML OrderRequest: a ShipNoticeRequest must quote the OrderRequest\'s payloadID');
  }
  const byLine = new Map<string, ShipmentItem & { lineNumber: string }>();
  for (const item of [...order.packs.flatMap((p) => p.items), ...order.items]) {
    if (!item.lineNumber) throw new GatewayError('DOCUMENT_UNRENDERABLE', `shipment ${s.shipmentId}: an item of PO ${order.poNumber} (${item.productCode ?? 'no product'}) has no line number`);
    const lineNumber = lineNumberOf(item.lineNumber, `shipment ${s.shipmentId}, PO ${order.poNumber}`);
    const seen = byLine.get(lineNumber);
    if (seen && seen.uom !== item.uom) {
      throw new GatewayError('DOCUMENT_UNRENDERABLE', `shipment ${s.shipmentId}: line ${lineNumber} of PO ${order.poNumber} is shipped in both ${seen.uom} and ${item.uom}`);
    }
    byLine.set(lineNumber, seen ? { ...seen, quantity: seen.quantity + item.quantity } : { ...item, lineNumber });
  }
  return {
    OrderReference: orderReference(order.poNumber, payloadID),
    ShipNoticeItem: [...byLine.values()].map((item) => {
      const part = item.ids.vendorItem ?? item.productCode;
      return {
        '@quantity': cxmlNumber(item.quantity),
        '@lineNumber': item.lineNumber,
        ItemID: part ? { SupplierPartID: part, SupplierPartAuxiliaryID: item.ids.vendorItemAux } : undefined,
        UnitOfMeasure: item.uom,
      };
    }),
  };
}
