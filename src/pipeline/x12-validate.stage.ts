import type { Knex } from 'knex';
import { buildX12Acks } from '../acks/x12-acks';
import type { GatewayConfig } from '../config/gateway.config';
import { GatewayError } from '../errors/gateway-error';
import { validateX12Bytes } from '../parsers/x12/validate-stream';
import type { X12ValidationResult } from '../parsers/x12/x12-validator';
import type { JobQueue } from '../queue/job-queue';
import { nextControlNumber } from '../store/control-numbers.repo';
import { recordInterchange } from '../store/interchanges.repo';
import type { InboundStage } from './inbound-stages';
import { enqueueOutbound } from './outbox';
import { flagX12Duplicates, x12Context } from './x12-inspect';

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
    async run(ctx) {
      if (ctx.sniffed?.standard !== 'X12') return 'not X12: left to the EDIFACT engine';
      const result = validateX12Bytes(ctx.content, x12Context(deps.config, ctx.partners));
      await flagX12Duplicates(deps.knex, result, ctx.partners, ctx.message.id);
      const now = new Date();
      await deps.knex.transaction(async (trx) => {
        for (const [ordinal, ic] of result.interchanges.entries()) {
          const r = ic.report;
          await recordInterchange(trx, { messageId: ctx.message.id, ordinal, direction: 'in', standard: 'X12',
            senderQualifier: r.senderQualifier ?? '', senderId: r.senderId, receiverQualifier: r.receiverQualifier ?? '', receiverId: r.receiverId,
            controlNumber: r.controlNumber, partnerId: r.partnerId, status: r.duplicate ? 'duplicate' : r.status });
          const partner = r.partnerId ? ctx.partners.get(r.partnerId) : undefined;
          if (!partner) continue; // nobody to send an acknowledgment to
          const acks = buildX12Acks(ic, {
            self: deps.config.self.x12, partner, now,
            controlNumbers: { interchange: await nextControlNumber(trx, partner.id, 'isa'), group: await nextControlNumber(trx, partner.id, 'gs') },
          });
          if (!acks.text) continue;
          const kinds = [acks.ta1 ? 'TA1' : '', acks.functional ?? ''].filter(Boolean).join('+');
          await enqueueOutbound(trx, deps.queue, {
            partnerId: partner.id, content: Buffer.from(acks.text, 'latin1'),
            filename: `${kinds.replace('+', '-')}-${r.controlNumber}-${ctx.message.id}.edi`,
            description: `${kinds} for interchange ${r.controlNumber} (message ${ctx.message.id})`,
          });
        }
      });
      ctx.x12 = result;
      const ics = result.report.interchanges;
      if (ics.some((i) => i.duplicate)) throw new GatewayError('INTERCHANGE_DUPLICATE', firstProblems(result, 1));
      if (!result.report.ok) throw new GatewayError('INTERCHANGE_REJECTED', firstProblems(result));
      const sets = ics.reduce((n, i) => n + i.groups.reduce((m, g) => m + g.setCount, 0), 0);
      return `${ics.length} interchange(s), ${sets} transaction set(s) accepted`;
    },
  };
}
