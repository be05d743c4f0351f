import fs from 'node:fs';
import path from 'node:path';

/**
 * The public EDI samples written by others (../shared/samples/public beside the repository,
 * sources in its SOURCES.md). CI always has them; a fresh clone on its own does not, and then
 * the tables of those samples are reported skipped with the reason, not failed.
 */
export const PUBLIC_SAMPLES = path.resolve(__dirname, '../../shared/samples/public');
export const HAVE_PUBLIC_SAMPLES = fs.existsSync(PUBLIC_SAMPLES);

/** Every file under a folder of the public samples, sorted; none without ../shared. */
export function publicSampleFiles(sub: 'x12' | 'edifact'): string[] {
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  const root = path.join(PUBLIC_SAMPLES, sub);
  return fs.existsSync(root) ? walk(root) : [];
}

/**
 * A describe block over the public samples: run when they are there, reported skipped (with why)
 * when not. CI (.ci/run sets EDI_GATEWAY_REQUIRE_PUBLIC_SAMPLES=1) always has them: there a missing
 * corpus is a failure, never a quiet skip of a hundred files.
 */
export function describePublicSamples(name: string, fn: () => void): void {
  if (HAVE_PUBLIC_SAMPLES) describe(name, fn);
  else if (process.env.EDI_GATEWAY_REQUIRE_PUBLIC_SAMPLES === '1') {
    describe(name, () => it('has the public samples', () => { throw new Error(`no ${PUBLIC_SAMPLES} beside the repository, and this run requires them`); }));
  } else describe.skip(`${name} — skipped: no ${PUBLIC_SAMPLES} beside the repository`, fn);
}
