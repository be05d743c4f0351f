import { ackAccepted } from '../acks/overdue-acks';
import type { Knex } from 'knex';
import { buildContrl } from '../acks/edifact-acks';
import { readAperak, readContrl } from '../acks/read-edifact-acks';
import type { GatewayConfig } from '../config/gateway.config';
import { GatewayError } from '../errors/gateway-error';
import type { EdifactValidationResult, InterchangeDetail } from '../parsers/edifact/edifact-validator';
import type { EdifactSegment } from '../parsers/edifact/segment';
import { validateEdifactBytes } from '../parsers/edifact/validate-stream';
import type { JobQueue } from '../queue/job-queue';
import { applyAperak, applyContrl, recordOutboundEdifact } from '../store/edifact-acks.repo';
import { recordInterchange } from '../store/interchanges.repo';
import { knexHistory } from '../store/history';
import { inSharedTransaction } from '../store/transaction-groups';
import { recordStage } from '../store/messages.repo';
import { edifactContext, flagEdifactDuplicates } from './edifact-inspect';
import { collectAcceptedMessages, type PendingEdifactMessage } from '../translators/translate-edifact';
import type { InboundStage } from './inbound-stages';
import { ackKey, ackNumbers, enqueueOutbound } from './outbox';
import type { PartnerProfile } from '../partners/profile.schema';

interface ReceivedAck { ic: InterchangeDetail; type: 'CONTRL' | 'APERAK'; segments: readonly EdifactSegment[] }

/**
 * Matches the CONTRL and APERAK messages of a received interchange to what we sent, and turns a
 * partner's rejection into an exception on our outbound message. Returns notes for the trail.
 */
async function applyReceivedAcks(trx: Knex.Transaction, messageId: number, acks: ReceivedAck[]): Promise<string[]> {
  const notes: string[] = [];
  for (const a of acks) {
    const partnerId = a.ic.report.partnerId;
    if (!partnerId || a.ic.report.status !== 'accepted') continue;
    if (a.type === 'CONTRL') {
      const contrl = readContrl(a.segments);
      if (!contrl) continue;
      const match = await applyContrl(trx, partnerId, contrl, messageId);
      if (!match) { notes.push(`CONTRL for interchange ${contrl.interchangeRef} matches nothing we sent`); continue; }
      notes.push(`CONTRL ${contrl.action} for our interchange ${contrl.interchangeRef} (message ${match.messageId})`);
      const rejected = contrl.action === '4' || match.rejectedMessages.length > 0;
      if (rejected) await recordStage(trx, match.messageId, { stage: 'acknowledged', outcome: 'failed', status: 'exception', code: 'PARTNER_REJECTED',
          detail: `the partner's CONTRL rejected interchange ${contrl.interchangeRef}${contrl.errorCode ? ` (code ${contrl.errorCode})` : ''}${match.rejectedMessages.map((m) => `; ${m.type} ${m.reference}: ${m.detail}`).join('')} (message ${messageId})` });
      else await ackAccepted(trx, match.messageId, `CONTRL ${contrl.action} for interchange ${contrl.interchangeRef} (message ${messageId})`);
    } else {
      const aperak = readAperak(a.segments);
      const match = await applyAperak(trx, partnerId, aperak);
      if (!match) { notes.push(`APERAK for message ${aperak.messageRef ?? '(no RFF+ACW)'} matches nothing we sent`); continue; }
      notes.push(`APERAK ${aperak.rejected ? 'rejecting' : 'accepting'} our ${match.type} ${match.reference} (message ${match.messageId})`);
      if (aperak.rejected) await recordStage(trx, match.messageId, { stage: 'acknowledged', outcome: 'failed', status: 'exception', code: 'PARTNER_REJECTED',
          detail: `the partner's APERAK rejected ${match.type} ${match.reference}${aperak.errorCodes.length ? ` (errors ${aperak.errorCodes.join(',')})` : ''}${aperak.texts.length ? `: ${aperak.texts.join(' ')}` : ''} (message ${messageId})` });
      else await ackAccepted(trx, match.messageId, `APERAK for ${match.type} ${match.reference} (message ${messageId})`);
    }
  }
  return notes;
}

function firstProblems(result: EdifactValidationResult, max = 3): string {
  const out: string[] = [];
  for (const ic of result.report.interchanges) {
    for (const e of ic.errors) out.push(`UNB ${ic.controlNumber}: ${e.message} (UCI ${e.code})`);
    for (const g of ic.groups) {
      for (const e of g.errors) out.push(`UNG ${g.controlNumber}: ${e.message} (UCF ${e.code})`);
      for (const s of g.sets) for (const e of s.errors) out.push(`${s.type} ${s.controlNumber}${e.segment && e.position ? ` ${e.segment}@${e.position}` : ''}: ${e.message} (code ${e.code})`);
    }
  }
  for (const e of result.report.errors) out.push(e.message);
  return out.slice(0, max).join('; ') + (out.length > max ? `; and ${out.length - max} more` : '');
}

export interface EdifactStageDeps {
  knex: Knex;
  queue: JobQueue;
  config: GatewayConfig;
}

/**
 * Validates an EDIFACT message, records its interchanges (duplicates flagged), applies the
 * CONTRL/APERAK it carries to what we sent, and queues the CONTRL the partner is owed. A rejected
 * or duplicate interchange stops the message here, as an exception that names the first problems.
 */
export function edifactValidateStage(deps: EdifactStageDeps): InboundStage {
  return {
    name: 'validate-edifact',
    standard: 'EDIFACT',
    async run(ctx) {
      if (ctx.sniffed?.standard !== 'EDIFACT') return; // the processor runs this stage only on EDIFACT (narrows the type)
      const received: ReceivedAck[] = [];
      const pending: PendingEdifactMessage[] = [];
      const keepForTranslation = collectAcceptedMessages(pending);
      const result = validateEdifactBytes(ctx.content, {
        ...edifactContext(deps.config, ctx.partners),
        onMessage: (m, segments, g, ic) => {
          if ((m.type === 'CONTRL' || m.type === 'APERAK') && m.status !== 'rejected') received.push({ ic, type: m.type, segments });
          keepForTranslation(m, segments, g, ic);
        },
      });
      await flagEdifactDuplicates(knexHistory(deps.knex), result, ctx.partners, ctx.message.id);
      const now = new Date();
      const notes: string[] = [];
      const contrlFor = (ic: InterchangeDetail, partner: PartnerProfile, controlNumbers: { interchange: number; message: number }) =>
        buildContrl(ic, { self: deps.config.self.edifact, partner, now, controlNumbers });
      // The numbers first, outside the transaction (ackNumbers says why), for the interchanges owed a CONTRL.
      const numbered = await ackNumbers(deps.knex, ctx.message.id, ctx.generation, result.interchanges.flatMap((ic, ordinal) => {
        const partner = ic.report.partnerId ? ctx.partners.get(ic.report.partnerId) : undefined;
        return partner && contrlFor(ic, partner, { interchange: 1, message: 1 }).bytes ? [{ ordinal, partnerId: partner.id }] : [];
      }), ['unb', 'unh']);
      // A CONTRL is sent once per run of the message: a job run again sends nothing twice, a replay
      // (a new generation) sends a new one, with its own UNB reference.
      // Shared with the validate stages of other lanes (transaction-groups.ts): it may run twice, so it keeps nothing outside.
      notes.push(...await inSharedTransaction(deps.knex, async (trx) => {
        const applied = await applyReceivedAcks(trx, ctx.message.id, received);
        for (const [ordinal, ic] of result.interchanges.entries()) {
          const r = ic.report;
          await recordInterchange(trx, { messageId: ctx.message.id, ordinal, direction: 'in', standard: 'EDIFACT',
            senderQualifier: r.senderQualifier ?? '', senderId: r.senderId, receiverQualifier: r.receiverQualifier ?? '', receiverId: r.receiverId,
            controlNumber: r.controlNumber, partnerId: r.partnerId, status: r.duplicate ? 'duplicate' : r.status });
          const partner = r.partnerId ? ctx.partners.get(r.partnerId) : undefined;
          const numbers = numbered.get(ordinal);
          if (!partner || !numbers) continue; // nobody to send a CONTRL to, none owed, or sent already
          const key = ackKey(ctx.message.id, ordinal, ctx.generation);
          const contrl = contrlFor(ic, partner, { interchange: numbers.unb, message: numbers.unh });
          if (!contrl.bytes) continue;
          const { messageId: ackId, created } = await enqueueOutbound(trx, deps.queue, {
            partnerId: partner.id, content: contrl.bytes, key,
            label: `CONTRL-${contrl.spec!.controlRef}`,
            description: `CONTRL ${contrl.action} for interchange ${r.controlNumber} (message ${ctx.message.id}${ctx.generation ? `, replay ${ctx.generation}` : ''})`,
          });
          // Stored meanwhile by another run of the same job: that run recorded it.
          if (created) await recordOutboundEdifact(trx, { messageId: ackId, partnerId: partner.id, spec: contrl.spec! });
        }
        return applied;
      }));
      ctx.edifact = result;
      ctx.edifactMessages = pending;
      const ics = result.report.interchanges;
      const usable = ics.filter((i) => i.status === 'accepted' && !i.duplicate);
      const accepted = usable.reduce((n, i) => n + i.groups.reduce((m, g) => m + g.acceptedCount, 0), 0);
      const total = ics.reduce((n, i) => n + i.groups.reduce((m, g) => m + g.setCount, 0), 0);
      // As for X12: nothing usable stops here; accepted messages beside rejected ones go on.
      const code = ics.some((i) => i.duplicate) ? 'INTERCHANGE_DUPLICATE' : 'INTERCHANGE_REJECTED';
      const problems = firstProblems(result, code === 'INTERCHANGE_DUPLICATE' ? 1 : 3);
      if (!result.report.ok && accepted === 0) throw new GatewayError(code, problems);
      if (!result.report.ok) ctx.problems.push(new GatewayError(code, problems));
      return [`${ics.length} interchange(s), ${accepted} of ${total} message(s) accepted`, ...notes].join('; ');
    },
  };
}
