/**
 * Raw EDI as lines a person reads: one segment a line, elements apart, and the problems the
 * pipeline found marked at their segment and element. Pure.
 */

/** A problem with where it is: the set (its control number), the segment's ordinal in the set (ST / UNH = 1), the element. */
export interface Located {
  code: string;
  message: string;
  setControl?: string;
  segment?: string;
  position?: number;
  /** 1-based; without it the element holding `value` is marked, else the whole segment. */
  element?: number;
  value?: string;
}

export interface EdiElement { text: string; problems: Located[] }
export interface EdiLine {
  n: number;
  tag: string;
  /** Element 0 is the tag. */
  elements: EdiElement[];
  separator: string;
  terminator: string;
  /** Problems of the segment no element of which could be singled out. */
  problems: Located[];
}

export interface SplitEdi {
  standard: 'X12' | 'EDIFACT' | 'text';
  lines: EdiLine[];
  unplaced: Located[];
  /** More segments (lines) than MAX_LINES: only the first are here. */
  truncated: boolean;
}

interface Syntax { element: string; component: string; terminator: string; release?: string; standard: 'X12' | 'EDIFACT' }

function syntaxOf(text: string): Syntax | undefined {
  const t = text.replace(/^\s+/, '');
  if (t.startsWith('ISA') && t.length >= 106) return { standard: 'X12', element: t[3], component: t[104], terminator: t[105] };
  if (t.startsWith('UNA') && t.length >= 9) return { standard: 'EDIFACT', component: t[3], element: t[4], release: t[6] === ' ' ? undefined : t[6], terminator: t[8] };
  if (t.startsWith('UNB')) return { standard: 'EDIFACT', component: ':', element: '+', release: '?', terminator: "'" };
  return undefined;
}

/** Splits on `sep` except where the release character escapes it. */
function splitReleased(s: string, sep: string, release?: string): string[] {
  if (!release) return s.split(sep);
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === release && i + 1 < s.length) { cur += s[i] + s[i + 1]; i++; continue; }
    if (s[i] === sep) { out.push(cur); cur = ''; continue; }
    cur += s[i];
  }
  out.push(cur);
  return out;
}

export const MAX_LINES = 5000;

export function splitEdi(content: Buffer, problems: readonly Located[] = []): SplitEdi {
  const text = content.toString('latin1');
  const syntax = syntaxOf(text);
  if (!syntax) {
    const all = text.split(/\r?\n/);
    const lines = all.slice(0, MAX_LINES).map((l, i): EdiLine => ({ n: i + 1, tag: '', elements: [{ text: l, problems: [] }], separator: '', terminator: '', problems: [] }));
    return { standard: 'text', lines, unplaced: [...problems], truncated: all.length > MAX_LINES };
  }
  const body = syntax.standard === 'EDIFACT' && text.replace(/^\s+/, '').startsWith('UNA') ? text.replace(/^\s+/, '').slice(9) : text;
  const segments = splitReleased(body, syntax.terminator, syntax.release).map((s) => s.replace(/^[\r\n]+|[\r\n]+$/g, '')).filter((s) => s.length > 0);
  const placed = new Set<Located>();
  const lines: EdiLine[] = [];
  if (body !== text) {
    lines.push({ n: 1, tag: 'UNA', elements: [{ text: text.replace(/^\s+/, '').slice(0, 9).replace(/'$/, ''), problems: [] }], separator: '', terminator: syntax.terminator, problems: [] });
  }
  let setControl: string | undefined;
  let position = 0;
  for (const seg of segments.slice(0, MAX_LINES)) {
    const parts = splitReleased(seg, syntax.element, syntax.release);
    const tag = parts[0];
    if (tag === 'ST' || tag === 'UNH') { setControl = parts[tag === 'ST' ? 2 : 1]; position = 1; } else if (setControl !== undefined) position++;
    const line: EdiLine = { n: lines.length + 1, tag, elements: parts.map((p) => ({ text: p, problems: [] })), separator: syntax.element, terminator: syntax.terminator, problems: [] };
    if (setControl !== undefined) {
      for (const p of problems) {
        if (placed.has(p) || p.position !== position) continue;
        if (p.setControl !== undefined && p.setControl !== setControl) continue;
        if (p.segment && p.segment !== tag) continue;
        placed.add(p);
        const at = p.element ?? (p.value !== undefined ? elementHolding(parts, p.value, syntax.component) : undefined);
        if (at !== undefined && at > 0 && at < line.elements.length) line.elements[at].problems.push(p);
        else line.problems.push(p);
      }
    }
    if (tag === 'SE' || tag === 'UNT') setControl = undefined;
    lines.push(line);
  }
  return { standard: syntax.standard, lines, unplaced: problems.filter((p) => !placed.has(p)), truncated: segments.length > MAX_LINES };
}

/** The element (1-based) whose value, or one of whose components, is `value`. */
function elementHolding(parts: string[], value: string, component: string): number | undefined {
  for (let i = 1; i < parts.length; i++) if (parts[i] === value || parts[i].split(component).includes(value)) return i;
  return undefined;
}
