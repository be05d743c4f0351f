import type { Order } from '../../canonical';
import type { PartnerProfile } from '../../partners/profile.schema';
import { full, orderLineXmlid, orderXmlid } from './keys';

/** What the order writer found in Odoo before writing anything. */
export interface ResolvedOrder {
  customerId: number;
  shippingId?: number;
  /** lineNumber -> product.product id. */
  products: Map<string, number>;
  /** The pricelist, which decides the order's currency (money.ts resolvePricelist). */
  pricelistId?: number;
  warehouseId?: number;
  /**
   * lineNumber -> uom.uom id, for every line, when a line stays in the partner's pack
   * (money.ts resolveLineUoms); with the line's uom field (product_uom until 18, product_uom_id in 19).
   */
  uoms?: { field: 'product_uom' | 'product_uom_id'; ids: Map<string, number> };
}

/**
 * A requested delivery date -> commitment_date (a UTC datetime). Noon, so that the day stays the
 * same in every time zone from UTC-11 to UTC+11 when Odoo shows it.
 */
export const commitmentDate = (day: string) => `${day} 12:00:00`;

/**
 * Order -> the columns and rows of one sale.order.load(): the order's external id, `.id` columns
 * for the records we resolved by database id, and one row per line with the line's own external
 * id (without it every re-load would add the lines again: ODOO-NOTES §4). Pure.
 */
export function orderLoadRows(order: Order, profile: PartnerProfile, r: ResolvedOrder): { fields: string[]; rows: string[][] } {
  const partnerPrice = profile.odoo.priceSource === 'partner' && order.lines.every((l) => l.unitPrice !== undefined);
  const header: [string, string | undefined][] = [
    ['id', full(orderXmlid(order.partnerId, order.poNumber))],
    ['partner_id/.id', String(r.customerId)],
    ['partner_shipping_id/.id', r.shippingId === undefined ? undefined : String(r.shippingId)],
    ['client_order_ref', order.poNumber],
    ['origin', `EDI ${order.partnerId} ${order.source.interchangeControl}/${order.source.setControl}`],
    ['commitment_date', order.dates.requestedDelivery ? commitmentDate(order.dates.requestedDelivery) : undefined],
    ['pricelist_id/.id', r.pricelistId === undefined ? undefined : String(r.pricelistId)],
    ['warehouse_id/.id', r.warehouseId === undefined ? undefined : String(r.warehouseId)],
  ];
  const used = header.filter(([, v]) => v !== undefined) as [string, string][];
  if (!order.lines.length) return { fields: used.map(([f]) => f), rows: [used.map(([, v]) => v)] };
  const uoms = r.uoms;
  const lineFields = ['order_line/id', 'order_line/product_id/.id', 'order_line/product_uom_qty',
    ...(uoms ? [`order_line/${uoms.field}/.id`] : []), ...(partnerPrice ? ['order_line/price_unit'] : [])];
  const fields = [...used.map(([f]) => f), ...lineFields];
  const rows = order.lines.map((line, i) => {
    const cells = [
      full(orderLineXmlid(order.partnerId, order.poNumber, line.lineNumber)),
      String(r.products.get(line.lineNumber)),
      String(line.quantity),
      // Quantity and price are per this unit: the partner's pack when it has an Odoo unit, else ours.
      ...(uoms ? [String(uoms.ids.get(line.lineNumber))] : []),
      ...(partnerPrice ? [String(line.unitPrice)] : []),
    ];
    // load() reads the rows after the first, with empty order columns, as more lines of the same order.
    return [...(i === 0 ? used.map(([, v]) => v) : used.map(() => '')), ...cells];
  });
  return { fields, rows };
}
