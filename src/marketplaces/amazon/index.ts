import type { PartnerProfile } from '../../partners/profile.schema';
import type { Runtime } from '../../daemon/runtime';
import type { ChannelTask, Marketplace } from '../marketplace';
import { amazonOrderStage } from './amazon.stage';
import { deliverConfirmShipment, renderConfirmShipment } from './confirm-shipment';
import { pushInventory } from './inventory.push';
import { lwaCredentials } from './lwa';
import { pullOrders } from './orders.pull';
import { periodicTask } from './periodic-task';
import { SpApiClient } from './sp-api.client';

/** The scheduled work of one seller: the order pull, and the inventory push when the profile wants it. */
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
  // Made per run: a rotated secret in the environment is read at the next run.
  const client = () => new SpApiClient(a, { log });
  const tasks = [periodicTask({
    name: 'orders', settings: { amazon: a, items: profile.crossReferences.items ?? null }, everyMs: a.orders.pollSeconds * 1000, log,
    run: async (signal) => pullOrders({ client: client(), profile, knex: rt.store.knex, receive: rt.receive, log, signal }),
  })];
  if (a.inventory.enabled && rt.config.odoo.enabled) {
    tasks.push(periodicTask({
      name: 'inventory', settings: { amazon: a, items: profile.crossReferences.items ?? null }, everyMs: a.inventory.pollSeconds * 1000, log,
      run: async (signal) => pushInventory({ client: client(), odoo: rt.odoo(), knex: rt.store.knex, profile, log, signal }),
    }));
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
