import { ShipmentSchema, type Pack, type Shipment, type ShipmentItem, type ShipmentOrder } from '../../canonical';
import type { TranslateContext, TranslateResult } from '../context';
import { compact, convertUom, resolveItem } from '../resolve';
import { val, type Seg, type TranslationIssue } from '../segments';
import { parseReal, x12DateToIso } from '../values';
import { collectParties, itemIdsFromPairs, reference } from './x12-common';

const PURPOSES: Record<string, Shipment['purpose']> = { '00': 'original', '05': 'replace', '01': 'cancel', '03': 'cancel' };

interface Level { id: string; parent?: string; code: string; segs: Seg[] }

/**
 * X12 856 ship notice from a supplier -> canonical Shipment (an expected receipt). The HL
 * hierarchy is followed by parent ids, not by order, so S-O-P-I, S-O-I and S-O-T-P-I all read.
 */
export function translate856(segs: Seg[], ctx: TranslateContext): TranslateResult {
  const { profile } = ctx;
  const issues: TranslationIssue[] = [];
  const bsn = segs.find((s) => s.tag === 'BSN');
  const shipmentId = val(bsn, 2);
  if (!shipmentId) return { issues: [{ code: 'MISSING_VALUE', segment: 'BSN', message: 'BSN02 shipment identification is missing' }] };

  const levels: Level[] = [];
  for (const s of segs) {
    if (s.tag === 'HL') levels.push({ id: val(s, 1) ?? '', parent: val(s, 2), code: val(s, 3) ?? '', segs: [] });
    else if (s.tag !== 'CTT' && s.tag !== 'SE') levels[levels.length - 1]?.segs.push(s);
  }
  const byId = new Map(levels.map((l) => [l.id, l]));
  const ancestor = (l: Level, code: string): Level | undefined => {
    for (let p = l.parent ? byId.get(l.parent) : undefined; p; p = p.parent ? byId.get(p.parent) : undefined) if (p.code === code) return p;
    return undefined;
  };
  const ship = levels.find((l) => l.code === 'S');
  if (!ship) return { issues: [{ code: 'MISSING_VALUE', segment: 'HL', message: 'no shipment level (HL03 = S)' }] };

  const orders = new Map<Level, ShipmentOrder>();
  const packs = new Map<Level, Pack>();
  const orderOf = (l: Level): ShipmentOrder | undefined => { const o = l.code === 'O' ? l : ancestor(l, 'O'); return o ? orders.get(o) : undefined; };
  for (const l of levels) {
    if (l.code === 'O') {
      const prf = l.segs.find((s) => s.tag === 'PRF');
      const refs = l.segs.filter((s) => s.tag === 'REF').map(reference);
      orders.set(l, compact({ poNumber: val(prf, 1) ?? '', poDate: x12DateToIso(val(prf, 4)), orderNumber: refs.find((r) => r?.qualifier === 'VN')?.value,
        invoiceNumber: refs.find((r) => r?.qualifier === 'IV')?.value, packs: [], items: [] }));
    } else if (l.code === 'P' || l.code === 'T') {
      const man = l.segs.find((s) => s.tag === 'MAN' && (val(s, 1) === 'GM' || val(s, 1) === 'UC'));
      const cp = l.segs.find((s) => s.tag === 'MAN' && val(s, 1) === 'CP');
      const td1 = l.segs.find((s) => s.tag === 'TD1');
      const w = parseReal(val(td1, 7));
      const pack: Pack = compact({ sscc: /^\d{18}$/.test(val(man, 2) ?? '') ? val(man, 2) : undefined, trackingNumber: val(cp, 2),
        weight: w === undefined ? undefined : { value: w, uom: val(td1, 8) ?? 'LB' }, packaging: val(td1, 1), items: [] });
      packs.set(l, pack);
      orderOf(l)?.packs.push(pack);
    } else if (l.code === 'I') {
      const lin = l.segs.find((s) => s.tag === 'LIN');
      const sn1 = l.segs.find((s) => s.tag === 'SN1');
      const pid = l.segs.find((s) => s.tag === 'PID' && val(s, 5));
      const ids = lin ? itemIdsFromPairs(lin, 2) : {};
      const lineNumber = val(lin, 1) ?? val(sn1, 1);
      const qty = parseReal(val(sn1, 2));
      if (qty === undefined || !val(sn1, 3)) {
        issues.push({ code: 'MISSING_VALUE', segment: 'SN1', position: (sn1 ?? lin)?.position, lineNumber, message: `item level HL ${l.id}: SN102 quantity and SN103 unit are needed` });
        continue;
      }
      const { quantity, uom } = convertUom(profile, qty, val(sn1, 3)!);
      const item = resolveItem(profile, ids, { lineNumber, position: lin?.position, segment: 'LIN' });
      if (item.issue) issues.push(item.issue);
      const ordered = parseReal(val(sn1, 5));
      const entry: ShipmentItem = compact({ lineNumber, ids, quantity, uom, description: val(pid, 5), productCode: item.productCode,
        orderedQuantity: ordered === undefined ? undefined : convertUom(profile, ordered, val(sn1, 6) ?? val(sn1, 3)!).quantity });
      const pack = [...packs.entries()].find(([pl]) => pl === byId.get(l.parent ?? '') || pl === ancestor(l, 'P') || pl === ancestor(l, 'T'))?.[1];
      if (pack) pack.items.push(entry);
      else {
        const order = orderOf(l);
        if (order) order.items.push(entry);
        else issues.push({ code: 'BAD_VALUE', segment: 'HL', lineNumber, message: `item level HL ${l.id} is under no order level (HL03 = O)` });
      }
    }
  }
  if (issues.length) return { issues };
  const s = ship.segs;
  const td1 = s.find((x) => x.tag === 'TD1');
  const td5 = s.find((x) => x.tag === 'TD5');
  const refs = s.filter((x) => x.tag === 'REF').map(reference).filter((r) => r !== undefined);
  const date = (q: string[]) => x12DateToIso(val(s.find((x) => x.tag === 'DTM' && q.includes(val(x, 1) ?? '')), 2));
  const parties = collectParties(s);
  const weight = parseReal(val(td1, 7));
  const shipment: Shipment = compact({
    type: 'shipment' as const,
    partnerId: profile.id,
    source: ctx.source,
    shipmentId,
    purpose: PURPOSES[val(bsn, 1) ?? ''] ?? 'original',
    shipDate: date(['011']) ?? x12DateToIso(val(bsn, 3)) ?? '',
    estimatedDelivery: date(['017', '067']),
    carrier: td5 ? compact({ scac: val(td5, 2) === '2' ? val(td5, 3) : undefined, mode: val(td5, 4), name: val(td5, 5) }) : undefined,
    trackingNumber: refs.find((r) => r.qualifier === 'CN' || r.qualifier === '2I')?.value,
    billOfLading: refs.find((r) => r.qualifier === 'BM')?.value,
    proNumber: refs.find((r) => r.qualifier === 'CN')?.value,
    weight: weight === undefined ? undefined : { value: weight, uom: val(td1, 8) ?? 'LB' },
    packageCount: parseReal(val(td1, 2)),
    packagingCode: val(td1, 1),
    shipFrom: parties.get('SF'),
    shipTo: parties.get('ST'),
    references: refs,
    orders: [...orders.values()],
  });
  if (!shipment.orders.length) return { issues: [{ code: 'MISSING_VALUE', segment: 'HL', message: 'no order level (HL03 = O) in the ship notice' }] };
  return { document: ShipmentSchema.parse(shipment), issues };
}
