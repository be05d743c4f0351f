import type { Knex } from 'knex';
import type { OrderPurpose } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import type { InboundStage } from '../../pipeline/inbound-stages';
import { saveDocuments } from '../../store/documents.repo';
import { parseEnvelope, type OrderEnvelope } from './order-envelope';
import { orderFromShopify } from './order-translate';

export const SHOPIFY_TRANSPORT = 'shopify';

/** The transport ref of one stored order version: `<partner id>/<order gid>/<updatedAt>`. */
export function orderRef(partnerId: string, orderId: string, updatedAt: string): string {
  return `${partnerId}/${orderId}/${updatedAt}`;
}

/** The prefix every stored version of one order shares. */
export const orderRefPrefix = (partnerId: string, orderId: string) => `${partnerId}/${orderId}/`;

/**
 * Whether an earlier version of this order was stored before this message: the first version is
 * the original order, every later one a change (the same message replayed stays what it was).
 */
async function purposeOf(knex: Knex, messageId: number, partnerId: string, orderId: string): Promise<OrderPurpose> {
  const earlier = await knex('messages').where({ direction: 'in', transport: SHOPIFY_TRANSPORT, partner_id: partnerId })
    .andWhere('transport_ref', 'like', `${orderRefPrefix(partnerId, orderId)}%`).andWhere('id', '<', messageId).first('id');
  return earlier ? 'change' : 'original';
}

/**
 * A stored Shopify order -> the canonical Order, stored as the translate stage stores an 850's
 * (documents row, ordinal 0) for the odoo stage to write. The first stored version of an order is
 * its original; a later one (the pull stores a version only when what Odoo holds of it changed) is
 * a change, which the order writer applies while nothing has shipped, and a cancelled order a
 * cancel. An order cancelled before it ever reached Odoo leaves nothing to write.
 */
export function shopifyOrderStage(deps: { knex: Knex }): InboundStage {
  return {
    name: 'shopify',
    standard: 'Shopify',
    async run(ctx) {
      if (ctx.sniffed?.standard !== 'Shopify') return; // the processor runs this stage only on Shopify (narrows the type)
      const profile = ctx.profile;
      if (!profile) throw new GatewayError('INTERNAL', 'the shopify stage ran before route');
      let env: OrderEnvelope;
      try {
        env = parseEnvelope(ctx.content);
      } catch (err) {
        throw new GatewayError('TRANSLATION_FAILED', `the stored Shopify order is not readable JSON: ${(err as Error).message}`);
      }
      const purpose = await purposeOf(deps.knex, ctx.message.id, profile.id, env.shopify.orderId);
      const { order, issues, nothing } = orderFromShopify(env, profile, { purpose, messageId: ctx.message.id });
      if (nothing) return nothing;
      if (issues.length || !order) {
        const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
        throw new GatewayError('TRANSLATION_FAILED', `Shopify order ${env.shopify.name}: ${issues.slice(0, 5).map((i) => i.message).join('; ')}${more}`, { issues });
      }
      await saveDocuments(deps.knex, ctx.message.id, [{ ordinal: 0, sourceControl: env.shopify.orderId, document: order }]);
      return `Shopify order ${order.poNumber} (${order.purpose}, updated ${env.shopify.updatedAt}): 1 document (order, ${order.lines.length} line(s))`;
    },
  };
}
