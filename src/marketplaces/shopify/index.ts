import type { Marketplace } from '../marketplace';
import { deliverFulfillment, renderFulfillment } from './fulfillment';
import { ShopifyClient } from './graphql-client';
import { pushInventory } from './inventory';
import { shopifyOrderStage } from './shopify.stage';
import { shopifyTasks } from './tasks';
import { registerShopifyRoutes } from './webhook.route';

export { shopifyTasks };

/** Shopify stores: orders pulled by the Admin GraphQL API, fulfillments and stock pushed back. */
export const shopifyMarketplace: Marketplace = {
  kind: 'shopify',
  registerRoutes: registerShopifyRoutes,
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
