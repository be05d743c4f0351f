import type { Many2one } from '../client/odoo-client';
import { partnerDay, partnerTime } from '../../translators/partner-time';

/** The Odoo fields the event mappers read, as search_read returns them. */

export interface PartnerRec {
  id: number;
  name: string | false;
  ref: string | false;
  street: string | false;
  street2: string | false;
  city: string | false;
  zip: string | false;
  /** Codes read separately from res.country.state / res.country. */
  stateCode?: string;
  countryCode?: string;
  commercial_partner_id?: Many2one;
}

export interface ProductRec {
  id: number;
  default_code: string | false;
  barcode: string | false;
  name: string;
  /** The product's unit (its quantities in stock moves are in it). */
  uom_id?: Many2one;
}

/** A uom.uom as the mappers need it: its name and how many reference units one of it is. */
export interface UomRec {
  id: number;
  name: string;
  ratio: number;
}

/** An account.tax: a percent tax's rate says TXI03 / TAX 5278. */
export interface TaxRec {
  id: number;
  amount: number;
  amount_type: string;
}

export interface SaleOrderRec {
  id: number;
  name: string;
  state: string;
  client_order_ref: string | false;
  date_order: string | false;
  commitment_date: string | false;
  partner_id: Many2one;
  partner_shipping_id: Many2one;
  currency_id: Many2one;
  write_date: string;
}

export interface SaleLineRec {
  id: number;
  product_id: Many2one;
  product_uom_qty: number;
  price_unit: number;
  name: string | false;
  display_type?: string | false;
  /** product_uom (16-18) / product_uom_id (19), read under whichever name the version has. */
  uom?: Many2one;
  price_subtotal?: number;
  price_total?: number;
}

export interface PickingRec {
  id: number;
  name: string;
  state: string;
  origin: string | false;
  partner_id: Many2one;
  sale_id?: Many2one;
  scheduled_date: string | false;
  date_done: string | false;
  carrier_tracking_ref?: string | false;
  picking_type_id: Many2one;
  write_date: string;
}

export interface MoveRec {
  id: number;
  product_id: Many2one;
  product_uom_qty: number;
  /** Done quantity (17+ `quantity`, 16 `quantity_done`), read under whichever name the version has. */
  done: number;
  sale_line_id?: Many2one;
}

export interface InvoiceRec {
  id: number;
  name: string;
  state: string;
  move_type: string;
  invoice_date: string | false;
  invoice_date_due: string | false;
  invoice_origin: string | false;
  ref: string | false;
  partner_id: Many2one;
  partner_shipping_id?: Many2one;
  currency_id: Many2one;
  amount_untaxed: number;
  amount_tax: number;
  amount_total: number;
  write_date: string;
}

export interface InvoiceLineRec {
  id: number;
  product_id: Many2one;
  name: string | false;
  quantity: number;
  price_unit: number;
  price_subtotal: number;
  product_uom_id?: Many2one;
  price_total?: number;
  tax_ids?: number[];
}

export const idOf = (m: Many2one | undefined): number | undefined => (m ? m[0] : undefined);
export const nameOf = (m: Many2one | undefined): string | undefined => (m ? m[1] : undefined);
export const str = (v: string | false | undefined | null): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
/**
 * Odoo's 'YYYY-MM-DD HH:MM:SS' (UTC) -> the day on the partner's clock (`zone`, its profile's
 * outbound.timeZone); a pure date 'YYYY-MM-DD' stays the day it is.
 */
export const day = (v: string | false | undefined, zone?: string): string | undefined => partnerDay(v, zone);
/** Odoo datetime -> HHMM on the partner's clock. */
export const hhmm = (v: string | false | undefined, zone?: string): string | undefined => partnerTime(v, zone);
