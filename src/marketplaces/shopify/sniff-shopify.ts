import type { Sniffed } from '../../parsers/sniff';
import { envelopeHeader } from './order-envelope';

/** A first look at a stored Shopify order (its envelope's header, in the first bytes); undefined for anything else. */
export function sniffShopify(head: string): Sniffed | undefined {
  const h = envelopeHeader(head);
  if (!h) return undefined;
  return {
    standard: 'Shopify', sender: { qualifier: 'myshopify', id: h.shop }, receiver: { qualifier: '', id: '' },
    controlNumber: h.orderId, documentType: 'order', ...(h.apiVersion ? { version: h.apiVersion } : {}),
  };
}
