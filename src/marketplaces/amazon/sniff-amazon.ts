import type { Sniffed } from '../../parsers/sniff';
import { STORED_FORM } from './amazon-order';

const field = (text: string, name: string): string | undefined => {
  const m = new RegExp(`"${name}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(text);
  return m ? m[1] : undefined;
};

/**
 * A first look at an order the Amazon pull stored (amazon-order.ts storedOrderBytes): its
 * wrapper fields come first, so the head names the seller, marketplace and order. Undefined for
 * any other JSON (another channel's, or none of ours).
 */
export function sniffAmazon(head: string): Sniffed | undefined {
  if (!new RegExp(`^\\{\\s*"amazonSpApi"\\s*:\\s*"${STORED_FORM}"`).test(head)) return undefined;
  const sellerId = field(head, 'sellerId');
  const orderId = field(head, 'amazonOrderId');
  if (!sellerId || !orderId) return { standard: 'unknown', reason: 'a stored Amazon order without sellerId or amazonOrderId at its head' };
  return {
    standard: 'Amazon', sender: { qualifier: 'AmazonSellerId', id: sellerId },
    receiver: { qualifier: 'AmazonMarketplaceId', id: field(head, 'marketplaceId') ?? '' },
    controlNumber: orderId, documentType: `Order ${field(head, 'orderStatus') ?? ''}`.trim(),
  };
}
