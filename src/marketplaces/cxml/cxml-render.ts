import type { CanonicalDocument } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import type { PartnerProfile } from '../../partners/profile.schema';
import type { ChannelRendered } from '../marketplace';
import { confirmationRequest } from './confirmation-request';
import { CXML_DTDS, cxmlRequest, payloadIdFor } from './cxml-writer';
import { invoiceDetailRequest } from './invoice-detail-request';
import { shipNoticeRequest } from './ship-notice-request';

/** The canonical documents a cXML buyer takes back. */
export const CXML_OUTBOUND_TYPES = ['order_ack', 'shipment', 'invoice'] as const;

/**
 * One canonical document -> the cXML request stored as the outbound message (without the shared
 * secret: see cxmlRequest), pure. Dates and times are on the profile's outbound.timeZone clock.
 */
export function renderCxml(doc: CanonicalDocument, profile: PartnerProfile, o: { now: Date }): ChannelRendered {
  const zone = profile.outbound.timeZone;
  const at = { zone, now: o.now };
  switch (doc.type) {
    case 'order_ack': {
      const body = confirmationRequest(doc, at);
      const type = (body.ConfirmationHeader as { '@type': string })['@type'];
      return rendered(profile, doc, o.now, 'fulfill', 'ConfirmationRequest', doc.orderNumber ?? doc.poNumber, body,
        `cXML ConfirmationRequest (${type}) for PO ${doc.poNumber}, ${doc.lines.length} line(s)`);
    }
    case 'shipment': {
      const lines = doc.orders.reduce((n, ord) => n + ord.items.length + ord.packs.reduce((m, p) => m + p.items.length, 0), 0);
      return rendered(profile, doc, o.now, 'fulfill', 'ShipNoticeRequest', doc.shipmentId, shipNoticeRequest(doc, at),
        `cXML ShipNoticeRequest ${doc.shipmentId} for PO ${doc.orders.map((x) => x.poNumber).join(', ')}${doc.trackingNumber ? `, tracking ${doc.trackingNumber}` : ''} (${lines} item(s))`);
    }
    case 'invoice':
      return rendered(profile, doc, o.now, 'invoice', 'InvoiceDetailRequest', doc.invoiceNumber, invoiceDetailRequest(doc, at),
        `cXML InvoiceDetailRequest ${doc.invoiceNumber} for PO ${doc.poNumber ?? '-'}, ${doc.currency ?? ''} ${doc.totalAmount}`);
    default:
      throw new GatewayError('DOCUMENT_UNRENDERABLE', `a cXML buyer takes no ${doc.type} documents`);
  }
}

function rendered(profile: PartnerProfile, doc: CanonicalDocument, now: Date, dtd: keyof typeof CXML_DTDS, name: string, id: string,
  body: Parameters<typeof cxmlRequest>[1]['request']['body'], description: string): ChannelRendered {
  const content = cxmlRequest(profile, { payloadID: payloadIdFor(doc, name, id), now, dtd: CXML_DTDS[dtd], request: { name, body } });
  return { label: `${name}-${id}`, content, description };
}
