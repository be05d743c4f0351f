import type { Readable } from 'node:stream';
import { EdifactValidator, type EdifactValidationContext, type EdifactValidationResult } from './edifact-validator';
import type { ReaderItem } from './segment';
import { EdifactSegmentReader } from './segment-reader';

/**
 * Validates EDIFACT from a stream (a file of any size): the reader hands segments to the validator
 * one chunk at a time, so memory holds one chunk and one message's counters.
 */
export async function validateEdifactStream(source: Readable | AsyncIterable<Buffer>, ctx: EdifactValidationContext): Promise<EdifactValidationResult> {
  const reader = new EdifactSegmentReader();
  const validator = new EdifactValidator(ctx);
  const items: ReaderItem[] = [];
  for await (const chunk of source as AsyncIterable<Buffer>) feed(chunk, reader, validator, items);
  reader.end(items);
  for (const item of items) validator.push(item);
  return validator.finish();
}

/** The same for bytes already in memory. */
export function validateEdifactBytes(bytes: Buffer, ctx: EdifactValidationContext): EdifactValidationResult {
  const reader = new EdifactSegmentReader();
  const validator = new EdifactValidator(ctx);
  const items: ReaderItem[] = [];
  feed(bytes, reader, validator, items);
  reader.end(items);
  for (const item of items) validator.push(item);
  return validator.finish();
}

/**
 * Hands the input to the reader in slices of 64 KiB: the segments of a slice are validated and
 * dropped before the next is read, so they die young (a 1 MiB chunk's segments all at once would
 * outlive the garbage collector's nursery and cost a full collection).
 */
const SLICE = 1 << 16;
function feed(chunk: Buffer, reader: EdifactSegmentReader, validator: EdifactValidator, items: ReaderItem[]): void {
  for (let at = 0; at < chunk.length; at += SLICE) {
    reader.push(chunk.subarray(at, at + SLICE), items);
    for (let i = 0; i < items.length; i++) validator.push(items[i]);
    items.length = 0;
  }
}
