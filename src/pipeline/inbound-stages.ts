import { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../log/logger';
import { sniff, type Sniffed } from '../parsers/sniff';
import type { PartnerRegistry } from '../partners/partner-registry';
import type { PartnerProfile } from '../partners/profile.schema';
import type { MessageRow } from '../store/messages.repo';
import type { X12ValidationContext, X12ValidationResult } from '../parsers/x12/x12-validator';
import type { EdifactValidationResult } from '../parsers/edifact/edifact-validator';
import type { PendingEdifactMessage } from '../translators/translate-edifact';

/** What the stages of one inbound message share. Stages add what they learn. */
export interface InboundContext {
  message: MessageRow;
  content: Buffer;
  partners: PartnerRegistry;
  log: Logger;
  sniffed?: Sniffed;
  profile?: PartnerProfile;
  /** The X12 validation result, once the validate stage has run. */
  x12?: X12ValidationResult;
  /** The context the validate stage validated with: translation validates the content again with it, to read the accepted sets one at a time. */
  x12Validation?: X12ValidationContext;
  /**
   * Problems that do not stop the message: a rejected set beside accepted ones, a set that does not
   * translate. The accepted rest goes on; the message ends as an exception naming these.
   */
  problems: GatewayError[];
  /**
   * Which run of the message this is: 0 the first, n the n-th replay. What a run sends once
   * (acknowledgments) is keyed by it, so the same job run again sends nothing twice.
   */
  generation: number;
  /** True when a retryable failure now would not be retried: a stage that would wait gives up instead. */
  lastAttempt?: boolean;
  /** The EDIFACT validation result, once the EDIFACT validate stage has run. */
  edifact?: EdifactValidationResult;
  /** Accepted EDIFACT messages the validate stage kept for translation. */
  edifactMessages?: PendingEdifactMessage[];
}

/** One step of the inbound path. Returns a line for the audit trail; throws a GatewayError to stop. */
export interface InboundStage {
  name: string;
  /** The standard this stage is for; on a message of another it neither runs nor shows in the trail. */
  standard?: Sniffed['standard'];
  run(ctx: InboundContext): Promise<string | void> | string | void;
}

export const identifyStage: InboundStage = {
  name: 'identify',
  run(ctx) {
    const s = sniff(ctx.content);
    if (s.standard === 'unknown') throw new GatewayError('FORMAT_UNKNOWN', s.reason);
    ctx.sniffed = s;
    return `${s.standard} interchange ${s.controlNumber} from ${s.sender.qualifier ?? ''}${s.sender.qualifier ? ':' : ''}${s.sender.id}`;
  },
};

export const routeStage: InboundStage = {
  name: 'route',
  run(ctx) {
    const s = ctx.sniffed;
    if (!s || s.standard === 'unknown') throw new GatewayError('INTERNAL', 'route ran before identify');
    const bySender = ctx.partners.senderOf(s);
    const sender = `${s.standard} sender ${s.sender.qualifier ? `${s.sender.qualifier}:` : ''}${s.sender.id}`;
    if (ctx.message.partnerId) {
      const expected = ctx.partners.get(ctx.message.partnerId);
      if (!expected) throw new GatewayError('PARTNER_UNKNOWN', `partner '${ctx.message.partnerId}' has no profile`);
      if (bySender && bySender.id !== expected.id) {
        throw new GatewayError('PARTNER_MISMATCH',
          `${sender} belongs to partner '${bySender.id}', but the file came through '${expected.id}'`);
      }
      if (!bySender) throw new GatewayError('PARTNER_UNKNOWN', `${sender} is not an identifier of partner '${expected.id}'`);
      ctx.profile = expected;
    } else {
      if (!bySender) throw new GatewayError('PARTNER_UNKNOWN', `${sender} is not in any partner profile`);
      ctx.profile = bySender;
    }
    return `partner ${ctx.profile.id}`;
  },
};

/** The stages that need nothing but the message: what every inbound path starts with. */
export const DEFAULT_INBOUND_STAGES: readonly InboundStage[] = [identifyStage, routeStage];
