import { TextDecoder } from 'node:util';
import { wallClock } from '../../translators/partner-time';
import { CHARACTER_SETS, DEFAULT_REPETITION, DEFAULT_SEPARATORS, type Separators } from './syntax';

/** One value or a composite's components; an array of arrays is a repeated element (syntax 4). */
export type ElementValue = string | string[] | string[][];
/** A segment to write: [tag, element1, element2, ...]. */
export type SegmentSpec = [string, ...ElementValue[]];

export interface EdifactParty {
  id: string;
  qualifier?: string;
}

export interface MessageSpec {
  /** UNH 0062, the message reference. */
  reference: string;
  type: string;
  /** S009: 'D' + '96A' for directory messages. */
  version: string;
  release: string;
  agency: string;
  association?: string;
  /** The segments between UNH and UNT. */
  body: SegmentSpec[];
}

export interface GroupSpec {
  groupId: string;
  reference: string;
  sender: EdifactParty;
  recipient: EdifactParty;
  version: string;
  release: string;
  association?: string;
  messages: MessageSpec[];
}

export interface EdifactInterchangeSpec {
  /** UNB S001: UNOA..UNOY and the syntax version. */
  syntax: { id: string; version: string };
  sender: EdifactParty;
  recipient: EdifactParty;
  date: Date;
  /** The recipient's clock (IANA zone) the UNB date and time are written on; UTC when absent. */
  timeZone?: string;
  /** UNB 0020 (an..14). */
  controlRef: string;
  applicationRef?: string;
  ackRequested?: boolean;
  test?: boolean;
  /** Messages directly in the interchange, or in UNG groups: one or the other. */
  messages?: MessageSpec[];
  groups?: GroupSpec[];
}

export interface EdifactWriteOptions {
  /** Service characters; ISO 9735 defaults when absent. */
  separators?: Separators;
  /** Write a UNA: 'auto' (default) when the service characters are not the defaults. */
  una?: boolean | 'auto';
  /** After each segment terminator: '' (one line, default) or '\n'. */
  lineEnding?: string;
}

const ch = (b: number) => String.fromCharCode(b);

/** Escapes the service characters of a value with the release character; refuses what cannot be escaped. */
export function escapeValue(value: string, s: Separators, where: string): string {
  const special = [s.release, s.component, s.element, s.segment, s.repetition].filter((b) => b >= 0).map(ch);
  let out = '';
  for (const c of value) {
    if (special.includes(c)) {
      if (s.release < 0) throw new Error(`${where}: value ${JSON.stringify(value)} contains the service character '${c}' and there is no release character`);
      out += ch(s.release);
    }
    out += c;
  }
  return out;
}

/** One segment as text: trailing empty elements and components dropped, as ISO 9735 asks. */
export function segmentText(seg: SegmentSpec, s: Separators): string {
  const [tag, ...elements] = seg;
  const parts = elements.map((e, i) => {
    const where = `${tag} element ${i + 1}`;
    const occurrences = (Array.isArray(e) && Array.isArray(e[0]) ? e : [e]) as (string | string[])[];
    if (occurrences.length > 1 && s.repetition < 0) throw new Error(`${where} repeats, but these service characters have no repetition separator (syntax 4)`);
    return occurrences.map((o) => {
      const comps = (typeof o === 'string' ? [o] : o).map((v) => escapeValue(v, s, where));
      while (comps.length > 1 && comps[comps.length - 1] === '') comps.pop();
      return comps.join(ch(s.component));
    }).join(ch(s.repetition));
  });
  while (parts.length && parts[parts.length - 1] === '') parts.pop();
  return [tag, ...parts].join(ch(s.element));
}

function defaultsFor(version: string): Separators {
  return version === '4' ? { ...DEFAULT_SEPARATORS, repetition: DEFAULT_REPETITION } : DEFAULT_SEPARATORS;
}

function sameSeparators(a: Separators, b: Separators): boolean {
  return a.component === b.component && a.element === b.element && a.decimal === b.decimal && a.release === b.release
    && a.segment === b.segment && a.repetition === b.repetition;
}

function messageSegments(m: MessageSpec): SegmentSpec[] {
  const s009 = [m.type, m.version, m.release, m.agency, ...(m.association ? [m.association] : [])];
  return [['UNH', m.reference, s009], ...m.body, ['UNT', String(m.body.length + 2), m.reference]];
}

/**
 * Writes a whole interchange: a UNA when the service characters are not the defaults, UNB with
 * the syntax version's date format (CCYYMMDD from syntax 4), UNG/UNE and UNH/UNT with their
 * counts, UNZ counting groups or messages. Values are escaped with the release character.
 */
export function writeInterchange(spec: EdifactInterchangeSpec, options: EdifactWriteOptions = {}): string {
  const v = spec.syntax.version;
  const s = options.separators ?? defaultsFor(v);
  const nl = options.lineEnding ?? '';
  if (spec.controlRef.length < 1 || spec.controlRef.length > 14) throw new Error(`UNB control reference '${spec.controlRef}' must be 1-14 characters`);
  if (spec.messages?.length && spec.groups?.length) throw new Error('an interchange holds messages or groups, not both');
  const clock = wallClock(spec.date, spec.timeZone);
  const date = clock.date.replace(/-/g, '').slice(v === '4' ? 0 : 2);
  const time = clock.time;
  const party = (p: EdifactParty) => (p.qualifier ? [p.id, p.qualifier] : [p.id]);
  const segments: SegmentSpec[] = [[
    'UNB', [spec.syntax.id, v], party(spec.sender), party(spec.recipient), [date, time], spec.controlRef, '',
    spec.applicationRef ?? '', '', spec.ackRequested ? '1' : '', '', spec.test ? '1' : '',
  ]];
  for (const g of spec.groups ?? []) {
    segments.push(['UNG', g.groupId, party(g.sender), party(g.recipient), [date, time], g.reference, 'UN',
      [g.version, g.release, ...(g.association ? [g.association] : [])]]);
    for (const m of g.messages) segments.push(...messageSegments(m));
    segments.push(['UNE', String(g.messages.length), g.reference]);
  }
  for (const m of spec.messages ?? []) segments.push(...messageSegments(m));
  segments.push(['UNZ', String(spec.groups?.length || spec.messages?.length || 0), spec.controlRef]);
  const una = options.una === true || ((options.una ?? 'auto') === 'auto' && !sameSeparators(s, defaultsFor(v)));
  const head = una ? `UNA${ch(s.component)}${ch(s.element)}${ch(s.decimal)}${ch(s.release >= 0 ? s.release : 0x20)}${ch(s.repetition >= 0 ? s.repetition : 0x20)}${ch(s.segment)}${nl}` : '';
  return head + segments.map((seg) => `${segmentText(seg, s)}${ch(s.segment)}${nl}`).join('');
}

const encoders = new Map<string, Map<string, number>>();

/**
 * The text as bytes of the character set the UNB declares (ISO 8859-1 for UNOC, 8859-5 for
 * UNOE, UTF-8 for UNOW/UNOY), refusing a character the set does not have.
 */
export function encodeInterchange(text: string, syntaxId: string): Buffer {
  const cs = CHARACTER_SETS[syntaxId];
  if (!cs || cs.decoding === 'utf8') return Buffer.from(text, 'utf8');
  let table = encoders.get(cs.decoding);
  if (!table) {
    table = new Map();
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const decoded = cs.decoding === 'latin1' ? all.toString('latin1') : new TextDecoder(cs.decoding).decode(all);
    [...decoded].forEach((c, i) => { if (c !== '\ufffd' && !table!.has(c)) table!.set(c, i); });
    encoders.set(cs.decoding, table);
  }
  const out = Buffer.allocUnsafe(text.length);
  let i = 0;
  for (const c of text) {
    const b = table.get(c);
    if (b === undefined || !cs.allowed[b] && b >= 0x20) throw new Error(`character ${JSON.stringify(c)} cannot be written in ${syntaxId}`);
    out[i++] = b;
  }
  return out.subarray(0, i);
}
