import { isAscii, isUtf8 } from 'node:buffer';
import { delimitersFromIsa, type X12Delimiters } from './delimiters';
import { codesToString, concatCharCodes, NO_CODES, toCharCodes, type CharCodes } from './char-codes';
import { NO_TAG, tagCode, tagCodeAt, tagName } from './tag-codes';

const IEA = tagCode('IEA');
/** How much of the input an ISA is read from (its 16 separators and terminator are looked for in it). */
const ISA_WINDOW = 512;
/**
 * Input is decoded and scanned this many bytes at a time, so that a text that is not all ASCII
 * is decoded (and widened, when it must be) a piece at a time, not a whole read at once.
 */
const PIECE = 1 << 16;
/**
 * The longest segment read, in characters: no segment of the sets we read comes near it (an
 * element is at most a few hundred characters). A longer one is an error and is skipped to its
 * terminator unread, so that a file of one endless segment costs neither memory nor a scan of
 * its tail again at every piece.
 */
export const MAX_SEGMENT_CHARS = 1 << 20;

/**
 * One segment as written, without its terminator: `src[start, end)` of the reader's text, held as
 * char codes (char-codes.ts). The segment's string and its elements are made on first use: a
 * validator that walks `src` by index never pays for a substring or an array per segment.
 */
export class RawSegment {
  /** The segment's text, then its elements, once asked for (one field: a segment is made per 25 bytes read). */
  private cache?: string | string[];

  constructor(
    /** The reader's text this segment lies in (shared with its neighbours). */
    readonly src: CharCodes,
    readonly start: number,
    readonly end: number,
    /** Character offset of the segment in the input (the byte offset, for ASCII input). */
    readonly offset: number,
    /** The delimiters of this segment's interchange. */
    readonly delimiters: X12Delimiters,
    /** The tag as a number (tag-codes.ts), NO_TAG when it is not one to three letters or digits. */
    readonly tagCode: number,
  ) {}

  /** A segment made from its text alone (tests, segments built in memory). */
  static of(text: string, delimiters: X12Delimiters, offset = 0): RawSegment {
    const codes = toCharCodes(text);
    const seg = new RawSegment(codes, 0, codes.length, offset, delimiters, tagCodeAt(codes, 0, codes.length, delimiters.element.charCodeAt(0)));
    seg.cache = text;
    return seg;
  }

  get kind(): 'segment' {
    return 'segment';
  }

  get text(): string {
    const c = this.cache;
    if (c === undefined) return (this.cache = codesToString(this.src, this.start, this.end));
    return typeof c === 'string' ? c : c.join(this.delimiters.element);
  }

  get tag(): string {
    if (this.tagCode !== NO_TAG) return tagName(this.tagCode);
    const text = this.text;
    const i = text.indexOf(this.delimiters.element);
    return i < 0 ? text : text.slice(0, i);
  }

  /** elements[0] is the tag, elements[n] element n as written (composites and repeats unsplit). */
  get elements(): string[] {
    const c = this.cache;
    if (typeof c === 'object') return c;
    return (this.cache = this.text.split(this.delimiters.element));
  }

  /** elements[n] without splitting the segment: the set checks read two or three elements of ST and SE. */
  element(n: number): string | undefined {
    if (typeof this.cache === 'object') return this.cache[n];
    const src = this.src;
    const sep = this.delimiters.element.charCodeAt(0);
    let from = this.start;
    for (let k = 0; k < n; k++) {
      while (from < this.end && src[from] !== sep) from++;
      if (from >= this.end) return undefined;
      from++;
    }
    let to = from;
    while (to < this.end && src[to] !== sep) to++;
    return codesToString(src, from, to);
  }

  /** Logs and JSON show the segment, not the reader's whole text it points into. */
  toJSON(): { tag: string; text: string; offset: number } {
    return { tag: this.tag, text: this.text, offset: this.offset };
  }
}

/** Input the reader could not make into segments: outside an interchange, or an unreadable ISA. */
export interface ReaderError {
  kind: 'error';
  offset: number;
  reason: string;
  /** The TA1 note code, when the problem is one of the ISA's delimiters. */
  code?: string;
}

export type ReaderItem = RawSegment | ReaderError;

/** Length of buf without a UTF-8 sequence cut off at its end. */
function completeUtf8Length(buf: Buffer): number {
  for (let back = 1; back <= 3 && back <= buf.length; back++) {
    const b = buf[buf.length - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? buf.length - back : buf.length;
  }
  return buf.length;
}

/** Index of "ISA" in codes at or after from, or -1. */
function indexOfIsa(codes: CharCodes, from: number): number {
  for (let i = from; i + 2 < codes.length; i++) {
    if (codes[i] === 0x49 && codes[i + 1] === 0x53 && codes[i + 2] === 0x41) return i;
  }
  return -1;
}

/**
 * Splits X12 input into segments, chunk by chunk, holding only the unfinished tail: memory stays
 * flat whatever the file size. Delimiters are read from each ISA, so interchanges with different
 * delimiters can follow one another. CR/LF after a terminator is skipped; a newline terminator
 * is accepted with CRLF. Text is ASCII in the main, UTF-8 where partners agreed to it, Latin-1
 * from older systems: each piece is decoded as the first of those that fits.
 */
export class X12SegmentReader {
  /** The unfinished tail of the text read so far. */
  private codes: CharCodes = NO_CODES;
  /** Input offset of codes[0]. */
  private base = 0;
  private pendingBytes: Buffer = Buffer.alloc(0);
  private delimiters?: X12Delimiters;
  private started = false;
  /** Inside a segment longer than MAX_SEGMENT_CHARS: what comes up to its terminator is dropped. */
  private inLongSegment = false;
  /** After an unreadable ISA, until the next ISA: what comes is part of its error, not reported again. */
  private afterBadIsa = false;

  push(chunk: Buffer, out: ReaderItem[]): void {
    for (let i = 0; i < chunk.length; i += PIECE) {
      const piece = this.decode(i === 0 && chunk.length <= PIECE ? chunk : chunk.subarray(i, i + PIECE));
      // A piece that is the caller's own bytes is copied: segments outlive push(), the caller's buffer may not.
      this.codes = this.codes.length ? concatCharCodes(this.codes, piece) : piece.buffer === chunk.buffer ? Buffer.from(piece) : piece;
      this.scan(out, false);
    }
  }

  end(out: ReaderItem[]): void {
    // A UTF-8 sequence cut off by the end of input: its bytes, as Latin-1.
    if (this.pendingBytes.length) this.codes = concatCharCodes(this.codes, this.pendingBytes);
    this.pendingBytes = Buffer.alloc(0);
    this.scan(out, true);
    this.inLongSegment = false;
    this.afterBadIsa = false;
    const text = codesToString(this.codes, 0, this.codes.length);
    let rest = text.trim();
    // Many files end without a terminator after their last IEA: take it as written.
    if (this.delimiters && /^IEA/.test(rest) && !rest.includes(this.delimiters.segment)) {
      out.push(RawSegment.of(rest, this.delimiters, this.base + text.indexOf(rest)));
      this.delimiters = undefined;
      rest = '';
    }
    if (rest) {
      const at = this.base + text.indexOf(rest[0]);
      out.push({ kind: 'error', offset: at, reason: this.delimiters
        ? `the input ends inside a segment with no terminator '${this.delimiters.segment}': ${JSON.stringify(rest.slice(0, 40))}`
        : `not X12: expected an ISA segment, found ${JSON.stringify(rest.slice(0, 40))}` });
    }
    this.base += this.codes.length;
    this.codes = NO_CODES;
  }

  /** The char codes of the next piece of input (ASCII and Latin-1 are their own bytes). */
  private decode(chunk: Buffer): CharCodes {
    let buf = this.pendingBytes.length ? Buffer.concat([this.pendingBytes, chunk]) : chunk;
    this.pendingBytes = Buffer.alloc(0);
    if (!this.started) {
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      this.started = buf.length >= 3;
    }
    if (isAscii(buf)) return buf;
    const cut = completeUtf8Length(buf);
    this.pendingBytes = Buffer.from(buf.subarray(cut));
    const whole = buf.subarray(0, cut);
    return isUtf8(whole) ? toCharCodes(whole.toString('utf8')) : whole;
  }

  private scan(out: ReaderItem[], final: boolean): void {
    const s = this.codes;
    const len = s.length;
    let pos = 0;
    if (this.inLongSegment) {
      const terminator = this.delimiters!.segment.charCodeAt(0);
      while (pos < len && s[pos] !== terminator) pos++;
      this.inLongSegment = pos >= len;
      if (pos < len) pos++;
    }
    // The delimiters' char codes, worked out when they change rather than per segment.
    let codesOf: X12Delimiters | undefined;
    let terminator = -1;
    let separator = -1;
    for (;;) {
      while (pos < len) {
        const c = s[pos];
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
        else break;
      }
      if (pos >= len) break;
      if (!this.delimiters) {
        if (len - pos < 3 && !final) break;
        if (!(s[pos] === 0x49 && s[pos + 1] === 0x53 && s[pos + 2] === 0x41)) {
          const next = indexOfIsa(s, pos + 1);
          if (this.afterBadIsa) {
            // Still after an unreadable ISA: skipped silently, as it is when read whole. The last two
            // characters wait for the next read, in case they begin an ISA.
            if (next < 0 && !final) { pos = Math.max(pos, len - 2); break; }
            pos = next < 0 ? len : next;
            continue;
          }
          if (next < 0 && !final) break;
          const stop = next < 0 ? len : next;
          out.push({ kind: 'error', offset: this.base + pos,
            reason: `not X12: expected an ISA segment, found ${JSON.stringify(codesToString(s, pos, Math.min(stop, pos + 40)))}` });
          pos = stop;
          continue;
        }
        const found = delimitersFromIsa(codesToString(s, pos, Math.min(len, pos + ISA_WINDOW)));
        if (!found.ok) {
          // Judged on a whole window only: an ISA longer than 200 characters, cut by a chunk
          // boundary, would otherwise read as broken in a stream and whole in memory.
          if ((found.need || len - pos < ISA_WINDOW) && !final) break;
          out.push({ kind: 'error', offset: this.base + pos, reason: found.reason, code: found.code });
          const next = indexOfIsa(s, pos + 3);
          // What follows, up to the next ISA, belongs to this error, also when that ISA is in a later read.
          this.afterBadIsa = next < 0 && !final;
          pos = next >= 0 ? next : final ? len : Math.max(pos + 3, len - 2);
          continue;
        }
        this.afterBadIsa = false;
        this.delimiters = found.delimiters;
      }
      const d = this.delimiters;
      if (d !== codesOf) {
        codesOf = d;
        terminator = d.segment.charCodeAt(0);
        separator = d.element.charCodeAt(0);
      }
      let end = pos;
      while (end < len && s[end] !== terminator) end++;
      const tooLong = () => ({ kind: 'error' as const, offset: this.base + pos,
        reason: `a segment of more than ${MAX_SEGMENT_CHARS} characters (no terminator '${d.segment}' within them), starting ${JSON.stringify(codesToString(s, pos, pos + 40))}: refused unread` });
      if (end >= len) {
        // Unfinished: wait for more input (end() reports a cut-off segment), unless it is already too long.
        if (len - pos > MAX_SEGMENT_CHARS) {
          out.push(tooLong());
          this.inLongSegment = true;
          pos = len;
        }
        break;
      }
      if (end - pos > MAX_SEGMENT_CHARS) {
        // Too long though whole: the same error, wherever the reads happened to cut the input.
        out.push(tooLong());
        pos = end + 1;
        continue;
      }
      const stop = terminator === 0x0a && end > pos && s[end - 1] === 0x0d ? end - 1 : end;
      const code = tagCodeAt(s, pos, stop, separator);
      out.push(new RawSegment(s, pos, stop, this.base + pos, d, code));
      pos = end + 1;
      if (code === IEA) this.delimiters = undefined;
    }
    this.codes = pos === 0 ? s : pos < len ? s.subarray(pos) : NO_CODES;
    this.base += pos;
  }
}

/** Reads a whole buffer (small files, tests) into segments. */
export function readSegments(bytes: Buffer): ReaderItem[] {
  const reader = new X12SegmentReader();
  const out: ReaderItem[] = [];
  reader.push(bytes, out);
  reader.end(out);
  return out;
}
