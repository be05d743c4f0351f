import { describePublicSamples } from '../public-samples';
import { fuzzRuns, fuzzSeed, runFuzz } from './harness';
import { seedsOf, type SeedKind } from './seeds';
import type { FuzzTarget } from './target';

/**
 * One jest test per target: FUZZ_RUNS cases (else the target's small default, chosen so that every
 * fuzz test together stays under a minute on the 2-core CI machine), from FUZZ_SEED (else a fixed
 * seed). No time is asserted here: the slowest case is printed, and bounds are the long run's
 * (scripts/fuzz.js). A failure is fast-check's report: the shrunk plan, the seed and the path.
 */
export function fuzzIt(target: FuzzTarget, defaultRuns: number): void {
  const runs = fuzzRuns(defaultRuns);
  it(`${target.name}: ${runs} mutated inputs, each accepted or rejected with a structured error`, async () => {
    const outcome = await runFuzz(target, { runs, seed: fuzzSeed() });
    process.stderr.write(`fuzz ${JSON.stringify(outcome.stats)}\n`);
    if (outcome.report) throw new Error(outcome.report);
    expect(outcome.stats.cases).toBe(runs);
  });
}

/** Without ../shared the fuzzers start from our own samples alone; a run that requires the public ones fails without them. */
export function publicSeedsIncluded(kind: SeedKind): void {
  describePublicSamples(`fuzz seeds (${kind})`, () => {
    it(`include the public ${kind} samples`, () => {
      expect(seedsOf(kind).filter((s) => s.origin === 'public').length).toBeGreaterThan(0);
    });
  });
}
