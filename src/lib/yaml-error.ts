import type { YAMLError } from 'yaml';

/** A YAML syntax error as position and one line of text, without the excerpt yaml appends. */
export function yamlErrorAt(e: YAMLError): { line: number; col: number; message: string } {
  const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return { line: e.linePos?.[0]?.line ?? 1, col: e.linePos?.[0]?.col ?? 1, message };
}
