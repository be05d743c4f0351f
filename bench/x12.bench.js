'use strict';
// X12 parse + full syntax validation (envelopes, structure, elements, codes) of 850 interchanges,
// streaming from a file, beside node-x12's own stream parser (which validates nothing) on the same file.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pipeline } = require('stream/promises');
const { Writable } = require('stream');
const { report, peakRss } = require('./lib');
const { writeX12File } = require('./x12-gen');
const { validateX12Stream } = require('../dist/parsers/x12/validate-stream');

async function ours(file) {
  let sets = 0;
  const result = await validateX12Stream(fs.createReadStream(file, { highWaterMark: 1 << 20 }), {
    self: { qualifier: 'ZZ', id: 'ODOODIST' }, keepAcceptedSets: false, onSet: () => { sets++; },
  });
  if (!result.report.ok) throw new Error(`bench file did not validate: ${JSON.stringify(result.report).slice(0, 500)}`);
  return sets;
}

async function nodeX12(file) {
  const { X12Parser } = require('node-x12');
  let sets = 0;
  await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), new X12Parser(false), new Writable({
    objectMode: true,
    write(seg, _enc, done) { if (seg.tag === 'ST') sets++; done(); },
  }));
  return sets;
}

async function measure(fn, file) {
  const t = process.hrtime.bigint();
  const sets = await fn(file);
  return { sets, secs: Number(process.hrtime.bigint() - t) / 1e9 };
}

module.exports = async function x12Bench({ size }) {
  const counts = size === 'full' ? [1, 10_000, 100_000, 3_500_000] : [1, 10_000];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-bench-x12-'));
  try {
    // Ours first for every size, node-x12 after: the peak RSS of our runs is then ours, not what
    // node-x12's runs left in this process's heap.
    const rows = [];
    for (const n of counts) {
      const file = path.join(dir, `850-${n}.edi`);
      const bytes = await writeX12File(file, n);
      const peak = peakRss();
      const a = await measure(ours, file);
      const rss = peak();
      if (a.sets !== n) throw new Error(`read ${a.sets} sets of ${n}`);
      rows.push({ n, mb: bytes / 1e6, a, rss });
      fs.rmSync(file);
    }
    for (const row of rows) {
      // node-x12 is measured up to 100k sets; beyond that it is not a fair peer (see the issue note).
      if (row.n > 100_000) continue;
      const file = path.join(dir, `850-${row.n}.edi`);
      await writeX12File(file, row.n);
      row.b = await measure(nodeX12, file);
      fs.rmSync(file);
    }
    for (const { n, mb, a, b, rss } of rows) {
      const input = `${n} x 850 (${mb.toFixed(1)} MB)`;
      const peer = (v) => (b ? { name: 'node-x12 stream parse (no validation)', value: v } : undefined);
      report({ bench: 'x12-validate', metric: 'throughput', value: +(mb / a.secs).toFixed(1), unit: 'MB/s', input, peer: peer(b && +(mb / b.secs).toFixed(1)) });
      report({ bench: 'x12-validate', metric: 'sets', value: Math.round(n / a.secs), unit: 'sets/s', input, peer: peer(b && Math.round(b.sets / b.secs)) });
      report({ bench: 'x12-validate', metric: 'peak_rss', value: rss, unit: 'MB', input });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
