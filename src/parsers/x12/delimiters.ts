/**
 * X12 delimiters are declared by the ISA segment itself: the element separator is the byte after
 * "ISA", the component separator is ISA16, the segment terminator is the byte after ISA16, and
 * from version 00402 ISA11 is the repetition separator.
 */
export interface X12Delimiters {
  element: string;
  component: string;
  /** Absent before 00402, where ISA11 is the standards identifier ("U"). */
  repetition?: string;
  segment: string;
}

/** isaLength counts the ISA with its terminator: 106 when every field has its fixed width. */
/** ISA11 is the repetition separator from control version 00402 on (the standards identifier "U" before). */
export const REPETITION_FROM = '00402';

export type DelimiterResult = { ok: true; delimiters: X12Delimiters; isaLength: number }
  /** code: the TA1 note code (026 element separator, 027 component separator, 004 terminator). */
  | { ok: false; reason: string; need?: boolean; code?: string };

const isAlnum = (c: string) => /[A-Za-z0-9]/.test(c);

/**
 * Reads the delimiters from an ISA starting at `text[0]`. Tolerates ISA fields that are not
 * padded to their fixed width (the 16 separators are counted, not the 106 columns), and
 * reports `need` when the text ends before the ISA does.
 */
export function delimitersFromIsa(text: string): DelimiterResult {
  if (text.length < 4) return { ok: false, reason: 'ISA segment is cut short', need: true };
  const element = text[3];
  if (isAlnum(element) || element === ' ') {
    return { ok: false, code: '026', reason: `ISA element separator '${element}' must not be a letter, digit or space` };
  }
  let pos = 3;
  for (let n = 1; n <= 16; n++) {
    const next = n === 16 ? pos + 1 : text.indexOf(element, pos + 1);
    if (n < 16 && next < 0) {
      return text.length < 200 ? { ok: false, reason: 'ISA segment is cut short', need: true }
        : { ok: false, reason: `ISA has ${n} elements, expected 16` };
    }
    if (n === 16) break;
    pos = next;
  }
  // pos is the separator before ISA16; ISA16 is one character, the terminator follows it.
  const component = text[pos + 1];
  const segment = text[pos + 2];
  if (component === undefined || segment === undefined) return { ok: false, reason: 'ISA segment is cut short', need: true };
  if (segment === element || segment === component) {
    return { ok: false, code: '027', reason: `ISA16 must be one character followed by the segment terminator; found '${component}${segment}'` };
  }
  if (isAlnum(segment) || segment === ' ') {
    return { ok: false, code: '004', reason: `segment terminator ${JSON.stringify(segment)} after ISA16 must not be a letter, digit or space` };
  }
  const fields = text.slice(0, pos + 1).split(element);
  const version = fields[12]?.trim() ?? '';
  const rep = fields[11] ?? '';
  const repetition = version >= REPETITION_FROM && rep.length === 1 && !isAlnum(rep) && rep !== element ? rep : undefined;
  return { ok: true, delimiters: { element, component, repetition, segment }, isaLength: pos + 3 };
}
