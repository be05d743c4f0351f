import type { Marketplace } from '../marketplace';
import { deliverCxml } from './cxml-deliver';
import { CXML_OUTBOUND_TYPES, renderCxml } from './cxml-render';
import { registerCxmlRoutes } from './cxml.route';
import { cxmlOrderStage } from './cxml.stage';

/**
 * cXML buyers (Ariba, Coupa ...): OrderRequests POSTed to /cxml/<partner id>; back to them, from
 * Odoo's events, ConfirmationRequest, ShipNoticeRequest and InvoiceDetailRequest, stored (without
 * the shared secret) and POSTed to the profile's cxml.postUrl.
 */
export const cxmlMarketplace: Marketplace = {
  kind: 'cxml',
  registerRoutes: registerCxmlRoutes,
  inboundStages: (deps) => [cxmlOrderStage(deps)],
  outbound: {
    types: CXML_OUTBOUND_TYPES,
    render: renderCxml,
    deliver: (message, profile, deps) => deliverCxml(message, profile, deps),
    // No URL yet (the shipped example, a buyer being onboarded): the documents wait in out/.
    unconfigured: (profile) => (profile.cxml?.postUrl ? undefined : 'cxml.postUrl is not set'),
  },
};
