import { PartnerRegistry } from '../../partners/partner-registry';
import { PartnerProfileSchema, type PartnerProfile } from '../../partners/profile.schema';
import type { ValidationError, ValidationReport } from '../validation-report';
import type { X12Party } from './serializer';
import { validateX12Bytes } from './validate-stream';
import type { X12ValidationResult } from './x12-validator';

/** The id the synthetic profile of us carries in reports of validateOutbound. */
export const SELF_PROFILE_ID = 'self';

/**
 * Us, as the partner sees us: a profile whose identity is our X12 identity and whose inbound
 * documents are what the partner's profile says we send it.
 */
export function selfAsPartner(partner: PartnerProfile, self: X12Party): PartnerProfile {
  return PartnerProfileSchema.parse({
    id: SELF_PROFILE_ID,
    name: `us, as ${partner.id} receives us`,
    mode: partner.mode,
    identifiers: { x12: [{ qualifier: self.qualifier, id: self.id, gsId: self.gsId }] },
    documents: { inbound: partner.documents.outbound.filter((d) => d.standard === 'X12'), outbound: [] },
    // The partner's own codes hold for what we send it too.
    validation: { addCodes: partner.validation.addCodes },
  });
}

/**
 * Validates an interchange we send to `partner` as the partner's own gateway would: our validator,
 * with the partner as the receiver and us as a known sender of the documents its profile lists as
 * outbound. No errors here means the envelope, every segment and every element pass our checks.
 */
export function validateOutbound(text: string | Buffer, partner: PartnerProfile, self: X12Party): X12ValidationResult {
  const receiver = partner.identifiers.x12[0];
  return validateX12Bytes(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), {
    self: receiver ? { qualifier: receiver.qualifier, id: receiver.id } : undefined,
    partners: new PartnerRegistry([selfAsPartner(partner, self)]),
  });
}

/** Every error of a report as one line each, placed as `set control segment@position element`: for stderr and exceptions. */
export function reportErrorLines(report: ValidationReport): string[] {
  const line = (where: string, e: ValidationError) => {
    const at = [e.segment ? `${e.segment}${e.position !== undefined ? `@${e.position}` : ''}` : '',
      e.element !== undefined ? `${e.segment ?? ''}${String(e.element).padStart(2, '0')}` : ''].filter(Boolean).join(' ');
    return `${where}${at ? ` ${at}` : ''}: ${e.message} (code ${e.code})`;
  };
  const out = report.errors.map((e) => line('input', e));
  for (const ic of report.interchanges) {
    out.push(...ic.errors.map((e) => line(`interchange ${ic.controlNumber}`, e)));
    for (const g of ic.groups) {
      out.push(...g.errors.map((e) => line(`group ${g.functionalId} ${g.controlNumber}`, e)));
      for (const set of g.sets) out.push(...set.errors.map((e) => line(`${set.type} ${set.controlNumber}`, e)));
    }
  }
  return out;
}
