export { loadConfig } from './config/load-config';
export type { GatewayConfig } from './config/gateway.config';
export { openRuntime, type Runtime } from './daemon/runtime';
export { startDaemon } from './daemon/daemon';
export { GatewayError, coerceError, ERROR_CODES, type ErrorCode } from './errors/gateway-error';
export { PartnerProfileSchema, type PartnerProfile } from './partners/profile.schema';
export { loadProfiles } from './partners/load-profiles';
export { sniff } from './parsers/sniff';
