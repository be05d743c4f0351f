import type { GatewayConfig } from '../config/gateway.config';
import type { X12ValidationResult } from '../parsers/x12/x12-validator';
import type { PartnerRegistry } from '../partners/partner-registry';
import type { InterchangeHistory } from '../store/history';
import { flagDuplicates } from './flag-duplicates';

/** The validation context every X12 check uses: us, and the partners. */
export function x12Context(config: GatewayConfig, partners: PartnerRegistry) {
  return { self: { qualifier: config.self.x12.qualifier, id: config.self.x12.id }, partners };
}

/**
 * Flags the interchanges of a result that the store has seen before from the same sender, within
 * the sender's duplicate window. `messageId` is the message being checked, which does not count.
 */
export async function flagX12Duplicates(history: InterchangeHistory, result: X12ValidationResult, partners: PartnerRegistry, messageId?: number, now = new Date()): Promise<void> {
  await flagDuplicates(history, result.report, partners, messageId, now);
}
