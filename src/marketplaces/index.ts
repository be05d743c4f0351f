import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import type { Runtime } from '../daemon/runtime';
import type { InboundStage } from '../pipeline/inbound-stages';
import { cxmlMarketplace } from './cxml';
import type { Marketplace } from './marketplace';

export type { Marketplace };

/** Every marketplace and network channel: one line each. */
export const MARKETPLACES: readonly Marketplace[] = [cxmlMarketplace];

/** The channels' inbound stages, for runtime.inboundStages(). */
export function marketplaceStages(deps: { knex: Knex }): InboundStage[] {
  return MARKETPLACES.flatMap((m) => m.inboundStages?.(deps) ?? []);
}

/** The channels' HTTP routes, for the gateway's HTTP server. */
export async function registerMarketplaceRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  for (const m of MARKETPLACES) await m.registerRoutes?.(app, rt);
}
