import type { ItemIds, Party } from '../../canonical/common';
import { GatewayError } from '../../errors/gateway-error';
import type { PartnerProfile } from '../../partners/profile.schema';
import { outboundItemIds, toPartnerUnits, type PartnerQuantities } from '../outbound-mapping';
import { formatReal } from '../values';
import { itemNumbers } from './edifact-common';

/** A segment to write: [tag, element, ...], an element a value or its components. */
export type EdiSeg = [string, ...(string | string[])[]];

export interface EdifactRenderContext {
  profile: PartnerProfile;
  /** Us, as UNB and NAD+SU know us (a GLN with qualifier 14 usually). */
  self: { id: string; qualifier?: string };
  now: Date;
}

export const ediDate = (iso: string): string => iso.replace(/-/g, '');
/** DTM C507 with a CCYYMMDD date (format 102). */
export const dtm = (qualifier: string, iso: string | undefined): EdiSeg[] => (iso ? [['DTM', [qualifier, ediDate(iso), '102']]] : []);
export const num = (n: number): string => formatReal(n, 4);

/**
 * NAD with a GLN (3055 = 9) when the party has one, else its code as the partner assigned it
 * (3055 = 91/92 as its qualifier said), and the name and address in the structured elements.
 */
export function nad(qualifier: string, party: Party | undefined, fallbackGln?: string): EdiSeg[] {
  const gln = party?.gln ?? (party?.code && /^\d{13}$/.test(party.code) && party.codeQualifier === '9' ? party.code : undefined) ?? (party ? undefined : fallbackGln);
  const code = gln ?? party?.code;
  if (!code && !party?.name) return fallbackGln ? [['NAD', qualifier, [fallbackGln, '', '9']]] : [];
  const agency = gln ? '9' : party?.codeQualifier === '91' ? '91' : '92';
  const a = party?.address;
  const seg: EdiSeg = ['NAD', qualifier, code ? [code, '', agency] : '', '', party?.name ? [party.name.slice(0, 35)] : '',
    a?.lines.length ? a.lines.slice(0, 4).map((l) => l.slice(0, 35)) : '', a?.city ?? '', a?.region ?? '', a?.postalCode ?? '', a?.country ?? ''];
  return [seg];
}

/** LIN item number (the most specific id) and PIA for the rest, as the partner knows the item. */
export function lineIds(profile: PartnerProfile, line: { ids: ItemIds; productCode?: string; lineNumber?: string }): { lin: string[]; pia: EdiSeg[]; uom?: string } {
  const { ids, uom } = outboundItemIds(profile, line);
  const numbers = itemNumbers(ids);
  if (!numbers.length) throw new GatewayError('DOCUMENT_UNRENDERABLE', `line ${line.lineNumber ?? '?'}: no item id (ids or productCode) to name the item by`);
  // GTIN/EAN/UPC go in LIN; the partner's and our article numbers follow as PIA+1 (additional id).
  const [first, ...rest] = numbers;
  const pia: EdiSeg[] = rest.length ? [['PIA', '1', ...rest.slice(0, 5).map(([v, t]) => [v, t])]] : [];
  return { lin: [first[0], first[1]], pia, uom };
}

/** Our unit -> the partner's (the profile's uom map inverted); EDIFACT's each is PCE. */
export function units(profile: PartnerProfile, uom: string, quantities: number[], unitPrice?: number, preferred?: string): PartnerQuantities {
  const u = toPartnerUnits(profile, uom, quantities, unitPrice, preferred);
  return { ...u, uom: u.uom === 'EA' ? 'PCE' : u.uom };
}
