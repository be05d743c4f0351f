import type { CanonicalDocument } from '../canonical';
import { GatewayError } from '../errors/gateway-error';
import { validateOutboundEdifact } from '../parsers/edifact/validate-outbound';
import type { ValidationReport } from '../parsers/validation-report';
import { reportErrorLines, validateOutbound } from '../parsers/x12/validate-outbound';
import type { X12Party } from '../parsers/x12/serializer';
import type { PartnerProfile } from '../partners/profile.schema';
import { edifactOutboundFor, renderEdifact, type EdifactControlAllocator, type RenderedEdifact } from './edifact/render-edifact';
import type { ControlNumberAllocator, SsccSerialSource } from './x12/control-allocator';
import { renderX12, x12OutboundFor, type RenderedX12 } from './x12/render-x12';

export type RenderedForPartner =
  | ({ standard: 'X12'; bytes: Buffer; report: ValidationReport } & RenderedX12)
  | ({ standard: 'EDIFACT'; report: ValidationReport } & RenderedEdifact);

export interface RenderForPartnerOptions {
  self: { x12: X12Party; edifact: { id: string; qualifier?: string } };
  /** One allocator for every kind: isa/gs/st for X12, unb/unh for EDIFACT. */
  controlNumbers: { next(kind: 'isa' | 'gs' | 'st' | 'unb' | 'unh'): Promise<number> };
  ssccSerials?: SsccSerialSource;
  now: Date;
}

/** Which standard a partner takes this document type in, per its profile. */
export function outboundStandard(profile: PartnerProfile, type: CanonicalDocument['type']): 'X12' | 'EDIFACT' | undefined {
  if (x12OutboundFor(profile, type)) return 'X12';
  if (edifactOutboundFor(profile, type)) return 'EDIFACT';
  return undefined;
}

/**
 * Canonical documents -> the partner's EDI, in the standard its profile lists for them, and that
 * EDI re-read by our own validator as the partner would read it (`report`; callers decide whether
 * a failure blocks: sending refuses, a preview shows it).
 */
export async function renderForPartner(docs: CanonicalDocument[], profile: PartnerProfile, o: RenderForPartnerOptions): Promise<RenderedForPartner> {
  const standards = new Set(docs.map((d) => outboundStandard(profile, d.type)));
  if (standards.has(undefined)) {
    const missing = docs.find((d) => !outboundStandard(profile, d.type))!;
    throw new GatewayError('DOCUMENT_UNRENDERABLE', `${profile.id}'s profile lists no outbound document for type ${missing.type}`);
  }
  if (standards.size > 1) throw new GatewayError('DOCUMENT_UNRENDERABLE', `${profile.id} takes these documents in different standards: render them apart`);
  if (standards.has('X12')) {
    const r = await renderX12(docs, profile, { self: o.self.x12, controlNumbers: o.controlNumbers as ControlNumberAllocator, ssccSerials: o.ssccSerials, now: o.now });
    return { standard: 'X12', ...r, bytes: Buffer.from(r.text, 'utf8'), report: validateOutbound(r.text, profile, o.self.x12).report };
  }
  const r = await renderEdifact(docs, profile, { self: o.self.edifact, controlNumbers: o.controlNumbers as EdifactControlAllocator, ssccSerials: o.ssccSerials, now: o.now });
  return { standard: 'EDIFACT', ...r, report: validateOutboundEdifact(r.bytes, profile, o.self.edifact).report };
}

export { reportErrorLines };
