import { decodeBytes, type Syntax } from './syntax';

const TAG_IDS = new Map<string, number>();

/** A small number for each segment tag seen (the same for the life of the process). */
export const tagId = (tag: string): number => idOfTag(tag);
export function idOfTag(tag: string): number {
  let id = TAG_IDS.get(tag);
  if (id === undefined) {
    id = TAG_IDS.size < 65_536 ? TAG_IDS.size : 65_535;
    if (TAG_IDS.size < 65_536) TAG_IDS.set(tag, id);
  }
  return id;
}

/** One element of a segment: its components (a simple data element has one). */
export type EdifactElement = string[];

/**
 * One segment as read, without its terminator: the bytes stay where the reader found them and are
 * decoded (release characters resolved, the interchange's character set honoured) only when asked.
 * The validator never asks: it checks the bytes in place.
 */
export class EdifactSegment {
  // On the prototype, and the caches undeclared until used: a file has millions of segments.
  declare readonly kind: 'segment';
  declare private decoded?: EdifactElement[];
  declare private repeats?: Map<number, EdifactElement[]>;

  constructor(
    /** Holds the segment's bytes from `start` to `end` (the terminator excluded). */
    readonly buf: Buffer,
    readonly start: number,
    readonly end: number,
    /** Byte offset of the segment in the input. */
    readonly offset: number,
    /** Service characters and character set of this segment's interchange. */
    public syntax: Syntax,
    readonly tag: string,
    /** Where the tag ends (the first element separator, or `end`). */
    readonly tagEnd: number,
    /** A small number for the tag (tagId()), so that the validator looks tags up in arrays, not maps. */
    readonly tagId: number = idOfTag(tag),
  ) {}

  /**
   * elements[0] is [tag], elements[n] the components of element n. A repeated element (syntax 4)
   * shows its first occurrence here; `repetitions(n)` gives them all.
   */
  get elements(): EdifactElement[] {
    if (!this.decoded) this.decode();
    return this.decoded!;
  }

  /** Every occurrence of element n (one, unless the element is repeated). */
  repetitions(n: number): EdifactElement[] {
    if (!this.decoded) this.decode();
    return this.repeats?.get(n) ?? (this.decoded![n] ? [this.decoded![n]] : []);
  }

  /** Element n, component k (1-based), '' when absent. */
  value(n: number, k = 1): string {
    return this.elements[n]?.[k - 1] ?? '';
  }

  /** The segment as written (service characters and release characters kept), for messages. */
  get raw(): string {
    return decodeBytes(this.buf, this.start, this.end, this.syntax.charset);
  }

  private decode(): void {
    const { buf, end } = this;
    const s = this.syntax.separators;
    const cs = this.syntax.charset;
    const elements: EdifactElement[] = [[this.tag]];
    let components: string[] = [];
    let element = 1;
    let from = this.tagEnd + 1;
    let released: number[] | undefined;
    const take = (to: number) => {
      if (!released) components.push(decodeBytes(buf, from, to, cs));
      else {
        // Copy the bytes without their release characters, then decode the copy.
        const copy = Buffer.allocUnsafe(to - from - released.length);
        let w = 0;
        let r = 0;
        for (let i = from; i < to; i++) {
          if (r < released.length && released[r] === i) { r++; continue; }
          copy[w++] = buf[i];
        }
        components.push(decodeBytes(copy, 0, w, cs));
        released = undefined;
      }
    };
    const closeElement = () => {
      const list = this.repeats?.get(element);
      if (list) list.push(components);
      else elements[element] = components;
    };
    if (this.tagEnd >= end) {
      this.decoded = elements;
      return;
    }
    for (let i = from; i <= end; i++) {
      const b = i < end ? buf[i] : -2;
      if (b === s.release && i + 1 < end) {
        (released ??= []).push(i);
        i++;
        continue;
      }
      if (b === s.component) {
        take(i);
        from = i + 1;
      } else if (b === s.element || b === -2) {
        take(i);
        closeElement();
        element++;
        components = [];
        from = i + 1;
      } else if (b === s.repetition) {
        take(i);
        if (!this.repeats?.has(element)) {
          (this.repeats ??= new Map()).set(element, [components]);
          elements[element] = components;
        } else this.repeats.get(element)!.push(components);
        components = [];
        from = i + 1;
      }
    }
    this.decoded = elements;
  }
}

Object.defineProperty(EdifactSegment.prototype, 'kind', { value: 'segment' });

/** Input the reader could not make into segments: an unusable UNA, a segment with no terminator. */
export interface ReaderError {
  kind: 'error';
  offset: number;
  reason: string;
  /** The CONTRL syntax error code (0085) of the problem. */
  code: string;
}

export type ReaderItem = EdifactSegment | ReaderError;
