import { WarehouseAdviceSchema, type WarehouseAdvice, type WarehouseAdviceLine } from '../../canonical';
import type { TranslateContext, TranslateResult } from '../context';
import { compact, convertUom, resolveItem } from '../resolve';
import { splitSummary, val, type Seg, type TranslationIssue } from '../segments';
import { parseReal, x12DateToIso } from '../values';
import { collectParties, itemIdsFromPairs, reference, splitAt } from './x12-common';

/** X12 945 warehouse shipping advice -> canonical WarehouseAdvice. */
export function translate945(segs: Seg[], ctx: TranslateContext): TranslateResult {
  const { profile } = ctx;
  const issues: TranslationIssue[] = [];
  const { body } = splitSummary(segs, (s) => s.tag === 'W03' || s.tag === 'SE');
  const { head, runs } = splitAt(body, (s) => s.tag === 'LX' || (s.tag === 'W12' && !body.some((b) => b.tag === 'LX')));
  const w06 = head.find((s) => s.tag === 'W06');
  const orderNumber = val(w06, 2);
  if (!orderNumber) return { issues: [{ code: 'MISSING_VALUE', segment: 'W06', message: 'W0602 depositor order number is missing: the advice cannot be matched to our order' }] };

  const refs = head.filter((s) => s.tag === 'N9' || s.tag === 'REF').map(reference).filter((r) => r !== undefined);
  const w27 = head.find((s) => s.tag === 'W27');
  const shipped = head.find((s) => s.tag === 'G62' && ['10', '11', '86'].includes(val(s, 1) ?? ''));

  const trackingNumbers = trackingNumbersOf(body);
  const lines: WarehouseAdviceLine[] = [];
  for (const run of runs) {
    const man = run.find((s) => s.tag === 'MAN' && val(s, 1) === 'GM');
    for (const w12 of run.filter((s) => s.tag === 'W12')) {
      const ids = itemIdsFromPairs(w12, 7, 8);
      if (val(w12, 6) && !ids.upc) ids.upc = val(w12, 6);
      Object.assign(ids, { ...itemIdsFromPairs(w12, 16, 17), ...ids });
      const rawQty = parseReal(val(w12, 3));
      const rawUom = val(w12, 5);
      const lineNumber = val(run[0], 1);
      if (rawQty === undefined || !rawUom) {
        issues.push({ code: 'MISSING_VALUE', segment: 'W12', position: w12.position, lineNumber, message: `W12 at ${w12.position}: W1203 units shipped and W1205 unit are needed` });
        continue;
      }
      const { quantity, uom } = convertUom(profile, rawQty, rawUom);
      const ordered = parseReal(val(w12, 2));
      const item = resolveItem(profile, ids, { lineNumber, position: w12.position, segment: 'W12' });
      if (item.issue) issues.push(item.issue);
      lines.push(compact({
        lineNumber, status: val(w12, 1), shippedQuantity: quantity, uom,
        orderedQuantity: ordered === undefined ? undefined : convertUom(profile, ordered, rawUom).quantity,
        ids, productCode: item.productCode, lot: val(w12, 9), sscc: val(man, 2),
      }));
    }
  }
  if (issues.length) return { issues };
  const w03 = segs.find((s) => s.tag === 'W03');
  const weight = parseReal(val(w03, 2));
  const advice: WarehouseAdvice = compact({
    type: 'warehouse_advice' as const,
    partnerId: profile.id,
    source: ctx.source,
    orderNumber,
    poNumber: val(w06, 6),
    shipmentId: val(w06, 4),
    shipDate: x12DateToIso(val(shipped, 2)) ?? x12DateToIso(val(w06, 3)),
    carrier: w27 ? compact({ mode: val(w27, 1), scac: val(w27, 2), name: val(w27, 3) }) : undefined,
    trackingNumber: trackingNumbers[0],
    trackingNumbers: trackingNumbers.length ? trackingNumbers : undefined,
    billOfLading: refs.find((r) => r.qualifier === 'BM')?.value,
    weight: weight === undefined ? undefined : { value: weight, uom: val(w03, 3) ?? 'LB' },
    packageCount: parseReal(val(w03, 6)),
    shipTo: collectParties(head).get('ST'),
    references: refs,
    lines,
  });
  return { document: WarehouseAdviceSchema.parse(advice), issues };
}

/** N9/REF qualifiers that carry a tracking number: CN carrier's reference (PRO), 2I tracking number. */
const TRACKING_REFS = new Set(['CN', '2I']);

/**
 * Every distinct tracking number of a 945, in document order: N9 (or REF, which some 3PLs send)
 * qualified CN or 2I, in the heading, in each LX loop and in its W12 detail, and MAN marks
 * qualified CP (carrier-assigned package id: a parcel carrier's per-package tracking number), in
 * MAN01/02 or MAN04/05. MAN GM is the package's SSCC, which identifies the pack, not the carrier's
 * shipment: it stays the lines' sscc.
 */
function trackingNumbersOf(segs: Seg[]): string[] {
  const out: string[] = [];
  const add = (v: string | undefined) => {
    if (v && !out.includes(v)) out.push(v);
  };
  for (const s of segs) {
    if (s.tag === 'N9' || s.tag === 'REF') {
      if (TRACKING_REFS.has(val(s, 1) ?? '')) add(val(s, 2) ?? val(s, 3));
    } else if (s.tag === 'MAN') {
      if (val(s, 1) === 'CP') add(val(s, 2));
      if (val(s, 4) === 'CP') add(val(s, 5));
    }
  }
  return out;
}
