import type { CanonicalDocument } from '../canonical';
import { channelOutboundFor } from '../marketplaces';
import type { PartnerRegistry } from '../partners/partner-registry';
import type { PartnerProfile } from '../partners/profile.schema';
import { outboundStandard } from '../translators/render-for-partner';
import type { PartnerPolicy } from './reconcile';

/** A partner's profile as the reconciliation reads it: its windows, the documents it takes back, its units. */
export function policyOf(profile: PartnerProfile): PartnerPolicy {
  const takes = (type: CanonicalDocument['type']) => !!(outboundStandard(profile, type) || channelOutboundFor(profile, type));
  return {
    name: profile.name,
    shipWithinDays: profile.reconciliation.shipWithinDays,
    invoiceWithinDays: profile.reconciliation.invoiceWithinDays,
    expects: { orderAck: takes('order_ack'), shipment: takes('shipment'), invoice: takes('invoice') },
    units: Object.fromEntries(Object.entries(profile.mapping.uom).map(([unit, rule]) => [unit, { uom: rule.uom, factor: rule.factor }])),
  };
}

/**
 * A partner whose profile is gone (or broken) still has its orders in the store: they are shown,
 * with the default windows, and nothing is said about documents it would have taken.
 */
const UNKNOWN: PartnerPolicy = { shipWithinDays: 3, invoiceWithinDays: 2, expects: { orderAck: false, shipment: false, invoice: false }, units: {} };

export function policies(registry: PartnerRegistry): (partnerId: string) => PartnerPolicy {
  const cache = new Map<string, PartnerPolicy>();
  return (id) => {
    let p = cache.get(id);
    if (!p) {
      const profile = registry.get(id);
      p = profile ? policyOf(profile) : UNKNOWN;
      cache.set(id, p);
    }
    return p;
  };
}
