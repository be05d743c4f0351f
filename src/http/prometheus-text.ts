/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: a metric family is a
 * HELP line, a TYPE line and its samples. Label values escape backslash, double quote and line
 * feed; HELP text escapes backslash and line feed.
 */
export type MetricType = 'counter' | 'gauge' | 'summary' | 'histogram' | 'untyped';

export interface Sample {
  /** Defaults to the family's name; a summary's or histogram's `_sum` / `_count` / `_bucket` name their own. */
  name?: string;
  labels?: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function sampleLine(family: MetricFamily, s: Sample): string {
  const name = s.name ?? family.name;
  if (!NAME.test(name)) throw new Error(`metric name '${name}' is not valid`);
  const labels = Object.entries(s.labels ?? {});
  for (const [k] of labels) if (!LABEL.test(k) || k.startsWith('__')) throw new Error(`label name '${k}' of ${name} is not valid`);
  const set = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}` : '';
  return `${name}${set} ${formatValue(s.value)}`;
}

/** Families in the order given; each family's samples together, as the format requires. */
export function renderMetrics(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`metric name '${f.name}' is not valid`);
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) out.push(sampleLine(f, s));
  }
  return out.join('\n') + '\n';
}
