import type { Knex } from 'knex';
import { GatewayError } from '../../errors/gateway-error';
import type { InboundStage } from '../../pipeline/inbound-stages';
import { saveDocuments } from '../../store/documents.repo';
import { orderFromAmazon } from './amazon-order';

/**
 * A stored Amazon order -> the canonical Order, stored as the translate stage stores an 850's
 * (documents row, ordinal 0), so that the odoo stage writes it unchanged; run again (retry,
 * replay) it rewrites the same row. A malformed order stops as FORMAT_UNKNOWN naming the field;
 * a SKU the items table lacks as TRANSLATION_FAILED, which a person fixes and replays.
 */
export function amazonOrderStage(deps: { knex: Knex }): InboundStage {
  return {
    name: 'amazon',
    standard: 'Amazon',
    async run(ctx) {
      if (ctx.sniffed?.standard !== 'Amazon') return; // the processor runs this stage only on Amazon (narrows the type)
      const profile = ctx.profile;
      if (!profile) throw new GatewayError('INTERNAL', 'the amazon stage ran before route');
      let raw: unknown;
      try {
        raw = JSON.parse(ctx.content.toString('utf8'));
      } catch (err) {
        throw new GatewayError('FORMAT_UNKNOWN', `stored Amazon order ${ctx.sniffed.controlNumber} is not JSON: ${(err as Error).message}`);
      }
      const { order, issues } = orderFromAmazon(raw, profile, { messageId: ctx.message.id });
      if (issues.length || !order) {
        const code = issues.every((i) => i.business) ? 'TRANSLATION_FAILED' : 'FORMAT_UNKNOWN';
        const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
        throw new GatewayError(code, `Amazon order ${ctx.sniffed.controlNumber}: ${issues.slice(0, 5).map((i) => i.message).join('; ')}${more}`, { issues });
      }
      await saveDocuments(deps.knex, ctx.message.id, [{ ordinal: 0, sourceControl: order.poNumber, document: order }]);
      return `Amazon order ${order.poNumber} (${order.purpose}): 1 document (order, ${order.lines.length} line(s))`;
    },
  };
}
