import type { Knex } from 'knex';
import type { CanonicalDocument } from '../canonical';
import type { GatewayConfig } from '../config/gateway.config';
import { GatewayError } from '../errors/gateway-error';
import { reportErrorLines } from '../parsers/x12/validate-outbound';
import { recordOutboundEdifact } from '../store/edifact-acks.repo';
import { renderForPartner, type RenderedForPartner } from '../translators/render-for-partner';
import type { PartnerProfile } from '../partners/profile.schema';
import type { JobQueue } from '../queue/job-queue';
import { storeControlNumbers, storeSsccSerials } from '../store/control-numbers.repo';
import { recordOutbound } from '../store/outbound-acks.repo';
import { saveDocuments } from '../store/documents.repo';
import { enqueueOutbound } from './outbox';
import { cycleFor } from './outbound-schedule';
import { channelOutboundFor } from '../marketplaces';

export interface RenderedOutbound {
  messageId: number;
  /** False when `key` named a document already queued: nothing was rendered or numbered again. */
  created: boolean;
  rendered?: RenderedForPartner;
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
  const channel = docs.length === 1 ? channelOutboundFor(profile, docs[0].type) : undefined;
  if (channel) {
    // A marketplace or network: its own form, one document per message, delivered by its API.
    const r = channel.render(docs[0], profile, { now: options.now ?? new Date() });
    const { messageId } = await enqueueOutbound(trx, queue, { partnerId: profile.id, label: r.label, content: r.content, key: options.key, description: r.description,
      cycle: cycleFor(profile, [docs[0].type]) });
    await keepDocuments(trx, messageId, docs, r.label);
    return { messageId, created: true };
  }
  const rendered = await renderForPartner(docs, profile, {
    self: config.self, controlNumbers: storeControlNumbers(trx, profile.id), ssccSerials: storeSsccSerials(trx), now: options.now ?? new Date(),
  });
  // Never send what our own validator would reject (a name too long for N102, an unknown code ...).
  if (!rendered.report.ok) {
    const errors = reportErrorLines(rendered.report);
    throw new GatewayError('DOCUMENT_UNRENDERABLE', `the ${profile.id} interchange fails validation: ${errors.slice(0, 3).join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`);
  }
  const control = rendered.standard === 'X12' ? String(rendered.spec.controlNumber).padStart(9, '0') : rendered.spec.controlRef;
  const types = rendered.standard === 'X12'
    ? [...new Set(rendered.spec.groups.flatMap((g) => g.sets.map((s) => s.type)))].join('-')
    : [...new Set((rendered.spec.messages ?? []).map((m) => m.type))].join('-');
  const { messageId } = await enqueueOutbound(trx, queue, {
    partnerId: profile.id, label: `${types}-${control}`, content: rendered.bytes, key: options.key,
    description: `${types} interchange ${control} (${docs.length} document${docs.length === 1 ? '' : 's'})`,
    cycle: cycleFor(profile, [...types.split('-'), ...docs.map((d) => d.type)]),
  });
  await keepDocuments(trx, messageId, docs, control);
  if (rendered.standard === 'X12') await recordOutbound(trx, { messageId, partnerId: profile.id, spec: rendered.spec, expectAck: rendered.expectAck });
  else await recordOutboundEdifact(trx, { messageId, partnerId: profile.id, spec: rendered.spec, expectAck: rendered.expectAck });
  return { messageId, created: true, rendered };
}

/**
 * The canonical documents an outbound message says, kept beside it as an inbound message's are:
 * the reconciliation joins what we acknowledged, shipped and invoiced to the order by them.
 */
function keepDocuments(trx: Knex.Transaction, messageId: number, docs: CanonicalDocument[], control: string): Promise<void> {
  return saveDocuments(trx, messageId, docs.map((document, ordinal) => ({ ordinal, sourceControl: control, document })));
}
