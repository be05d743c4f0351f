import crypto from 'node:crypto';
import type { Order, OrderLine, OrderPurpose, Party } from '../../canonical';
import type { PartnerProfile } from '../../partners/profile.schema';
import { wallClock } from '../../translators/partner-time';
import { compact, resolveItem } from '../../translators/resolve';
import { legacyId, type OrderEnvelope } from './order-envelope';
import type { MailingAddress, MoneyBag } from './shopify-order';

/** One thing wrong with a Shopify order, placed by its JSON path (e.g. order.lineItems[2].sku). */
export interface ShopifyIssue {
  path: string;
  message: string;
  value?: string;
  /** An item the profile's table lacks, a line without SKU: the order is stored and becomes an exception to fix and replay. */
  business?: true;
}

export interface ShopifyOrderResult {
  order?: Order;
  issues: ShopifyIssue[];
  /** Why there is nothing for Odoo (an order cancelled before it was ever written). */
  nothing?: string;
}

const money = (m: MoneyBag | null | undefined): number | undefined => {
  const v = m?.shopMoney?.amount;
  return v !== undefined && v !== null && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
};

const text = (v: string | null | undefined): string | undefined => (v && v.trim() ? v.trim() : undefined);

/**
 * The ship-to. Its code is a key of the address itself (partner id + a hash of name and address):
 * Shopify addresses have no id of their own, and with createDeliveryAddresses the writer makes one
 * delivery contact per code, so the same address again finds its contact and a different person
 * of the same name gets their own (a key by name alone would send one to the other's door).
 */
export function shipToParty(profile: PartnerProfile, a: MailingAddress | null | undefined): Party | undefined {
  if (!a) return undefined;
  const name = text(a.name) ?? text(a.company);
  const lines = [text(a.company) && text(a.name) ? text(a.company) : undefined, text(a.address1), text(a.address2)].filter((l): l is string => !!l);
  const region = text(a.provinceCode) ?? text(a.province);
  const country = text(a.countryCodeV2) ?? text(a.country);
  const key = crypto.createHash('sha256').update(JSON.stringify([name, lines, text(a.city), region, text(a.zip), country])).digest('hex').slice(0, 12).toUpperCase();
  return compact({
    name, code: `${profile.id.toUpperCase()}-${key}`,
    address: compact({ lines, city: text(a.city), region, postalCode: text(a.zip), country }),
  });
}

/**
 * A stored Shopify order -> the canonical Order (pure).
 *
 * poNumber is the order's name (#1001): what the merchant, the customer and Odoo's users see, unique
 * in the store, and what the fulfillment push finds the order by again; the order's gid goes in
 * references (shopify_order_id). A line item's SKU is our product code (Odoo's internal reference)
 * unless crossReferences.items maps it (sku column). Each line is numbered by the line item's own
 * id, so a later version of the order rewrites the same Odoo lines. Quantities are the current ones
 * (after edits and removals); a line edited down to 0 is left out (the writer zeroes it in Odoo).
 * The unit price is Shopify's discounted unit price (line and order discounts spread over the
 * lines), else the original; in the shop's currency.
 */
export function orderFromShopify(env: OrderEnvelope, profile: PartnerProfile, o: { purpose: OrderPurpose; messageId?: number }): ShopifyOrderResult {
  const so = env.order;
  const issues: ShopifyIssue[] = [];
  if (!so.id) issues.push({ path: 'order.id', message: 'order.id is missing' });
  if (!so.name) issues.push({ path: 'order.name', message: 'order.name is missing' });
  const created = so.createdAt ? new Date(so.createdAt) : undefined;
  if (!created || Number.isNaN(created.getTime())) issues.push({ path: 'order.createdAt', message: `order.createdAt '${so.createdAt ?? ''}' is not a date-time`, value: so.createdAt });
  const purpose: OrderPurpose = so.cancelledAt ? 'cancel' : o.purpose;
  if (purpose === 'cancel' && o.purpose === 'original') {
    return { issues, nothing: `${so.name ?? so.id} was cancelled in Shopify (${so.cancelReason ?? 'no reason given'}) before it reached Odoo: nothing to write` };
  }
  const currency = text(so.currencyCode);
  const lines: OrderLine[] = [];
  const nodes = so.lineItems?.nodes;
  if (!Array.isArray(nodes)) issues.push({ path: 'order.lineItems.nodes', message: 'order.lineItems.nodes is missing' });
  (nodes ?? []).forEach((l, i) => {
    const at = `order.lineItems[${i}]`;
    const quantity = l.currentQuantity ?? l.quantity;
    if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity < 0) {
      issues.push({ path: `${at}.currentQuantity`, message: `${at}.currentQuantity '${String(quantity)}' is not a quantity` });
      return;
    }
    if (quantity === 0) return;
    const lineNumber = l.id ? legacyId(l.id) : undefined;
    if (!lineNumber) issues.push({ path: `${at}.id`, message: `${at}.id is missing` });
    const sku = text(l.sku) ?? text(l.variant?.sku);
    const label = text(l.name) ?? text(l.title) ?? lineNumber ?? String(i + 1);
    if (!sku) issues.push({ path: `${at}.sku`, message: `line ${label}: the line item has no SKU, so no product can be found for it`, business: true });
    const unitPrice = money(l.discountedUnitPriceSet) ?? money(l.originalUnitPriceSet);
    if (unitPrice === undefined) issues.push({ path: `${at}.originalUnitPriceSet.shopMoney.amount`, message: `line ${label}: no unit price` });
    if (!lineNumber || !sku) return;
    const ids = { sku };
    const item = profile.xref?.items ? resolveItem(profile, ids, { lineNumber }) : { productCode: sku };
    if (item.issue) issues.push({ path: `${at}.sku`, message: `line ${label}: ${item.issue.message}`, value: sku, business: true });
    lines.push(compact({ lineNumber, quantity, uom: 'EA', unitPrice, ids, description: text(l.name) ?? text(l.title), productCode: item.productCode }));
  });
  if (purpose !== 'cancel' && nodes && !lines.length && !issues.length) {
    issues.push({ path: 'order.lineItems', message: `${so.name}: no line item has a quantity left to ship` });
  }
  if (issues.length || !created || !so.name) return { issues };

  const shipping = (so.shippingLines?.nodes ?? []).map((s) => text(s.title)).filter((t): t is string => !!t);
  const notes = [
    ...(text(so.note) ? [{ qualifier: 'note', text: text(so.note)! }] : []),
    ...(shipping.length ? [{ qualifier: 'shipping', text: shipping.join(', ') }] : []),
    ...(so.test ? [{ qualifier: 'test', text: 'Shopify test order' }] : []),
  ];
  const billing = so.billingAddress;
  const order: Order = compact({
    type: 'order' as const,
    partnerId: profile.id,
    source: compact({
      standard: 'REST' as const, version: env.shopify.apiVersion, senderId: env.shopify.shop, receiverId: '',
      interchangeControl: so.id, setControl: so.name, messageId: o.messageId,
    }),
    poNumber: so.name,
    poDate: wallClock(created, profile.outbound.timeZone).date,
    purpose,
    currency,
    buyer: billing ? compact({ name: text(billing.name) ?? text(billing.company) }) : undefined,
    shipTo: shipToParty(profile, so.shippingAddress),
    dates: {},
    references: [
      { qualifier: 'shopify_order_id', value: so.id },
      ...(text(so.poNumber) ? [{ qualifier: 'PO', value: text(so.poNumber)! }] : []),
    ],
    lines,
    notes,
    control: { lineCount: lines.length },
  });
  return { order, issues };
}
