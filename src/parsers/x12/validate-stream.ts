import type { Readable } from 'node:stream';
import { X12SegmentReader, type ReaderItem } from './segment-reader';
import { X12Validator, type X12ValidationContext, type X12ValidationResult } from './x12-validator';

/**
 * Validates X12 from a stream (a file of any size): the reader hands segments to the validator
 * one chunk at a time, so memory holds one chunk and one transaction set.
 */
export async function validateX12Stream(source: Readable | AsyncIterable<Buffer>, ctx: X12ValidationContext): Promise<X12ValidationResult> {
  const reader = new X12SegmentReader();
  const validator = new X12Validator(ctx);
  const items: ReaderItem[] = [];
  for await (const chunk of source as AsyncIterable<Buffer>) {
    reader.push(chunk, items);
    for (const item of items) validator.push(item);
    items.length = 0;
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
