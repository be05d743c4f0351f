import type { GatewayConfig } from '../config/gateway.config';
import type { EdifactValidationContext, EdifactValidationResult } from '../parsers/edifact/edifact-validator';
import type { PartnerRegistry } from '../partners/partner-registry';
import type { InterchangeHistory } from '../store/history';
import { flagDuplicates } from './flag-duplicates';

/** The validation context every EDIFACT check uses: us (UNB recipient), and the partners. */
export function edifactContext(config: GatewayConfig, partners: PartnerRegistry): EdifactValidationContext {
  return { self: { id: config.self.edifact.id, qualifier: config.self.edifact.qualifier }, partners };
}

/** Flags interchanges received before (UCI 26), as for X12. */
export async function flagEdifactDuplicates(history: InterchangeHistory, result: EdifactValidationResult, partners: PartnerRegistry, messageId?: number, now = new Date()): Promise<void> {
  await flagDuplicates(history, result.report, partners, messageId, now);
}
