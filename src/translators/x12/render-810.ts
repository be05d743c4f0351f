import type { AllowanceCharge, Invoice, Tax } from '../../canonical';
import { n1Loop, partnerLine, text, type RenderContext, type RenderSeg, type SetRenderer } from './render-common';

/** BIG07: credit and debit memos say so; an invoice leaves it empty. */
const TRANSACTION_TYPE: Record<Invoice['invoiceType'], string | undefined> = { invoice: undefined, credit_note: 'CR', debit_note: 'DR' };

/**
 * TXI03 (element 954) is a percentage in 004010 (8.25) but a "percentage as decimal" in 005010
 * (0.0825); canonical documents hold the percentage.
 */
function taxPercent(percent: number | undefined, ctx: RenderContext): number | undefined {
  if (percent === undefined) return undefined;
  return ctx.version >= '005010' ? Number((percent / 100).toPrecision(12)) : percent;
}

const txi = (t: Tax, ctx: RenderContext): RenderSeg => ['TXI', t.type, t.amount, taxPercent(t.percent, ctx)];

/** SAC loop: indicator, code, amount (SAC05, N2), percent of the gross (SAC06 3, SAC07), description. */
function sac(a: AllowanceCharge): RenderSeg {
  return ['SAC', a.kind === 'allowance' ? 'A' : 'C', a.code, undefined, undefined, a.amount,
    a.percent === undefined ? undefined : '3', a.percent, undefined, undefined, undefined, undefined, undefined, undefined, undefined,
    text(a.description, 80)];
}

/**
 * Invoice -> 810: BIG, CUR, REF, N1 loops (bill-to, remit-to, ship-to, and seller and buyer when
 * known), ITD terms, DTM*011 ship date, IT1 per line in the partner's unit and ids with its TXI,
 * PID and SAC, then TDS (total, N2), TXI, SAC allowances and charges, CTT with the line count.
 */
export const render810: SetRenderer<Invoice> = (doc, ctx) => {
  const segs: RenderSeg[] = [['BIG', doc.invoiceDate, doc.invoiceNumber, doc.poDate, doc.poNumber, undefined, undefined, TRANSACTION_TYPE[doc.invoiceType]]];
  if (doc.currency) segs.push(['CUR', 'SE', doc.currency]);
  if (doc.orderNumber) segs.push(['REF', 'VN', doc.orderNumber]);
  for (const r of doc.references) segs.push(['REF', r.qualifier, r.value, r.description]);
  segs.push(...n1Loop('BT', doc.billTo), ...n1Loop('RE', doc.remitTo), ...n1Loop('ST', doc.shipTo),
    ...n1Loop('SE', doc.seller), ...n1Loop('BY', doc.buyer));
  const t = doc.terms;
  if (t) {
    // ITD02 3: the terms count from the invoice date.
    const basis = t.discountDays !== undefined || t.netDays !== undefined ? '3' : undefined;
    segs.push(['ITD', t.type, basis, t.discountPercent, t.discountDueDate, t.discountDays, t.netDueDate, t.netDays,
      undefined, undefined, undefined, undefined, text(t.description, 80)]);
  }
  if (doc.shipDate) segs.push(['DTM', '011', doc.shipDate]);
  for (const line of doc.lines) {
    const item = partnerLine(ctx.profile, line, line.uom, [line.quantity], line.unitPrice);
    segs.push(['IT1', line.lineNumber, item.units.quantities[0], item.units.uom, item.units.unitPrice, undefined, ...item.pairs]);
    for (const tax of line.taxes) segs.push(txi(tax, ctx));
    if (line.description) segs.push(['PID', 'F', undefined, undefined, undefined, text(line.description, 80)]);
    for (const a of line.allowancesCharges) segs.push(sac(a));
  }
  segs.push(['TDS', doc.totalAmount]);
  for (const tax of doc.taxes) segs.push(txi(tax, ctx));
  for (const a of doc.allowancesCharges) segs.push(sac(a));
  segs.push(['CTT', doc.lines.length]);
  return segs;
};
