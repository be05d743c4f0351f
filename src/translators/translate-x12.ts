import type { CanonicalDocument, Source } from '../canonical';
import type { RawSegment } from '../parsers/x12/segment-reader';
import type { SetResult } from '../parsers/x12/set-validator';
import type { GroupDetail, InterchangeDetail } from '../parsers/x12/x12-validator';
import type { PartnerRegistry } from '../partners/partner-registry';
import type { PartnerProfile } from '../partners/profile.schema';
import type { SetTranslator } from './context';
import { segsFromElements, type Seg, type TranslationIssue } from './segments';
import { translateFunctionalAck, translateTa1 } from './x12/functional-ack';
import { translate810 } from './x12/invoice-810';
import { translate850 } from './x12/order-850';
import { translate856 } from './x12/shipment-856';
import { translate945 } from './x12/warehouse-advice-945';

/** Inbound X12 transaction sets we translate, by ST01. */
export const X12_TRANSLATORS: Record<string, SetTranslator> = {
  850: translate850,
  856: translate856,
  810: translate810,
  945: translate945,
  997: translateFunctionalAck,
  999: translateFunctionalAck,
};

/** One X12 set picked up during validation, waiting to be translated once duplicates are known. */
export interface PendingX12Set {
  interchange: InterchangeDetail;
  source: Source;
  type: string;
  segs: Seg[];
}

export function x12Source(ic: InterchangeDetail, g: GroupDetail | undefined, setControl: string): Source {
  return {
    standard: 'X12', version: g?.gs.version || ic.isa.version, senderId: ic.isa.senderId, receiverId: ic.isa.receiverId,
    interchangeControl: ic.isa.controlNumber, ...(g ? { groupControl: g.gs.controlNumber } : {}), setControl,
  };
}

/** The validator's onSet hook: keeps each accepted set's segments in the translators' shape. */
export function collectAcceptedSets(into: PendingX12Set[]) {
  return (set: SetResult, segments: readonly RawSegment[], group: GroupDetail, ic: InterchangeDetail): void => {
    if (set.status === 'rejected' || !X12_TRANSLATORS[set.type]) return;
    const component = segments[0]?.delimiters.component;
    into.push({ interchange: ic, source: x12Source(ic, group, set.controlNumber), type: set.type,
      segs: segsFromElements(segments.map((s) => s.elements), component) });
  };
}

export interface TranslatedSet {
  source: Source;
  type: string;
  document?: CanonicalDocument;
  issues: TranslationIssue[];
}

/** The profile of an interchange whose sets are translated: accepted, not a duplicate, from a known partner. */
export function usableX12Profile(ic: InterchangeDetail, partners: PartnerRegistry) {
  return ic.report.status === 'accepted' && !ic.report.duplicate && ic.report.partnerId ? partners.get(ic.report.partnerId) : undefined;
}

/** The TA1s of the usable interchanges, as documents: they come first in a message's documents. */
export function translateX12Ta1s(interchanges: InterchangeDetail[], partners: PartnerRegistry): TranslatedSet[] {
  const out: TranslatedSet[] = [];
  for (const ic of interchanges) {
    const profile = usableX12Profile(ic, partners);
    if (!profile) continue;
    for (const ta1 of ic.ta1s) {
      const [seg] = segsFromElements([ta1.elements], ta1.delimiters.component);
      const source = x12Source(ic, undefined, '');
      out.push({ source, type: 'TA1', document: translateTa1(seg, { profile, source }), issues: [] });
    }
  }
  return out;
}

/** One set as the validator hands it over, translated; undefined for a rejected set or a type we do not translate. */
export function translateX12Set(set: SetResult, segments: readonly RawSegment[], group: GroupDetail, ic: InterchangeDetail, profile: PartnerProfile): TranslatedSet | undefined {
  const pending: PendingX12Set[] = [];
  collectAcceptedSets(pending)(set, segments, group, ic);
  const [p] = pending;
  return p && { source: p.source, type: p.type, ...X12_TRANSLATORS[p.type](p.segs, { profile, source: p.source }) };
}

/**
 * Translates what validation collected: TA1s and accepted sets, only from interchanges that were
 * accepted and are not duplicates (a duplicate is stored for audit, never translated again).
 */
export function translateX12(interchanges: InterchangeDetail[], pending: PendingX12Set[], partners: PartnerRegistry): TranslatedSet[] {
  const out = translateX12Ta1s(interchanges, partners);
  for (const p of pending) {
    const profile = usableX12Profile(p.interchange, partners);
    if (!profile) continue;
    out.push({ source: p.source, type: p.type, ...X12_TRANSLATORS[p.type](p.segs, { profile, source: p.source }) });
  }
  return out;
}
