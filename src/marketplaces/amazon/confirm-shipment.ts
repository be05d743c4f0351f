import type { CanonicalDocument, ShipmentItem } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import type { Logger } from '../../log/logger';
import type { PartnerProfile } from '../../partners/profile.schema';
import { instantOf } from '../../translators/partner-time';
import type { ChannelMessage, ChannelRendered } from '../marketplace';
import { SpApiClient } from './sp-api.client';

/** What a stored shipment confirmation holds: the order and the confirmShipment request body. */
export interface StoredConfirmation {
  amazonSpApi: 'confirmShipment';
  orderId: string;
  body: {
    /** Absent when the profile has several marketplaces: deliver() asks getOrder which one the order is in. */
    marketplaceId?: string;
    packageDetail: {
      packageReferenceId: string;
      carrierCode: string;
      carrierName?: string;
      shippingMethod?: string;
      trackingNumber: string;
      shipDate: string;
      orderItems: { orderItemId: string; quantity: number }[];
    };
  };
}

const unrenderable = (message: string) => new GatewayError('DOCUMENT_UNRENDERABLE', message);

/**
 * Amazon takes only positive numbers as packageReferenceId, and a second confirmation with the
 * same one edits the package instead of adding another: the picking's number (WH/OUT/00042 -> 42)
 * makes a re-sent picking an edit.
 */
export function packageReferenceId(shipmentId: string): string {
  const digits = (shipmentId.match(/\d+/g) ?? []).join('').replace(/^0+/, '');
  return digits || '1';
}

/**
 * A canonical Shipment (a done picking) -> the stored confirmShipment request. Each item's
 * orderItemId is its line number: the OrderItemId the Amazon order's line was stored with, which
 * the event scan's matching of the picking to the stored order carries over (with the SellerSKU
 * in ids.sku). An item that matched no stored Amazon line, or no tracking number, is unrenderable.
 */
export function renderConfirmShipment(doc: CanonicalDocument, profile: PartnerProfile): ChannelRendered {
  if (doc.type !== 'shipment') throw unrenderable(`the Amazon channel confirms shipments, not ${doc.type} documents`);
  const a = profile.amazon!;
  if (doc.orders.length !== 1) throw unrenderable(`shipment ${doc.shipmentId} covers ${doc.orders.length} orders: a confirmation is for one Amazon order`);
  const o = doc.orders[0];
  if (!doc.trackingNumber) throw unrenderable(`shipment ${doc.shipmentId} for Amazon order ${o.poNumber} has no tracking number (the picking's carrier_tracking_ref): Amazon requires one`);
  const items: ShipmentItem[] = [...o.items, ...o.packs.flatMap((p) => p.items)].filter((i) => i.quantity > 0);
  const byItem = new Map<string, number>();
  for (const item of items) {
    if (!item.ids.sku || !item.lineNumber) {
      throw unrenderable(`shipment ${doc.shipmentId}: ${item.productCode ?? 'an item'} matches no line of the stored Amazon order ${o.poNumber} (no OrderItemId)`);
    }
    if (!Number.isInteger(item.quantity)) throw unrenderable(`shipment ${doc.shipmentId}: ${item.ids.sku} quantity ${item.quantity} is not whole`);
    byItem.set(item.lineNumber, (byItem.get(item.lineNumber) ?? 0) + item.quantity);
  }
  if (!byItem.size) throw unrenderable(`shipment ${doc.shipmentId} for Amazon order ${o.poNumber} ships nothing`);
  const carrierName = a.shipment.carrierName ?? doc.carrier?.name;
  if (a.shipment.carrierCode === 'Other' && !carrierName) throw unrenderable(`Amazon wants a carrierName with carrierCode Other: set amazon.shipment.carrierName in ${profile.id}'s profile`);
  const shipDate = instantOf(doc.shipDate, doc.shipTime ?? '1200', profile.outbound.timeZone).toISOString();
  const stored: StoredConfirmation = {
    amazonSpApi: 'confirmShipment',
    orderId: o.poNumber,
    body: {
      ...(a.marketplaceIds.length === 1 ? { marketplaceId: a.marketplaceIds[0] } : {}),
      packageDetail: {
        packageReferenceId: packageReferenceId(doc.shipmentId),
        carrierCode: a.shipment.carrierCode,
        ...(a.shipment.carrierCode === 'Other' || a.shipment.carrierName ? { carrierName } : {}),
        ...(a.shipment.shippingMethod ? { shippingMethod: a.shipment.shippingMethod } : {}),
        trackingNumber: doc.trackingNumber,
        shipDate,
        orderItems: [...byItem].map(([orderItemId, quantity]) => ({ orderItemId, quantity })),
      },
    },
  };
  const n = stored.body.packageDetail.orderItems.length;
  return {
    label: `confirmShipment-${o.poNumber}-${stored.body.packageDetail.packageReferenceId}`,
    content: Buffer.from(`${JSON.stringify(stored, null, 2)}\n`, 'utf8'),
    description: `Amazon shipment confirmation for order ${o.poNumber} (${n} item${n === 1 ? '' : 's'}, tracking ${doc.trackingNumber})`,
  };
}

/**
 * Sends a stored confirmation: POST /orders/v0/orders/{orderId}/shipmentConfirmation, 204 on
 * success. A 400 (an unknown order item, a shipped order) parks it as an exception; throttling,
 * 5xx and network failures are retryable and the queue tries again.
 */
export async function deliverConfirmShipment(message: ChannelMessage, profile: PartnerProfile, deps: { log: Logger; fetch?: typeof fetch }): Promise<{ ref: string }> {
  let stored: StoredConfirmation;
  try {
    stored = JSON.parse(message.content.toString('utf8')) as StoredConfirmation;
  } catch (err) {
    throw new GatewayError('DOCUMENT_UNRENDERABLE', `outbound message ${message.messageId} is not a stored confirmShipment (${(err as Error).message})`);
  }
  if (stored?.amazonSpApi !== 'confirmShipment' || !stored.orderId || !stored.body?.packageDetail) {
    throw new GatewayError('DOCUMENT_UNRENDERABLE', `outbound message ${message.messageId} is not a stored confirmShipment`);
  }
  const client = new SpApiClient(profile.amazon!, { fetch: deps.fetch, log: deps.log });
  const path = `/orders/v0/orders/${encodeURIComponent(stored.orderId)}`;
  let marketplaceId = stored.body.marketplaceId;
  if (!marketplaceId) {
    const r = await client.call<{ payload?: { MarketplaceId?: string } }>('getOrder', { method: 'GET', path });
    marketplaceId = r.body?.payload?.MarketplaceId;
    if (!marketplaceId) throw new GatewayError('PARTNER_REJECTED', `getOrder ${stored.orderId} answered without a MarketplaceId`);
  }
  const r = await client.call('confirmShipment', { method: 'POST', path: `${path}/shipmentConfirmation`, body: { ...stored.body, marketplaceId } });
  const p = stored.body.packageDetail;
  return { ref: `confirmShipment ${stored.orderId} package ${p.packageReferenceId} tracking ${p.trackingNumber}: HTTP ${r.status}` };
}
