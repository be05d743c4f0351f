import type { Knex } from 'knex';
import { markDuplicate } from '../parsers/duplicates';
import type { ValidationReport } from '../parsers/validation-report';
import type { PartnerRegistry } from '../partners/partner-registry';
import { findPriorInterchange } from '../store/interchanges.repo';

/**
 * Flags the interchanges of a report that the store has seen before from the same sender (same
 * qualifier, id and control number), within the sender's duplicate window, or twice in this file.
 * `messageId` is the message being checked, which does not count. X12 and EDIFACT alike.
 */
export async function flagDuplicates(knex: Knex, report: ValidationReport, partners: PartnerRegistry, messageId?: number, now = new Date()): Promise<void> {
  const inThisFile = new Set<string>();
  for (const ic of report.interchanges) {
    if (!ic.controlNumber) continue;
    const key = `${ic.standard}:${ic.senderQualifier}:${ic.senderId}:${ic.controlNumber}`;
    if (inThisFile.has(key)) {
      markDuplicate(ic, { messageId: messageId ?? 0, recordedAt: now, sameFile: true });
      continue;
    }
    inThisFile.add(key);
    const days = (ic.partnerId ? partners.get(ic.partnerId)?.validation.duplicateWindowDays : undefined) ?? 365;
    const prior = await findPriorInterchange(knex, {
      standard: ic.standard, senderQualifier: ic.senderQualifier ?? '', senderId: ic.senderId, controlNumber: ic.controlNumber,
    }, new Date(now.getTime() - days * 86_400_000), messageId);
    if (prior) markDuplicate(ic, prior);
  }
  report.ok = report.ok && report.interchanges.every((i) => !i.duplicate);
}
