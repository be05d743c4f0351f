import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

// bench/chart.js is plain CommonJS (the benchmarks run without a build step of their own).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const chart = require('../../bench/chart.js') as {
  tableRows(md: string): { bench: string; metric: string; value: number; unit: string; input: string; peer?: { name: string; value: number } }[];
  chartSvg(rows: unknown[], o?: { machine?: string }): string;
  writeChart(md: string, svg: string): string[];
};

/** A results table as bench/run.js writes it, then a prose section with a table of its own. */
const MD = `# Benchmarks

Last run on: 2 x test cpu, 1 GiB.

| bench | metric | value | input | peer | run |
|---|---|---|---|---|---|
| x12-validate | throughput | 0 MB/s | 1 x 850 (0.0 MB) | node-x12 stream parse (no validation): 0 MB/s | full, 2026-11-27 |
| x12-validate | throughput | 28.4 MB/s | 10000 x 850 (2.8 MB) | node-x12 stream parse (no validation): 19.2 MB/s | full, 2026-11-27 |
| x12-validate | sets | 102245 sets/s | 10000 x 850 (2.8 MB) | node-x12 stream parse (no validation): 69141 sets/s | full, 2026-11-27 |
| x12-validate | throughput | 124.4 MB/s | 3500000 x 850 (1001.2 MB) |  | full, 2026-11-27 |
| edifact-validate | throughput | 66.5 MB/s | 10000 x ORDERS in one interchange (17.0 MB) | edifact event parser (no validation): 57.9 MB/s | full, 2026-11-27 |
| pipeline | throughput | 14.6 documents/s | 1000 files, store pglite, 1 process |  | full, 2026-12-06 |
| pipeline | throughput | 22.5 documents/s | 1000 files, store postgres, 1 process |  | full, 2026-12-06 |
| pipeline | throughput | 41.5 documents/s | 3000 files, store postgres, 3 processes |  | full, 2026-12-06 |
| as2 | build (sign + encrypt) | 204.6 messages/s | 20 x 2 KB 850 | openssl cms sign, encrypt (2 processes a message, ~32 ms of it starting them): 41.4 messages/s | small, 2026-12-06 |

## Prose

| bench | metric | value | input | peer | run |
| x12-validate | throughput | 999 MB/s | 9 x 850 (99.0 MB) |  | not a result |
`;

const seriesOf = (svg: string) => {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg);
  const groups = (doc.svg.g as { g?: unknown }[]).flatMap((p) => ([] as { 'data-name': string; circle: unknown }[]).concat((p.g ?? []) as never));
  return new Map(groups.map((g) => [g['data-name'], ([] as unknown[]).concat(g.circle).length]));
};

describe('the benchmark chart (bench/chart.js)', () => {
  it('reads the results table only, with peers whose names hold colons and parentheses', () => {
    const rows = chart.tableRows(MD);
    expect(rows).toHaveLength(9);
    expect(rows.find((r) => r.value === 999)).toBeUndefined();
    expect(rows[1]).toEqual({ bench: 'x12-validate', metric: 'throughput', value: 28.4, unit: 'MB/s', input: '10000 x 850 (2.8 MB)',
      peer: { name: 'node-x12 stream parse (no validation)', value: 19.2 } });
    expect(rows[8].peer).toEqual({ name: 'openssl cms sign, encrypt (2 processes a message, ~32 ms of it starting them)', value: 41.4 });
  });

  it('draws well-formed SVG with one series per parser, peer, store and process count, a marker per point', () => {
    const svg = chart.chartSvg(chart.tableRows(MD), { machine: '2 x test cpu' });
    expect(XMLValidator.validate(svg)).toBe(true);
    // The 0.0 MB row has no place on a log axis; the sets/s row is not MB/s.
    expect(Object.fromEntries(seriesOf(svg))).toEqual({
      'X12 validate (ours)': 2,
      'node-x12 stream parse (peer, no validation)': 1,
      'EDIFACT validate (ours)': 1,
      'edifact event parser (peer, no validation)': 1,
      'PGlite, 1 process': 1,
      'PostgreSQL, 1 process': 1,
      'PostgreSQL, 3 processes': 1,
    });
    expect(svg).toContain('input (MB, log scale)');
    expect(svg).toContain('documents/s');
    expect(svg).toContain('2 x test cpu');
  });

  it('puts a larger value higher up (smaller y) within a panel', () => {
    const svg = chart.chartSvg(chart.tableRows(MD));
    const y = (title: string) => Number(new RegExp(`cy="([\\d.]+)"[^>]*><title>${title.replace(/[().]/g, '\\$&')}`).exec(svg)![1]);
    expect(y('X12 validate (ours): 124 at')).toBeLessThan(y('X12 validate (ours): 28.4 at'));
    expect(y('PostgreSQL, 3 processes: 41.5 at')).toBeLessThan(y('PGlite, 1 process: 14.6 at'));
  });

  it('writes the file from a BENCHMARKS.md, escaping what XML needs escaped', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-chart-'));
    const md = path.join(dir, 'BENCHMARKS.md');
    fs.writeFileSync(md, MD.replace('Last run on: 2 x test cpu, 1 GiB.', 'Last run on: 2 x A<B & "C", 1 GiB.'));
    const svgFile = path.join(dir, 'docs', 'chart.svg');
    expect(chart.writeChart(md, svgFile)).toContain('X12 validate (ours): 2 point(s)');
    const svg = fs.readFileSync(svgFile, 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('A&lt;B &amp; &quot;C&quot;');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
