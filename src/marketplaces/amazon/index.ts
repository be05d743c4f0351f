import type { PartnerProfile } from '../../partners/profile.schema';
import type { Runtime } from '../../daemon/runtime';
import type { ChannelTask, Marketplace } from '../marketplace';
import { amazonOrderStage } from './amazon.stage';
import { deliverConfirmShipment, renderConfirmShipment } from './confirm-shipment';
import { pushInventory } from './inventory.push';
import { lwaCredentials } from './lwa';
import { pullOrders } from './orders.pull';
import { SpApiClient } from './sp-api.client';

/**
 * The scheduled work of one seller: the order pull (`orders`), and the inventory push (`inventory`)
 * when the profile wants it. Each run reads the profile as loaded now (an edited items table counts
 * at the next run); a stop aborts the run's rate-limit and backoff waits.
 */
function amazonTasks(profile: PartnerProfile, rt: Runtime): ChannelTask[] {
  const a = profile.amazon;
  if (!a) return [];
  const log = rt.log.child({ channel: 'amazon', partnerId: profile.id });
  try {
    lwaCredentials(a);
  } catch (err) {
    // As an SFTP partner whose key is not on this machine: said once, and the rest runs.
    log.warn({ reason: (err as Error).message }, 'amazon pull and inventory push not started: the LWA credentials are not on this machine');
    return [];
  }
  const current = () => rt.partners().get(profile.id) ?? profile;
  // Made per run: a rotated secret in the environment is read at the next run.
  const client = () => new SpApiClient(a, { log });
  const settings = { amazon: a, items: profile.crossReferences.items ?? null };
  const tasks: ChannelTask[] = [{
    name: 'orders', settings, everySeconds: a.orders.pollSeconds,
    run: async (_tick, signal) => {
      const r = await pullOrders({ client: client(), profile: current(), knex: rt.store.knex, receive: rt.receive, log, signal });
      return `${r.stored.length} order(s) stored, ${r.already} already stored, ${r.skipped} left alone, ${r.pages} page(s)`;
    },
  }];
  if (a.inventory.enabled && rt.config.odoo.enabled) {
    tasks.push({
      name: 'inventory', settings, everySeconds: a.inventory.pollSeconds,
      run: async (_tick, signal) => {
        const r = await pushInventory({ client: client(), odoo: rt.odoo(), knex: rt.store.knex, profile: current(), log, signal });
        return `${r.pushed.length} pushed, ${r.unchanged} unchanged${r.failed.length ? `, ${r.failed.length} refused` : ''}${r.unknown.length ? `, not in Odoo: ${r.unknown.join(', ')}` : ''}`;
      },
    });
  }
  return tasks;
}

/**
 * Amazon sellers on SP-API: orders pulled (Orders API) into the same store, canonical Order and
 * Odoo path as an 850; done pickings confirmed back (confirmShipment); on-hand quantities pushed
 * (Listings Items API). README.md beside this file says how to add a seller account.
 */
export const amazonMarketplace: Marketplace = {
  kind: 'amazon',
  inboundStages: (deps) => [amazonOrderStage(deps)],
  tasks: amazonTasks,
  async inventoryPush(profile, rt, signal) {
    const a = profile.amazon!;
    const log = rt.log.child({ channel: 'amazon', partnerId: profile.id });
    const r = await pushInventory({ client: new SpApiClient(a, { log }), odoo: rt.odoo(), knex: rt.store.knex, profile, log, signal });
    return JSON.stringify(r);
  },
  outbound: {
    types: ['shipment'],
    render: (doc, profile) => renderConfirmShipment(doc, profile),
    deliver: deliverConfirmShipment,
  },
};
