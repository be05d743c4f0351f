import { DEFAULT_REPETITION, DEFAULT_SEPARATORS, type Separators } from '../parsers/edifact/syntax';
import { encodeInterchange, writeInterchange, type EdifactInterchangeSpec } from '../parsers/edifact/serializer';

/**
 * A CONTRL must always go back, even to an interchange that broke its own character set: a UNOA
 * interchange whose UNA declares '~' or '^' (not in level A), or whose sender id has lower-case
 * letters. ISO 9735 lets the reply pick its own service characters and syntax level, so we try,
 * in order: the sender's level with its own service characters (what it reads best), its level
 * with the standard ones, then each wider level the same way (UNOA -> UNOB -> UNOC).
 */

/** The levels to try for a reply to an interchange in `syntaxId`: its own, then wider ones that hold it. */
function levels(syntaxId: string): string[] {
  if (syntaxId === 'UNOA') return ['UNOA', 'UNOB', 'UNOC'];
  if (syntaxId === 'UNOB') return ['UNOB', 'UNOC'];
  return [syntaxId];
}

function defaultsFor(version: string): Separators {
  return version === '4' ? { ...DEFAULT_SEPARATORS, repetition: DEFAULT_REPETITION } : DEFAULT_SEPARATORS;
}

export interface RepertoireChoice {
  text: string;
  bytes: Buffer;
  syntaxId: string;
  /** True when the sender's own service characters could not be written and the standard ones were used. */
  defaultSeparators: boolean;
}

/**
 * Writes `spec` in the first (level, service characters) pair whose repertoire holds every
 * character. `theirs` are the sender's UNA characters (undefined when it had no UNA). When no
 * level holds a copied value (a C1 control in an identifier), the last level is used with such
 * characters written as '.', so that the reply still goes out; the identifiers are then visibly not the sender's.
 */
export function writeInRepertoire(spec: EdifactInterchangeSpec, theirs: Separators | undefined, lineEnding: string): RepertoireChoice {
  const version = spec.syntax.version;
  const tries: { syntaxId: string; separators?: Separators }[] = [];
  for (const syntaxId of levels(spec.syntax.id)) {
    if (theirs) tries.push({ syntaxId, separators: theirs });
    tries.push({ syntaxId, separators: undefined });
  }
  for (const t of tries) {
    const s = { ...spec, syntax: { id: t.syntaxId, version } };
    const text = writeInterchange(s, { separators: t.separators, lineEnding });
    try {
      return { text, bytes: encodeInterchange(text, t.syntaxId), syntaxId: t.syntaxId, defaultSeparators: !!theirs && !t.separators };
    } catch {
      // a character this level cannot hold: try the next
    }
  }
  const last = tries[tries.length - 1].syntaxId;
  const text = writeInterchange({ ...spec, syntax: { id: last, version } }, { separators: defaultsFor(version), lineEnding });
  const safe = [...text].map((c) => {
    try {
      encodeInterchange(c, last);
      return c;
    } catch {
      return '.';
    }
  }).join('');
  return { text: safe, bytes: encodeInterchange(safe, last), syntaxId: last, defaultSeparators: !!theirs };
}
