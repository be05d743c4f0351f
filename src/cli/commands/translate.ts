import type { Command } from 'commander';
import type { CanonicalDocument } from '../../canonical';
import { collectAcceptedSets, translateX12, type PendingX12Set } from '../../translators/translate-x12';
import { collectAcceptedMessages, translateEdifact, type PendingEdifactMessage } from '../../translators/translate-edifact';
import { printJson } from '../format';
import { checkFiles } from './validate';
import { isCxmlFile, translateCxmlFile } from '../../marketplaces/cxml/cxml-translate';
import { requireProfiles, warnBrokenOnStderr } from '../../partners/require-profiles';
import { commandContext } from '../context';
import { checkReadable } from '../read-input';

/**
 * `translate FILE...`: accepted transaction sets -> canonical documents (CONTRACTS.md), stores
 * nothing. Sets that fail validation or translation are named on stderr and make the exit 1;
 * the others are still printed.
 */
export function registerTranslate(program: Command): void {
  program
    .command('translate')
    .description('accepted transaction sets -> canonical documents (JSON); stores nothing')
    .argument('<file...>', 'EDI files')
    .option('--json', 'print JSON (the default and only format)')
    .action(async (files: string[], _opts: unknown, cmd: Command) => {
      const documents: CanonicalDocument[] = [];
      let failed = false;
      const pending: PendingX12Set[] = [];
      const messages: PendingEdifactMessage[] = [];
      // cXML OrderRequests are read by their own reader (src/marketplaces/cxml); X12 and EDIFACT by checkFiles.
      checkReadable(files);
      const cxml = files.filter(isCxmlFile);
      if (cxml.length) {
        const partners = requireProfiles(commandContext(cmd).config.profilesDir, { onBroken: warnBrokenOnStderr });
        for (const file of cxml) {
          const t = translateCxmlFile(file, partners);
          if (t.order) documents.push(t.order);
          for (const p of t.problems) { failed = true; process.stderr.write(`${file}: ${p}\n`); }
        }
      }
      const edi = files.filter((f) => !cxml.includes(f));
      if (edi.length) await checkFiles(cmd, edi, async ({ partners }, checked) => {
        for (const c of checked) {
          if (!c.report.ok) {
            failed = true;
            process.stderr.write(`${c.file}: rejected by validation (run validate for the details); only its accepted sets are translated\n`);
          }
          const translated = c.edifact
            ? translateEdifact(messages.filter((m) => c.edifact!.interchanges.includes(m.interchange)), partners)
            : translateX12(c.result?.interchanges ?? [], pending.filter((p) => c.result?.interchanges.includes(p.interchange)), partners);
          for (const t of translated) {
            if (t.document) documents.push(t.document);
            for (const issue of t.issues) {
              failed = true;
              process.stderr.write(`${c.file}: ${t.type} ${t.source.setControl}: ${issue.message}\n`);
            }
          }
        }
      }, { x12: { onSet: collectAcceptedSets(pending) }, edifact: { onMessage: collectAcceptedMessages(messages) } });
      printJson(documents);
      if (failed) process.exitCode = 1;
    });
}
