import type { Command } from 'commander';
import { CanonicalDocumentSchema, type CanonicalDocument } from '../../canonical';
import { GatewayError } from '../../errors/gateway-error';
import { reportErrorLines } from '../../parsers/x12/validate-outbound';
import { outboundStandard, renderForPartner } from '../../translators/render-for-partner';
import { requireProfiles, warnBrokenOnStderr } from '../../partners/require-profiles';
import { sequentialAllocator, sequentialSsccSerials } from '../../translators/x12/control-allocator';
import { commandContext } from '../context';
import { readInputFiles } from '../read-input';
import { instantOf } from '../../translators/partner-time';

/** One canonical document or an array of them, each checked against the canonical schema. */
export function parseDocuments(file: string, content: Buffer): CanonicalDocument[] {
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch (err) {
    throw new GatewayError('USAGE', `${file}: not JSON (${(err as Error).message})`);
  }
  const items = Array.isArray(json) ? json : [json];
  if (!items.length) throw new GatewayError('USAGE', `${file}: the array holds no documents`);
  return items.map((item, i) => {
    const r = CanonicalDocumentSchema.safeParse(item);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    const at = [...(Array.isArray(json) ? [i] : []), ...issue.path].join('.');
    throw new GatewayError('USAGE', `${file}: not a canonical document${at ? ` at ${at}` : ''}: ${issue.message}`);
  });
}

/** --date: an instant (2026-11-28T14:05:00Z), or a day (2026-11-28), which starts at midnight on the partner's clock. */
function parseDate(v: string | undefined, zone: string): Date {
  if (v === undefined) return new Date();
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? instantOf(v, '0000', zone) : new Date(v);
  if (Number.isNaN(d.getTime())) throw new GatewayError('USAGE', `--date '${v}' is not a date (use e.g. 2026-11-28 or 2026-11-28T14:05:00Z)`);
  return d;
}

/**
 * `render FILE.json --partner ID`: canonical documents -> the partner's EDI on stdout. A preview:
 * control numbers and SSCC serials count from 1, so the store is neither opened nor changed.
 */
export function registerRender(program: Command): void {
  program
    .command('render')
    .description('canonical document(s) -> the outbound EDI interchange for a partner (a preview: nothing is stored or sent)')
    .argument('<file>', 'a JSON file: one canonical document, or an array of them (one interchange, one group per functional id)')
    .requiredOption('--partner <id>', 'the partner whose profile says the version, delimiters and mappings')
    .option('--date <iso>', 'the interchange date and time, e.g. 2026-11-28T14:05:00Z, written on the partner\'s clock (outbound.timeZone), or 2026-11-28 for midnight on that clock (default: now)')
    .addHelpText('after', `
Control numbers (ISA13, GS06, ST02; UNB 0020, UNH 0062) count from 1 and packs without an SSCC get serial references
counting from 1: a preview never reads or uses up the store's sequences. Exit 2 for an unknown
partner, a bad document, or a document type the partner's profile does not list as outbound; 1 when
a document cannot be written for the partner (a delimiter inside a value, a pack without SSCC ...)
or the interchange fails our own validation as the partner would read it (printed, errors on stderr).`)
    .action(async (file: string, opts: { partner: string; date?: string }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const [{ content }] = readInputFiles([file]);
      const docs = parseDocuments(file, content);
      const registry = requireProfiles(config.profilesDir, { need: opts.partner, onBroken: warnBrokenOnStderr });
      const partner = registry.get(opts.partner);
      if (!partner) throw new GatewayError('USAGE', `unknown partner '${opts.partner}': no profile with that id in ${config.profilesDir}`);
      const now = parseDate(opts.date, partner.outbound.timeZone);
      for (const doc of docs) {
        if (doc.partnerId !== partner.id) throw new GatewayError('USAGE', `${file}: a document (type ${doc.type}) for partner '${doc.partnerId}', not '${partner.id}'`);
        if (!outboundStandard(partner, doc.type)) {
          throw new GatewayError('USAGE', `${file}: ${partner.id}'s profile lists no outbound document for type ${doc.type} (documents.outbound)`);
        }
      }
      const rendered = await renderForPartner(docs, partner, {
        self: config.self, controlNumbers: sequentialAllocator<'isa' | 'gs' | 'st' | 'unb' | 'unh'>(), ssccSerials: sequentialSsccSerials(), now,
      });
      // The bytes as the partner receives them (EDIFACT in its declared character set).
      process.stdout.write(rendered.bytes);
      // The EDI is printed either way, to look at; what our validator rejects is named and fails the command.
      const errors = reportErrorLines(rendered.report);
      for (const e of errors) process.stderr.write(`${file}: ${e}\n`);
      if (errors.length) process.exitCode = 1;
    });
}
