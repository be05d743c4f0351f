import type { ItemIds } from '../canonical/common';
import type { PartnerProfile } from '../partners/profile.schema';
import { ITEM_ID_KINDS } from '../partners/profile.schema';

/**
 * The profile's inbound mappings run backwards for what we send: our units become the partner's
 * (the uom map inverted) and our product codes the partner's item ids (the items table inverted).
 */

export interface PartnerQuantities {
  uom: string;
  /** The quantities asked for, in the returned unit, in the same order. */
  quantities: number[];
  unitPrice?: number;
}

// Quantities are decimals from JSON: 24 / 12 must count as whole even when the float is 1.9999999.
const whole = (n: number) => Math.abs(n - Math.round(n)) < 1e-9;
const round = (n: number, places: number) => Number(n.toFixed(places));

/**
 * Our unit and quantities -> the partner's. The uom map says partner unit -> ours with a factor
 * (CA -> EA x 12); inverted, EA becomes CA when every quantity of the line divides evenly by 12,
 * and stays EA otherwise, so a quantity is never written as a fraction of a case. When several
 * partner units map to ours, the largest factor that divides evenly wins; `preferred` (the unit the
 * item cross-reference names for this item) narrows the choice to that unit.
 */
export function toPartnerUnits(profile: PartnerProfile, uom: string, quantities: number[], unitPrice?: number, preferred?: string): PartnerQuantities {
  const candidates = Object.entries(profile.mapping.uom)
    .filter(([theirs, rule]) => rule.uom === uom && (!preferred || theirs === preferred))
    .filter(([, rule]) => quantities.every((q) => whole(q / rule.factor)))
    .sort(([, a], [, b]) => b.factor - a.factor);
  const chosen = candidates[0];
  if (!chosen) return { uom, quantities, unitPrice };
  const [theirs, { factor }] = chosen;
  return {
    uom: theirs,
    quantities: quantities.map((q) => Math.round(q / factor)),
    unitPrice: unitPrice === undefined ? undefined : round(unitPrice * factor, 6),
  };
}

/** The partner's ids for our product, from the items cross-reference (kind -> value). */
export function partnerIdsFor(profile: PartnerProfile, productCode: string): { ids: ItemIds; uom?: string } {
  const ids: ItemIds = {};
  let uom: string | undefined;
  for (const kind of ITEM_ID_KINDS) {
    for (const [value, hit] of profile.xref?.items?.get(kind) ?? []) {
      if (hit.productCode !== productCode) continue;
      ids[kind] ??= value;
      uom ??= hit.uom;
    }
  }
  return { ids, uom };
}

/**
 * The ids to send for a line: the ones it carries, completed from the items table by our product
 * code. A line with neither gets our product code as the vendor's item number (VN), which is what
 * it is to a customer, and what the profile's default productId order reads back first.
 */
export function outboundItemIds(profile: PartnerProfile, line: { ids: ItemIds; productCode?: string }): { ids: ItemIds; uom?: string } {
  const carried = Object.fromEntries(Object.entries(line.ids).filter(([, v]) => v !== undefined && v !== '')) as ItemIds;
  if (!line.productCode) return { ids: carried };
  const fromTable = partnerIdsFor(profile, line.productCode);
  const ids = { ...fromTable.ids, ...carried };
  if (Object.keys(ids).length === 0) ids.vendorItem = line.productCode;
  return { ids, uom: fromTable.uom };
}
