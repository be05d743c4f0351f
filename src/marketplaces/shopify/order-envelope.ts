import crypto from 'node:crypto';
import type { ShopifyOrder } from './shopify-order';

/**
 * How a pulled Shopify order is stored: one message per order version, a JSON envelope whose
 * first key is a fixed header (so that the pipeline's first look, which reads only the first
 * 4 KB, recognises it without parsing the whole order) followed by the order exactly as the
 * Admin API returned it:
 *
 *   {"shopify":{"shop":"demo.myshopify.com","apiVersion":"2025-01","orderId":"gid://shopify/Order/1",
 *    "name":"#1001","updatedAt":"...","fingerprint":"..."},"order":{...}}
 */
export interface EnvelopeHeader {
  shop: string;
  apiVersion: string;
  orderId: string;
  name: string;
  updatedAt: string;
  /** The order's content as Odoo sees it (see orderFingerprint): two versions with the same one are the same order for Odoo. */
  fingerprint: string;
}

export interface OrderEnvelope {
  shopify: EnvelopeHeader;
  order: ShopifyOrder;
}

export function envelope(shop: string, apiVersion: string, order: ShopifyOrder): Buffer {
  const header: EnvelopeHeader = {
    shop, apiVersion, orderId: order.id, name: order.name, updatedAt: order.updatedAt, fingerprint: orderFingerprint(order),
  };
  return Buffer.from(JSON.stringify({ shopify: header, order }), 'utf8');
}

const HEAD = /^\{"shopify":\{"shop":"([^"\\]+)","apiVersion":"([^"\\]*)","orderId":"([^"\\]+)","name":"((?:[^"\\]|\\.)*)","updatedAt":"([^"\\]*)","fingerprint":"([0-9a-f]*)"\}/;

/** The header of a stored envelope, from its first bytes alone; undefined for anything else. */
export function envelopeHeader(head: string): EnvelopeHeader | undefined {
  const m = HEAD.exec(head.replace(/^\uFEFF/, ''));
  if (!m) return undefined;
  let name: string;
  try {
    name = JSON.parse(`"${m[4]}"`) as string;
  } catch {
    return undefined;
  }
  return { shop: m[1], apiVersion: m[2], orderId: m[3], name, updatedAt: m[5], fingerprint: m[6] };
}

/** A stored envelope, whole; throws a SyntaxError (or a plain Error) when it is not one. */
export function parseEnvelope(content: Buffer): OrderEnvelope {
  const parsed = JSON.parse(content.toString('utf8')) as Partial<OrderEnvelope>;
  if (!parsed || typeof parsed !== 'object' || !parsed.shopify || !parsed.order || typeof parsed.order !== 'object') {
    throw new Error('not a stored Shopify order: it needs the keys shopify and order');
  }
  return parsed as OrderEnvelope;
}

/**
 * What of an order Odoo's sale order is made of: lines (SKU, current quantity, price), the
 * ship-to, currency, note, and whether it is cancelled. Shopify bumps updatedAt for much else
 * (payment captured, a tag, our own fulfillment): a new version with the same fingerprint changes
 * nothing in Odoo and is not stored again.
 */
export function orderFingerprint(order: ShopifyOrder): string {
  const lines = (order.lineItems?.nodes ?? []).map((l) => [l.id, l.sku ?? l.variant?.sku ?? null, l.currentQuantity ?? l.quantity,
    l.originalUnitPriceSet?.shopMoney?.amount ?? null]);
  const a = order.shippingAddress;
  const material = {
    cancelled: !!order.cancelledAt, currency: order.currencyCode ?? null, note: order.note ?? null, poNumber: order.poNumber ?? null,
    ship: a ? [a.name, a.company, a.address1, a.address2, a.city, a.provinceCode ?? a.province, a.zip, a.countryCodeV2 ?? a.country] : null,
    lines,
  };
  return crypto.createHash('sha256').update(JSON.stringify(material)).digest('hex').slice(0, 32);
}

/** The numeric id at the end of a Shopify gid (gid://shopify/Order/5501 -> 5501). */
export function legacyId(gid: string): string {
  return /\/(\d+)(?:\?.*)?$/.exec(gid)?.[1] ?? gid.replace(/[^A-Za-z0-9]/g, '_');
}
