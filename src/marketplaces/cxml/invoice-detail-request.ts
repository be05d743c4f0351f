import type { Invoice, InvoiceLine, Tax } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import { cxmlDay, cxmlMoney, cxmlNumber, lineNumberOf, orderPayloadId, orderReference, type XmlTree } from './cxml-writer';

const PURPOSE = { invoice: 'standard', credit_note: 'creditMemo', debit_note: 'debitMemo' } as const;

/** cXML's tax categories for the canonical tax types we meet (X12 TXI01, EDIFACT 5153); others keep their code. */
const CATEGORY: Record<string, string> = { ST: 'sales', LS: 'sales', SU: 'sales', CT: 'sales', VA: 'vat', VAT: 'vat', GS: 'gst', GST: 'gst', CA: 'sales' };

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Invoice (our 810) -> the body of an InvoiceDetailRequest, in Odoo's numbers as the canonical
 * Invoice holds them: one InvoiceDetailOrder for the PO with an InvoiceDetailItem per line
 * (quantity, unit, unit price, the PO line it bills, subtotal, its tax), and the summary:
 * SubtotalAmount (untaxed), Tax, GrossAmount (subtotal + tax + charges), NetAmount and DueAmount
 * (the invoice total). The order is quoted by OrderReference with the OrderRequest's payloadID
 * when it came in as cXML, else by its PO number alone (OrderIDInfo), which cXML allows for
 * invoices against orders the buyer sent some other way.
 */
export function invoiceDetailRequest(inv: Invoice, o: { zone: string }): XmlTree {
  const currency = inv.currency;
  if (!currency) throw new GatewayError('DOCUMENT_UNRENDERABLE', `invoice ${inv.invoiceNumber} has no currency, which every cXML Money needs`);
  if (!inv.poNumber) throw new GatewayError('DOCUMENT_UNRENDERABLE', `invoice ${inv.invoiceNumber} names no PO number for InvoiceDetailOrderInfo`);
  // A credit memo's quantities and amounts are negative in cXML (its unit prices are not).
  const sign = inv.invoiceType === 'credit_note' ? -1 : 1;
  const price = (n: number) => ({ Money: { '@currency': currency, '#text': cxmlMoney(n) } });
  const money = (n: number) => price(sign * n);
  const payloadID = orderPayloadId(inv, inv.poNumber);
  const subtotal = inv.untaxedAmount ?? round2(inv.lines.reduce((s, l) => s + lineAmount(l), 0));
  const taxTotal = round2(inv.taxes.reduce((s, t) => s + t.amount, 0));
  const charges = round2(inv.allowancesCharges.filter((a) => a.kind === 'charge').reduce((s, a) => s + a.amount, 0));
  const allowances = round2(inv.allowancesCharges.filter((a) => a.kind === 'allowance').reduce((s, a) => s + a.amount, 0));
  const anyLineTax = inv.lines.some((l) => l.taxes.length > 0);
  const terms = inv.terms;
  return {
    InvoiceDetailRequestHeader: {
      '@invoiceID': inv.invoiceNumber,
      '@purpose': PURPOSE[inv.invoiceType],
      '@operation': 'new',
      '@invoiceDate': cxmlDay(inv.invoiceDate, o.zone),
      '@invoiceOrigin': 'supplier',
      InvoiceDetailHeaderIndicator: {},
      InvoiceDetailLineIndicator: anyLineTax ? { '@isTaxInLine': 'yes' } : {},
      InvoiceDetailPaymentTerm: paymentTerms(terms),
    },
    InvoiceDetailOrder: {
      InvoiceDetailOrderInfo: payloadID
        ? { OrderReference: orderReference(inv.poNumber, payloadID), SupplierOrderInfo: inv.orderNumber ? { '@orderID': inv.orderNumber } : undefined }
        : { OrderIDInfo: { '@orderID': inv.poNumber }, SupplierOrderInfo: inv.orderNumber ? { '@orderID': inv.orderNumber } : undefined },
      InvoiceDetailItem: inv.lines.map((l, i) => ({
        '@invoiceLineNumber': String(i + 1),
        '@quantity': cxmlNumber(sign * l.quantity),
        UnitOfMeasure: l.uom,
        UnitPrice: price(l.unitPrice),
        InvoiceDetailItemReference: {
          '@lineNumber': lineNumberOf(l.lineNumber, `invoice ${inv.invoiceNumber}`),
          ItemID: (l.ids.vendorItem ?? l.productCode) ? { SupplierPartID: (l.ids.vendorItem ?? l.productCode)!, SupplierPartAuxiliaryID: l.ids.vendorItemAux } : undefined,
          Description: l.description ? { '@xml:lang': 'en', '#text': l.description } : undefined,
        },
        SubtotalAmount: money(lineAmount(l)),
        Tax: l.taxes.length ? tax(l.taxes, money) : undefined,
      })),
    },
    InvoiceDetailSummary: {
      SubtotalAmount: money(subtotal),
      Tax: tax(inv.taxes, money),
      GrossAmount: money(round2(subtotal + taxTotal + charges)),
      TotalCharges: charges ? money(charges) : undefined,
      TotalAllowances: allowances ? money(allowances) : undefined,
      NetAmount: money(inv.totalAmount),
      DueAmount: money(inv.totalAmount),
    },
  };
}

const lineAmount = (l: InvoiceLine) => l.amount ?? round2(l.quantity * l.unitPrice);

/** Tax: the total, a description (required), and a TaxDetail per tax with its category, rate and base. */
function tax(taxes: Tax[], money: (n: number) => XmlTree): XmlTree {
  const total = round2(taxes.reduce((s, t) => s + t.amount, 0));
  return {
    ...money(total),
    Description: { '@xml:lang': 'en', '#text': taxes.length ? taxes.map((t) => `${t.type}${t.percent !== undefined ? ` ${cxmlNumber(t.percent)}%` : ''}`).join(', ') : 'no tax' },
    TaxDetail: taxes.map((t) => ({
      '@category': CATEGORY[t.type.toUpperCase()] ?? t.type.toLowerCase(),
      '@percentageRate': t.percent !== undefined ? cxmlNumber(t.percent) : undefined,
      TaxableAmount: t.taxableAmount !== undefined ? money(t.taxableAmount) : undefined,
      TaxAmount: money(t.amount),
    })),
  };
}

/** Net days, and the early-payment discount when there is one: each an InvoiceDetailPaymentTerm. */
function paymentTerms(terms: Invoice['terms']): XmlTree[] | undefined {
  if (!terms) return undefined;
  const out: XmlTree[] = [];
  if (terms.discountPercent !== undefined && terms.discountDays !== undefined) {
    out.push({ '@payInNumberOfDays': String(terms.discountDays), '@percentageRate': cxmlNumber(terms.discountPercent) });
  }
  if (terms.netDays !== undefined) out.push({ '@payInNumberOfDays': String(terms.netDays), '@percentageRate': '0' });
  return out.length ? out : undefined;
}
