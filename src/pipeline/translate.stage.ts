import type { Knex } from 'knex';
import { GatewayError } from '../errors/gateway-error';
import { validateX12BytesStepwise } from '../parsers/x12/validate-stream';
import { saveDocuments } from '../store/documents.repo';
import { translateEdifact } from '../translators/translate-edifact';
import { translateX12Set, translateX12Ta1s, usableX12Profile, X12_TRANSLATORS, type TranslatedSet } from '../translators/translate-x12';
import type { InboundStage } from './inbound-stages';
import { StageProgress, type ProgressOptions } from './progress';

/** Documents stored per transaction while a big file is translated. */
const CHUNK = 500;

/**
 * Accepted sets -> canonical documents, stored with the message. A set that does not translate
 * (an unknown item, a store number missing from the table) is named as a problem and the others
 * still go on: one bad line must not hold up the rest of the file.
 *
 * X12 is read again from the content, set by set (the validate stage kept no sets), and the
 * documents are stored CHUNK at a time, each chunk in a transaction: memory holds a few hundred
 * sets, whatever the file's size. Only accepted sets of accepted, non-duplicate interchanges are
 * translated, and a document's ordinal is its place among them (after the TA1s), as always: a
 * rerun or replay rewrites the same rows.
 */
export function translateStage(deps: { knex: Knex; progress?: ProgressOptions }): InboundStage {
  return {
    name: 'translate',
    async run(ctx) {
      if (!ctx.x12 && !ctx.edifact) return 'nothing to translate';
      let ordinal = 0;
      let stored = 0;
      let failed = 0;
      const kinds = new Set<string>();
      let chunk: Parameters<typeof saveDocuments>[2] = [];
      const take = (t: TranslatedSet) => {
        const control = [t.source.interchangeControl, t.source.groupControl, t.source.setControl].filter(Boolean).join('/');
        if (t.document) { chunk.push({ ordinal, sourceControl: control, document: t.document }); kinds.add(t.document.type); stored++; } else failed++;
        ordinal++;
        for (const issue of t.issues) {
          ctx.problems.push(new GatewayError('TRANSLATION_FAILED', `${t.type} ${t.source.setControl}: ${issue.message}`, { issue, setType: t.type, setControl: t.source.setControl }));
        }
      };
      const flush = async () => {
        if (!chunk.length) return;
        const docs = chunk;
        chunk = [];
        await saveDocuments(deps.knex, ctx.message.id, docs);
      };

      if (ctx.x12) {
        const interchanges = ctx.x12.interchanges;
        translateX12Ta1s(interchanges, ctx.partners).forEach(take);
        const total = interchanges.reduce((n, ic) => n + (usableX12Profile(ic, ctx.partners)
          ? ic.groups.reduce((m, g) => m + g.sets.filter((s) => s.status !== 'rejected' && X12_TRANSLATORS[s.type]).length, 0) : 0), 0);
        let sets = 0;
        if (total) {
          const progress = new StageProgress({ knex: deps.knex, log: ctx.log, messageId: ctx.message.id, stage: 'translate', total, what: 'sets translated', options: deps.progress });
          await validateX12BytesStepwise(ctx.content, {
            ...ctx.x12Validation, keepAcceptedSets: false,
            onSet: (set, segments, group, ic, index) => {
              const first = interchanges[index];
              const profile = first && usableX12Profile(first, ctx.partners);
              if (!profile) return;
              const t = translateX12Set(set, segments, group, ic, profile);
              if (t) { take(t); sets++; }
            },
          }, async () => {
            // What the trail says is translated is stored.
            const due = progress.due(sets);
            if (due || chunk.length >= CHUNK) await flush();
            if (due) await progress.tick(sets);
          });
          // The second reading must find what the first did; anything else would lose or invent documents.
          if (sets !== total) throw new GatewayError('INTERNAL', `reading the content again found ${sets} set(s) to translate, validation found ${total}`);
        }
      } else {
        translateEdifact(ctx.edifactMessages ?? [], ctx.partners).forEach(take);
      }
      await flush();
      const kindList = [...kinds].join(', ');
      return `${stored} document(s)${kindList ? ` (${kindList})` : ''}${failed ? `, ${failed} set(s) not translated` : ''}`;
    },
  };
}
