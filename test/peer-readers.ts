import { X12Parser, type X12Interchange } from 'node-x12';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const EdifactParser = require('edifact/parser.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const EdifactValidator = require('edifact/validator.js');

/** Readers we did not write, for reading back what the gateway emits. */

/** An X12 interchange read by node-x12 in strict mode (it throws on a broken envelope). */
export function readX12(text: string): X12Interchange {
  return new X12Parser(true).parse(text) as X12Interchange;
}

/** The elements of the first segment with this tag, as node-x12 read them (1-based: [0] is unused). */
export function x12Segment(interchange: X12Interchange, tag: string): string[] | undefined {
  for (const group of interchange.functionalGroups) {
    for (const set of group.transactions) {
      const seg = set.segments.find((s) => s.tag === tag);
      if (seg) return ['', ...seg.elements.map((e) => e.value)];
    }
  }
  return undefined;
}

/** An EDIFACT interchange (a latin1 string for UNOC) read back by the `edifact` package (not our reader): its segments. */
export function readEdifact(text: string): { name: string; elements: string[][] }[] {
  const validator = new EdifactValidator();
  const parser = new EdifactParser(validator);
  // The package's parser reads UNOA unless told (its Reader would take the level from UNB).
  // It knows UNOA, UNOB, UNOC and UNOY: the other ISO 8859 parts (read here as latin1 strings)
  // are checked as UNOC, UNOW (UTF-8) as UNOY.
  const level = /UNB\+(UNO[A-Z])/.exec(text)?.[1];
  const known: Record<string, string> = { UNOA: 'UNOA', UNOB: 'UNOB', UNOC: 'UNOC', UNOY: 'UNOY', UNOW: 'UNOY' };
  if (level) parser.encoding(known[level] ?? 'UNOC');
  const segments: { name: string; elements: string[][] }[] = [];
  let elements: string[][] = [];
  let components: string[] = [];
  parser.on('opensegment', (name: string) => { elements = []; segments.push({ name, elements }); });
  parser.on('element', () => { components = []; elements.push(components); });
  parser.on('component', (value: string) => { components.push(value); });
  parser.write(text);
  parser.end();
  return segments;
}
