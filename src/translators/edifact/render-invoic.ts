import type { AllowanceCharge, Invoice, Tax } from '../../canonical';
import { dtm, lineIds, nad, num, units, type EdiSeg, type EdifactRenderContext } from './render-common';

const DOC = { invoice: '380', credit_note: '381', debit_note: '383' } as const;

/**
 * X12 SAC02 codes (four characters) that canonical documents often carry, as EDIFACT 7161 codes
 * (an..3). Anything else of more than three characters is sent as text only (C214 7160).
 */
const SERVICE_CODES: Record<string, string> = { D240: 'FC', C310: 'DI', D500: 'HD', F050: 'ABK', B720: 'PC', H850: 'TX', I530: 'IN' };

function alc(a: AllowanceCharge): EdiSeg[] {
  const code = SERVICE_CODES[a.code] ?? (a.code.length <= 3 ? a.code : '');
  return [
    ['ALC', a.kind === 'allowance' ? 'A' : 'C', '', '', '', [code, '', '', (a.description ?? (code ? '' : a.code)).slice(0, 35)]],
    ...(a.percent !== undefined ? [['PCD', ['1', num(a.percent)]] as EdiSeg] : []),
    ['MOA', ['8', num(a.amount)]],
  ];
}

const round2 = (n: number) => Number(n.toFixed(2));

/**
 * TAX+7 with its rate and MOA+124 the tax amount (D96A's TAX groups hold one MOA: the taxable
 * amount goes in the totals, MOA+125). 5153: VAT for X12's VA and TX (all taxes), which EANCOM has
 * no code for; other codes as they are.
 */
function taxGroup(t: Tax): EdiSeg[] {
  const type = t.type === 'VA' || t.type === 'TX' ? 'VAT' : t.type;
  return [
    ['TAX', '7', [type], '', '', ['', '', '', t.percent === undefined ? '' : num(t.percent)], t.category ?? 'S'],
    ['MOA', ['124', num(t.amount)]],
  ];
}

/**
 * Invoice -> INVOIC body (D96A / EANCOM EAN008 shape): BGM 380/381/383, dates, order reference,
 * parties, currency, terms, header allowances and charges, lines (LIN, PIA, IMD, QTY+47, MOA+203,
 * PRI+AAA, TAX), then UNS and the totals: MOA+77 amount due, MOA+79 lines (before tax), MOA+125
 * taxable amount and MOA+176 tax when taxed, and per tax TAX with MOA+124.
 */
export function renderInvoic(doc: Invoice, ctx: EdifactRenderContext): EdiSeg[] {
  const body: EdiSeg[] = [
    ['BGM', DOC[doc.invoiceType], doc.invoiceNumber, '9'],
    ...dtm('137', doc.invoiceDate),
    ...dtm('35', doc.shipDate),
  ];
  if (doc.poNumber) body.push(['RFF', ['ON', doc.poNumber]], ...dtm('171', doc.poDate));
  for (const r of doc.references.filter((x) => x.qualifier !== 'ON')) body.push(['RFF', [r.qualifier, r.value]]);
  body.push(...nad('SU', doc.seller, ctx.self.id), ...nad('BY', doc.buyer, ctx.profile.identifiers.edifact[0]?.id),
    ...nad('IV', doc.billTo), ...nad('DP', doc.shipTo));
  if (doc.currency) body.push(['CUX', ['2', doc.currency, '4']]);
  if (doc.terms?.netDays !== undefined) body.push(['PAT', '1', '', ['5', '3', 'D', String(doc.terms.netDays)]]);
  if (doc.terms?.discountPercent !== undefined) body.push(['PAT', '22', '', ['5', '3', 'D', String(doc.terms.discountDays ?? 0)]], ['PCD', ['12', num(doc.terms.discountPercent)]]);
  for (const a of doc.allowancesCharges) body.push(...alc(a));

  let linesTotal = 0;
  for (const line of doc.lines) {
    const ids = lineIds(ctx.profile, line);
    const u = units(ctx.profile, line.uom, [line.quantity], line.unitPrice, ids.uom);
    const amount = line.amount ?? round2(line.quantity * line.unitPrice);
    linesTotal += amount;
    body.push(['LIN', line.lineNumber, '', ids.lin], ...ids.pia);
    if (line.description) body.push(['IMD', 'F', '', ['', '', '', line.description.slice(0, 35)]]);
    body.push(['QTY', ['47', num(u.quantities[0]), u.uom]], ['MOA', ['203', num(amount)]], ['PRI', ['AAA', num(u.unitPrice ?? line.unitPrice)]]);
    for (const t of line.taxes) body.push(...taxGroup(t));
    for (const a of line.allowancesCharges) body.push(...alc(a));
  }
  // The totals are the invoice's own (Odoo's amount_untaxed / amount_tax / amount_total) when it states them.
  const untaxed = doc.untaxedAmount ?? round2(linesTotal);
  const tax = round2(doc.taxes.reduce((n, t) => n + t.amount, 0));
  body.push(['UNS', 'S'], ['CNT', ['2', String(doc.lines.length)]],
    ['MOA', ['77', num(doc.totalAmount)]], ['MOA', ['79', num(untaxed)]]);
  if (doc.taxes.length) body.push(['MOA', ['125', num(untaxed)]], ['MOA', ['176', num(tax)]]);
  for (const t of doc.taxes) body.push(...taxGroup(t));
  return body;
}
