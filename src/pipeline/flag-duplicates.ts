import { markDuplicate } from '../parsers/duplicates';
import type { ValidationReport } from '../parsers/validation-report';
import type { PartnerRegistry } from '../partners/partner-registry';
import type { InterchangeHistory } from '../store/history';

/** A sender's duplicate window when its profile names none (or it has no profile); the profile schema's default too. */
export const DEFAULT_DUPLICATE_WINDOW_DAYS = 365;

/** The longest duplicate window any of these partners (or an unknown sender) has: how far back a check may look. */
export function longestDuplicateWindowDays(partners: PartnerRegistry | undefined): number {
  let days = DEFAULT_DUPLICATE_WINDOW_DAYS;
  for (const p of partners?.profiles ?? []) days = Math.max(days, p.validation.duplicateWindowDays ?? DEFAULT_DUPLICATE_WINDOW_DAYS);
  return days;
}

/**
 * Flags the interchanges of a report that the store has seen before from the same sender (same
 * qualifier, id and control number), within the sender's duplicate window, or twice in this file.
 * `messageId` is the message being checked, which does not count. X12 and EDIFACT alike.
 * `history` is the store (knexHistory) in the pipeline, or what the read-only CLI commands read.
 */
export async function flagDuplicates(history: InterchangeHistory, report: ValidationReport, partners: PartnerRegistry, messageId?: number, now = new Date()): Promise<void> {
  const inThisFile = new Set<string>();
  for (const ic of report.interchanges) {
    if (!ic.controlNumber) continue;
    const key = `${ic.standard}:${ic.senderQualifier}:${ic.senderId}:${ic.controlNumber}`;
    if (inThisFile.has(key)) {
      markDuplicate(ic, { messageId: messageId ?? 0, recordedAt: now, sameFile: true });
      continue;
    }
    inThisFile.add(key);
    const days = (ic.partnerId ? partners.get(ic.partnerId)?.validation.duplicateWindowDays : undefined) ?? DEFAULT_DUPLICATE_WINDOW_DAYS;
    const prior = await history.findPriorInterchange({
      standard: ic.standard, senderQualifier: ic.senderQualifier ?? '', senderId: ic.senderId, controlNumber: ic.controlNumber,
    }, new Date(now.getTime() - days * 86_400_000), messageId);
    if (prior) markDuplicate(ic, prior);
  }
  report.ok = report.ok && report.interchanges.every((i) => !i.duplicate);
}
