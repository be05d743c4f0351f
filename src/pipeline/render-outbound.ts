import type { Knex } from 'knex';
import type { CanonicalDocument } from '../canonical';
import type { GatewayConfig } from '../config/gateway.config';
import { GatewayError } from '../errors/gateway-error';
import { reportErrorLines, validateOutbound } from '../parsers/x12/validate-outbound';
import type { PartnerProfile } from '../partners/profile.schema';
import type { JobQueue } from '../queue/job-queue';
import { storeControlNumbers, storeSsccSerials } from '../store/control-numbers.repo';
import { recordOutbound } from '../store/outbound-acks.repo';
import { renderX12, type RenderedX12 } from '../translators/x12/render-x12';
import { enqueueOutbound } from './outbox';

export interface RenderedOutbound {
  messageId: number;
  /** False when `key` named a document already queued: nothing was rendered or numbered again. */
  created: boolean;
  rendered?: RenderedX12;
}

/**
 * Renders canonical documents for a partner and queues the interchange, all in the caller's
 * transaction: the control numbers and SSCC serials it takes, the outbox message and the
 * acknowledgment it expects (recordOutbound, so an overdue 997/999 is noticed) commit together or
 * not at all. What fails our own validator is refused, not sent. `key` names the documents once,
 * so a job that runs again sends nothing twice.
 */
export async function enqueueRendered(trx: Knex.Transaction, queue: JobQueue, config: GatewayConfig, profile: PartnerProfile,
  docs: CanonicalDocument[], options: { key?: string; now?: Date } = {}): Promise<RenderedOutbound> {
  if (options.key) {
    const existing = await trx('messages').where({ transport: 'outbox', transport_ref: options.key }).first('id');
    if (existing) return { messageId: existing.id, created: false };
  }
  const rendered = await renderX12(docs, profile, {
    self: config.self.x12, controlNumbers: storeControlNumbers(trx, profile.id), ssccSerials: storeSsccSerials(trx), now: options.now ?? new Date(),
  });
  // Never send what our own validator would reject (a name too long for N102, an unknown code ...).
  const check = validateOutbound(rendered.text, profile, config.self.x12);
  if (!check.report.ok) {
    const errors = reportErrorLines(check.report);
    throw new GatewayError('DOCUMENT_UNRENDERABLE', `the ${profile.id} interchange fails validation: ${errors.slice(0, 3).join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`);
  }
  const control = String(rendered.spec.controlNumber).padStart(9, '0');
  const types = [...new Set(rendered.spec.groups.flatMap((g) => g.sets.map((s) => s.type)))].join('-');
  const { messageId } = await enqueueOutbound(trx, queue, {
    partnerId: profile.id, filename: `${types}-${control}.edi`, content: Buffer.from(rendered.text), key: options.key,
    description: `${types} interchange ${control} (${docs.length} document${docs.length === 1 ? '' : 's'})`,
  });
  await recordOutbound(trx, { messageId, partnerId: profile.id, spec: rendered.spec, expectAck: rendered.expectAck });
  return { messageId, created: true, rendered };
}
