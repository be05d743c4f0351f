import type { Source } from '../canonical';
import type { EdifactSegment } from '../parsers/edifact/segment';
import type { GroupDetail, InterchangeDetail } from '../parsers/edifact/edifact-validator';
import type { MessageResult } from '../parsers/edifact/message-validator';
import type { PartnerRegistry } from '../partners/partner-registry';
import type { SetTranslator } from './context';
import { translateContrl } from './edifact/contrl';
import { translateDesadv } from './edifact/desadv';
import { translateInvoic } from './edifact/invoic';
import { translateOrders } from './edifact/orders';
import type { Seg } from './segments';
import type { TranslatedSet } from './translate-x12';

/** Inbound EDIFACT messages we translate, by UNH message type. */
export const EDIFACT_TRANSLATORS: Record<string, SetTranslator> = {
  ORDERS: translateOrders,
  DESADV: translateDesadv,
  INVOIC: translateInvoic,
  CONTRL: translateContrl,
};

export interface PendingEdifactMessage {
  interchange: InterchangeDetail;
  source: Source;
  type: string;
  segs: Seg[];
}

export function edifactSource(ic: InterchangeDetail, g: GroupDetail | undefined, m: MessageResult): Source {
  return {
    standard: 'EDIFACT', version: m.directory ?? `${m.header.version}${m.header.release}`, senderId: ic.unb.senderId, receiverId: ic.unb.recipientId,
    interchangeControl: ic.unb.controlRef, ...(g?.ung ? { groupControl: g.ung.reference } : {}), setControl: m.controlNumber,
  };
}

/** The validator's onMessage hook: keeps each accepted message's segments, decoded, for translation. */
export function collectAcceptedMessages(into: PendingEdifactMessage[]) {
  return (m: MessageResult, segments: readonly EdifactSegment[], g: GroupDetail, ic: InterchangeDetail): void => {
    if (m.status === 'rejected' || !EDIFACT_TRANSLATORS[m.type]) return;
    into.push({ interchange: ic, source: edifactSource(ic, g, m), type: m.type,
      segs: segments.map((s, i) => ({ tag: s.tag, elements: s.elements.slice(1), position: i + 1 })) });
  };
}

/** Translates collected messages of accepted, non-duplicate interchanges from known partners. */
export function translateEdifact(pending: PendingEdifactMessage[], partners: PartnerRegistry): TranslatedSet[] {
  const out: TranslatedSet[] = [];
  for (const p of pending) {
    const r = p.interchange.report;
    const profile = r.status === 'accepted' && !r.duplicate && r.partnerId ? partners.get(r.partnerId) : undefined;
    if (!profile) continue;
    const decimalMark = String.fromCharCode(p.interchange.syntax.separators.decimal);
    out.push({ source: p.source, type: p.type, ...EDIFACT_TRANSLATORS[p.type](p.segs, { profile, source: p.source, decimalMark }) });
  }
  return out;
}
