import { isAscii, isUtf8 } from 'node:buffer';
import { delimitersFromIsa, type X12Delimiters } from './delimiters';
import { NO_TAG, tagCode, tagCodeAt, tagName } from './tag-codes';

const IEA = tagCode('IEA');
/**
 * Input is decoded and scanned this many bytes at a time: the reader's text then stays a young,
 * cheaply collected string, where a whole 1 MB read would be a large object that only a full
 * collection frees (and every segment cut from it would keep it alive).
 */
const PIECE = 1 << 16;

/**
 * One segment as written, without its terminator: `src[start, end)` of the reader's text. The
 * segment's own string and its elements are cut on first use: a validator that walks `src` by
 * index never pays for a substring or an array of strings per segment.
 */
export class RawSegment {
  readonly kind = 'segment';
  private cachedText?: string;
  private split?: string[];

  constructor(
    /** The reader's text this segment lies in (shared with its neighbours). */
    readonly src: string,
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
    return new RawSegment(text, 0, text.length, offset, delimiters, tagCodeAt(text, 0, text.length, delimiters.element.charCodeAt(0)));
  }

  get text(): string {
    return (this.cachedText ??= this.src.slice(this.start, this.end));
  }

  get tag(): string {
    if (this.tagCode !== NO_TAG) return tagName(this.tagCode);
    const i = this.src.indexOf(this.delimiters.element, this.start);
    return this.src.slice(this.start, i < 0 || i > this.end ? this.end : i);
  }

  /** elements[0] is the tag, elements[n] element n as written (composites and repeats unsplit). */
  get elements(): string[] {
    return (this.split ??= this.text.split(this.delimiters.element));
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

/**
 * Splits X12 input into segments, chunk by chunk, holding only the unfinished tail: memory stays
 * flat whatever the file size. Delimiters are read from each ISA, so interchanges with different
 * delimiters can follow one another. CR/LF after a terminator is skipped; a newline terminator
 * is accepted with CRLF. Text is ASCII in the main, UTF-8 where partners agreed to it, Latin-1
 * from older systems: each chunk is decoded as the first of those that fits.
 */
export class X12SegmentReader {
  private text = '';
  /** Input offset of text[0]. */
  private base = 0;
  private pendingBytes: Buffer = Buffer.alloc(0);
  private delimiters?: X12Delimiters;
  private started = false;

  push(chunk: Buffer, out: ReaderItem[]): void {
    for (let i = 0; i < chunk.length; i += PIECE) {
      this.text += this.decode(i === 0 && chunk.length <= PIECE ? chunk : chunk.subarray(i, i + PIECE));
      this.scan(out, false);
    }
  }

  end(out: ReaderItem[]): void {
    if (this.pendingBytes.length) this.text += this.pendingBytes.toString('latin1');
    this.pendingBytes = Buffer.alloc(0);
    this.scan(out, true);
    let rest = this.text.trim();
    // Many files end without a terminator after their last IEA: take it as written.
    if (this.delimiters && /^IEA/.test(rest) && !rest.includes(this.delimiters.segment)) {
      out.push(RawSegment.of(rest, this.delimiters, this.base + this.text.indexOf(rest)));
      this.delimiters = undefined;
      rest = '';
    }
    if (rest) {
      const at = this.base + this.text.indexOf(rest[0]);
      out.push({ kind: 'error', offset: at, reason: this.delimiters
        ? `the input ends inside a segment with no terminator '${this.delimiters.segment}': ${JSON.stringify(rest.slice(0, 40))}`
        : `not X12: expected an ISA segment, found ${JSON.stringify(rest.slice(0, 40))}` });
    }
    this.base += this.text.length;
    this.text = '';
  }

  private decode(chunk: Buffer): string {
    let buf = this.pendingBytes.length ? Buffer.concat([this.pendingBytes, chunk]) : chunk;
    this.pendingBytes = Buffer.alloc(0);
    if (!this.started) {
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      this.started = buf.length >= 3;
    }
    if (isAscii(buf)) return buf.toString('latin1');
    const cut = completeUtf8Length(buf);
    this.pendingBytes = Buffer.from(buf.subarray(cut));
    const whole = buf.subarray(0, cut);
    return isUtf8(whole) ? whole.toString('utf8') : whole.toString('latin1');
  }

  private scan(out: ReaderItem[], final: boolean): void {
    const s = this.text;
    const len = s.length;
    let pos = 0;
    for (;;) {
      while (pos < len) {
        const c = s.charCodeAt(pos);
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
        else break;
      }
      if (pos >= len) break;
      if (!this.delimiters) {
        if (len - pos < 3 && !final) break;
        if (!s.startsWith('ISA', pos)) {
          const next = s.indexOf('ISA', pos + 1);
          if (next < 0 && !final) break;
          const stop = next < 0 ? len : next;
          out.push({ kind: 'error', offset: this.base + pos,
            reason: `not X12: expected an ISA segment, found ${JSON.stringify(s.slice(pos, Math.min(stop, pos + 40)))}` });
          pos = stop;
          continue;
        }
        const found = delimitersFromIsa(s.slice(pos, pos + 512));
        if (!found.ok) {
          if (found.need && !final) break;
          out.push({ kind: 'error', offset: this.base + pos, reason: found.reason, code: found.code });
          const next = s.indexOf('ISA', pos + 3);
          pos = next < 0 ? len : next;
          continue;
        }
        this.delimiters = found.delimiters;
      }
      const d = this.delimiters;
      const end = s.indexOf(d.segment, pos);
      if (end < 0) break; // unfinished: wait for more input (end() reports a cut-off segment)
      const stop = d.segment === '\n' && end > pos && s.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
      const code = tagCodeAt(s, pos, stop, d.element.charCodeAt(0));
      out.push(new RawSegment(s, pos, stop, this.base + pos, d, code));
      pos = end + 1;
      if (code === IEA) this.delimiters = undefined;
    }
    this.text = pos < len ? s.slice(pos) : '';
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
