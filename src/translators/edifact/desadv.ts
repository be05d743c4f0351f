import { ShipmentSchema, type Pack, type Shipment, type ShipmentItem, type ShipmentOrder } from '../../canonical';
import type { TranslateContext, TranslateResult } from '../context';
import { compact, convertUom, resolveItem } from '../resolve';
import { val, type Seg, type TranslationIssue } from '../segments';
import { dateOf, itemIds, partiesOf, purposeOf, quantityOf, referenceOf } from './edifact-common';
import { parseReal } from '../values';

/**
 * EDIFACT DESADV from a supplier -> canonical Shipment. Packs are the CPS levels that carry an
 * SSCC (GIN+BJ); items follow the CPS they sit under; the order comes from the line's RFF+ON,
 * else the header's.
 */
export function translateDesadv(segs: Seg[], ctx: TranslateContext): TranslateResult {
  const { profile } = ctx;
  const dm = ctx.decimalMark ?? '.';
  const issues: TranslationIssue[] = [];
  const bgm = segs.find((s) => s.tag === 'BGM');
  const shipmentId = val(bgm, 2, 1);
  if (!shipmentId) return { issues: [{ code: 'MISSING_VALUE', segment: 'BGM', message: 'BGM 1004 despatch advice number is missing' }] };
  const firstCps = segs.findIndex((s) => s.tag === 'CPS' || s.tag === 'LIN');
  const head = firstCps < 0 ? segs : segs.slice(0, firstCps);
  const headerOrder = head.filter((s) => s.tag === 'RFF').map(referenceOf).find((r) => r?.qualifier === 'ON')?.value;

  const orders = new Map<string, ShipmentOrder>();
  const orderFor = (po: string) => {
    let o = orders.get(po);
    if (!o) { o = { poNumber: po, packs: [], items: [] }; orders.set(po, o); }
    return o;
  };
  let pack: Pack | undefined;
  let packPlaced = false;
  let line: { lin: Seg; segs: Seg[] } | undefined;
  const flushLine = () => {
    if (!line) return;
    const { lin, segs: ls } = line;
    line = undefined;
    const lineNumber = val(lin, 1);
    const { quantity: q, uom } = quantityOf(ls, ['12', '1'], dm);
    if (q === undefined) {
      issues.push({ code: 'MISSING_VALUE', segment: 'QTY', position: lin.position, lineNumber, message: `line ${lineNumber ?? '?'}: QTY+12 despatched quantity is missing` });
      return;
    }
    const ids = itemIds(lin, ls.filter((s) => s.tag === 'PIA'));
    const conv = convertUom(profile, q, uom ?? 'PCE');
    const item = resolveItem(profile, ids, { lineNumber, position: lin.position, segment: 'LIN' });
    if (item.issue) issues.push(item.issue);
    const imd = ls.find((s) => s.tag === 'IMD' && val(s, 3, 4));
    const entry: ShipmentItem = compact({ lineNumber, ids, quantity: conv.quantity, uom: conv.uom, productCode: item.productCode, description: val(imd, 3, 4),
      lot: ls.filter((s) => s.tag === 'GIN' && val(s, 1) === 'BX').map((s) => val(s, 2, 1))[0] });
    const po = ls.filter((s) => s.tag === 'RFF').map(referenceOf).find((r) => r?.qualifier === 'ON')?.value ?? headerOrder;
    if (!po) {
      issues.push({ code: 'MISSING_VALUE', segment: 'RFF', position: lin.position, lineNumber, message: `line ${lineNumber ?? '?'}: no order number (RFF+ON) for the line or the despatch advice` });
      return;
    }
    const order = orderFor(po);
    if (pack) {
      if (!packPlaced) { order.packs.push(pack); packPlaced = true; }
      pack.items.push(entry);
    } else order.items.push(entry);
  };

  for (const s of segs.slice(head.length)) {
    if (s.tag === 'CPS') {
      flushLine();
      pack = undefined;
      packPlaced = false;
    } else if (s.tag === 'GIN' && val(s, 1) === 'BJ' && !line) {
      // SSCCs of the CPS level: one pack per SSCC (a level may list several identical cartons).
      const sscc = val(s, 2, 1);
      if (sscc && /^\d{18}$/.test(sscc)) { pack = { sscc, items: [] }; packPlaced = false; }
    } else if (s.tag === 'LIN') {
      flushLine();
      line = { lin: s, segs: [] };
    } else if (s.tag === 'UNS' || s.tag === 'CNT' || s.tag === 'UNT') {
      flushLine();
    } else if (line) line.segs.push(s);
  }
  flushLine();
  if (issues.length) return { issues };
  if (!orders.size) return { issues: [{ code: 'MISSING_VALUE', segment: 'LIN', message: 'the despatch advice has no lines' }] };

  const parties = partiesOf(head);
  const tdt = head.find((s) => s.tag === 'TDT');
  const mea = head.find((s) => s.tag === 'MEA' && ['AAB', 'G'].includes(val(s, 2, 1) ?? ''));
  const weight = parseReal(val(mea, 3, 2), dm);
  const refs = head.filter((s) => s.tag === 'RFF').map(referenceOf).filter((r) => r !== undefined);
  const shipment: Shipment = compact({
    type: 'shipment' as const,
    partnerId: profile.id,
    source: ctx.source,
    shipmentId,
    purpose: purposeOf(val(bgm, 3)) === 'cancel' ? 'cancel' as const : purposeOf(val(bgm, 3)) === 'replace' ? 'replace' as const : 'original' as const,
    shipDate: dateOf(head, ['11', '137']) ?? '',
    estimatedDelivery: dateOf(head, ['17', '132', '2']),
    carrier: tdt ? compact({ mode: val(tdt, 3, 1), scac: val(tdt, 5, 1), name: val(tdt, 5, 4) }) : undefined,
    trackingNumber: refs.find((r) => r.qualifier === 'CN' || r.qualifier === 'AAS')?.value,
    billOfLading: refs.find((r) => r.qualifier === 'BM')?.value,
    weight: weight === undefined ? undefined : { value: weight, uom: val(mea, 3, 1) ?? 'KGM' },
    shipFrom: parties.get('SF') ?? parties.get('SU'),
    shipTo: parties.get('DP') ?? parties.get('ST'),
    references: refs,
    orders: [...orders.values()],
  });
  if (!shipment.shipDate) return { issues: [{ code: 'MISSING_VALUE', segment: 'DTM', message: 'no despatch date (DTM+11) or document date (DTM+137)' }] };
  return { document: ShipmentSchema.parse(shipment), issues };
}
