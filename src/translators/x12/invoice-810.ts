import { InvoiceSchema, type AllowanceCharge, type Invoice, type InvoiceLine, type Tax } from '../../canonical';
import type { TranslateContext, TranslateResult } from '../context';
import { compact, convertUom, resolveItem } from '../resolve';
import { splitSummary, val, type Seg, type TranslationIssue } from '../segments';
import { parseImplied, parseReal, x12DateToIso } from '../values';
import { collectParties, itemIdsFromPairs, reference, splitAt } from './x12-common';

/** SAC segment -> allowance or charge. SAC05 is N2 (implied decimals), SAC06/07 the percent. */
export function allowanceCharge(s: Seg): AllowanceCharge | undefined {
  const indicator = val(s, 1);
  const amount = parseImplied(val(s, 5), 2);
  if ((indicator !== 'A' && indicator !== 'C') || amount === undefined) return undefined;
  return compact({ kind: indicator === 'A' ? 'allowance' as const : 'charge' as const, code: val(s, 2) ?? '', amount,
    percent: parseReal(val(s, 7)), description: val(s, 15) });
}

function tax(s: Seg): Tax | undefined {
  const amount = parseReal(val(s, 2));
  if (!val(s, 1) || amount === undefined) return undefined;
  return compact({ type: val(s, 1)!, amount, percent: parseReal(val(s, 3)) });
}

/** X12 810 invoice from a supplier -> canonical Invoice (a vendor bill). */
export function translate810(segs: Seg[], ctx: TranslateContext): TranslateResult {
  const { profile } = ctx;
  const issues: TranslationIssue[] = [];
  const { body, summary } = splitSummary(segs, (s) => s.tag === 'TDS' || s.tag === 'SE');
  const { head, runs } = splitAt(body, (s) => s.tag === 'IT1');
  const big = head.find((s) => s.tag === 'BIG');
  const invoiceNumber = val(big, 2);
  const invoiceDate = x12DateToIso(val(big, 1));
  if (!invoiceNumber || !invoiceDate) return { issues: [{ code: 'MISSING_VALUE', segment: 'BIG', message: 'BIG01 invoice date and BIG02 invoice number are needed' }] };

  const lines: InvoiceLine[] = [];
  for (const run of runs) {
    const it1 = run[0];
    const lineNumber = val(it1, 1) ?? String(lines.length + 1);
    const qty = parseReal(val(it1, 2));
    const price = parseReal(val(it1, 4));
    if (qty === undefined || !val(it1, 3) || price === undefined) {
      issues.push({ code: 'MISSING_VALUE', segment: 'IT1', position: it1.position, lineNumber, message: `line ${lineNumber}: IT102 quantity, IT103 unit and IT104 price are needed` });
      continue;
    }
    const ids = itemIdsFromPairs(it1, 6);
    const item = resolveItem(profile, ids, { lineNumber, position: it1.position, segment: 'IT1' });
    if (item.issue) issues.push(item.issue);
    const { quantity, uom, unitPrice } = convertUom(profile, qty, val(it1, 3)!, price);
    const pid = run.find((s) => s.tag === 'PID' && val(s, 5));
    lines.push(compact({ lineNumber, quantity, uom, unitPrice: unitPrice ?? price, amount: Number((qty * price).toFixed(2)), ids,
      description: val(pid, 5), productCode: item.productCode,
      taxes: run.filter((s) => s.tag === 'TXI').map(tax).filter((t) => t !== undefined),
      allowancesCharges: run.filter((s) => s.tag === 'SAC').map(allowanceCharge).filter((a) => a !== undefined) }));
  }
  const tds = summary.find((s) => s.tag === 'TDS');
  const total = parseImplied(val(tds, 1), 2);
  if (total === undefined) issues.push({ code: 'MISSING_VALUE', segment: 'TDS', message: 'TDS01 total invoice amount is missing' });
  if (issues.length) return { issues };

  const itd = head.find((s) => s.tag === 'ITD');
  const parties = collectParties(head);
  const typeCode = val(big, 7);
  const invoice: Invoice = compact({
    type: 'invoice' as const,
    partnerId: profile.id,
    source: ctx.source,
    invoiceNumber,
    invoiceDate,
    invoiceType: typeCode === 'CR' ? 'credit_note' as const : typeCode === 'DR' ? 'debit_note' as const : 'invoice' as const,
    poNumber: val(big, 4),
    poDate: x12DateToIso(val(big, 3)),
    currency: val(head.find((s) => s.tag === 'CUR'), 2),
    seller: parties.get('SE') ?? parties.get('VN') ?? parties.get('RI'),
    buyer: parties.get('BY'),
    billTo: parties.get('BT'),
    shipTo: parties.get('ST'),
    remitTo: parties.get('RE') ?? parties.get('RI'),
    shipDate: x12DateToIso(val(head.find((s) => s.tag === 'DTM' && val(s, 1) === '011'), 2)),
    references: head.filter((s) => s.tag === 'REF').map(reference).filter((r) => r !== undefined),
    terms: itd ? compact({ type: val(itd, 1), discountPercent: parseReal(val(itd, 3)), discountDueDate: x12DateToIso(val(itd, 4)),
      discountDays: parseReal(val(itd, 5)), netDueDate: x12DateToIso(val(itd, 6)), netDays: parseReal(val(itd, 7)), description: val(itd, 12) }) : undefined,
    lines,
    allowancesCharges: summary.filter((s) => s.tag === 'SAC').map(allowanceCharge).filter((a) => a !== undefined),
    taxes: summary.filter((s) => s.tag === 'TXI').map(tax).filter((t) => t !== undefined),
    totalAmount: total!,
  });
  return { document: InvoiceSchema.parse(invoice), issues };
}
