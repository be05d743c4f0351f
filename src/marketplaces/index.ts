import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import type { CanonicalDocument } from '../canonical';
import type { Runtime } from '../daemon/runtime';
import type { PartnerProfile } from '../partners/profile.schema';
import type { InboundStage } from '../pipeline/inbound-stages';
import { amazonMarketplace } from './amazon';
import { cxmlMarketplace } from './cxml';
import { shopifyMarketplace } from './shopify';
import { channelScheduleName, type ChannelOutbound, type ChannelTask, type Marketplace } from './marketplace';

export { channelScheduleName };
export type { ChannelOutbound, ChannelTask, Marketplace };

/** Every marketplace and network channel: one line each. */
export const MARKETPLACES: readonly Marketplace[] = [cxmlMarketplace, shopifyMarketplace, amazonMarketplace];

/** The channel a profile belongs to; undefined for an EDI partner. */
export function marketplaceOf(profile: PartnerProfile): Marketplace | undefined {
  return profile.kind === 'edi' ? undefined : MARKETPLACES.find((m) => m.kind === profile.kind);
}

/** The channel's outbound side when it takes this document type back; undefined otherwise. */
export function channelOutboundFor(profile: PartnerProfile, type: CanonicalDocument['type']): ChannelOutbound | undefined {
  const outbound = marketplaceOf(profile)?.outbound;
  return outbound?.types.includes(type) ? outbound : undefined;
}

/** The channels' inbound stages, for runtime.inboundStages(). */
export function marketplaceStages(deps: { knex: Knex }): InboundStage[] {
  return MARKETPLACES.flatMap((m) => m.inboundStages?.(deps) ?? []);
}

/** The channels' HTTP routes, for the gateway's HTTP server. */
export async function registerMarketplaceRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  for (const m of MARKETPLACES) await m.registerRoutes?.(app, rt);
}

/** One profile's scheduled channel work (none for EDI partners). */
export function channelTasks(profile: PartnerProfile, rt: Runtime): ChannelTask[] {
  return marketplaceOf(profile)?.tasks?.(profile, rt) ?? [];
}
