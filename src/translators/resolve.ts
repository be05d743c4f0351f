import type { ItemIds, Party } from '../canonical/common';
import type { PartnerProfile } from '../partners/profile.schema';
import type { TranslationIssue } from './segments';

/**
 * Profile-driven lookups shared by every inbound translator: which of the partner's item ids
 * names our product, which store number is which delivery address, and which unit is ours.
 */

/** Our product code for a line, by the profile's id preference through the items table. */
export function resolveItem(profile: PartnerProfile, ids: ItemIds, where: { lineNumber?: string; position?: number; segment?: string }):
  { productCode?: string; issue?: TranslationIssue } {
  const table = profile.xref?.items;
  if (!table) return {};
  for (const kind of profile.mapping.productId) {
    const v = ids[kind];
    if (v === undefined) continue;
    const hit = table.get(kind)?.get(v);
    if (hit) return { productCode: hit.productCode };
  }
  if (profile.mapping.unknownItems === 'pass') return {};
  const named = Object.entries(ids).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${v}`).join(', ');
  return {
    issue: {
      code: 'UNKNOWN_ITEM', ...where, value: Object.values(ids).find((v) => v !== undefined),
      message: `line ${where.lineNumber ?? '?'}: item ${named || '(no id sent)'} is not in ${profile.id}'s item cross-reference (${profile.crossReferences.items})`,
    },
  };
}

/** Sets `resolved` on a party whose code is a store number in the locations table. */
export function resolveLocation(profile: PartnerProfile, party: Party | undefined, role: string, where: { position?: number; segment?: string }):
  { party?: Party; issue?: TranslationIssue } {
  const table = profile.xref?.locations;
  if (!party || !table || !party.code) return { party };
  if (party.codeQualifier && !profile.mapping.storeNumberQualifiers.includes(party.codeQualifier)) return { party };
  const hit = table.get(party.code);
  if (hit) return { party: { ...party, resolved: hit.deliveryRef, name: party.name ?? hit.name } };
  if (profile.mapping.unknownLocations === 'pass') return { party };
  return {
    party,
    issue: { code: 'UNKNOWN_LOCATION', ...where, value: party.code,
      message: `${role} store number ${party.code} is not in ${profile.id}'s locations cross-reference (${profile.crossReferences.locations})` },
  };
}

/**
 * The partner's unit and quantity in ours: CA of 12 -> EA x 12, as the profile's uom map says.
 * `keepOdooUnits` (orders): a unit the map gives an Odoo unit of measure (odooUom) stays as sent,
 * so that the order line is written in that unit at the partner's own price.
 */
export function convertUom(profile: PartnerProfile, quantity: number, uom: string, unitPrice?: number, opts: { keepOdooUnits?: boolean } = {}):
  { quantity: number; uom: string; unitPrice?: number } {
  const rule = profile.mapping.uom[uom];
  if (!rule || (opts.keepOdooUnits && rule.odooUom)) return { quantity, uom, unitPrice };
  const factor = rule.factor;
  return { quantity: quantity * factor, uom: rule.uom, unitPrice: unitPrice === undefined ? undefined : round(unitPrice / factor, 6) };
}

function round(n: number, places: number): number {
  return Number(n.toFixed(places));
}

/** Drops undefined fields, so canonical JSON holds only what the document said. */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
