import { wallClock } from '../../translators/partner-time';
import type { X12Delimiters } from './delimiters';

export interface X12WriteOptions {
  delimiters: X12Delimiters;
  /** Written after each segment terminator: '' (one line), '\n' or '\r\n'. */
  lineEnding?: string;
}

export interface X12Party {
  qualifier: string;
  id: string;
  /** GS02 / GS03 application code. */
  gsId: string;
}

export interface InterchangeSpec {
  sender: X12Party;
  receiver: X12Party;
  /** ISA12, e.g. 00401 or 00501. */
  version: string;
  controlNumber: number;
  usage: 'P' | 'T';
  ackRequested?: boolean;
  date: Date;
  /** The receiver's clock (IANA zone) ISA09/10 and GS04/05 are written on; UTC when absent. */
  timeZone?: string;
  groups: GroupSpec[];
  /** Segments that stand between ISA and the first GS, e.g. a TA1. */
  leading?: X12Element[][];
}

export interface GroupSpec {
  functionalId: string;
  /** GS08, e.g. 004010 or 005010X231A1. */
  version: string;
  controlNumber: number;
  sets: SetSpec[];
}

export interface SetSpec {
  type: string;
  controlNumber: string;
  /** ST03 (005010 implementation convention reference). */
  convention?: string;
  /** The segments between ST and SE, each as [tag, element1, element2, ...]. */
  body: X12Element[][];
}

/** An element: a value, or a composite's components (an AK401's element and component positions). */
export type X12Element = string | readonly string[];

/** Refuses a value that would change the structure: X12 has no escape character. */
function checkValue(value: string, d: X12Delimiters, where: string): void {
  for (const sep of [d.element, d.segment, d.component, d.repetition]) {
    if (sep && value.includes(sep)) {
      throw new Error(`${where}: value ${JSON.stringify(value)} contains the delimiter '${sep}', which X12 cannot escape`);
    }
  }
}

/** One segment as text: trailing empty elements (and components) dropped, as the standard asks. */
export function segmentText(elements: readonly X12Element[], d: X12Delimiters): string {
  const parts = elements.map((e, i) => {
    if (typeof e === 'string') {
      if (i > 0) checkValue(e, d, `${elements[0]}${String(i).padStart(2, '0')}`);
      return e;
    }
    let last = e.length - 1;
    while (last >= 0 && e[last] === '') last--;
    const components = e.slice(0, last + 1);
    components.forEach((c) => checkValue(c, d, `${elements[0]}${String(i).padStart(2, '0')}`));
    return components.join(d.component);
  });
  let last = parts.length - 1;
  while (last > 0 && parts[last] === '') last--;
  return parts.slice(0, last + 1).join(d.element);
}

const pad = (v: string, width: number) => v.padEnd(width, ' ').slice(0, width);
const digits = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * Writes a whole interchange: ISA with its fixed widths, groups with GE counts, sets with SE
 * segment counts (ST and SE included), IEA with the group count.
 */
export function writeInterchange(spec: InterchangeSpec, options: X12WriteOptions): string {
  const d = options.delimiters;
  const nl = options.lineEnding ?? '';
  const isaControl = digits(spec.controlNumber, 9);
  const clock = wallClock(spec.date, spec.timeZone);
  const ccyymmdd = clock.date.replace(/-/g, '');
  if (isaControl.length !== 9) throw new Error(`interchange control number ${spec.controlNumber} does not fit in 9 digits`);
  const isa = ['ISA', '00', pad('', 10), '00', pad('', 10), pad(spec.sender.qualifier, 2), pad(spec.sender.id, 15),
    pad(spec.receiver.qualifier, 2), pad(spec.receiver.id, 15), ccyymmdd.slice(2), clock.time,
    spec.version >= '00501' ? d.repetition ?? '^' : 'U', spec.version, isaControl, spec.ackRequested ? '1' : '0', spec.usage, d.component];
  // ISA is written whole, never trimmed: every field has its fixed width.
  const lines: string[] = [isa.join(d.element)];
  for (const seg of spec.leading ?? []) lines.push(segmentText(seg, d));
  for (const g of spec.groups) {
    lines.push(segmentText(['GS', g.functionalId, spec.sender.gsId, spec.receiver.gsId,
      ccyymmdd, clock.time,
      String(g.controlNumber), 'X', g.version], d));
    for (const s of g.sets) {
      lines.push(segmentText(['ST', s.type, s.controlNumber, ...(s.convention ? [s.convention] : [])], d));
      for (const seg of s.body) lines.push(segmentText(seg, d));
      lines.push(segmentText(['SE', String(s.body.length + 2), s.controlNumber], d));
    }
    lines.push(segmentText(['GE', String(g.sets.length), String(g.controlNumber)], d));
  }
  lines.push(segmentText(['IEA', String(spec.groups.length), isaControl], d));
  return lines.map((l) => `${l}${d.segment}${nl}`).join('');
}
