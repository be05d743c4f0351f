import type { ItemIds, Party, Reference } from '../../canonical/common';
import { compact } from '../resolve';
import { val, type Seg } from '../segments';
import { edifactDateToIso, parseReal } from '../values';

/** Item number type codes (7143) -> the canonical id they fill. */
const ID_KINDS: Record<string, keyof ItemIds> = {
  EN: 'ean', SRV: 'gtin', UP: 'upc', IN: 'buyerItem', BP: 'buyerItem', SA: 'vendorItem', VN: 'vendorItem', VP: 'vendorItem', SK: 'sku',
};

/** LIN C212 (element 3) and every PIA C212 of a line -> item ids. */
export function itemIds(lin: Seg, pias: Seg[]): ItemIds {
  const ids: ItemIds = {};
  const add = (value: string | undefined, type: string | undefined) => {
    const kind = ID_KINDS[type ?? ''];
    if (kind && value && ids[kind] === undefined) ids[kind] = value;
  };
  add(val(lin, 3, 1), val(lin, 3, 2));
  for (const pia of pias) for (let e = 2; e <= 6; e++) add(val(pia, e, 1), val(pia, e, 2));
  return ids;
}

/** Canonical ids -> C212 item number and type pairs, most specific first. */
export function itemNumbers(ids: ItemIds): [string, string][] {
  const out: [string, string][] = [];
  if (ids.gtin) out.push([ids.gtin, 'SRV']);
  if (ids.ean) out.push([ids.ean, 'EN']);
  if (ids.upc) out.push([ids.upc, 'UP']);
  if (ids.buyerItem) out.push([ids.buyerItem, 'IN']);
  if (ids.vendorItem) out.push([ids.vendorItem, 'SA']);
  if (ids.sku) out.push([ids.sku, 'SK']);
  return out;
}

/**
 * NAD -> party: C082 party id with its agency (3055: 9 is GS1, so the id is a GLN), C058 name and
 * address lines, C080 name, C059 street, city, region, postal code, country.
 */
export function partyFromNad(nad: Seg): Party {
  const code = val(nad, 2, 1);
  const agency = val(nad, 2, 3);
  const c058 = [1, 2, 3, 4, 5].map((c) => val(nad, 3, c)).filter((v): v is string => !!v);
  const name = [1, 2, 3, 4, 5].map((c) => val(nad, 4, c)).filter(Boolean).join(' ') || undefined;
  const street = [1, 2, 3, 4].map((c) => val(nad, 5, c)).filter((v): v is string => !!v);
  const lines = street.length ? street : name ? [] : c058.slice(1);
  const address = compact({ lines, city: val(nad, 6), region: val(nad, 7), postalCode: val(nad, 8), country: val(nad, 9) });
  const hasAddress = lines.length > 0 || address.city || address.postalCode || address.country;
  return compact({
    name: name ?? c058[0],
    code,
    codeQualifier: code ? agency ?? val(nad, 2, 2) : undefined,
    gln: agency === '9' && code && /^\d{13}$/.test(code) ? code : undefined,
    address: hasAddress ? address : undefined,
  });
}

/** Every NAD of a run, by party qualifier (3035), first one per qualifier wins. */
export function partiesOf(segs: Seg[]): Map<string, Party> {
  const out = new Map<string, Party>();
  for (const s of segs) if (s.tag === 'NAD' && val(s, 1) && !out.has(val(s, 1)!)) out.set(val(s, 1)!, partyFromNad(s));
  return out;
}

/** DTM C507 with the given qualifiers -> YYYY-MM-DD. */
export function dateOf(segs: Seg[], qualifiers: string[]): string | undefined {
  for (const q of qualifiers) {
    const s = segs.find((x) => x.tag === 'DTM' && val(x, 1, 1) === q);
    const d = edifactDateToIso(val(s, 1, 2), val(s, 1, 3));
    if (d) return d;
  }
  return undefined;
}

/** RFF C506 -> reference. */
export function referenceOf(s: Seg): Reference | undefined {
  const qualifier = val(s, 1, 1);
  const value = val(s, 1, 2);
  return qualifier && value ? { qualifier, value } : undefined;
}

/** QTY C186 with a qualifier (21 ordered, 12 despatched, 47 invoiced) -> quantity and unit. */
export function quantityOf(segs: Seg[], qualifiers: string[], decimalMark: string): { quantity?: number; uom?: string } {
  for (const q of qualifiers) {
    const s = segs.find((x) => x.tag === 'QTY' && val(x, 1, 1) === q);
    if (s) return { quantity: parseReal(val(s, 1, 2), decimalMark), uom: val(s, 1, 3) };
  }
  return {};
}

/** MOA C516 with a qualifier -> amount. */
export function amountOf(segs: Seg[], qualifiers: string[], decimalMark: string): number | undefined {
  for (const q of qualifiers) {
    const s = segs.find((x) => x.tag === 'MOA' && val(x, 1, 1) === q);
    if (s) return parseReal(val(s, 1, 2), decimalMark);
  }
  return undefined;
}

/** BGM 1225 message function -> purpose: 9 original, 1/3 cancel, 5 replace, 4 change. */
export function purposeOf(code: string | undefined): 'original' | 'cancel' | 'replace' | 'change' {
  switch (code) {
    case '1': case '3': return 'cancel';
    case '5': return 'replace';
    case '4': return 'change';
    default: return 'original';
  }
}

/** FTX free text: the C108 lines (4440) joined. */
export function textOf(s: Seg): string | undefined {
  return [1, 2, 3, 4, 5].map((c) => val(s, 4, c)).filter(Boolean).join(' ') || undefined;
}
