import { Readable } from 'node:stream';
import fc from 'fast-check';
import { buildContrl } from '../../src/acks/edifact-acks';
import { readAperak, readContrl } from '../../src/acks/read-edifact-acks';
import type { EdifactSegment } from '../../src/parsers/edifact/segment';
import { EdifactSegmentReader, readSegments as readEdifactSegments } from '../../src/parsers/edifact/segment-reader';
import { SYNTAX_ERRORS } from '../../src/parsers/edifact/syntax-errors';
import { validateEdifactBytes, validateEdifactStream } from '../../src/parsers/edifact/validate-stream';
import { collectAcceptedMessages, translateEdifact, type PendingEdifactMessage } from '../../src/translators/translate-edifact';
import { edifactPlanArb, edifactValuePlanArb, materializeEdifact, parseEdifact, readdressEdifact, renderEdifact, type EdifactPlan } from './edifact-mutate';
import { ACK_TIME, FUZZ_EDIFACT_ADDRESS, fuzzPartners, SELF } from './partners';
import { checkEdifactReport, checkOwnAck, checkTranslated, expectSame, expectTrue } from './properties';
import { chunked, edifactSeeds, guard, guardAsync, sizeOf, type EdiInput, type FuzzTarget } from './target';

/** EDIFACT: the segment reader, the validator (fast and full check, the CONTRL it leads to), the translators. */

const EDIFACT_CODES = new Set<string>(Object.values(SYNTAX_ERRORS));

function edifactItemView(item: ReturnType<typeof readEdifactSegments>[number]) {
  return item.kind === 'error' ? { error: item.reason, code: item.code, offset: item.offset } : { tag: item.tag, offset: item.offset, raw: item.raw, elements: item.elements };
}

/** The reader: whole and in chunks, equal; every segment decodes (release characters, character set) without throwing. */
export const edifactRead: FuzzTarget<{ plan: EdifactPlan; chunk: number }, EdiInput> = {
  name: 'edifact-read',
  plans: fc.record({ plan: edifactPlanArb, chunk: fc.nat() }),
  build: ({ plan, chunk }) => ({ bytes: materializeEdifact(plan, edifactSeeds()), chunk }),
  size: sizeOf,
  run({ bytes, chunk }) {
    const whole = guard('readSegments', () => readEdifactSegments(bytes));
    const view = guard('decoding segments', () => whole.map(edifactItemView));
    for (const item of whole) {
      if (item.kind === 'error') {
        expectTrue(item.reason.length > 0 && EDIFACT_CODES.has(item.code), `reader error ${item.code}: ${item.reason}`);
      } else {
        expectTrue(item.elements[0][0] === item.tag, `segment ${item.tag}: elements[0] is not its tag`);
      }
    }
    const reader = new EdifactSegmentReader();
    const items: typeof whole = [];
    guard('EdifactSegmentReader in chunks', () => { for (const c of chunked(bytes, chunk)) reader.push(c, items); reader.end(items); });
    expectSame(guard('decoding segments read in chunks', () => items.map(edifactItemView)), view, 'segments read whole and in chunks');
    return whole.every((i) => i.kind !== 'error');
  },
};

/** CONTRL segments that repeat what was received (interchange, group and message references, positions). */
const CONTRL_ECHOES = new Set(['UCI', 'UCF', 'UCM', 'UCS', 'UCD']);

export const edifactContext = () => ({ self: { id: SELF.edifact.id, qualifier: SELF.edifact.qualifier }, partners: fuzzPartners() });

/**
 * The validator as the validate stage runs it: a report that fits its schema with CONTRL codes;
 * the fast check and the full check agree; a stream gives the same report; the CONTRL we would
 * send a known partner is valid EDIFACT; a CONTRL or APERAK we accept reads as one.
 */
export const edifactValidate: FuzzTarget<{ plan: EdifactPlan; chunk: number; readdress: boolean }, EdiInput> = {
  name: 'edifact-validate',
  plans: fc.record({ plan: edifactPlanArb, chunk: fc.nat(), readdress: fc.boolean() }),
  build: ({ plan, chunk, readdress }) => ({ bytes: materializeEdifact(plan, edifactSeeds(), readdress ? FUZZ_EDIFACT_ADDRESS : undefined), chunk }),
  size: sizeOf,
  async run({ bytes, chunk }) {
    const ctx = edifactContext();
    const received: { type: string; segments: EdifactSegment[] }[] = [];
    const result = guard('validateEdifactBytes', () => validateEdifactBytes(bytes, { ...ctx, onMessage: (m, segments) => {
      if ((m.type === 'CONTRL' || m.type === 'APERAK') && m.status !== 'rejected') received.push({ type: m.type, segments: [...segments] });
    } }));
    checkEdifactReport(result.report);
    for (const r of received) guard(`read ${r.type}`, () => (r.type === 'CONTRL' ? readContrl(r.segments) : readAperak(r.segments)));
    const full = guard('validateEdifactBytes (full check)', () => validateEdifactBytes(bytes, { ...ctx, fullCheck: true }));
    expectSame(full.report, result.report, 'reports of the fast and the full check');
    const streamed = await guardAsync('validateEdifactStream', () => validateEdifactStream(Readable.from(chunked(bytes, chunk)), ctx));
    expectSame(streamed.report, result.report, 'reports of the bytes and of the stream');
    for (const ic of result.interchanges) {
      const partner = ic.report.partnerId ? ctx.partners.get(ic.report.partnerId) : undefined;
      if (!partner) continue;
      const out = guard('buildContrl', () => buildContrl(ic, { self: SELF.edifact, partner, controlNumbers: { interchange: 1, message: 1 }, now: ACK_TIME }));
      if (!out.bytes) continue;
      checkOwnAck(validateEdifactBytes(out.bytes, {}).report, CONTRL_ECHOES, out.bytes.toString('latin1'));
    }
    return result.report.ok;
  },
};

let edifactTranslatable: string[] | undefined;
function edifactTranslatableSeeds(): string[] {
  if (edifactTranslatable) return edifactTranslatable;
  const ctx = edifactContext();
  const candidates = edifactSeeds().flatMap((text) => {
    const d = parseEdifact(text);
    readdressEdifact(d, FUZZ_EDIFACT_ADDRESS);
    return [text, renderEdifact(d)];
  });
  edifactTranslatable = candidates.filter((text) => {
    const pending: PendingEdifactMessage[] = [];
    validateEdifactBytes(Buffer.from(text, 'latin1'), { ...ctx, onMessage: collectAcceptedMessages(pending) });
    return pending.length > 0;
  });
  if (!edifactTranslatable.length) throw new Error('no EDIFACT seed reaches a translator');
  return edifactTranslatable;
}

/** As x12-translate, for EDIFACT messages. */
export const edifactTranslate: FuzzTarget<EdifactPlan, EdiInput> = {
  name: 'edifact-translate',
  plans: edifactValuePlanArb,
  build: (plan) => ({ bytes: materializeEdifact(plan, edifactTranslatableSeeds()), chunk: 0 }),
  size: sizeOf,
  run({ bytes }) {
    const ctx = edifactContext();
    const pending: PendingEdifactMessage[] = [];
    guard('validateEdifactBytes', () => validateEdifactBytes(bytes, { ...ctx, onMessage: collectAcceptedMessages(pending) }));
    const translated = guard('translateEdifact', () => translateEdifact(pending, ctx.partners));
    return checkTranslated(translated) > 0;
  },
};
