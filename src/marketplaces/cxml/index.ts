import type { Marketplace } from '../marketplace';
import { registerCxmlRoutes } from './cxml.route';
import { cxmlOrderStage } from './cxml.stage';

/** cXML buyers (Ariba, Coupa ...): OrderRequests POSTed to /cxml/<partner id>. */
export const cxmlMarketplace: Marketplace = {
  kind: 'cxml',
  registerRoutes: registerCxmlRoutes,
  inboundStages: (deps) => [cxmlOrderStage(deps)],
};
