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
  for await (const chunk of source as AsyncIterable<Buffer>) {
    reader.push(chunk, items);
    for (let i = 0; i < items.length; i++) validator.push(items[i]);
    items.length = 0;
  }
  reader.end(items);
  for (const item of items) validator.push(item);
  return validator.finish();
}

/** The same for bytes already in memory. */
export function validateEdifactBytes(bytes: Buffer, ctx: EdifactValidationContext): EdifactValidationResult {
  const reader = new EdifactSegmentReader();
  const validator = new EdifactValidator(ctx);
  const items: ReaderItem[] = [];
  reader.push(bytes, items);
  reader.end(items);
  for (const item of items) validator.push(item);
  return validator.finish();
}
