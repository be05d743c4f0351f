import type { ItemIds, Party } from '../../canonical/common';
import { GatewayError } from '../../errors/gateway-error';
import type { PartnerProfile } from '../../partners/profile.schema';
import { outboundItemIds, toPartnerUnits, type PartnerQuantities } from '../outbound-mapping';
import { wallClock, x12TimeCodeAt } from '../partner-time';
import { pairsFromItemIds } from './x12-common';

/**
 * What every X12 renderer shares. Renderers write segments as [tag, value, ...] with values still
 * typed (numbers, ISO dates); formatBody turns them into the text each element's type asks for.
 */
export type RenderValue = string | number | undefined;
export type RenderSeg = [string, ...RenderValue[]];

export interface RenderContext {
  profile: PartnerProfile;
  /** The definitions version the partner gets this document in (its profile's documents.outbound). */
  version: '004010' | '005010';
  /** The interchange's date and time, for elements that need a "now" (BSN04 when the shipment has no time). */
  now: Date;
}

export type SetRenderer<D> = (doc: D, ctx: RenderContext) => RenderSeg[];

/** A document that cannot be rendered: what and where, for a person to fix. */
export function renderError(message: string): GatewayError {
  return new GatewayError('DOCUMENT_UNRENDERABLE', message);
}

/** N1 loop: N1 (name, id qualifier and id), N3 street lines (two per segment, at most two segments), N4. */
export function n1Loop(entity: string, party: Party | undefined): RenderSeg[] {
  if (!party) return [];
  const [qualifier, code] = party.gln ? ['UL', party.gln] : party.code ? [party.codeQualifier ?? '92', party.code] : [undefined, undefined];
  if (!party.name && !code) return [];
  const out: RenderSeg[] = [['N1', entity, party.name, qualifier, code]];
  const a = party.address;
  if (!a) return out;
  const lines = a.lines.filter(Boolean);
  if (lines.length > 4) throw renderError(`${entity} party ${party.name ?? code}: ${lines.length} address lines, X12 N3 carries at most 4`);
  for (let i = 0; i < lines.length; i += 2) out.push(['N3', lines[i], lines[i + 1]]);
  if (a.city || a.region || a.postalCode || a.country) out.push(['N4', a.city, a.region, a.postalCode, a.country]);
  return out;
}

/** Free text cut to an element's width: descriptions are for people, a cut one beats a rejected set. */
export function text(v: string | undefined, max: number): string | undefined {
  return v === undefined ? undefined : v.length > max ? v.slice(0, max) : v;
}

export interface LineItem {
  pairs: string[];
  ids: ItemIds;
  units: PartnerQuantities;
}

/**
 * A line's item ids and quantities as the partner knows them. `quantities` are in our unit; all of
 * them move to the partner's unit together, or none does.
 */
export function partnerLine(profile: PartnerProfile, line: { ids: ItemIds; productCode?: string; lineNumber?: string },
  uom: string, quantities: number[], unitPrice?: number): LineItem {
  const { ids, uom: preferred } = outboundItemIds(profile, line);
  const pairs = pairsFromItemIds(ids);
  if (!pairs.length) throw renderError(`line ${line.lineNumber ?? '?'}: no item id (ids or productCode) to name the item by`);
  return { pairs, ids, units: toPartnerUnits(profile, uom, quantities, unitPrice, preferred) };
}

/** YYYY-MM-DD of a moment on the partner's clock (its profile's outbound.timeZone), as the envelope is written. */
export function isoDay(d: Date, ctx: RenderContext): string {
  return wallClock(d, ctx.profile.outbound.timeZone).date;
}

/** HHMM of a moment on the partner's clock. */
export function hhmm(d: Date, ctx: RenderContext): string {
  return wallClock(d, ctx.profile.outbound.timeZone).time;
}

/**
 * The X12 time code (DTM04, G6205) of a time written on the partner's clock, e.g. ED for a
 * summer time in New York, UT in UTC; undefined without a time (the code needs one: C0403).
 */
export function timeCode(date: string | undefined, time: string | undefined, ctx: RenderContext): string | undefined {
  return date && time ? x12TimeCodeAt(date, time, ctx.profile.outbound.timeZone) : undefined;
}
