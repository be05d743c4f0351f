import type { ItemIds, Party, Reference } from '../../canonical/common';
import { compact } from '../resolve';
import { val, type Seg } from '../segments';

/** Product/service id qualifiers (235) -> the canonical id they fill. */
const ID_KINDS: Record<string, keyof ItemIds> = {
  UP: 'upc', UI: 'upc', UA: 'upc', UN: 'upc',
  EN: 'ean', EO: 'ean',
  UK: 'gtin',
  IN: 'buyerItem', BP: 'buyerItem', CB: 'buyerItem',
  VN: 'vendorItem', VP: 'vendorItem', VC: 'vendorItem',
  SK: 'sku',
};

/** Item ids from qualifier/id pairs starting at element `from` (PO106/PO107, IT106/IT107, LIN02/LIN03, ...). */
export function itemIdsFromPairs(seg: Seg, from: number, to = seg.elements.length): ItemIds {
  const ids: ItemIds = {};
  for (let i = from; i + 1 <= to; i += 2) {
    const kind = ID_KINDS[val(seg, i) ?? ''];
    const value = val(seg, i + 1);
    if (kind && value && ids[kind] === undefined) ids[kind] = value;
  }
  return ids;
}

/** Our canonical ids -> X12 qualifier/id pairs, in the order partners usually expect. */
export function pairsFromItemIds(ids: ItemIds): string[] {
  const out: string[] = [];
  const push = (q: string, v: string | undefined) => { if (v) out.push(q, v); };
  push('UP', ids.upc); push('EN', ids.ean); push('UK', ids.gtin); push('IN', ids.buyerItem); push('VN', ids.vendorItem); push('SK', ids.sku);
  return out;
}

/** A party from an N1 loop: N1, then N2 (names), N3 (street lines), N4 (city, region, postal code, country). */
export function partyFromN1(n1: Seg, rest: Seg[]): Party {
  const qualifier = val(n1, 3);
  const code = val(n1, 4);
  const lines: string[] = [];
  let name = val(n1, 2);
  const address: Party['address'] = { lines };
  for (const s of rest) {
    if (s.tag === 'N2') name = [name, val(s, 1), val(s, 2)].filter(Boolean).join(' ');
    else if (s.tag === 'N3') lines.push(...[val(s, 1), val(s, 2)].filter((v): v is string => !!v));
    else if (s.tag === 'N4') Object.assign(address, compact({ city: val(s, 1), region: val(s, 2), postalCode: val(s, 3), country: val(s, 4) }));
  }
  const hasAddress = lines.length > 0 || address.city || address.region || address.postalCode || address.country;
  return compact({
    name,
    code,
    codeQualifier: code ? qualifier : undefined,
    gln: qualifier === 'UL' ? code : undefined,
    address: hasAddress ? address : undefined,
  });
}

/**
 * Splits a run of segments into N1 loops: each N1 with the N2/N3/N4/PER/REF after it.
 * Returns entity code (N101) -> party, first loop per code wins.
 */
export function collectParties(segs: Seg[]): Map<string, Party> {
  const parties = new Map<string, Party>();
  for (let i = 0; i < segs.length; i++) {
    if (segs[i].tag !== 'N1') continue;
    let j = i + 1;
    while (j < segs.length && ['N2', 'N3', 'N4', 'PER', 'REF', 'SI', 'FOB', 'TD1', 'TD5', 'TD3', 'TD4', 'PKG'].includes(segs[j].tag)) j++;
    const entity = val(segs[i], 1) ?? '';
    if (!parties.has(entity)) parties.set(entity, partyFromN1(segs[i], segs.slice(i + 1, j)));
    i = j - 1;
  }
  return parties;
}

export function reference(seg: Seg): Reference | undefined {
  const qualifier = val(seg, 1);
  const value = val(seg, 2) ?? val(seg, 3);
  if (!qualifier || !value) return undefined;
  return compact({ qualifier, value, description: val(seg, 2) ? val(seg, 3) : undefined });
}

/** Segments of a set split where `isStart` is true: [before the first start, ...each run]. */
export function splitAt(segs: Seg[], isStart: (s: Seg) => boolean): { head: Seg[]; runs: Seg[][] } {
  const head: Seg[] = [];
  const runs: Seg[][] = [];
  for (const s of segs) {
    if (isStart(s)) runs.push([s]);
    else if (runs.length) runs[runs.length - 1].push(s);
    else head.push(s);
  }
  return { head, runs };
}
