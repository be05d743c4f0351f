import path from 'node:path';
import { GatewayConfigSchema } from '../../src/config/gateway.config';
import { loadProfiles } from '../../src/partners/load-profiles';
import { PartnerRegistry } from '../../src/partners/partner-registry';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import type { X12Address } from './x12-mutate';
import type { EdifactAddress } from './edifact-mutate';

/**
 * The partners the fuzzers validate and translate for: the example profiles as shipped, plus two
 * copies an analyst could have written, which send every document type we translate (acme-retail's
 * tables for X12, nordmart's for EDIFACT). Seeds readdressed to them reach every translator.
 */
export const PROFILES = path.resolve(__dirname, '../../partner-profiles');

/** Us, as the gateway's defaults say (gateway.config.ts). */
export const SELF = GatewayConfigSchema.shape.self.parse(undefined);

function withInbound(p: PartnerProfile, id: string, change: (p: PartnerProfile) => void): PartnerProfile {
  const copy = structuredClone(p);
  copy.id = id;
  change(copy);
  return copy;
}

let registry: PartnerRegistry | undefined;

export function fuzzPartners(): PartnerRegistry {
  if (registry) return registry;
  const { profiles } = loadProfiles(PROFILES);
  const byId = (id: string) => {
    const p = profiles.find((x) => x.id === id);
    if (!p) throw new Error(`example profile ${id} is missing from ${PROFILES}`);
    return p;
  };
  const x12 = withInbound(byId('acme-retail'), 'fuzz-x12', (p) => {
    p.identifiers.x12 = [{ qualifier: 'ZZ', id: 'FUZZX12', gsId: 'FUZZX12' }];
    p.documents.inbound = (['850', '856', '810', '945', '997', '999'] as const).flatMap((type) => (['004010', '005010'] as const).map((version) => ({ standard: 'X12' as const, type, version })));
  });
  const edifact = withInbound(byId('nordmart'), 'fuzz-edifact', (p) => {
    p.identifiers.edifact = [{ id: '5400000000099', qualifier: '14' }];
    p.documents.inbound = (['ORDERS', 'DESADV', 'INVOIC', 'CONTRL', 'APERAK'] as const).flatMap((type) => ['D96A', 'D01B'].map((version) => ({ standard: 'EDIFACT' as const, type, version })));
  });
  return (registry = new PartnerRegistry([...profiles, x12, edifact]));
}

export const FUZZ_X12_ADDRESS: X12Address = {
  senderQualifier: 'ZZ', senderId: 'FUZZX12', gsSender: 'FUZZX12', receiverQualifier: SELF.x12.qualifier, receiverId: SELF.x12.id, gsReceiver: SELF.x12.gsId,
};

export const FUZZ_EDIFACT_ADDRESS: EdifactAddress = { sender: '5400000000099:14', recipient: `${SELF.edifact.id}:${SELF.edifact.qualifier ?? '14'}` };

/** A fixed clock for acknowledgments, so that a case builds the same bytes each time. */
export const ACK_TIME = new Date('2026-06-01T12:00:00Z');
