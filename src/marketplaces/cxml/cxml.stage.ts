import type { Knex } from 'knex';
import { GatewayError } from '../../errors/gateway-error';
import type { InboundStage } from '../../pipeline/inbound-stages';
import { saveDocuments } from '../../store/documents.repo';
import { orderFromCxml } from './order-request';
import { CxmlSyntaxError, parseCxml } from './parse-cxml';

/**
 * A stored cXML OrderRequest -> the canonical Order, stored as the translate stage stores an 850's
 * (documents row, ordinal 0), so that the odoo stage writes it unchanged. Run again (retry,
 * replay) it rewrites the same row. Anything wrong stops the message as an exception naming the
 * element path (CXML_INVALID), or the item or ship-to the profile's tables lack (TRANSLATION_FAILED).
 */
export function cxmlOrderStage(deps: { knex: Knex }): InboundStage {
  return {
    name: 'cxml',
    standard: 'cXML',
    async run(ctx) {
      if (ctx.sniffed?.standard !== 'cXML') return; // the processor runs this stage only on cXML (narrows the type)
      const profile = ctx.profile;
      if (!profile) throw new GatewayError('INTERNAL', 'the cxml stage ran before route');
      let doc;
      try {
        doc = parseCxml(ctx.content);
      } catch (err) {
        if (err instanceof CxmlSyntaxError) throw new GatewayError('CXML_INVALID', err.message);
        throw err;
      }
      if (doc.requestType !== 'OrderRequest') throw new GatewayError('CXML_INVALID', `cXML/Request holds ${doc.requestType}: the gateway takes OrderRequest`);
      const { order, issues } = orderFromCxml(doc, profile, { messageId: ctx.message.id });
      if (issues.length || !order) {
        const code = issues.every((i) => i.business) ? 'TRANSLATION_FAILED' : 'CXML_INVALID';
        const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
        throw new GatewayError(code, `OrderRequest ${order?.poNumber ?? doc.payloadID}: ${issues.slice(0, 5).map((i) => i.message).join('; ')}${more}`, { issues });
      }
      await saveDocuments(deps.knex, ctx.message.id, [{ ordinal: 0, sourceControl: doc.payloadID, document: order }]);
      return `OrderRequest ${order.poNumber} (payloadID ${doc.payloadID}): 1 document (order, ${order.lines.length} line(s))`;
    },
  };
}
