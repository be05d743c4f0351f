import { OrderSchema, type Order, type OrderLine } from '../../canonical';
import type { TranslateContext, TranslateResult } from '../context';
import { compact, convertUom, resolveItem, resolveLocation } from '../resolve';
import { splitAt } from '../x12/x12-common';
import { splitSummary, val, type Seg, type TranslationIssue } from '../segments';
import { parseReal } from '../values';
import { amountOf, dateOf, itemIds, partiesOf, purposeOf, quantityOf, referenceOf, textOf } from './edifact-common';

/** EDIFACT ORDERS (D96A, D01B, EANCOM) -> canonical Order. */
export function translateOrders(segs: Seg[], ctx: TranslateContext): TranslateResult {
  const { profile } = ctx;
  const dm = ctx.decimalMark ?? '.';
  const issues: TranslationIssue[] = [];
  const { body, summary } = splitSummary(segs, (s) => s.tag === 'UNS');
  const { head, runs } = splitAt(body, (s) => s.tag === 'LIN');
  const bgm = head.find((s) => s.tag === 'BGM');
  const poNumber = val(bgm, 2, 1);
  if (!poNumber) return { issues: [{ code: 'MISSING_VALUE', segment: 'BGM', message: 'BGM 1004 order number is missing' }] };

  const parties = partiesOf(head);
  const nad = head.find((s) => s.tag === 'NAD' && (val(s, 1) === 'DP' || val(s, 1) === 'ST'));
  const shipTo = resolveLocation(profile, parties.get('DP') ?? parties.get('ST'), 'delivery party', { segment: 'NAD', position: nad?.position });
  if (shipTo.issue) issues.push(shipTo.issue);

  const lines: OrderLine[] = [];
  for (const run of runs) {
    const lin = run[0];
    const lineNumber = val(lin, 1) ?? String(lines.length + 1);
    const ids = itemIds(lin, run.filter((s) => s.tag === 'PIA'));
    const { quantity: rawQty, uom: rawUom } = quantityOf(run, ['21', '1'], dm);
    if (rawQty === undefined) {
      issues.push({ code: 'MISSING_VALUE', segment: 'QTY', position: lin.position, lineNumber, message: `line ${lineNumber}: QTY+21 ordered quantity is missing` });
      continue;
    }
    // EANCOM leaves the unit out for consumer units: each (PCE).
    const pri = run.find((s) => s.tag === 'PRI' && ['AAA', 'AAB', 'INF'].includes(val(s, 1, 1) ?? ''));
    const basis = parseReal(val(pri, 1, 5), dm);
    const price = parseReal(val(pri, 1, 2), dm);
    const { quantity, uom, unitPrice } = convertUom(profile, rawQty, rawUom ?? 'PCE', price === undefined ? undefined : price / (basis || 1), { keepOdooUnits: true });
    const item = resolveItem(profile, ids, { lineNumber, position: lin.position, segment: 'LIN' });
    if (item.issue) issues.push(item.issue);
    const imd = run.find((s) => s.tag === 'IMD' && val(s, 3, 4));
    lines.push(compact({
      lineNumber, quantity, uom, unitPrice, priceBasis: val(pri, 1, 1), ids,
      description: val(imd, 3, 4), productCode: item.productCode,
      requestedDelivery: dateOf(run, ['2', '64']),
    }));
  }
  if (issues.length) return { issues };

  const cux = head.find((s) => s.tag === 'CUX');
  const cnt = summary.find((s) => s.tag === 'CNT' && val(s, 1, 1) === '2');
  const control = compact({ lineCount: parseReal(val(cnt, 1, 2), dm), totalAmount: amountOf(summary, ['79', '86', '128'], dm) });
  const tdt = head.find((s) => s.tag === 'TDT');
  const order: Order = compact({
    type: 'order' as const,
    partnerId: profile.id,
    source: ctx.source,
    poNumber,
    poDate: dateOf(head, ['137', '4']),
    purpose: purposeOf(val(bgm, 3)),
    orderType: val(bgm, 1, 1),
    currency: val(cux, 1, 2),
    buyer: parties.get('BY'),
    billTo: parties.get('IV'),
    shipTo: shipTo.party,
    seller: parties.get('SU'),
    dates: compact({
      requestedDelivery: dateOf(head, ['2', '64', '69']),
      requestedShip: dateOf(head, ['10', '200']),
      cancelAfter: dateOf(head, ['61', '63']),
      doNotDeliverBefore: dateOf(head, ['64']),
    }),
    references: head.filter((s) => s.tag === 'RFF').map(referenceOf).filter((r) => r !== undefined),
    carrier: tdt ? compact({ scac: val(tdt, 5, 1), mode: val(tdt, 3, 1), routing: val(tdt, 5, 4) }) : undefined,
    lines,
    notes: head.filter((s) => s.tag === 'FTX').map((s) => ({ qualifier: val(s, 1), text: textOf(s) })).filter((n) => n.text).map((n) => compact(n as { qualifier?: string; text: string })),
    control: Object.keys(control).length ? control : undefined,
  });
  if (order.carrier && !Object.keys(order.carrier).length) delete order.carrier;
  return { document: OrderSchema.parse(order), issues };
}
