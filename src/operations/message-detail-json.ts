import type { MessageDetail } from './message-detail';
import type { Located, SplitEdi } from './raw-edi';

/** GET /api/messages/{id}'s answer from a MessageDetail. Pure. */

export interface ContentJson { encoding: 'utf8' | 'base64'; text: string; truncated: boolean }

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Stored bytes for JSON: as text when they are UTF-8 without NUL (EDI mostly is; JSON escapes
 * control characters, so the text is exact), else base64. `truncated`: only the first part of a
 * bigger file was read (sizeBytes says how big).
 */
export function contentJson(bytes: Buffer, sizeBytes: number): ContentJson {
  const truncated = bytes.length < sizeBytes;
  // A cut may fall inside a UTF-8 character: the text of a cut file may end up to 3 bytes short.
  for (let cut = 0; cut <= (truncated ? 3 : 0); cut++) {
    let text: string;
    try {
      text = UTF8.decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      continue;
    }
    if (text.includes('\0')) break;
    return { encoding: 'utf8', text, truncated };
  }
  return { encoding: 'base64', text: bytes.toString('base64'), truncated };
}

export interface SegmentJson {
  n: number;
  tag: string;
  /** The segment's elements, the tag first: elements[5] of a BEG line is BEG05. */
  elements: string[];
  /** Problems placed on this segment: at an element, or (element null) on the segment as a whole. */
  problems: { element: number | null; code: string; message: string }[];
}

export function segmentsJson(edi: SplitEdi): { standard: SplitEdi['standard']; truncated: boolean; lines: SegmentJson[] } {
  return {
    standard: edi.standard, truncated: edi.truncated,
    lines: edi.lines.map((l) => ({
      n: l.n, tag: l.tag, elements: l.elements.map((e) => e.text),
      problems: [...l.problems.map((p) => ({ element: null, code: p.code, message: p.message })),
        ...l.elements.flatMap((e, i) => e.problems.map((p) => ({ element: i, code: p.code, message: p.message })))],
    })),
  };
}

/** Each problem with its position and the line (segment) it was placed on, null when none could be singled out. */
export function problemsJson(problems: Located[], edi: SplitEdi | undefined): (Located & { line: number | null })[] {
  const lineOf = new Map<Located, number>();
  for (const l of edi?.lines ?? []) for (const p of [...l.problems, ...l.elements.flatMap((e) => e.problems)]) lineOf.set(p, l.n);
  return problems.map((p) => ({ ...p, line: lineOf.get(p) ?? null }));
}

export function messageDetailJson(d: MessageDetail, options: { content: boolean }) {
  return {
    message: d.message,
    events: d.events,
    ...(options.content ? { content: d.content ? contentJson(d.content, d.message.sizeBytes) : null } : {}),
    segments: d.edi ? segmentsJson(d.edi) : null,
    problems: problemsJson(d.problems, d.edi),
    documents: d.documents,
    documentsTotal: d.documentsTotal,
    acknowledgments: d.acknowledgments,
    progress: d.progress ?? null,
  };
}
