import { TextDecoder } from 'node:util';
/**
 * ISO 9735 service characters and character sets: what a UNA says (or the defaults when there is
 * none), and what each syntax identifier (UNB S001 0001) allows and how its bytes are decoded.
 * Everything is kept as byte values: the reader and the validator work on bytes, not strings.
 */

export interface Separators {
  component: number;
  element: number;
  /** The decimal mark the UNA advises ('.' by default); syntax 4 accepts either mark. */
  decimal: number;
  /** -1 when there is none (UNA position 4 a space). */
  release: number;
  /** Syntax 4 repetition separator; -1 before syntax 4 or when the UNA leaves it a space. */
  repetition: number;
  segment: number;
}

const c = (s: string) => s.charCodeAt(0);

/** ISO 9735 defaults for levels A and C onwards, used when an interchange has no UNA. */
export const DEFAULT_SEPARATORS: Readonly<Separators> = Object.freeze({
  component: c(':'), element: c('+'), decimal: c('.'), release: c('?'), repetition: -1, segment: c("'"),
});

/** Level B defaults without UNA: the information separators IS1, IS3, IS4 and no release character. */
export const LEVEL_B_CONTROL_SEPARATORS: Readonly<Separators> = Object.freeze({
  component: 0x1f, element: 0x1d, decimal: c('.'), release: -1, repetition: -1, segment: 0x1c,
});

/** Syntax 4 default repetition separator ('*'), which applies without a UNA. */
export const DEFAULT_REPETITION = c('*');

export type UnaResult = { ok: true; separators: Separators; reservedOrRepetition: number } | { ok: false; reason: string };

/**
 * Reads "UNA" + its six service characters. Position 5 (the sixth byte) is "reserved" before
 * syntax 4 and the repetition separator from syntax 4 on: which one it is depends on the UNB that
 * follows, so it is handed back for the caller to apply.
 */
export function readUna(bytes: Uint8Array, at: number): UnaResult {
  const [component, element, decimal, release, reserved, segment] = Array.from(bytes.subarray(at + 3, at + 9));
  const chars = [component, element, decimal, release, reserved, segment];
  const show = (b: number) => JSON.stringify(String.fromCharCode(b));
  if (segment === undefined) return { ok: false, reason: 'UNA service string advice is cut short: it needs six characters after "UNA"' };
  for (const [name, b] of [['component data element separator', component], ['data element separator', element], ['segment terminator', segment]] as const) {
    if (isAlnum(b) || b === 0x20) return { ok: false, reason: `UNA ${name} ${show(b)} must not be a letter, digit or space` };
  }
  const used = [component, element, segment, ...(release !== 0x20 ? [release] : [])];
  if (new Set(used).size !== used.length) return { ok: false, reason: `UNA service characters ${chars.map(show).join(' ')} must all differ` };
  if (decimal !== c('.') && decimal !== c(',')) return { ok: false, reason: `UNA decimal mark ${show(decimal)} must be '.' or ','` };
  return {
    ok: true,
    separators: { component, element, decimal, release: release === 0x20 ? -1 : release, repetition: -1, segment },
    reservedOrRepetition: reserved,
  };
}

export function isAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

/** How the bytes of one syntax identifier are decoded and which of them are allowed as data. */
export interface CharacterSet {
  /** UNOA, UNOC, ... */
  id: string;
  /** 'latin1' for one byte per character decoded as ISO 8859-1; 'utf8'; or a WHATWG decoder label. */
  decoding: 'latin1' | 'utf8' | string;
  /** allowed[b] = 1 when byte b may stand in data (service characters are taken out before). */
  allowed: Uint8Array;
  /** Several bytes make one character (UTF-8): lengths count characters, not bytes. */
  multiByte: boolean;
}

function table(ranges: [number, number][], extra = ''): Uint8Array {
  const t = new Uint8Array(256);
  for (const [from, to] of ranges) t.fill(1, from, to + 1);
  for (const ch of extra) t[c(ch)] = 1;
  return t;
}

/** Level A: upper-case letters, digits, space and . , - ( ) / = ' + : ? ! " % & * ; < > (ISO 9735 annex). */
const LEVEL_A = table([[0x41, 0x5a], [0x30, 0x39]], ' .,-()/=\'+:?!"%&*;<>');
/** Level B adds the lower-case letters. */
const LEVEL_B = (() => { const t = LEVEL_A.slice(); t.fill(1, 0x61, 0x7a + 1); return t; })();
/** ISO 8859 parts: the printable ASCII half and the upper graphic half; C0/C1 controls never are data. */
const ISO_8859 = table([[0x20, 0x7e], [0xa0, 0xff]]);
/** UTF-8: any byte but the C0 controls and DEL; well-formedness is checked separately. */
const UTF8 = table([[0x20, 0x7e], [0x80, 0xff]]);

/**
 * The syntax identifiers we read. TextDecoder's 'iso-8859-1' is really windows-1252 (WHATWG), so
 * UNOC is decoded as latin1 by Buffer itself. UNOX (ISO 2022 code extension) and the national
 * sets (KECA, ...) are not supported.
 */
export const CHARACTER_SETS: Record<string, CharacterSet> = Object.fromEntries(([
  ['UNOA', 'latin1', LEVEL_A], ['UNOB', 'latin1', LEVEL_B],
  ['UNOC', 'latin1', ISO_8859], ['UNOD', 'iso-8859-2', ISO_8859], ['UNOE', 'iso-8859-5', ISO_8859],
  ['UNOF', 'iso-8859-7', ISO_8859], ['UNOG', 'iso-8859-3', ISO_8859], ['UNOH', 'iso-8859-4', ISO_8859],
  ['UNOI', 'iso-8859-6', ISO_8859], ['UNOJ', 'iso-8859-8', ISO_8859], ['UNOK', 'iso-8859-9', ISO_8859],
  ['UNOW', 'utf8', UTF8], ['UNOY', 'utf8', UTF8],
] as const).map(([id, decoding, allowed]) => [id, { id, decoding, allowed, multiByte: decoding === 'utf8' }]));

/** Before the UNB is read (and for an identifier we do not support): bytes as ISO 8859-1, nothing refused. */
export const UNKNOWN_CHARSET: CharacterSet = { id: '', decoding: 'latin1', allowed: table([[0, 255]]), multiByte: false };

const decoders = new Map<string, TextDecoder>();

/** Decodes bytes of the given character set to text. */
export function decodeBytes(buf: Buffer, start: number, end: number, cs: CharacterSet): string {
  if (cs.decoding === 'latin1') {
    // Short values (references, codes: what the envelope reads from every message) are made here:
    // a call into Buffer's native decoder costs about three times as much for a few characters.
    if (end - start > 16) return buf.toString('latin1', start, end);
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
    return s;
  }
  if (cs.decoding === 'utf8') return buf.toString('utf8', start, end);
  let d = decoders.get(cs.decoding);
  if (!d) decoders.set(cs.decoding, (d = new TextDecoder(cs.decoding)));
  return d.decode(buf.subarray(start, end));
}

/** The service characters and character set in force for the segments of one interchange. */
export interface Syntax {
  separators: Separators;
  charset: CharacterSet;
  /** UNB S001 0002, '1' to '4'; '' before the UNB is read. */
  version: string;
  /** The interchange had a UNA (a CONTRL answers with the same service characters). */
  una: boolean;
}
