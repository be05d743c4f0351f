import { EdifactSegment, tagId, type ReaderItem } from './segment';
import {
  CHARACTER_SETS, DEFAULT_REPETITION, DEFAULT_SEPARATORS, LEVEL_B_CONTROL_SEPARATORS, readUna, UNKNOWN_CHARSET,
  type Separators, type Syntax,
} from './syntax';

/**
 * Splits EDIFACT input into segments, chunk by chunk, holding only the unfinished tail: memory
 * stays flat whatever the file size.
 *
 * Why not the `edifact` package's parser, which the product definition names: it works on
 * JavaScript strings, so it cannot honour the declared character set (UNOC is ISO 8859-1, UNOE
 * 8859-5: the bytes must be decoded after the UNB is read, not before); it throws at the first
 * problem where we must report and go on; it knows no envelopes; and it is not fast enough to
 * leave room for validation. Measured on the same ORDERS files (bench/edifact.bench.js, 2 shared
 * cores, two full runs, BENCHMARKS.md): its event parser tokenizes 59-68 MB/s (100k messages,
 * 170 MB) and validates nothing; earlier measurement of its Reader API: 7.5 MB/s, 3 GB on 88 MB.
 * This reader alone reads about 400 MB/s (CPU time, in memory, 20k messages); reading plus the
 * whole validation behind it (envelopes, structure, elements, code lists, character set) runs
 * 104 MB/s on a 1 GB interchange with a peak RSS under 100 MB when the machine is not saturated
 * (BENCHMARKS.md: 49-104 MB/s over three runs). The bytes are scanned here in
 * JavaScript (a native indexOf per segment costs more than the scan of a 25-byte segment), a
 * terminator after a release character is data, and a segment is decoded only when someone asks
 * for its values.
 *
 * Service characters come from each interchange's UNA, or the ISO 9735 defaults; the UNB's
 * syntax identifier picks the character set and, from syntax 4, the repetition separator. Line
 * breaks are skipped between segments, and taken out inside one: no EDIFACT character set has them
 * as data, and files hard-wrapped at 80 (or 50, or 15) columns are common.
 */
export class EdifactSegmentReader {
  private tail: Buffer = Buffer.alloc(0);
  /** Inside a segment longer than MAX_SEGMENT_BYTES: what comes up to its terminator is dropped. */
  private skipping = false;
  /** Input offset of tail[0]. */
  private base = 0;
  private started = false;
  /** The service characters the next UNB starts with (from a UNA, or the defaults). */
  private pending: { separators: Separators; reserved: number; una: boolean } = { separators: DEFAULT_SEPARATORS, reserved: 0x20, una: false };
  private syntax: Syntax = { separators: DEFAULT_SEPARATORS, charset: UNKNOWN_CHARSET, version: '', una: false };

  push(chunk: Buffer, out: ReaderItem[]): void {
    if (!this.started) {
      let buf = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
      if (buf.length < 3) { this.tail = Buffer.from(buf); return; }
      this.started = true;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) { buf = buf.subarray(3); this.base += 3; }
      this.scan(buf, out, false);
      return;
    }
    if (!this.tail.length) {
      this.scan(chunk, out, false);
      return;
    }
    // The segment cut at the end of the last chunk is finished from the head of this one, then the
    // chunk is read in place: no copy of the whole chunk, whose segments keep pointing into it.
    const tail = this.tail;
    const base = this.base;
    const head = Buffer.concat([tail, chunk.subarray(0, Math.min(chunk.length, HEAD))]);
    const reached = this.scan(head, out, false, tail.length);
    if (reached >= tail.length) {
      this.scan(chunk.subarray(reached - tail.length), out, false);
    } else if (chunk.length > HEAD) {
      // A segment longer than HEAD across the boundary: join it all.
      out.length -= this.emitted;
      this.tail = tail;
      this.base = base;
      this.scan(Buffer.concat([tail, chunk]), out, false);
    }
  }

  end(out: ReaderItem[]): void {
    this.started = true;
    this.scan(this.tail, out, true);
    this.skipping = false;
  }

  /** Items the last scan added to `out`. */
  private emitted = 0;

  /** Reads segments from buf; with `stopAt`, stops at the first segment starting at or after it. Returns where it stopped. */
  private scan(buf: Buffer, out: ReaderItem[], final: boolean, stopAt = -1): number {
    const len = buf.length;
    let pos = 0;
    const before = out.length;
    if (this.skipping) {
      const stops = stopsOf(this.syntax.separators);
      for (; pos < len && stops[buf[pos]] !== STOP_TERMINATOR; pos++) if (stops[buf[pos]] === STOP_RELEASE) pos++;
      this.skipping = pos >= len;
      pos = Math.min(len, pos + 1);
    }
    for (;;) {
      if (stopAt >= 0 && pos >= stopAt) break;
      while (pos < len) {
        const b = buf[pos];
        if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) pos++;
        else break;
      }
      if (pos >= len) break;
      // "UNA" and its six characters stand alone, without a terminator of their own.
      if (buf[pos] === 0x55 && buf[pos + 1] === 0x4e && buf[pos + 2] === 0x41 || (len - pos < 3 && !final && isPrefixOf(buf, pos, 'UNA'))) {
        if (len - pos < 9 && !final) break;
        const una = readUna(buf, pos);
        if (!una.ok) {
          out.push({ kind: 'error', offset: this.base + pos, code: '20', reason: una.reason });
          pos = Math.min(len, pos + 9);
          continue;
        }
        this.pending = { separators: una.separators, reserved: una.reservedOrRepetition, una: true };
        this.syntax = { separators: una.separators, charset: UNKNOWN_CHARSET, version: '', una: true };
        pos += 9;
        continue;
      }
      // Level B without a UNA uses the information separators IS1/IS3/IS4.
      if (!this.pending.una && buf[pos] === 0x55 && buf[pos + 1] === 0x4e && buf[pos + 2] === 0x42 && buf[pos + 3] === 0x1d) {
        this.pending = { separators: LEVEL_B_CONTROL_SEPARATORS, reserved: 0x20, una: false };
        this.syntax = { ...this.syntax, separators: LEVEL_B_CONTROL_SEPARATORS };
      }
      const sep = this.syntax.separators;
      // One pass over the segment's bytes in JavaScript: a native indexOf per segment costs more
      // than the scan itself (segments average 20-40 bytes). A release character takes the next byte as data.
      // One table lookup per byte: most bytes are none of terminator, release character or line break.
      const stops = stopsOf(sep);
      let end = pos;
      let wrapped = false;
      for (; end < len; end++) {
        // Four bytes at a time while none of them stops the scan: fewer branches on long segments.
        while (end + 4 <= len && (stops[buf[end]] | stops[buf[end + 1]] | stops[buf[end + 2]] | stops[buf[end + 3]]) === 0) end += 4;
        if (end >= len) break;
        const k = stops[buf[end]];
        if (k === 0) continue;
        if (k === STOP_TERMINATOR) break;
        if (k === STOP_RELEASE) end++;
        else wrapped = true;
      }
      const tooLong = (): ReaderItem => ({ kind: 'error', offset: this.base + pos, code: '39', // CONTRL: data element too long
        reason: `a segment of more than ${MAX_SEGMENT_BYTES} bytes (no terminator ${JSON.stringify(String.fromCharCode(sep.segment))} within them), starting ${JSON.stringify(buf.toString('latin1', pos, pos + 40))}: refused unread` });
      if (end >= len) {
        if (!final && len - pos > MAX_SEGMENT_BYTES) {
          // Already too long to be a segment: refused unread, and skipped to its terminator.
          out.push(tooLong());
          this.skipping = true;
          pos = len;
        }
        if (!final) break;
        out.push(this.cutOff(buf, pos));
        pos = len;
        break;
      }
      if (end - pos > MAX_SEGMENT_BYTES) {
        // Too long though whole: the same error, wherever the reads happened to cut the input.
        out.push(tooLong());
        pos = end + 1;
        continue;
      }
      const seg = wrapped ? this.unwrapped(buf, pos, end) : makeSegment(buf, pos, end, this.base + pos, this.syntax);
      pos = end + 1;
      if (seg.tagId === UNB) this.startInterchange(seg);
      out.push(seg);
      // The next interchange starts afresh: its own UNA, or the defaults.
      if (seg.tagId === UNZ) {
        this.pending = { separators: DEFAULT_SEPARATORS, reserved: 0x20, una: false };
        this.syntax = { separators: DEFAULT_SEPARATORS, charset: UNKNOWN_CHARSET, version: '', una: false };
      }
    }
    this.tail = pos < len ? Buffer.from(buf.subarray(pos)) : EMPTY;
    this.base += pos;
    this.emitted = out.length - before;
    return pos;
  }

  /** A segment with line breaks inside: a copy without them (wrapped files). */
  private unwrapped(buf: Buffer, start: number, end: number): EdifactSegment {
    const copy = Buffer.allocUnsafe(end - start);
    let w = 0;
    for (let i = start; i < end; i++) {
      const b = buf[i];
      if (b !== 0x0a && b !== 0x0d) copy[w++] = b;
    }
    return makeSegment(copy, 0, w, this.base + start, this.syntax);
  }

  /** The UNB's syntax identifier picks the character set and, in syntax 4, the repetition separator. */
  private startInterchange(unb: EdifactSegment): void {
    const [id = '', version = ''] = unb.elements[1] ?? [];
    const p = this.pending;
    let repetition = -1;
    if (version === '4') repetition = p.una ? (p.reserved === 0x20 ? -1 : p.reserved) : DEFAULT_REPETITION;
    const separators = repetition === p.separators.repetition ? p.separators : { ...p.separators, repetition };
    this.syntax = { separators, charset: CHARACTER_SETS[id] ?? UNKNOWN_CHARSET, version, una: p.una };
    unb.syntax = this.syntax;
  }

  private cutOff(buf: Buffer, pos: number): ReaderItem {
    const rest = buf.toString('latin1', pos, Math.min(buf.length, pos + 4000));
    const term = String.fromCharCode(this.syntax.separators.segment);
    // Segments ended by line breaks instead of the terminator: the service characters are not the ones in force.
    if (/[\r\n][ \t]*[A-Z]{3}[^A-Za-z0-9\s]/.test(rest)) {
      return { kind: 'error', offset: this.base + pos, code: '22',
        reason: `segments end with line breaks instead of the segment terminator ${JSON.stringify(term)} (starting ${JSON.stringify(rest.slice(0, 30))}); a newline terminator must be declared by a UNA` };
    }
    return { kind: 'error', offset: this.base + pos, code: '13',
      reason: `the input ends inside a segment with no terminator ${JSON.stringify(term)}: ${JSON.stringify(rest.slice(0, 40))}` };
  }
}

const EMPTY = Buffer.alloc(0);
const UNB = tagId('UNB');
const UNZ = tagId('UNZ');

const STOP_TERMINATOR = 1;
const STOP_RELEASE = 2;
const STOP_LINE_BREAK = 3;
const stopTables = new WeakMap<Separators, Uint8Array>();
let lastSeparators: Separators | undefined;
let lastStops: Uint8Array = new Uint8Array(256);
/** Per byte: 0 for data, else what stops the scan of a segment (a line break wins over nothing else). */
function stopsOf(sep: Separators): Uint8Array {
  if (sep === lastSeparators) return lastStops;
  let t = stopTables.get(sep);
  if (!t) {
    t = new Uint8Array(256);
    t[0x0a] = STOP_LINE_BREAK;
    t[0x0d] = STOP_LINE_BREAK;
    if (sep.release >= 0) t[sep.release] = STOP_RELEASE;
    t[sep.segment] = STOP_TERMINATOR;
    stopTables.set(sep, t);
  }
  lastSeparators = sep;
  return (lastStops = t);
}
/** How much of a new chunk is joined to the cut segment before it (segments are rarely longer). */
const HEAD = 4096;
/**
 * The longest segment read: far beyond any segment of the directories we read (an element is at
 * most 512 characters). A longer one is an error and is skipped to its terminator unread, so that
 * a file of one endless segment costs neither memory nor a copy of its tail at every chunk.
 */
export const MAX_SEGMENT_BYTES = 1 << 20;

function isPrefixOf(buf: Buffer, pos: number, word: string): boolean {
  for (let i = 0; pos + i < buf.length; i++) if (buf[pos + i] !== word.charCodeAt(i)) return false;
  return true;
}

const TAGS = new Map<number, { tag: string; id: number }>();
const LETTER_TAGS: ({ tag: string; id: number } | undefined)[] = new Array(26 * 26 * 26).fill(undefined);

function makeSegment(buf: Buffer, start: number, end: number, offset: number, syntax: Syntax): EdifactSegment {
  const sep = syntax.separators;
  // Tags are almost always three letters: interned, so a segment costs no string until it is decoded.
  if (end - start >= 3 && (end - start === 3 || buf[start + 3] === sep.element)) {
    const b0 = buf[start] - 0x41;
    const b1 = buf[start + 1] - 0x41;
    const b2 = buf[start + 2] - 0x41;
    // Three capital letters (nearly every tag): an array index, no hashing.
    if (b0 >= 0 && b0 < 26 && b1 >= 0 && b1 < 26 && b2 >= 0 && b2 < 26) {
      const index = (b0 * 26 + b1) * 26 + b2;
      let known = LETTER_TAGS[index];
      if (known === undefined) {
        const tag = buf.toString('latin1', start, start + 3);
        LETTER_TAGS[index] = known = { tag, id: tagId(tag) };
      }
      return new EdifactSegment(buf, start, end, offset, syntax, known.tag, start + 3, known.id);
    }
    const key = (buf[start] << 16) | (buf[start + 1] << 8) | buf[start + 2];
    let known = TAGS.get(key);
    if (known === undefined) {
      const tag = buf.toString('latin1', start, start + 3);
      known = { tag, id: tagId(tag) };
      if (TAGS.size < 10_000) TAGS.set(key, known);
    }
    return new EdifactSegment(buf, start, end, offset, syntax, known.tag, start + 3, known.id);
  }
  let t = start;
  while (t < end && buf[t] !== sep.element && buf[t] !== sep.component) t++;
  return new EdifactSegment(buf, start, end, offset, syntax, buf.toString('latin1', start, t), t);
}

/** Reads a whole buffer (small files, tests) into segments. */
export function readSegments(bytes: Buffer): ReaderItem[] {
  const reader = new EdifactSegmentReader();
  const out: ReaderItem[] = [];
  reader.push(bytes, out);
  reader.end(out);
  return out;
}
