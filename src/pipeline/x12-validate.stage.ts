import { ackAccepted } from '../acks/overdue-acks';
import type { Knex } from 'knex';
import { buildX12Acks } from '../acks/x12-acks';
import type { GatewayConfig } from '../config/gateway.config';
import { GatewayError } from '../errors/gateway-error';
import { validateX12Bytes } from '../parsers/x12/validate-stream';
import type { InterchangeDetail, X12ValidationResult } from '../parsers/x12/x12-validator';
import type { RawSegment } from '../parsers/x12/segment-reader';
import { readFunctionalAck, readTa1 } from '../acks/read-x12-acks';
import { applyGroupAck, applyTa1, recordOutbound } from '../store/outbound-acks.repo';
import { recordStage } from '../store/messages.repo';
import type { JobQueue } from '../queue/job-queue';
import { recordInterchange } from '../store/interchanges.repo';
import { knexHistory } from '../store/history';
import { inSharedTransaction } from '../store/transaction-groups';
import type { InboundStage } from './inbound-stages';
import { ackKey, ackNumbers, enqueueOutbound } from './outbox';
import type { PartnerProfile } from '../partners/profile.schema';
import { flagX12Duplicates, x12Context } from './x12-inspect';

/**
 * Matches the TA1s and accepted 997/999s of a received message to what we sent, and turns a
 * partner's rejection into an exception on our outbound message. Returns notes for the trail.
 */
async function applyReceivedAcks(trx: Knex.Transaction, messageId: number, result: X12ValidationResult,
  functionalAcks: { ic: InterchangeDetail; segments: readonly RawSegment[]; accepted: boolean }[]): Promise<string[]> {
  const notes: string[] = [];
  for (const ic of result.interchanges) {
    const partnerId = ic.report.partnerId;
    if (!partnerId || ic.report.status !== 'accepted') continue;
    for (const seg of ic.ta1s) {
      const ta1 = readTa1(seg);
      const outbound = await applyTa1(trx, partnerId, ta1, messageId);
      if (outbound === undefined) { notes.push(`TA1 for interchange ${ta1.controlNumber} matches nothing we sent`); continue; }
      notes.push(`TA1 ${ta1.status} ${ta1.noteCode} for our message ${outbound}`);
      if (ta1.status === 'R') await recordStage(trx, outbound, { stage: 'acknowledged', outcome: 'failed', status: 'exception', code: 'PARTNER_REJECTED', detail: `the partner's TA1 rejected interchange ${ta1.controlNumber} with note code ${ta1.noteCode} (message ${messageId})` });
      else await ackAccepted(trx, outbound, `TA1 ${ta1.status} ${ta1.noteCode} (message ${messageId})`);
    }
  }
  for (const fa of functionalAcks) {
    const partnerId = fa.ic.report.partnerId;
    if (!partnerId || !fa.accepted || fa.ic.report.status !== 'accepted') continue;
    const ack = readFunctionalAck(fa.segments);
    if (!ack) continue;
    const match = await applyGroupAck(trx, partnerId, ack, messageId);
    if (!match) { notes.push(`acknowledgment of ${ack.functionalId} group ${ack.groupControl} matches nothing we sent`); continue; }
    notes.push(`${ack.functionalId} group ${ack.groupControl} acknowledged ${ack.status} (our message ${match.messageId})`);
    const rejected = !['A', 'E'].includes(ack.status) || match.rejectedSets.length > 0;
    if (rejected) await recordStage(trx, match.messageId, { stage: 'acknowledged', outcome: 'failed', status: 'exception', code: 'PARTNER_REJECTED',
        detail: `the partner rejected group ${ack.groupControl} (AK9 ${ack.status}${ack.errorCodes.length ? ` ${ack.errorCodes.join(',')}` : ''})${match.rejectedSets.map((s) => `; set ${s.type} ${s.controlNumber}: ${s.detail}`).join('')} (message ${messageId})` });
    else await ackAccepted(trx, match.messageId, `group ${ack.groupControl} acknowledged ${ack.status} (message ${messageId})`);
  }
  return notes;
}

export interface X12StageDeps {
  knex: Knex;
  queue: JobQueue;
  config: GatewayConfig;
}

function firstProblems(result: X12ValidationResult, max = 3): string {
  const out: string[] = [];
  for (const ic of result.report.interchanges) {
    for (const e of ic.errors) out.push(`ISA ${ic.controlNumber}: ${e.message} (TA1 ${e.code})`);
    for (const g of ic.groups) {
      for (const e of g.errors) out.push(`group ${g.controlNumber}: ${e.message} (AK9 ${e.code})`);
      for (const s of g.sets) {
        for (const e of s.errors) out.push(`${s.type} ${s.controlNumber}${e.segment ? ` ${e.segment}@${e.position}` : ''}: ${e.message} (code ${e.code})`);
      }
    }
  }
  for (const e of result.report.errors) out.push(e.message);
  return out.slice(0, max).join('; ') + (out.length > max ? `; and ${out.length - max} more` : '');
}

/**
 * Validates an X12 message, records its interchanges (duplicates flagged), and queues the
 * acknowledgments the partner's profile asks for. A rejected or duplicate interchange stops the
 * message here, as an exception that names the first problems.
 */
export function x12ValidateStage(deps: X12StageDeps): InboundStage {
  return {
    name: 'validate',
    standard: 'X12',
    async run(ctx) {
      if (ctx.sniffed?.standard !== 'X12') return; // the processor runs this stage only on X12 (narrows the type)
      // 997/999 sets are kept whole: they acknowledge what we sent.
      const functionalAcks: { ic: InterchangeDetail; segments: readonly RawSegment[]; accepted: boolean }[] = [];
      // The sets themselves are not kept: translation reads the content again, once duplicates are
      // known, and stores their documents as it goes (translate.stage.ts), so that a file of 88,000
      // orders is never in memory as segments or documents. Every set's result stays (the 997 lists them).
      const validation = x12Context(deps.config, ctx.partners);
      const result = validateX12Bytes(ctx.content, {
        ...validation,
        onSet: (set, segments, g, ic) => {
          if (set.type === '997' || set.type === '999') functionalAcks.push({ ic, segments, accepted: set.status !== 'rejected' });
        },
      });
      await flagX12Duplicates(knexHistory(deps.knex), result, ctx.partners, ctx.message.id);
      const now = new Date();
      const notes: string[] = [];
      const acksFor = (ic: InterchangeDetail, partner: PartnerProfile, controlNumbers: { interchange: number; group: number }) =>
        buildX12Acks(ic, { self: deps.config.self.x12, partner, now, controlNumbers });
      // The numbers first, outside the transaction (ackNumbers says why), for the interchanges owed an acknowledgment.
      const numbered = await ackNumbers(deps.knex, ctx.message.id, ctx.generation, result.interchanges.flatMap((ic, ordinal) => {
        const partner = ic.report.partnerId ? ctx.partners.get(ic.report.partnerId) : undefined;
        return partner && acksFor(ic, partner, { interchange: 1, group: 1 }).text ? [{ ordinal, partnerId: partner.id }] : [];
      }), ['isa', 'gs']);
      // Acknowledgments are sent once per run of the message: a job run again finds its key and
      // sends nothing twice; a replay (a person's decision, a new generation) sends them again, as
      // a new interchange with its own control numbers.
      // Shared with the validate stages of other lanes (transaction-groups.ts): it may run twice, so it keeps nothing outside.
      notes.push(...await inSharedTransaction(deps.knex, async (trx) => {
        const applied = await applyReceivedAcks(trx, ctx.message.id, result, functionalAcks);
        for (const [ordinal, ic] of result.interchanges.entries()) {
          const r = ic.report;
          await recordInterchange(trx, { messageId: ctx.message.id, ordinal, direction: 'in', standard: 'X12',
            senderQualifier: r.senderQualifier ?? '', senderId: r.senderId, receiverQualifier: r.receiverQualifier ?? '', receiverId: r.receiverId,
            controlNumber: r.controlNumber, partnerId: r.partnerId, status: r.duplicate ? 'duplicate' : r.status });
          const partner = r.partnerId ? ctx.partners.get(r.partnerId) : undefined;
          const numbers = numbered.get(ordinal);
          if (!partner || !numbers) continue; // nobody to send an acknowledgment to, none owed, or sent already
          const key = ackKey(ctx.message.id, ordinal, ctx.generation);
          const acks = acksFor(ic, partner, { interchange: numbers.isa, group: numbers.gs });
          if (!acks.text) continue;
          const kinds = [acks.ta1 ? 'TA1' : '', acks.functional ?? ''].filter(Boolean).join('+');
          const { messageId: ackId, created } = await enqueueOutbound(trx, deps.queue, {
            partnerId: partner.id, content: Buffer.from(acks.text, 'latin1'), key,
            label: `${kinds.replace('+', '-')}-${String(acks.spec!.controlNumber).padStart(9, '0')}`,
            description: `${kinds} for interchange ${r.controlNumber} (message ${ctx.message.id}${ctx.generation ? `, replay ${ctx.generation}` : ''})`,
          });
          // Stored meanwhile by another run of the same job: that run recorded it.
          if (created) await recordOutbound(trx, { messageId: ackId, partnerId: partner.id, spec: acks.spec! });
        }
        return applied;
      }));
      ctx.x12 = result;
      ctx.x12Validation = validation;
      const ics = result.report.interchanges;
      const usable = result.interchanges.filter((i) => i.report.status === 'accepted' && !i.report.duplicate);
      const accepted = usable.reduce((n, i) => n + i.report.groups.reduce((m, g) => m + g.acceptedCount, 0), 0);
      const total = ics.reduce((n, i) => n + i.groups.reduce((m, g) => m + g.setCount, 0), 0);
      // Nothing usable: the message stops here. Some sets accepted (and acknowledged as such): they
      // go on, and the rest is left as an exception at the end.
      const code = ics.some((i) => i.duplicate) ? 'INTERCHANGE_DUPLICATE' : 'INTERCHANGE_REJECTED';
      if (!result.report.ok && (accepted === 0 && !usable.some((i) => i.ta1s.length))) {
        throw new GatewayError(code, firstProblems(result, code === 'INTERCHANGE_DUPLICATE' ? 1 : 3));
      }
      if (!result.report.ok) ctx.problems.push(new GatewayError(code, firstProblems(result, code === 'INTERCHANGE_DUPLICATE' ? 1 : 3)));
      return [`${ics.length} interchange(s), ${accepted} of ${total} transaction set(s) accepted`, ...notes].join('; ');
    },
  };
}
