/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests. No parser of the
 * format is among the project's dependencies (no prom-client, no parse-prometheus-text-format), so
 * this one follows the format's specification to the letter, independently of the writer in
 * src/http/prometheus-text.ts, and throws on the first thing the specification does not allow:
 * - lines end with \n, the last one included; empty lines are ignored;
 * - `# HELP name text` (escapes \\ and \n only) and `# TYPE name type` at most once per name,
 *   TYPE before that name's first sample; other `#` lines are comments;
 * - a sample is `name{label="value",...} value [timestamp]`: valid metric and label names, no
 *   label twice, label values with only the escapes \\ \" \n, a float value (NaN, +Inf, -Inf too),
 *   an integer timestamp;
 * - all samples of a family are together, no series appears twice, a summary's samples other than
 *   _sum and _count carry `quantile`, a histogram's _bucket carry `le`.
 */
export interface ParsedSample { name: string; labels: Record<string, string>; value: number }
export interface ParsedFamily { name: string; type: string; help?: string; samples: ParsedSample[] }

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function fail(lineNo: number, line: string, why: string): never {
  throw new Error(`line ${lineNo}: ${why}: ${JSON.stringify(line)}`);
}

function parseFloatStrict(s: string): number | undefined {
  if (s === 'NaN') return NaN;
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

function unescape(s: string, allowed: Record<string, string>, lineNo: number, line: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') { out += s[i]; continue; }
    const next = s[++i];
    if (next === undefined || !(next in allowed)) fail(lineNo, line, `escape \\${next ?? ''} is not allowed here`);
    out += allowed[next];
  }
  return out;
}

/** The family a sample name belongs to, given the TYPEs declared so far. */
function familyOf(name: string, types: Map<string, string>): string {
  for (const suffix of ['_sum', '_count', '_bucket']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const t = types.get(base);
      if (t === 'histogram' || (t === 'summary' && suffix !== '_bucket')) return base;
    }
  }
  return name;
}

export function parsePrometheusText(text: string): Map<string, ParsedFamily> {
  if (text.length && !text.endsWith('\n')) throw new Error('the exposition does not end with a line feed');
  const families = new Map<string, ParsedFamily>();
  const types = new Map<string, string>();
  const seenSeries = new Set<string>();
  const closed = new Set<string>();
  let current: string | undefined;
  const lines = text.split('\n').slice(0, -1);
  lines.forEach((line, idx) => {
    const n = idx + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
      if (!m) return; // a comment
      const [, kind, name, rest = ''] = m;
      if (!METRIC_NAME.test(name) || METRIC_NAME.exec(name)![0] !== name) fail(n, line, 'bad metric name');
      const fam = families.get(name) ?? { name, type: 'untyped', samples: [] };
      if (kind === 'TYPE') {
        if (types.has(name)) fail(n, line, 'second TYPE line for this name');
        if (fam.samples.length) fail(n, line, 'TYPE after samples of this name');
        if (!TYPES.has(rest.trim())) fail(n, line, 'unknown type');
        types.set(name, rest.trim());
        fam.type = rest.trim();
      } else {
        if (fam.help !== undefined) fail(n, line, 'second HELP line for this name');
        fam.help = unescape(rest, { '\\': '\\', n: '\n' }, n, line);
      }
      families.set(name, fam);
      return;
    }
    let rest = line;
    const nameMatch = METRIC_NAME.exec(rest);
    if (!nameMatch) fail(n, line, 'a sample must start with a metric name');
    const name = nameMatch[0];
    rest = rest.slice(name.length);
    const labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      rest = rest.slice(1);
      for (;;) {
        rest = rest.replace(/^[ \t]*/, '');
        if (rest.startsWith('}')) { rest = rest.slice(1); break; }
        const ln = LABEL_NAME.exec(rest);
        if (!ln) fail(n, line, 'bad label name');
        const label = ln[0];
        if (label in labels) fail(n, line, `label ${label} twice`);
        rest = rest.slice(label.length).replace(/^[ \t]*/, '');
        if (!rest.startsWith('="')) fail(n, line, 'label name not followed by ="');
        rest = rest.slice(2);
        let raw = '';
        for (;;) {
          if (!rest.length) fail(n, line, 'unterminated label value');
          const c = rest[0];
          if (c === '"') { rest = rest.slice(1); break; }
          if (c === '\\') { raw += rest.slice(0, 2); rest = rest.slice(2); continue; }
          raw += c;
          rest = rest.slice(1);
        }
        labels[label] = unescape(raw, { '\\': '\\', '"': '"', n: '\n' }, n, line);
        rest = rest.replace(/^[ \t]*/, '');
        if (rest.startsWith(',')) { rest = rest.slice(1); continue; }
        if (rest.startsWith('}')) { rest = rest.slice(1); break; }
        fail(n, line, 'expected , or } after a label value');
      }
    }
    const parts = rest.trim().split(/[ \t]+/);
    if (!/^[ \t]/.test(rest) || parts.length < 1 || parts.length > 2 || parts[0] === '') fail(n, line, 'expected a value (and an optional timestamp) after the name');
    const value = parseFloatStrict(parts[0]);
    if (value === undefined) fail(n, line, 'bad value');
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) fail(n, line, 'bad timestamp');
    const familyName = familyOf(name, types);
    if (familyName !== current) {
      if (closed.has(familyName)) fail(n, line, `samples of ${familyName} are not together`);
      if (current) closed.add(current);
      current = familyName;
    }
    const type = types.get(familyName) ?? 'untyped';
    if (type === 'summary' && name === familyName && !('quantile' in labels)) fail(n, line, 'a summary sample without quantile');
    if (type === 'histogram' && name === `${familyName}_bucket` && !('le' in labels)) fail(n, line, 'a histogram bucket without le');
    const series = `${name}{${Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',')}}`;
    if (seenSeries.has(series)) fail(n, line, 'the same series twice');
    seenSeries.add(series);
    const fam = families.get(familyName) ?? { name: familyName, type, samples: [] };
    fam.samples.push({ name, labels, value });
    families.set(familyName, fam);
  });
  return families;
}

/** The value of the one sample of `family` whose labels include `labels`; undefined when none, an error when several. */
export function sampleValue(families: Map<string, ParsedFamily>, family: string, labels: Record<string, string> = {}): number | undefined {
  const found = (families.get(family)?.samples ?? []).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${family} ${JSON.stringify(labels)}: ${found.length} samples match`);
  return found[0]?.value;
}
