import fs from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { buildX12Acks } from '../acks/x12-acks';
import type { GatewayConfig } from '../config/gateway.config';
import { sniff } from '../parsers/sniff';
import { validateX12Bytes } from '../parsers/x12/validate-stream';
import { collectAcceptedSets, translateX12, type PendingX12Set, type TranslatedSet } from '../translators/translate-x12';
import { buildContrl } from '../acks/edifact-acks';
import { validateEdifactBytes } from '../parsers/edifact/validate-stream';
import { edifactContext } from '../pipeline/edifact-inspect';
import { collectAcceptedMessages, translateEdifact, type PendingEdifactMessage } from '../translators/translate-edifact';
import { CanonicalDocumentSchema, type CanonicalDocument } from '../canonical';
import { reportErrorLines } from '../parsers/x12/validate-outbound';
import { renderForPartner } from '../translators/render-for-partner';
import { sequentialAllocator, sequentialSsccSerials } from '../translators/x12/control-allocator';
import { instantOf } from '../translators/partner-time';
import type { PartnerRegistry } from './partner-registry';
import type { PartnerProfile } from './profile.schema';
import { runCxmlSample } from '../marketplaces/cxml/cxml-sample';
import { runAmazonSample } from '../marketplaces/amazon/amazon-sample';

/**
 * `partners test ID`: every sample of a partner through the same validate, translate, ack and
 * render code the gateway runs, compared with the expected files beside it:
 *   samples/inbound/NAME.edi    -> NAME.expected.json (what `translate` prints)
 *                                  NAME.expected-ack.edi (what `ack` prints)
 *   samples/inbound/NAME.xml    -> NAME.expected.json (a cXML OrderRequest's canonical Order)
 *   samples/inbound/NAME.json   -> NAME.expected.json (an Amazon order as the pull stores it: its canonical Order)
 *   samples/outbound/NAME.json  -> NAME.expected.edi (what `render` prints), which our own
 *                                  validator must also accept as the partner would receive it
 * The comparison is exact text, so a change anywhere in the output shows up as a diff an analyst
 * can read. Control numbers count from 1 and times come from the documents, so outputs are stable.
 */
export interface SampleOutcome {
  sample: string;
  /** Which expected file this compares with. */
  expected: string;
  status: 'pass' | 'fail' | 'updated' | 'missing';
  diff?: string;
  /** Problems that are not a difference: validation or translation errors. */
  problems: string[];
}

export interface SampleRunOptions {
  config: GatewayConfig;
  partners: PartnerRegistry;
  /** Rewrite the expected files from the actual output. */
  update?: boolean;
}

const EDI_FILE = /\.(edi|x12|txt|edifact|xml|json)$/i;

export function sampleDir(profile: PartnerProfile): string | undefined {
  return profile.files ? path.join(profile.files.dir, 'samples') : undefined;
}

/** A readable unified diff, expected first: lines starting '-' are expected, '+' actual. */
function diffText(name: string, expected: string, actual: string): string {
  return createTwoFilesPatch(`${name} (expected)`, `${name} (actual)`, expected, actual, '', '', { context: 3 })
    .split('\n').slice(1).join('\n');
}

function compare(file: string, actual: string, update: boolean | undefined, problems: string[], sample: string, encoding: BufferEncoding = 'utf8'): SampleOutcome {
  const expected = path.basename(file);
  if (update) {
    // --update writes only what a plain run would pass: it never locks in a sample the partner's
    // profile does not accept (another sender's, addressed to someone else, untranslatable).
    if (problems.length) return { sample, expected, status: 'fail', problems: [...problems, `${expected} not rewritten: fix the sample or the profile first`] };
    fs.writeFileSync(file, actual, encoding);
    return { sample, expected, status: 'updated', problems };
  }
  if (!fs.existsSync(file)) return { sample, expected, status: 'missing', problems: [...problems, `${expected} does not exist yet (run with --update to write it)`] };
  const want = fs.readFileSync(file, encoding);
  if (want === actual && problems.length === 0) return { sample, expected, status: 'pass', problems };
  return { sample, expected, status: 'fail', diff: want === actual ? undefined : diffText(expected, want, actual), problems };
}

/**
 * The time an interchange says it was written, read on the partner's clock (the one it writes and
 * we answer on), so the acks a sample expects never change.
 */
function isaTime(date: string, time: string, profile: PartnerProfile): Date {
  const y = date.length === 6 ? `20${date.slice(0, 2)}` : date.slice(0, 4);
  const md = date.slice(-4);
  const hhmm = /^\d{4}/.test(time) ? time.slice(0, 4) : '0000';
  return instantOf(`${y}-${md.slice(0, 2)}-${md.slice(2)}`, hhmm, profile.outbound.timeZone);
}

/** One inbound sample: validate, translate, acknowledge; compare the documents and the acks. */
export function runInboundSample(file: string, profile: PartnerProfile, o: SampleRunOptions): SampleOutcome[] {
  const bytes = fs.readFileSync(file);
  const name = path.basename(file);
  const base = file.replace(EDI_FILE, '');
  const s = sniff(bytes);
  if (s.standard === 'unknown') return [{ sample: name, expected: '', status: 'fail', problems: [s.reason] }];
  if (s.standard === 'Amazon') return [runAmazonSample(bytes, profile, base, (file, actual, problems) => compare(file, actual, o.update, problems, name))];
  if (s.standard === 'cXML') return [runCxmlSample(bytes, profile, o, base, name, (file, actual, problems) => compare(file, actual, o.update, problems, name))];
  const run = s.standard === 'X12' ? inboundX12(bytes, profile, o) : inboundEdifact(bytes, profile, o);
  const problems: string[] = [];
  if (run.senders.some((p) => p !== profile.id)) problems.push(`the sample's sender is ${run.senders.map((p) => p ?? 'unknown').join(', ')}, not ${profile.id}`);
  // An interchange refused whole (not to us, sender unknown, bad envelope) tests nothing of the profile.
  for (const r of run.refused) problems.push(`the interchange is rejected whole: ${r}`);
  for (const t of run.translated) for (const i of t.issues) problems.push(`${t.type} ${t.source.setControl}: ${i.message}`);
  const documents = run.translated.flatMap((t) => (t.document ? [t.document] : []));
  const outcomes = [compare(`${base}.expected.json`, `${JSON.stringify(documents, null, 2)}\n`, o.update, problems, name)];
  // Acks: only when the partner gets any, and compared whatever the verdict (a rejection sample tests its 997).
  if (profile.acknowledgments.send.length) outcomes.push(compare(`${base}.expected-ack.edi`, run.acks, o.update, run.refused.length || run.senders.some((p) => p !== profile.id) ? problems : [], name));
  return outcomes;
}

interface InboundRun {
  senders: (string | null)[];
  translated: TranslatedSet[];
  acks: string;
  /** The errors of interchanges rejected at the envelope, one line each. */
  refused: string[];
}

const refusals = (interchanges: { status: string; duplicate?: boolean; errors: { code: string; message: string }[] }[]) =>
  interchanges.filter((ic) => ic.status === 'rejected').flatMap((ic) => ic.errors.map((e) => `code ${e.code} ${e.message}`));

function inboundX12(bytes: Buffer, profile: PartnerProfile, o: SampleRunOptions): InboundRun {
  const pending: PendingX12Set[] = [];
  const result = validateX12Bytes(bytes, {
    self: { qualifier: o.config.self.x12.qualifier, id: o.config.self.x12.id }, partners: o.partners, onSet: collectAcceptedSets(pending),
  });
  return {
    senders: result.report.interchanges.map((ic) => ic.partnerId),
    refused: refusals(result.report.interchanges),
    translated: translateX12(result.interchanges, pending, o.partners),
    acks: result.interchanges.map((ic) => buildX12Acks(ic, {
      self: o.config.self.x12, partner: profile, controlNumbers: { interchange: 1, group: 1 }, now: isaTime(ic.isa.date, ic.isa.time, profile),
    }).text ?? '').join(''),
  };
}

function inboundEdifact(bytes: Buffer, profile: PartnerProfile, o: SampleRunOptions): InboundRun {
  const pending: PendingEdifactMessage[] = [];
  const result = validateEdifactBytes(bytes, { ...edifactContext(o.config, o.partners), onMessage: collectAcceptedMessages(pending) });
  return {
    senders: result.report.interchanges.map((ic) => ic.partnerId),
    refused: refusals(result.report.interchanges),
    translated: translateEdifact(pending, o.partners),
    acks: result.interchanges.map((ic) => buildContrl(ic, {
      self: o.config.self.edifact, partner: profile, controlNumbers: { interchange: 1, message: 1 }, now: isaTime(ic.unb.date, ic.unb.time, profile),
    }).text ?? '').join(''),
  };
}

/** A fixed time for a rendered sample: the document's own date, at noon on the partner's clock. */
function documentTime(doc: CanonicalDocument, profile: PartnerProfile): Date {
  const d = doc.type === 'order_ack' ? doc.ackDate : doc.type === 'shipment' ? doc.shipDate : doc.type === 'invoice' ? doc.invoiceDate
    : doc.type === 'warehouse_order' ? doc.requestedShip : undefined;
  return instantOf(d ?? '2026-01-01', '1200', profile.outbound.timeZone);
}

/** One outbound sample: canonical JSON -> the partner's EDI, re-read by our validator, compared. */
export async function runOutboundSample(file: string, profile: PartnerProfile, o: SampleRunOptions): Promise<SampleOutcome[]> {
  const name = path.basename(file);
  const base = file.replace(/\.json$/i, '');
  let docs: CanonicalDocument[];
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    docs = (Array.isArray(raw) ? raw : [raw]).map((d) => CanonicalDocumentSchema.parse(d));
  } catch (err) {
    return [{ sample: name, expected: '', status: 'fail', problems: [`not a canonical document: ${(err as Error).message.split('\n')[0]}`] }];
  }
  try {
    const rendered = await renderForPartner(docs, profile, {
      self: o.config.self, controlNumbers: sequentialAllocator<'isa' | 'gs' | 'st' | 'unb' | 'unh'>(), ssccSerials: sequentialSsccSerials(), now: documentTime(docs[0], profile),
    });
    const problems = rendered.report.ok ? [] : reportErrorLines(rendered.report).map((l) => `our validator rejects the output: ${l}`);
    // Compared as the partner receives it: the bytes in the interchange's character set.
    return [compare(`${base}.expected.edi`, rendered.bytes.toString('latin1'), o.update, problems, name, 'latin1')];
  } catch (err) {
    return [{ sample: name, expected: `${path.basename(base)}.expected.edi`, status: 'fail', problems: [(err as Error).message] }];
  }
}

export interface Sample { direction: 'inbound' | 'outbound'; file: string }

/** The samples of one partner, inbound EDI files and outbound canonical JSON files. */
export function listSamples(profile: PartnerProfile): Sample[] {
  const dir = sampleDir(profile);
  if (!dir) return [];
  const list = (sub: 'inbound' | 'outbound', match: RegExp): Sample[] => {
    const d = path.join(dir, sub);
    if (!fs.existsSync(d)) return [];
    return fs.readdirSync(d).filter((f) => match.test(f) && !f.includes('.expected')).sort().map((f) => ({ direction: sub, file: path.join(d, f) }));
  };
  return [...list('inbound', EDI_FILE), ...list('outbound', /\.json$/i)];
}

export async function runSample(sample: Sample, profile: PartnerProfile, o: SampleRunOptions): Promise<SampleOutcome[]> {
  return sample.direction === 'inbound' ? runInboundSample(sample.file, profile, o) : runOutboundSample(sample.file, profile, o);
}

/** Every sample of one partner. */
export async function runPartnerSamples(profile: PartnerProfile, o: SampleRunOptions): Promise<SampleOutcome[]> {
  const out: SampleOutcome[] = [];
  for (const s of listSamples(profile)) out.push(...await runSample(s, profile, o));
  return out;
}
