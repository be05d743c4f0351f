import type { Knex } from 'knex';
import { GatewayError } from '../errors/gateway-error';
import { saveDocuments } from '../store/documents.repo';
import { translateEdifact } from '../translators/translate-edifact';
import { translateX12 } from '../translators/translate-x12';
import type { InboundStage } from './inbound-stages';

/**
 * Accepted sets -> canonical documents, stored with the message. A set that does not translate
 * (an unknown item, a store number missing from the table) is named as a problem and the others
 * still go on: one bad line must not hold up the rest of the file.
 */
export function translateStage(deps: { knex: Knex }): InboundStage {
  return {
    name: 'translate',
    async run(ctx) {
      if (!ctx.x12 && !ctx.edifact) return 'nothing to translate';
      const translated = ctx.x12
        ? translateX12(ctx.x12.interchanges, ctx.x12Sets ?? [], ctx.partners)
        : translateEdifact(ctx.edifactMessages ?? [], ctx.partners);
      const docs: Parameters<typeof saveDocuments>[2] = [];
      translated.forEach((t, ordinal) => {
        const control = [t.source.interchangeControl, t.source.groupControl, t.source.setControl].filter(Boolean).join('/');
        if (t.document) docs.push({ ordinal, sourceControl: control, document: t.document });
        for (const issue of t.issues) {
          ctx.problems.push(new GatewayError('TRANSLATION_FAILED', `${t.type} ${t.source.setControl}: ${issue.message}`, { issue }));
        }
      });
      await saveDocuments(deps.knex, ctx.message.id, docs);
      const failed = translated.filter((t) => !t.document).length;
      const kinds = [...new Set(docs.map((d) => d.document.type))].join(', ');
      return `${docs.length} document(s)${kinds ? ` (${kinds})` : ''}${failed ? `, ${failed} set(s) not translated` : ''}`;
    },
  };
}
