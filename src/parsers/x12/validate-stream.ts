import type { Readable } from 'node:stream';
import { X12SegmentReader, type ReaderItem } from './segment-reader';
import { X12Validator, type X12ValidationContext, type X12ValidationResult } from './x12-validator';

const FEED = 1 << 16;

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

/** The same for bytes already in memory. */
export function validateX12Bytes(bytes: Buffer, ctx: X12ValidationContext): X12ValidationResult {
  const reader = new X12SegmentReader();
  const validator = new X12Validator(ctx);
  const items: ReaderItem[] = [];
  reader.push(bytes, items);
  reader.end(items);
  for (const item of items) validator.push(item);
  return validator.finish();
}
