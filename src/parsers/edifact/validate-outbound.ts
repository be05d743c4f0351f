import { PartnerRegistry } from '../../partners/partner-registry';
import { PartnerProfileSchema, type PartnerProfile } from '../../partners/profile.schema';
import type { EdifactValidationResult } from './edifact-validator';
import { validateEdifactBytes } from './validate-stream';

/**
 * Validates an interchange we send to `partner` as the partner's own gateway would: our EDIFACT
 * validator, with the partner as the recipient and us as a known sender of the messages its
 * profile lists as outbound (the EDIFACT twin of the X12 validateOutbound).
 */
export function validateOutboundEdifact(bytes: Buffer, partner: PartnerProfile, self: { id: string; qualifier?: string }): EdifactValidationResult {
  const us = PartnerProfileSchema.parse({
    id: 'self', name: `us, as ${partner.id} receives us`, mode: partner.mode,
    identifiers: { edifact: [{ id: self.id, ...(self.qualifier ? { qualifier: self.qualifier } : {}) }] },
    documents: { inbound: partner.documents.outbound.filter((d) => d.standard === 'EDIFACT'), outbound: [] },
    // The partner's own codes hold for what we send it too.
    validation: { addCodes: partner.validation.addCodes },
  });
  const recipient = partner.identifiers.edifact[0];
  return validateEdifactBytes(bytes, { self: recipient ? { id: recipient.id, qualifier: recipient.qualifier } : undefined, partners: new PartnerRegistry([us]) });
}
