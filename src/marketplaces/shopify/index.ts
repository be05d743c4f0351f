import type { PartnerProfile } from '../../partners/profile.schema';
import type { Runtime } from '../../daemon/runtime';
import type { ChannelTask, Marketplace } from '../marketplace';
import { deliverFulfillment, renderFulfillment } from './fulfillment';
import { ShopifyClient } from './graphql-client';
import { pushInventory } from './inventory';
import { pullOrders } from './order-pull';
import { shopifyOrderStage } from './shopify.stage';
import { Repeating } from './tasks';
import { registerShopifyRoutes } from './webhook.route';

/** The running order pulls, by partner: a webhook brings one forward. */
const PULLS = new Map<string, Repeating>();

function triggerPull(partnerId: string): boolean {
  const pull = PULLS.get(partnerId);
  pull?.trigger();
  return !!pull;
}

/** The scheduled work of one store: its order pull, and its inventory push when enabled. */
export function shopifyTasks(profile: PartnerProfile, rt: Runtime): ChannelTask[] {
  const s = profile.shopify;
  if (!s) return [];
  const log = rt.log.child({ partnerId: profile.id, transport: 'shopify' });
  if (!process.env[s.accessTokenEnv]) {
    // As SFTP without its key: nothing to call the store with; the rest of the gateway runs.
    log.warn({ env: s.accessTokenEnv }, `Shopify ${s.shop} not pulled: the access token's environment variable ${s.accessTokenEnv} is not set`);
    return [];
  }
  const client = () => new ShopifyClient(s, { log });
  let pull: Repeating | undefined;
  const tasks: ChannelTask[] = [{
    name: 'orders',
    settings: { shopify: s, xref: profile.crossReferences },
    start() {
      pull = new Repeating(`${profile.id} order pull`, s.orders.pollSeconds * 1000,
        () => pullOrders(rt.partners().get(profile.id) ?? profile, { knex: rt.store.knex, receive: rt.receive, client: client(), log }), log);
      PULLS.set(profile.id, pull);
      pull.start();
    },
    async stop() {
      if (pull && PULLS.get(profile.id) === pull) PULLS.delete(profile.id);
      await pull?.stop();
    },
  }];
  if (s.inventory.enabled && rt.config.odoo.enabled) {
    let full: Repeating | undefined;
    let urgent: Repeating | undefined;
    // The two runs share one queue: a quick check never pushes beside a full run.
    let chain: Promise<unknown> = Promise.resolve();
    const serial = (mode: 'full' | 'urgent') => () => {
      const next = chain.then(() => pushInventory(rt.partners().get(profile.id) ?? profile, { knex: rt.store.knex, odoo: rt.odoo, client: client(), log }, mode));
      chain = next.catch(() => undefined);
      return next;
    };
    tasks.push({
      name: 'inventory',
      settings: { shopify: s, xref: profile.crossReferences },
      start() {
        full = new Repeating(`${profile.id} inventory push`, s.inventory.pollSeconds * 1000, serial('full'), log);
        urgent = new Repeating(`${profile.id} inventory quick check`, s.inventory.urgentSeconds * 1000, serial('urgent'), log);
        full.start();
        urgent.start();
      },
      async stop() {
        await Promise.all([full?.stop(), urgent?.stop()]);
      },
    });
  }
  return tasks;
}

/** Shopify stores: orders pulled by the Admin GraphQL API, fulfillments and stock pushed back. */
export const shopifyMarketplace: Marketplace = {
  kind: 'shopify',
  registerRoutes: registerShopifyRoutes(triggerPull),
  inboundStages: (deps) => [shopifyOrderStage(deps)],
  tasks: shopifyTasks,
  async inventoryPush(profile, rt) {
    const log = rt.log.child({ partnerId: profile.id, transport: 'shopify' });
    const r = await pushInventory(profile, { knex: rt.store.knex, odoo: rt.odoo, client: new ShopifyClient(profile.shopify!, { log }), log }, 'full');
    return JSON.stringify(r);
  },
  outbound: {
    types: ['shipment'],
    render: (doc, profile) => renderFulfillment(doc, profile),
    deliver: deliverFulfillment,
  },
};
