import fc from 'fast-check';
import type { FuzzTarget } from './target';

/** The seed of every run unless FUZZ_SEED says otherwise: runs are the same each time. */
export const DEFAULT_SEED = 17_017;

export function fuzzSeed(): number {
  const s = process.env.FUZZ_SEED;
  if (s === undefined || s === '') return DEFAULT_SEED;
  const n = Number(s);
  if (!Number.isInteger(n)) throw new Error(`FUZZ_SEED must be an integer, not ${JSON.stringify(s)}`);
  return n;
}

/** FUZZ_RUNS when set (the same count for every target), else the target's own default. */
export function fuzzRuns(fallback: number): number {
  const s = process.env.FUZZ_RUNS;
  if (s === undefined || s === '') return fallback;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`FUZZ_RUNS must be a positive integer, not ${JSON.stringify(s)}`);
  return n;
}

/** The long run's time bound for one case: generous, and proportional to the input's size. */
export const timeBoundMs = (bytes: number): number => 200 + (50 * bytes) / 1024;

export interface FuzzStats {
  fuzz: string;
  /** Cases run (fast-check's runs, shrinking not counted). */
  cases: number;
  /** Cases that broke the property (at most 1: the run stops there) or a bound (the long run; each counted). */
  failures: number;
  /** Cases whose input the code under test accepted (the rest it rejected, with a structured error). */
  accepted: number;
  slowest_ms: number;
  /** Size of the slowest case's input, in bytes. */
  slowest_bytes: number;
  largest_bytes: number;
  peak_rss_mb: number;
}

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** Check each case against timeBoundMs and memoryBoundBytes (the long run; tests assert no time). */
  bounds?: boolean;
  /** Called before each case, and before each shrinking run, with its plan (the long run keeps it, in case it never returns). */
  beforeCase?: (plan: unknown, index: number, shrinking: boolean) => void;
}

/** A case over a bound: recorded, and the run goes on (shrinking a slow case would take longer than the run). */
export interface BoundViolation { index: number; plan: unknown; what: string }

export interface FuzzOutcome {
  stats: FuzzStats;
  /** fast-check's report of the failure (counterexample, seed, path), when a property failed. */
  report?: string;
  counterexample?: unknown;
  bounds: BoundViolation[];
  /** The plan of the slowest case. */
  slowestPlan?: unknown;
}

/** RSS growth one case may cause: 512 MB plus 256 times its input (the parsers' copies, reports, the checks' own). */
export const memoryBoundBytes = (bytes: number): number => 512 * 1024 * 1024 + 256 * bytes;

/** Runs one target: its cases from a fixed seed, each checked by its property (and the bounds, if asked). */
export async function runFuzz(t: FuzzTarget, o: FuzzOptions): Promise<FuzzOutcome> {
  const stats: FuzzStats = { fuzz: t.name, cases: 0, failures: 0, accepted: 0, slowest_ms: 0, slowest_bytes: 0, largest_bytes: 0, peak_rss_mb: 0 };
  const bounds: BoundViolation[] = [];
  let peak = process.memoryUsage.rss();
  let slowestPlan: unknown;
  // After the first failure fast-check shrinks: it runs the property again on smaller plans, which are not cases of the run.
  let failed = false;
  let index = 0;
  const property = fc.asyncProperty(t.plans, async (plan) => {
    const at = failed ? index : index++;
    o.beforeCase?.(plan, at, failed);
    const input = await t.build(plan);
    const size = t.size(input);
    const rssBefore = process.memoryUsage.rss();
    const start = process.hrtime.bigint();
    let accepted: boolean;
    try {
      accepted = await t.run(input);
    } catch (err) {
      if (!failed) { failed = true; stats.cases++; }
      throw err;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const rss = process.memoryUsage.rss();
    if (failed) return;
    peak = Math.max(peak, rss);
    stats.cases++;
    if (accepted) stats.accepted++;
    if (ms > stats.slowest_ms) { stats.slowest_ms = ms; stats.slowest_bytes = size; slowestPlan = plan; }
    stats.largest_bytes = Math.max(stats.largest_bytes, size);
    if (!o.bounds) return;
    if (ms > timeBoundMs(size)) bounds.push({ index: at, plan, what: `the case took ${ms.toFixed(0)} ms for ${size} bytes; the bound is ${timeBoundMs(size).toFixed(0)} ms` });
    if (rss - rssBefore > memoryBoundBytes(size)) bounds.push({ index: at, plan, what: `RSS grew by ${((rss - rssBefore) / 1048576).toFixed(0)} MB in one case of ${size} bytes` });
  });
  // Untimed warm-up: dictionaries and profiles load on first use, and the JIT has not run yet.
  for (const plan of fc.sample(t.plans, { numRuns: 20, seed: o.seed + 1 })) {
    try { await t.run(await t.build(plan)); } catch { /* the run itself will find it */ }
  }
  const details = await fc.check(property, { numRuns: o.runs, seed: o.seed, includeErrorInReport: true });
  stats.peak_rss_mb = Math.round(peak / 1048576);
  stats.slowest_ms = Math.round(stats.slowest_ms * 10) / 10;
  stats.failures = (details.failed ? 1 : 0) + bounds.length;
  if (!details.failed) return { stats, bounds, slowestPlan };
  return { stats, bounds, slowestPlan, report: fc.defaultReportMessage(details), counterexample: details.counterexample?.[0] };
}
