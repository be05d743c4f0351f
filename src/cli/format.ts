/** A plain text table: header row, then rows, columns padded to their widest cell. */
export function table(header: string[], rows: (string | number | null | undefined)[][]): string {
  // One row per line whatever a cell holds: a file name with a line break or a tab is shown escaped.
  const cells = [header, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : oneLine(String(c)))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

export function isoSeconds(d: Date | string | null | undefined): string {
  if (!d) return '';
  return new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Control characters as escapes (\n, \t, \x1b), so that a value cannot break a line or a terminal. */
export function oneLine(v: string): string {
  return v.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
