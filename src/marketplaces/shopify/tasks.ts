import type { Runtime } from '../../daemon/runtime';
import type { PartnerProfile } from '../../partners/profile.schema';
import type { ChannelTask } from '../marketplace';
import { ShopifyClient } from './graphql-client';
import { pushInventory } from './inventory';
import { pullOrders } from './order-pull';

/**
 * The inventory push is one schedule ticking every urgentSeconds (or pollSeconds, if shorter):
 * most ticks are quick checks, and the first tick of each pollSeconds window is the full
 * comparison. One schedule rather than two, so that a quick check never pushes beside a full run,
 * in any process. Epoch-aligned, as the ticks are: every process computes the same answer.
 */
export function inventoryRunAt(tick: Date, inventory: { pollSeconds: number; urgentSeconds: number }): 'full' | 'urgent' {
  const periodMs = Math.min(inventory.urgentSeconds, inventory.pollSeconds) * 1000;
  const windowMs = inventory.pollSeconds * 1000;
  const t = tick.getTime();
  return Math.floor(t / windowMs) !== Math.floor((t - periodMs) / windowMs) ? 'full' : 'urgent';
}

/**
 * The scheduled work of one store: its order pull (`orders`, every orders.pollSeconds; a webhook
 * triggers it early, see webhook.route.ts), and its inventory push (`inventory`) when enabled.
 * Each run reads the profile as loaded now, so an edited items table counts at the next run.
 */
export function shopifyTasks(profile: PartnerProfile, rt: Runtime): ChannelTask[] {
  const s = profile.shopify;
  if (!s) return [];
  const log = rt.log.child({ partnerId: profile.id, transport: 'shopify' });
  if (!process.env[s.accessTokenEnv]) {
    // As SFTP without its key: nothing to call the store with; the rest of the gateway runs.
    log.warn({ env: s.accessTokenEnv }, `Shopify ${s.shop} not pulled: the access token's environment variable ${s.accessTokenEnv} is not set`);
    return [];
  }
  const current = () => rt.partners().get(profile.id) ?? profile;
  // Made per run: a rotated token in the environment is read at the next run; a stop cuts its waits short.
  const client = (signal: AbortSignal) => new ShopifyClient(s, { log, signal });
  const settings = { shopify: s, xref: profile.crossReferences };
  const tasks: ChannelTask[] = [{
    name: 'orders',
    settings,
    everySeconds: s.orders.pollSeconds,
    run: async (_tick, signal) => {
      const r = await pullOrders(current(), { knex: rt.store.knex, receive: rt.receive, client: client(signal), log });
      return `${r.stored} order version(s) stored, ${r.unchanged} unchanged, ${r.pages} page(s)`;
    },
  }];
  if (s.inventory.enabled && rt.config.odoo.enabled) {
    tasks.push({
      name: 'inventory',
      settings,
      everySeconds: Math.min(s.inventory.urgentSeconds, s.inventory.pollSeconds),
      run: async (tick, signal) => {
        const r = await pushInventory(current(), { knex: rt.store.knex, odoo: rt.odoo, client: client(signal), log }, inventoryRunAt(tick, s.inventory));
        return `${r.mode}: ${r.pushed} of ${r.checked} pushed${r.failed.length ? `, refused or unknown: ${r.failed.join(', ')}` : ''}`;
      },
    });
  }
  return tasks;
}
