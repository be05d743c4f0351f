import fs from 'node:fs';
import type { Command } from 'commander';
import { buildContrl } from '../../acks/edifact-acks';
import { buildX12Acks } from '../../acks/x12-acks';
import { GatewayError } from '../../errors/gateway-error';
import { sniff } from '../../parsers/sniff';
import type { ValidationError, ValidationReport } from '../../parsers/validation-report';
import type { EdifactValidationResult } from '../../parsers/edifact/edifact-validator';
import type { EdifactValidationContext } from '../../parsers/edifact/edifact-validator';
import { validateX12Stream } from '../../parsers/x12/validate-stream';
import type { X12ValidationContext, X12ValidationResult } from '../../parsers/x12/x12-validator';
import type { GatewayConfig } from '../../config/gateway.config';
import { edifactContext, flagEdifactDuplicates } from '../../pipeline/edifact-inspect';
import { flagX12Duplicates, x12Context } from '../../pipeline/x12-inspect';
import type { PartnerRegistry } from '../../partners/partner-registry';
import { requireProfiles, warnBrokenOnStderr } from '../../partners/require-profiles';
import { EMPTY_HISTORY, type StoreHistory } from '../../store/history';
import { commandContext } from '../context';
import { openCliHistory } from '../history-source';
import { printJson } from '../format';
import { checkReadable, head } from '../read-input';

function errorLine(e: ValidationError): string {
  const where = [e.segment, e.position !== undefined ? `@${e.position}` : '', e.element !== undefined ? ` ${e.segment ?? ''}${String(e.element).padStart(2, '0')}` : '']
    .join('').trim();
  return `${where ? `${where}  ` : ''}code ${e.code}  ${e.message}`;
}

/** The human report: one line per interchange, group and set, errors indented under them. */
export function formatReport(file: string, r: ValidationReport): string {
  const lines: string[] = [];
  for (const e of r.errors) lines.push(`${file}: ${errorLine(e)}`);
  for (const ic of r.interchanges) {
    lines.push(`${file}  ${ic.standard} ${ic.version}  ${ic.senderId} -> ${ic.receiverId}  interchange ${ic.controlNumber}  partner ${ic.partnerId ?? '(unknown)'}  ${ic.duplicate ? 'DUPLICATE ' : ''}${ic.status}`);
    for (const e of ic.errors) lines.push(`    ${errorLine(e)}`);
    for (const g of ic.groups) {
      lines.push(`  group ${g.functionalId} ${g.controlNumber}  ${g.status} (${g.acceptedCount} of ${g.setCount} sets accepted)`);
      for (const e of g.errors) lines.push(`      ${errorLine(e)}`);
      for (const s of g.sets) {
        lines.push(`    ${s.type} ${s.controlNumber}  ${s.status}`);
        for (const e of s.errors) lines.push(`        ${errorLine(e)}`);
        if (s.errorsOmitted) lines.push(`        ... and ${s.errorsOmitted} more error(s), not listed`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface Checked { file: string; result?: X12ValidationResult; edifact?: EdifactValidationResult; report: ValidationReport }

/** What a check of files reads: the configuration, the profiles, and the store's history (read only). */
export interface CheckContext { config: GatewayConfig; partners: PartnerRegistry; history: StoreHistory }

/**
 * Validates each file against the profiles, then flags the interchanges the store's history has
 * seen before; stores nothing. The history is opened only after the files are read (a big file
 * does not hold a connection to the daemon's store while it streams) and only when some file held
 * an interchange; `after` runs while it is open. No runtime: no job queue, no pipeline, and PGlite
 * only when no cheaper source of the history will do (history-source.ts).
 */
export async function checkFiles(cmd: Command, files: string[], after?: (ctx: CheckContext, checked: Checked[]) => Promise<void>,
  hooks: { x12?: Partial<X12ValidationContext>; edifact?: Partial<EdifactValidationContext>; listAcceptedSets?: (file: string) => boolean } = {}): Promise<Checked[]> {
  checkReadable(files);
  const { config, log } = commandContext(cmd);
  const partners = requireProfiles(config.profilesDir, { onBroken: warnBrokenOnStderr });
  const validated: { file: string; result?: X12ValidationResult; edifact?: EdifactValidationResult; unknown?: string }[] = [];
  for (const file of files) {
    const s = sniff(head(file));
    const keepAcceptedSets = hooks.listAcceptedSets?.(file) ?? true;
    if (s.standard === 'EDIFACT') {
      // Loaded for EDIFACT files only: its definitions' schemas cost an X12 check some 20 ms.
      const { validateEdifactStream } = await import('../../parsers/edifact/validate-stream');
      // 256 KiB reads keep memory flat: a chunk is garbage once read, and V8 frees it only at its next collection.
      const edifact = await validateEdifactStream(fs.createReadStream(file, { highWaterMark: 1 << 18 }), { ...edifactContext(config, partners), keepAcceptedSets, ...hooks.edifact });
      validated.push({ file, edifact });
    } else if (s.standard === 'X12') {
      const result = await validateX12Stream(fs.createReadStream(file, { highWaterMark: 1 << 20 }), { ...x12Context(config, partners), keepAcceptedSets, ...hooks.x12 });
      validated.push({ file, result });
    } else {
      validated.push({ file, unknown: s.standard === 'unknown' ? s.reason : `a ${s.standard} ${s.documentType}: validate reads X12 and EDIFACT (partners test checks cXML samples)` });
    }
  }
  const anyInterchange = validated.some((v) => (v.result ?? v.edifact)?.report.interchanges.length);
  const source = anyInterchange ? await openCliHistory(config, log, partners) : { history: EMPTY_HISTORY, close: async () => undefined };
  try {
    const checked: Checked[] = [];
    for (const v of validated) {
      if (v.edifact) {
        await flagEdifactDuplicates(source.history, v.edifact, partners);
        checked.push({ file: v.file, edifact: v.edifact, report: { ...v.edifact.report, file: v.file } });
      } else if (v.result) {
        await flagX12Duplicates(source.history, v.result, partners);
        checked.push({ file: v.file, result: v.result, report: { ...v.result.report, file: v.file } });
      } else {
        checked.push({ file: v.file, report: { ok: false, file: v.file, errors: [{ code: '022', message: `${v.file}: ${v.unknown}` }], interchanges: [] } });
      }
    }
    await after?.({ config, partners, history: source.history }, checked);
    return checked;
  } finally {
    await source.close();
  }
}

/**
 * `validate` lists every set of a file up to this size. A bigger one lists only the sets with
 * errors, and each group's counts: a report of every set of a 1 GB file (3.5 million 850s) would
 * hold gigabytes, where streaming it holds about 150 MB. `ack` still sees every set (an
 * acknowledgment may list them all); `translate` keeps what it translates.
 */
export const LIST_ACCEPTED_SETS_MAX_BYTES = 16 << 20;

function listAcceptedSets(file: string): boolean {
  const size = fs.statSync(file).size;
  if (size <= LIST_ACCEPTED_SETS_MAX_BYTES) return true;
  process.stderr.write(`${file}: ${(size / 2 ** 20).toFixed(0)} MiB: accepted sets are counted, not listed (files over ${LIST_ACCEPTED_SETS_MAX_BYTES / 2 ** 20} MiB)\n`);
  return false;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('envelope, syntax and profile validation of EDI files; stores nothing')
    .argument('<file...>', 'EDI files')
    .option('--json', 'print the validation report as JSON')
    .action(async (files: string[], opts: { json?: boolean }, cmd: Command) => {
      const checked = await checkFiles(cmd, files, undefined, { listAcceptedSets });
      if (opts.json) printJson(checked.length === 1 ? checked[0].report : checked.map((c) => c.report));
      else process.stdout.write(checked.map((c) => formatReport(c.file, c.report)).join(''));
      if (checked.some((c) => !c.report.ok)) process.exitCode = 1;
    });

  program
    .command('ack')
    .description('the acknowledgments the gateway would send back (TA1, 997 or 999, CONTRL, as each partner asks); stores nothing')
    .argument('<file...>', 'EDI files')
    .action(async (files: string[], _opts: unknown, cmd: Command) => {
      // Bytes as they would be sent: a CONTRL in UNOC is ISO 8859-1, not the UTF-8 a string would become.
      const texts: Buffer[] = [];
      let rejected = false;
      await checkFiles(cmd, files, async ({ config, partners, history }, checked) => {
        for (const c of checked) {
          if (!c.report.ok) rejected = true;
          for (const ic of c.result?.interchanges ?? []) {
            const partner = ic.report.partnerId ? partners.get(ic.report.partnerId) : undefined;
            const key = partner?.id ?? `${ic.isa.senderQualifier}:${ic.isa.senderId}`;
            const acks = buildX12Acks(ic, {
              self: config.self.x12, partner, now: new Date(),
              controlNumbers: { interchange: await history.peekControlNumber(key, 'isa'), group: await history.peekControlNumber(key, 'gs') },
            });
            if (acks.text) texts.push(Buffer.from(acks.text, 'latin1'));
          }
          for (const ic of c.edifact?.interchanges ?? []) {
            const partner = ic.report.partnerId ? partners.get(ic.report.partnerId) : undefined;
            const key = partner?.id ?? `${ic.unb.senderQualifier}:${ic.unb.senderId}`;
            const contrl = buildContrl(ic, {
              self: config.self.edifact, partner, now: new Date(),
              controlNumbers: { interchange: await history.peekControlNumber(key, 'unb'), message: await history.peekControlNumber(key, 'unh') },
            });
            if (contrl.bytes) texts.push(contrl.bytes);
          }
        }
      });
      process.stdout.write(Buffer.concat(texts));
      if (rejected) process.exitCode = 1;
    });
}
