import type { Knex } from 'knex';
import { coerceError, GatewayError } from '../errors/gateway-error';
import type { OdooClient } from '../odoo/client/odoo-client';
import { ODOO_WRITERS } from '../odoo/writers';
import { listDocuments, setOdooLink } from '../store/documents.repo';
import type { InboundStage } from './inbound-stages';

/**
 * The message's stored documents -> Odoo, each by its writer. A document already linked to an
 * Odoo record is done (a replay changes nothing); one that Odoo refuses for good (an unknown
 * product) is named in ctx.problems and the others go on; Odoo being down throws, so the job
 * retries with backoff and the documents that landed meanwhile are skipped next time.
 */
export function odooStage(deps: { knex: Knex; odoo: () => OdooClient }): InboundStage {
  return {
    name: 'odoo',
    async run(ctx) {
      const docs = (await listDocuments(deps.knex, ctx.message.id)).filter((d) => ODOO_WRITERS[d.body.type]);
      if (!docs.length) return 'nothing for Odoo';
      const profile = ctx.profile;
      if (!profile) throw new GatewayError('INTERNAL', 'the odoo stage ran before route');
      const notes: string[] = [];
      let failed = 0;
      for (const doc of docs) {
        if (doc.odooId !== null) {
          notes.push(`${doc.businessKey ?? doc.type}: already ${doc.odooModel} ${doc.odooId}`);
          continue;
        }
        try {
          const result = await ODOO_WRITERS[doc.body.type]!(doc.body, { client: deps.odoo(), profile, log: ctx.log });
          await setOdooLink(deps.knex, doc.id, result);
          notes.push(result.note);
        } catch (err) {
          const e = coerceError(err);
          if (e.retryable) throw e;
          failed++;
          ctx.problems.push(new GatewayError(e.code, `${doc.type} ${doc.businessKey ?? doc.ordinal}: ${e.message}`, { ...e.details, documentId: doc.id }));
        }
      }
      return `${notes.join('; ')}${failed ? `${notes.length ? '; ' : ''}${failed} document(s) not written` : ''}`;
    },
  };
}
