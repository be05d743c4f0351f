import { InvoiceSchema, type AllowanceCharge, type Invoice, type InvoiceLine, type Tax } from '../../canonical';
import type { TranslateContext, TranslateResult } from '../context';
import { compact, convertUom, resolveItem } from '../resolve';
import { splitAt } from '../x12/x12-common';
import { splitSummary, val, type Seg, type TranslationIssue } from '../segments';
import { parseReal } from '../values';
import { amountOf, dateOf, itemIds, partiesOf, quantityOf, referenceOf } from './edifact-common';

/** TAX (+ its MOA+124/176) -> tax: 5283 7 = tax, C241 5153 type (VAT), C243 5278 rate, 5305 category. */
function taxes(segs: Seg[], dm: string): Tax[] {
  const out: Tax[] = [];
  segs.forEach((s, i) => {
    if (s.tag !== 'TAX') return;
    const next = segs.slice(i + 1).find((m) => m.tag === 'MOA' && ['124', '176', '150'].includes(val(m, 1, 1) ?? ''));
    const following = segs.slice(i + 1).findIndex((m) => m.tag === 'TAX');
    const nextIsOurs = next && (following < 0 || segs.indexOf(next) < i + 1 + following);
    out.push(compact({ type: val(s, 2, 1) ?? val(s, 1) ?? '', amount: nextIsOurs ? parseReal(val(next, 1, 2), dm) ?? 0 : 0,
      percent: parseReal(val(s, 5, 4), dm), category: val(s, 6) }));
  });
  return out;
}

/** ALC (+ its MOA+8/23/131, PCD) -> allowance (A) or charge (C); the code is C214 7161. */
function allowances(segs: Seg[], dm: string): AllowanceCharge[] {
  const out: AllowanceCharge[] = [];
  segs.forEach((s, i) => {
    if (s.tag !== 'ALC' || (val(s, 1) !== 'A' && val(s, 1) !== 'C')) return;
    const end = segs.slice(i + 1).findIndex((m) => m.tag === 'ALC' || m.tag === 'LIN' || m.tag === 'UNS');
    const own = segs.slice(i + 1, end < 0 ? undefined : i + 1 + end);
    const amount = amountOf(own, ['8', '23', '131', '204'], dm);
    const pcd = own.find((m) => m.tag === 'PCD');
    if (amount === undefined) return;
    out.push(compact({ kind: val(s, 1) === 'A' ? 'allowance' as const : 'charge' as const, code: val(s, 5, 1) ?? '', amount,
      percent: parseReal(val(pcd, 1, 2), dm), description: val(s, 5, 4) }));
  });
  return out;
}

/** EDIFACT INVOIC from a supplier -> canonical Invoice (a vendor bill). */
export function translateInvoic(segs: Seg[], ctx: TranslateContext): TranslateResult {
  const { profile } = ctx;
  const dm = ctx.decimalMark ?? '.';
  const issues: TranslationIssue[] = [];
  const { body, summary } = splitSummary(segs, (s) => s.tag === 'UNS');
  const { head, runs } = splitAt(body, (s) => s.tag === 'LIN');
  const bgm = head.find((s) => s.tag === 'BGM');
  const invoiceNumber = val(bgm, 2, 1);
  const invoiceDate = dateOf(head, ['137', '3']);
  if (!invoiceNumber || !invoiceDate) return { issues: [{ code: 'MISSING_VALUE', segment: 'BGM', message: 'BGM 1004 invoice number and DTM+137 invoice date are needed' }] };

  const lines: InvoiceLine[] = [];
  for (const run of runs) {
    const lin = run[0];
    const lineNumber = val(lin, 1) ?? String(lines.length + 1);
    const { quantity: q, uom } = quantityOf(run, ['47', '46', '12'], dm);
    const pri = run.find((s) => s.tag === 'PRI' && ['AAA', 'AAB', 'INV'].includes(val(s, 1, 1) ?? ''));
    const basis = parseReal(val(pri, 1, 5), dm) || 1;
    const price = parseReal(val(pri, 1, 2), dm);
    const amount = amountOf(run, ['203', '66', '38'], dm);
    if (q === undefined || (price === undefined && amount === undefined)) {
      issues.push({ code: 'MISSING_VALUE', segment: 'LIN', position: lin.position, lineNumber, message: `line ${lineNumber}: QTY+47 invoiced quantity and a PRI or MOA+203 are needed` });
      continue;
    }
    const ids = itemIds(lin, run.filter((s) => s.tag === 'PIA'));
    const item = resolveItem(profile, ids, { lineNumber, position: lin.position, segment: 'LIN' });
    if (item.issue) issues.push(item.issue);
    const unit = price !== undefined ? price / basis : amount! / (q || 1);
    const conv = convertUom(profile, q, uom ?? 'PCE', unit);
    const imd = run.find((s) => s.tag === 'IMD' && val(s, 3, 4));
    lines.push(compact({ lineNumber, quantity: conv.quantity, uom: conv.uom, unitPrice: conv.unitPrice ?? unit, amount, ids,
      description: val(imd, 3, 4), productCode: item.productCode, taxes: taxes(run, dm), allowancesCharges: allowances(run, dm) }));
  }
  const total = amountOf(summary, ['77', '86', '9'], dm);
  if (total === undefined) issues.push({ code: 'MISSING_VALUE', segment: 'MOA', message: 'no invoice total (MOA+77 or MOA+86) after UNS' });
  if (issues.length) return { issues };

  const parties = partiesOf(head);
  const refs = head.filter((s) => s.tag === 'RFF').map(referenceOf).filter((r) => r !== undefined);
  const pat = head.find((s) => s.tag === 'PAT');
  const docCode = val(bgm, 1, 1);
  const invoice: Invoice = compact({
    type: 'invoice' as const,
    partnerId: profile.id,
    source: ctx.source,
    invoiceNumber,
    invoiceDate,
    invoiceType: docCode === '381' ? 'credit_note' as const : docCode === '383' ? 'debit_note' as const : 'invoice' as const,
    poNumber: refs.find((r) => r.qualifier === 'ON')?.value,
    currency: val(head.find((s) => s.tag === 'CUX'), 1, 2),
    seller: parties.get('SU') ?? parties.get('SE'),
    buyer: parties.get('BY'),
    billTo: parties.get('IV'),
    shipTo: parties.get('DP') ?? parties.get('ST'),
    remitTo: parties.get('PE') ?? parties.get('RE'),
    shipDate: dateOf(head, ['35', '11']),
    references: refs,
    terms: pat ? compact({ type: val(pat, 1), netDays: parseReal(val(pat, 3, 4), dm), description: val(pat, 2, 4) }) : undefined,
    lines,
    allowancesCharges: allowances(head.concat(summary), dm),
    taxes: taxes(summary, dm),
    totalAmount: total!,
  });
  return { document: InvoiceSchema.parse(invoice), issues };
}
