import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import type { Runtime } from '../daemon/runtime';
import type { InboundStage } from '../pipeline/inbound-stages';

/**
 * A marketplace or procurement network (cXML buyers now; Shopify and Amazon to come): a channel
 * configured like a partner (a profile with its `kind`), whose orders enter through the same
 * store, canonical Order, Odoo writers, exceptions and replay as an 850. Each lives in one folder
 * under src/marketplaces/ and is registered in MARKETPLACES (index.ts), one line.
 */
export interface Marketplace {
  /** The profile `kind` this channel serves. */
  kind: string;
  /**
   * Its HTTP routes on the gateway's server. They are open to the bearer-token check (the channel
   * authenticates its own callers, as AS2 does by signature): list them in bearer-auth's OPEN.
   */
  registerRoutes?(app: FastifyInstance, rt: Runtime): Promise<void>;
  /**
   * Inbound stages that turn this channel's stored messages into canonical documents, run after
   * identify and route and before the odoo stage; each leaves other channels' messages alone.
   */
  inboundStages?(deps: { knex: Knex }): InboundStage[];
}
