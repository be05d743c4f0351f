import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { readFunctionalAck } from '../../src/acks/read-x12-acks';
import { buildX12Acks } from '../../src/acks/x12-acks';
import { TA1_CODES } from '../../src/parsers/x12/envelope';
import { readSegments as readX12Segments, X12SegmentReader, type RawSegment, type ReaderItem } from '../../src/parsers/x12/segment-reader';
import { validateX12Bytes, validateX12Stream } from '../../src/parsers/x12/validate-stream';
import { collectAcceptedSets, translateX12, type PendingX12Set } from '../../src/translators/translate-x12';
import { ACK_TIME, FUZZ_X12_ADDRESS, fuzzPartners, SELF } from './partners';
import { checkOwnAck, checkTranslated, checkX12Report, expectSame, expectTrue } from './properties';
import { chunked, guard, guardAsync, sizeOf, x12Seeds, type EdiInput, type FuzzTarget } from './target';
import { materializeX12, parseX12, readdressX12, renderX12, x12PlanArb, x12ValuePlanArb, type X12Plan } from './x12-mutate';

/** X12: the segment reader, the validator (and the acknowledgments it leads to), the translators. */

const TA1 = new Set(Object.values(TA1_CODES));

function x12ItemView(item: ReaderItem) {
  return item.kind === 'error' ? { error: item.reason, code: item.code, offset: item.offset } : { text: item.text, tag: item.tag, offset: item.offset };
}

/** The reader: whole and in chunks; every item a segment or an error with a reason (and a TA1 note code, if any). */
export const x12Read: FuzzTarget<{ plan: X12Plan; chunk: number }, EdiInput> = {
  name: 'x12-read',
  plans: fc.record({ plan: x12PlanArb, chunk: fc.nat() }),
  build: ({ plan, chunk }) => ({ bytes: materializeX12(plan, x12Seeds()), chunk }),
  size: sizeOf,
  run({ bytes, chunk }) {
    const whole = guard('readSegments', () => readX12Segments(bytes));
    let last = -1;
    for (const item of whole) {
      if (item.kind === 'error') {
        expectTrue(item.reason.length > 0, 'reader error without a reason');
        expectTrue(item.code === undefined || TA1.has(item.code as never), `reader error code ${item.code}`);
      } else {
        expectTrue(typeof item.tag === 'string' && typeof item.text === 'string', 'segment without tag or text');
        expectTrue(item.elements[0] === item.text.split(item.delimiters.element)[0], `segment ${item.tag}: elements[0] is not its tag as written`);
      }
      expectTrue(item.offset >= last, `offsets go back: ${item.offset} after ${last}`);
      last = item.offset;
    }
    const reader = new X12SegmentReader();
    const items: ReaderItem[] = [];
    guard('X12SegmentReader in chunks', () => { for (const c of chunked(bytes, chunk)) reader.push(c, items); reader.end(items); });
    // Pieces are decoded one at a time (ASCII, UTF-8, else Latin-1): equal results only for UTF-8 input.
    if (isUtf8(bytes)) expectSame(items.map(x12ItemView), whole.map(x12ItemView), 'segments read whole and in chunks');
    return whole.every((i) => i.kind !== 'error');
  },
};

export const x12Context = () => ({ self: { qualifier: SELF.x12.qualifier, id: SELF.x12.id }, partners: fuzzPartners() });

/**
 * The validator as the validate stage runs it (us, the partners): a report that fits its schema,
 * codes at their levels; the same report from a stream; the acknowledgments we would send a known
 * partner are valid X12 themselves; a 997/999 we accept reads as an acknowledgment.
 */
export const x12Validate: FuzzTarget<{ plan: X12Plan; chunk: number; readdress: boolean }, EdiInput> = {
  name: 'x12-validate',
  plans: fc.record({ plan: x12PlanArb, chunk: fc.nat(), readdress: fc.boolean() }),
  build: ({ plan, chunk, readdress }) => ({ bytes: materializeX12(plan, x12Seeds(), readdress ? FUZZ_X12_ADDRESS : undefined), chunk }),
  size: sizeOf,
  async run({ bytes, chunk }) {
    const ctx = x12Context();
    const acks: RawSegment[][] = [];
    const result = guard('validateX12Bytes', () => validateX12Bytes(bytes, { ...ctx, onSet: (set, segments) => {
      if ((set.type === '997' || set.type === '999') && set.status !== 'rejected') acks.push([...segments]);
    } }));
    checkX12Report(result.report);
    for (const segments of acks) guard('readFunctionalAck', () => readFunctionalAck(segments));
    const streamed = await guardAsync('validateX12Stream', () => validateX12Stream(Readable.from(chunked(bytes, chunk)), ctx));
    if (isUtf8(bytes)) expectSame(streamed.report, result.report, 'reports of the bytes and of the stream');
    for (const ic of result.interchanges) {
      const partner = ic.report.partnerId ? ctx.partners.get(ic.report.partnerId) : undefined;
      if (!partner) continue; // nobody to acknowledge to
      const out = guard('buildX12Acks', () => buildX12Acks(ic, { self: SELF.x12, partner, controlNumbers: { interchange: 1, group: 1 }, now: ACK_TIME }));
      if (!out.text) continue;
      checkOwnAck(validateX12Bytes(Buffer.from(out.text, 'latin1'), {}).report, X12_ECHOES, out.text);
    }
    return result.report.ok;
  },
};

/** 997/999 segments that repeat what was received (group and set ids, segment tags, bad values). */
const X12_ECHOES = new Set(['AK1', 'AK2', 'AK3', 'AK4', 'IK3', 'IK4']);

/**
 * The seeds that reach a translator: every X12 seed as it is and readdressed to the fuzz partner,
 * kept when validation accepts a set we translate. Worked out once.
 */
let x12Translatable: string[] | undefined;
function x12TranslatableSeeds(): string[] {
  if (x12Translatable) return x12Translatable;
  const ctx = x12Context();
  const candidates = x12Seeds().flatMap((text) => [text, renderX12(readdressed(parseX12(text)))]);
  x12Translatable = candidates.filter((text) => {
    const pending: PendingX12Set[] = [];
    validateX12Bytes(Buffer.from(text, 'latin1'), { ...ctx, onSet: collectAcceptedSets(pending) });
    return pending.length > 0;
  });
  if (!x12Translatable.length) throw new Error('no X12 seed reaches a translator');
  return x12Translatable;
}
const readdressed = (d: ReturnType<typeof parseX12>) => { readdressX12(d, FUZZ_X12_ADDRESS); return d; };

/**
 * Accepted sets of known partners through the translators, from the seeds that reach one, changed
 * inside their sets: a document that fits the canonical schema, or issues (never an exception).
 */
export const x12Translate: FuzzTarget<X12Plan, EdiInput> = {
  name: 'x12-translate',
  plans: x12ValuePlanArb,
  build: (plan) => ({ bytes: materializeX12(plan, x12TranslatableSeeds()), chunk: 0 }),
  size: sizeOf,
  run({ bytes }) {
    const ctx = x12Context();
    const pending: PendingX12Set[] = [];
    const result = guard('validateX12Bytes', () => validateX12Bytes(bytes, { ...ctx, onSet: collectAcceptedSets(pending) }));
    const translated = guard('translateX12', () => translateX12(result.interchanges, pending, ctx.partners));
    return checkTranslated(translated) > 0;
  },
};
