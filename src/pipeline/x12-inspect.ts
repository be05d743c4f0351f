import type { Knex } from 'knex';
import type { GatewayConfig } from '../config/gateway.config';
import { markDuplicate } from '../parsers/duplicates';
import type { X12ValidationResult } from '../parsers/x12/x12-validator';
import type { PartnerRegistry } from '../partners/partner-registry';
import { findPriorInterchange } from '../store/interchanges.repo';

/** The validation context every X12 check uses: us, and the partners. */
export function x12Context(config: GatewayConfig, partners: PartnerRegistry) {
  return { self: { qualifier: config.self.x12.qualifier, id: config.self.x12.id }, partners };
}

/**
 * Flags the interchanges of a result that the store has seen before from the same sender, within
 * the sender's duplicate window. `messageId` is the message being checked, which does not count.
 */
export async function flagX12Duplicates(knex: Knex, result: X12ValidationResult, partners: PartnerRegistry, messageId?: number, now = new Date()): Promise<void> {
  const inThisFile = new Set<string>();
  for (const ic of result.report.interchanges) {
    if (!ic.controlNumber) continue;
    // The same interchange twice in one file is a duplicate too.
    const key = `${ic.senderQualifier}:${ic.senderId}:${ic.controlNumber}`;
    if (inThisFile.has(key)) {
      markDuplicate(ic, { messageId: messageId ?? 0, recordedAt: now, sameFile: true });
      continue;
    }
    inThisFile.add(key);
    const days = (ic.partnerId ? partners.get(ic.partnerId)?.validation.duplicateWindowDays : undefined) ?? 365;
    const prior = await findPriorInterchange(knex, {
      standard: 'X12', senderQualifier: ic.senderQualifier ?? '', senderId: ic.senderId, controlNumber: ic.controlNumber,
    }, new Date(now.getTime() - days * 86_400_000), messageId);
    if (prior) markDuplicate(ic, prior);
  }
  result.report.ok = result.report.ok && result.report.interchanges.every((i) => !i.duplicate);
}
