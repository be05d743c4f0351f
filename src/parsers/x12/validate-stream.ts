import type { Readable } from 'node:stream';
import { X12SegmentReader, type ReaderItem } from './segment-reader';
import { tagCode } from './tag-codes';
import { X12Validator, type X12ValidationContext, type X12ValidationResult } from './x12-validator';

const FEED = 1 << 16;
const ISA = tagCode('ISA');

/**
 * Validates X12 from a stream (a file of any size): the reader hands segments to the validator
 * one chunk at a time, so memory holds one chunk and one transaction set.
 */
export async function validateX12Stream(source: Readable | AsyncIterable<Buffer>, ctx: X12ValidationContext): Promise<X12ValidationResult> {
  const reader = new X12SegmentReader();
  const validator = new X12Validator(ctx);
  const items: ReaderItem[] = [];
  for await (const chunk of source as AsyncIterable<Buffer>) {
    // Fed a slice at a time, so that segments are validated (and let go) while still young:
    // a whole 1 MB read of them at once would outlive a minor collection and be copied to old space.
    for (let i = 0; i < chunk.length; i += FEED) {
      reader.push(chunk.length <= FEED ? chunk : chunk.subarray(i, i + FEED), items);
      for (let k = 0; k < items.length; k++) validator.push(items[k]);
      items.length = 0;
    }
  }
  reader.end(items);
  for (const item of items) validator.push(item);
  return validator.finish();
}

/**
 * The same for bytes already in memory, fed a slice at a time like a stream (the reader's items
 * for a whole 50 MB file at once would be a million segments in memory).
 */
export function validateX12Bytes(bytes: Buffer, ctx: X12ValidationContext): X12ValidationResult {
  const reader = new X12SegmentReader();
  const validator = new X12Validator(ctx);
  const items: ReaderItem[] = [];
  for (let i = 0; i < bytes.length; i += FEED) {
    reader.push(bytes.length <= FEED ? bytes : bytes.subarray(i, i + FEED), items);
    for (let k = 0; k < items.length; k++) validator.push(items[k]);
    items.length = 0;
  }
  reader.end(items);
  for (const item of items) validator.push(item);
  return validator.finish();
}

/**
 * validateX12Bytes that awaits `between()` after every slice, so that what onSet made of the
 * slice's sets (canonical documents) can be stored before the next: memory holds a slice's sets.
 * onSet also gets the interchange's position in the file (0 for the first ISA).
 */
export async function validateX12BytesStepwise(bytes: Buffer, ctx: Omit<X12ValidationContext, 'onSet'> & {
  onSet?: (...args: [...Parameters<NonNullable<X12ValidationContext['onSet']>>, number]) => void;
}, between: () => Promise<void>): Promise<X12ValidationResult> {
  const reader = new X12SegmentReader();
  let interchange = -1;
  const onSet = ctx.onSet;
  const validator = new X12Validator({ ...ctx, onSet: onSet && ((set, segments, g, ic) => onSet(set, segments, g, ic, interchange)) });
  const items: ReaderItem[] = [];
  const feed = () => {
    for (let k = 0; k < items.length; k++) {
      const item = items[k];
      if (item.kind !== 'error' && item.tagCode === ISA) interchange++;
      validator.push(item);
    }
    items.length = 0;
  };
  for (let i = 0; i < bytes.length; i += FEED) {
    reader.push(bytes.length <= FEED ? bytes : bytes.subarray(i, i + FEED), items);
    feed();
    await between();
  }
  reader.end(items);
  feed();
  const result = validator.finish();
  await between();
  return result;
}
