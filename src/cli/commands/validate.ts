import fs from 'node:fs';
import type { Command } from 'commander';
import { buildContrl } from '../../acks/edifact-acks';
import { buildX12Acks } from '../../acks/x12-acks';
import { GatewayError } from '../../errors/gateway-error';
import { sniff } from '../../parsers/sniff';
import type { ValidationError, ValidationReport } from '../../parsers/validation-report';
import type { EdifactValidationResult } from '../../parsers/edifact/edifact-validator';
import { validateEdifactStream } from '../../parsers/edifact/validate-stream';
import type { EdifactValidationContext } from '../../parsers/edifact/edifact-validator';
import { validateX12Stream } from '../../parsers/x12/validate-stream';
import type { X12ValidationContext, X12ValidationResult } from '../../parsers/x12/x12-validator';
import { edifactContext, flagEdifactDuplicates } from '../../pipeline/edifact-inspect';
import { flagX12Duplicates, x12Context } from '../../pipeline/x12-inspect';
import { peekControlNumber } from '../../store/control-numbers.repo';
import type { Runtime } from '../../daemon/runtime';
import { withRuntime } from '../context';
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
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface Checked { file: string; result?: X12ValidationResult; edifact?: EdifactValidationResult; report: ValidationReport }

/** Validates each file against the profiles and the store's interchange history; stores nothing. */
export async function checkFiles(cmd: Command, files: string[], after?: (rt: Runtime, checked: Checked[]) => Promise<void>,
  hooks: { x12?: Partial<X12ValidationContext>; edifact?: Partial<EdifactValidationContext> } = {}): Promise<Checked[]> {
  checkReadable(files);
  return withRuntime(cmd, { role: 'cli', needsPartners: true }, async (rt) => {
    const ctx = x12Context(rt.config, rt.partners());
    const checked: Checked[] = [];
    for (const file of files) {
      const s = sniff(head(file));
      if (s.standard === 'EDIFACT') {
        // 256 KiB reads keep memory flat: a chunk is garbage once read, and V8 frees it only at its next collection.
        const edifact = await validateEdifactStream(fs.createReadStream(file, { highWaterMark: 1 << 18 }), { ...edifactContext(rt.config, rt.partners()), ...hooks.edifact });
        await flagEdifactDuplicates(rt.store.knex, edifact, rt.partners());
        checked.push({ file, edifact, report: { ...edifact.report, file } });
        continue;
      }
      if (s.standard === 'unknown') {
        checked.push({ file, report: { ok: false, file, errors: [{ code: '022', message: `${file}: ${s.reason}` }], interchanges: [] } });
        continue;
      }
      const result = await validateX12Stream(fs.createReadStream(file, { highWaterMark: 1 << 20 }), { ...ctx, ...hooks.x12 });
      await flagX12Duplicates(rt.store.knex, result, rt.partners());
      checked.push({ file, result, report: { ...result.report, file } });
    }
    await after?.(rt, checked);
    return checked;
  });
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('envelope, syntax and profile validation of EDI files; stores nothing')
    .argument('<file...>', 'EDI files')
    .option('--json', 'print the validation report as JSON')
    .action(async (files: string[], opts: { json?: boolean }, cmd: Command) => {
      const checked = await checkFiles(cmd, files);
      if (opts.json) printJson(checked.length === 1 ? checked[0].report : checked.map((c) => c.report));
      else process.stdout.write(checked.map((c) => formatReport(c.file, c.report)).join(''));
      if (checked.some((c) => !c.report.ok)) process.exitCode = 1;
    });

  program
    .command('ack')
    .description('the acknowledgments the gateway would send back (TA1, 997 or 999, CONTRL, as each partner asks); stores nothing')
    .argument('<file...>', 'EDI files')
    .action(async (files: string[], _opts: unknown, cmd: Command) => {
      const texts: string[] = [];
      let rejected = false;
      await checkFiles(cmd, files, async (rt, checked) => {
        for (const c of checked) {
          if (!c.report.ok) rejected = true;
          for (const ic of c.result?.interchanges ?? []) {
            const partner = ic.report.partnerId ? rt.partners().get(ic.report.partnerId) : undefined;
            const key = partner?.id ?? `${ic.isa.senderQualifier}:${ic.isa.senderId}`;
            const acks = buildX12Acks(ic, {
              self: rt.config.self.x12, partner, now: new Date(),
              controlNumbers: { interchange: await peekControlNumber(rt.store.knex, key, 'isa'), group: await peekControlNumber(rt.store.knex, key, 'gs') },
            });
            if (acks.text) texts.push(acks.text);
          }
          for (const ic of c.edifact?.interchanges ?? []) {
            const partner = ic.report.partnerId ? rt.partners().get(ic.report.partnerId) : undefined;
            const key = partner?.id ?? `${ic.unb.senderQualifier}:${ic.unb.senderId}`;
            const contrl = buildContrl(ic, {
              self: rt.config.self.edifact, partner, now: new Date(),
              controlNumbers: { interchange: await peekControlNumber(rt.store.knex, key, 'unb'), message: await peekControlNumber(rt.store.knex, key, 'unh') },
            });
            if (contrl.text) texts.push(contrl.text);
          }
        }
      });
      process.stdout.write(texts.join(''));
      if (rejected) process.exitCode = 1;
    });
}
