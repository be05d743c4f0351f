import type { InterchangeReport } from './validation-report';

/** TA1 note code 025 (X12) and UCI error code 26 (EDIFACT): duplicate interchange. */
const DUPLICATE_CODE = { X12: '025', EDIFACT: '26' } as const;

/** Marks an interchange seen before: rejected, never translated or written again, kept for audit. */
export function markDuplicate(ic: InterchangeReport, prior: { messageId: number; recordedAt: Date; sameFile?: boolean }): void {
  ic.duplicate = true;
  ic.status = 'rejected';
  const sender = `${ic.senderQualifier ? `${ic.senderQualifier}:` : ''}${ic.senderId}`;
  if (prior.sameFile) {
    ic.errors.push({ code: DUPLICATE_CODE[ic.standard], message: `duplicate interchange: ${sender} control number ${ic.controlNumber} appears twice in this file` });
    return;
  }
  const when = new Date(prior.recordedAt).toISOString().slice(0, 19).replace('T', ' ');
  ic.errors.push({
    code: DUPLICATE_CODE[ic.standard],
    message: `duplicate interchange: ${sender} control number ${ic.controlNumber} was received before (message ${prior.messageId}, ${when} UTC)`,
  });
}
