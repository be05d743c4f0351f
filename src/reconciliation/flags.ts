/**
 * The reconciliation's flags: a stable code a script filters on, and the words a person reads.
 * README.md ("Order lifecycle reconciliation") says what to do about each.
 */
export const FLAG_CODES = [
  'ORDER_EXCEPTION', 'NOT_IN_ODOO', 'SHIPPED_QTY_DIFFERS', 'INVOICED_QTY_DIFFERS', 'ASN_MISSING', 'INVOICE_MISSING',
  'ACK_REJECTED', 'ACK_OVERDUE', 'DELIVERY_FAILED',
] as const;

export type FlagCode = (typeof FLAG_CODES)[number];

export const FLAG_TEXT: Record<FlagCode, string> = {
  ORDER_EXCEPTION: 'the order message is an exception',
  NOT_IN_ODOO: 'no sale order in Odoo',
  SHIPPED_QTY_DIFFERS: 'shipped quantity differs from ordered',
  INVOICED_QTY_DIFFERS: 'invoiced quantity differs from shipped',
  ASN_MISSING: "no ship notice within the partner's window",
  INVOICE_MISSING: 'shipped but not invoiced in time',
  ACK_REJECTED: 'the partner rejected a document we sent',
  ACK_OVERDUE: "the partner's acknowledgment is overdue",
  DELIVERY_FAILED: 'a document for this order could not be delivered',
};
