import { OrderSchema, type Order, type OrderLine, type OrderPurpose } from '../../canonical';
import type { TranslateContext, TranslateResult } from '../context';
import { compact, convertUom, resolveItem, resolveLocation } from '../resolve';
import { splitSummary, val, type Seg, type TranslationIssue } from '../segments';
import { parseReal, x12DateToIso } from '../values';
import { collectParties, itemIdsFromPairs, reference, splitAt } from './x12-common';

/** BEG01 transaction set purpose (353) -> the order's purpose. */
const PURPOSES: Record<string, OrderPurpose> = { '00': 'original', '01': 'cancel', '04': 'change', '05': 'replace', '06': 'original', '07': 'original' };

/** DTM01 / line DTM qualifiers (374) the order carries. */
const DATE_FIELDS: Record<string, keyof Order['dates']> = {
  '002': 'requestedDelivery', '010': 'requestedShip', '001': 'cancelAfter', '037': 'requestedShip', '064': 'doNotDeliverBefore', '063': 'cancelAfter',
};

/** X12 850 purchase order -> canonical Order. */
export function translate850(segs: Seg[], ctx: TranslateContext): TranslateResult {
  const { profile } = ctx;
  const issues: TranslationIssue[] = [];
  const { body, summary } = splitSummary(segs, (s) => s.tag === 'CTT' || s.tag === 'SE');
  const { head, runs } = splitAt(body, (s) => s.tag === 'PO1');

  const beg = head.find((s) => s.tag === 'BEG');
  const poNumber = val(beg, 3);
  if (!poNumber) return { issues: [{ code: 'MISSING_VALUE', segment: 'BEG', message: 'BEG03 purchase order number is missing' }] };

  const dates: Order['dates'] = {};
  const notes: Order['notes'] = [];
  const references: Order['references'] = [];
  let currency: string | undefined;
  let terms: Order['terms'];
  let carrier: Order['carrier'];
  for (const s of head) {
    if (s.tag === 'DTM') {
      const field = DATE_FIELDS[val(s, 1) ?? ''];
      const date = x12DateToIso(val(s, 2));
      if (field && date && !dates[field]) dates[field] = date;
    } else if (s.tag === 'CUR') currency ??= val(s, 2);
    else if (s.tag === 'REF') { const r = reference(s); if (r) references.push(r); }
    else if (s.tag === 'NTE') { const text = val(s, 2); if (text) notes.push(compact({ qualifier: val(s, 1), text })); }
    else if (s.tag === 'MSG') { const text = val(s, 1); if (text) notes.push({ text }); }
    else if (s.tag === 'ITD') {
      terms = compact({ description: val(s, 12), discountPercent: parseReal(val(s, 3)), discountDays: parseReal(val(s, 5)), netDays: parseReal(val(s, 7)) });
    } else if (s.tag === 'TD5' && !carrier) {
      carrier = compact({ scac: val(s, 2) === '2' ? val(s, 3) : undefined, mode: val(s, 4), routing: val(s, 5) });
    }
  }

  const parties = collectParties(head);
  const where = (seg: string) => ({ segment: seg, position: head.find((s) => s.tag === 'N1')?.position });
  const shipTo = resolveLocation(profile, parties.get('ST'), 'ship-to', where('N1'));
  if (shipTo.issue) issues.push(shipTo.issue);

  const lines: OrderLine[] = [];
  for (const run of runs) {
    const po1 = run[0];
    const lineNumber = val(po1, 1) ?? String(lines.length + 1);
    const ids = itemIdsFromPairs(po1, 6);
    const rawQty = parseReal(val(po1, 2));
    const rawUom = val(po1, 3);
    if (rawQty === undefined || !rawUom) {
      issues.push({ code: 'MISSING_VALUE', segment: 'PO1', position: po1.position, lineNumber, message: `line ${lineNumber}: PO102 quantity and PO103 unit are needed` });
      continue;
    }
    const { quantity, uom, unitPrice } = convertUom(profile, rawQty, rawUom, parseReal(val(po1, 4)), { keepOdooUnits: true });
    const item = resolveItem(profile, ids, { lineNumber, position: po1.position, segment: 'PO1' });
    if (item.issue) issues.push(item.issue);
    const pid = run.find((s) => s.tag === 'PID' && val(s, 5));
    const lineDate = run.find((s) => s.tag === 'DTM' && DATE_FIELDS[val(s, 1) ?? ''] === 'requestedDelivery');
    const destinations = run.filter((s) => s.tag === 'SDQ').flatMap((s) => {
      const out: { code: string; quantity: number }[] = [];
      for (let i = 3; i + 1 <= s.elements.length; i += 2) {
        const code = val(s, i); const q = parseReal(val(s, i + 1));
        if (code && q !== undefined) out.push({ code, quantity: q });
      }
      return out;
    });
    lines.push(compact({
      lineNumber, quantity, uom, unitPrice, priceBasis: val(po1, 5), ids,
      description: val(pid, 5), productCode: item.productCode,
      destinations: destinations.length ? destinations : undefined,
      requestedDelivery: x12DateToIso(val(lineDate, 2)),
    }));
  }

  const ctt = summary.find((s) => s.tag === 'CTT');
  const amt = summary.find((s) => s.tag === 'AMT' && val(s, 1) === 'TT');
  const control = compact({ lineCount: parseReal(val(ctt, 1)), hashTotal: parseReal(val(ctt, 2)), totalAmount: parseReal(val(amt, 2)) });
  if (issues.length) return { issues };

  const order: Order = compact({
    type: 'order' as const,
    partnerId: profile.id,
    source: ctx.source,
    poNumber,
    poDate: x12DateToIso(val(beg, 5)),
    purpose: PURPOSES[val(beg, 1) ?? ''] ?? 'original',
    orderType: val(beg, 2),
    releaseNumber: val(beg, 4),
    currency,
    buyer: parties.get('BY'),
    billTo: parties.get('BT'),
    shipTo: shipTo.party,
    seller: parties.get('SE') ?? parties.get('VN'),
    dates,
    references,
    terms: terms && Object.keys(terms).length ? terms : undefined,
    carrier: carrier && Object.keys(carrier).length ? carrier : undefined,
    lines,
    notes,
    control: Object.keys(control).length ? control : undefined,
  });
  return { document: OrderSchema.parse(order), issues };
}
