#!/usr/bin/env node
'use strict';
// The long fuzz run (issue 17): node scripts/fuzz.js [TARGET...]. FUZZ_RUNS cases per target
// (default 20000) from FUZZ_SEED (default the tests' fixed seed), each target in a process of its
// own so that its peak RSS is its own. Prints one JSON line per target on stdout and nothing else;
// failures, with their plan and input, go to stderr and to FUZZ_OUT (default $TMPDIR/edi-gateway-fuzz).
// Unlike the jest tests (test/fuzz), a case slower than 200 ms + 50 ms per KB of input, or one that
// grows RSS by more than 256 MB + 64 times its input, fails; a case that never returns (FUZZ_HANG_SECONDS
// without progress, default 300) is reported with its plan. Exit status 1 when anything failed.
// The targets are the TypeScript of test/fuzz, compiled on load by @swc/core (no build needed).
const fs = require('fs');
const os = require('os');
const path = require('path');
const { fork } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const OUT = process.env.FUZZ_OUT || path.join(os.tmpdir(), 'edi-gateway-fuzz');

function registerTypeScript() {
  const swc = require('@swc/core');
  require.extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
      filename, module: { type: 'commonjs' },
      jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    });
    module._compile(code, filename);
  };
}

/** The child: one target's run. Sends each plan before its case, then the stats. */
async function child(name) {
  registerTypeScript();
  const { TARGETS } = require(path.join(ROOT, 'test/fuzz/targets.ts'));
  const { runFuzz, fuzzRuns, fuzzSeed } = require(path.join(ROOT, 'test/fuzz/harness.ts'));
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`no fuzz target ${name}`);
  // What an earlier run left of this target's is no longer true.
  for (const f of fs.readdirSync(OUT)) if (f.startsWith(`${name}.`)) fs.rmSync(path.join(OUT, f));
  const planFile = path.join(OUT, `${name}.current-plan.json`);
  const seed = fuzzSeed();
  const outcome = await runFuzz(target, {
    runs: fuzzRuns(20000), seed, bounds: true,
    // Kept on disk before each case: if the case never returns, the parent names it.
    beforeCase: (plan, index, shrinking) => { fs.writeFileSync(planFile, JSON.stringify({ index, shrinking, seed, plan })); process.send({ index }); },
  });
  for (const b of outcome.bounds) process.stderr.write(`fuzz ${name}: case ${b.index} over a bound: ${b.what}; plan ${JSON.stringify(b.plan)}\n`);
  if (outcome.bounds.length) fs.writeFileSync(path.join(OUT, `${name}.bounds.json`), JSON.stringify({ seed, bounds: outcome.bounds }, null, 2));
  fs.writeFileSync(path.join(OUT, `${name}.slowest-plan.json`), JSON.stringify({ seed, ms: outcome.stats.slowest_ms, plan: outcome.slowestPlan }));
  if (outcome.report) {
    const file = path.join(OUT, `${name}.failure.json`);
    fs.writeFileSync(file, JSON.stringify({ seed, counterexample: outcome.counterexample, report: outcome.report }, null, 2));
    try {
      const input = await target.build(outcome.counterexample);
      const bytes = input.bytes ?? input.body;
      fs.writeFileSync(path.join(OUT, `${name}.failure.bin`), bytes);
      if (input.contentType !== undefined) fs.writeFileSync(path.join(OUT, `${name}.failure.headers.json`), JSON.stringify({ contentType: input.contentType, transferEncoding: input.transferEncoding, strict: input.strict }));
    } catch { /* the plan is enough to build it again */ }
    process.stderr.write(`fuzz ${name}: FAILED (plan and input in ${OUT}/${name}.failure.*)\n${outcome.report}\n`);
  }
  process.send({ stats: outcome.stats });
}

function runTarget(name) {
  const hangMs = Number(process.env.FUZZ_HANG_SECONDS || 300) * 1000;
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  // Where the child keeps the case it is on (it clears the target's old files as it starts).
  const planFile = path.join(OUT, `${name}.current-plan.json`);
  return new Promise((resolve) => {
    const c = fork(__filename, ['--child', name], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let stats;
    let last = -1;
    let timer;
    let hung = false;
    const arm = () => { clearTimeout(timer); timer = setTimeout(() => { hung = true; c.kill('SIGKILL'); }, hangMs); };
    arm();
    c.on('message', (m) => { if (m.stats) stats = m.stats; else { last = Math.max(last, m.index); arm(); } });
    c.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (stats && code === 0) return resolve({ ...stats, seconds: seconds() });
      const why = hung ? `no progress for ${hangMs / 1000} s (a hang)` : `the process ended with ${signal || `exit ${code}`}`;
      process.stderr.write(`fuzz ${name}: FAILED at case ${last}: ${why}; its plan is in ${planFile}\n`);
      resolve({ fuzz: name, cases: last + 1, failures: 1, hang: hung, seconds: seconds(), ...(stats ? { partial: stats } : {}) });
    });
  });
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  if (process.argv[2] === '--child') return child(process.argv[3]);
  registerTypeScript();
  const { HAVE_PUBLIC_SAMPLES, PUBLIC_SAMPLES } = require(path.join(ROOT, 'test/public-samples.ts'));
  if (!HAVE_PUBLIC_SAMPLES) {
    if (process.env.EDI_GATEWAY_REQUIRE_PUBLIC_SAMPLES === '1') throw new Error(`no ${PUBLIC_SAMPLES} beside the repository, and this run requires them`);
    process.stderr.write(`fuzz: no ${PUBLIC_SAMPLES} beside the repository: the seeds are our own samples only\n`);
  }
  const all = require(path.join(ROOT, 'test/fuzz/targets.ts')).TARGETS.map((t) => t.name);
  const names = process.argv.slice(2).length ? process.argv.slice(2) : all;
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length) throw new Error(`unknown fuzz target(s) ${unknown.join(', ')}; there are ${all.join(', ')}`);
  let failed = false;
  for (const name of names) {
    const stats = await runTarget(name);
    failed ||= stats.failures > 0;
    process.stdout.write(`${JSON.stringify(stats)}\n`);
  }
  if (failed) process.exitCode = 1;
}

main().catch((err) => { process.stderr.write(`fuzz: ${err.message}\n`); process.exit(2); });
