'use strict';
// EDIFACT parse + full validation (envelopes, message structure, data elements, code lists,
// character set) of ORDERS D96A interchanges, streaming from a file, beside the `edifact`
// package's event parser (which validates nothing) on the same file.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { writeEdifactFile } = require('./edifact-gen');

/** Samples this process's RSS every 50 ms (as lib.js does, without loading the gateway lib.js loads). */
function peakRss() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  timer.unref();
  return () => { clearInterval(timer); return Math.round(Math.max(peak, process.memoryUsage().rss) / 1e5) / 10; };
}

// 256 KiB reads: each chunk read is garbage once its segments are validated, and V8 frees such
// buffers only at its next collection; 1 MiB reads hold ~50 MB of dead chunks at any time.
const CHUNK = 1 << 18;

async function ours(file) {
  const result = await ours.validate(fs.createReadStream(file, { highWaterMark: CHUNK }), {
    self: { id: '5790000000001', qualifier: '14' }, keepAcceptedSets: false,
  });
  if (!result.report.ok) throw new Error(`bench file did not validate: ${JSON.stringify(result.report).slice(0, 800)}`);
  return result.report.interchanges.reduce((n, i) => n + i.groups.reduce((m, g) => m + g.acceptedCount, 0), 0);
}

async function edifactPackage(file) {
  const Parser = require('edifact/parser.js');
  const parser = new Parser();
  let messages = 0;
  parser.on('opensegment', (tag) => { if (tag === 'UNH') messages++; });
  // Its parser takes strings: ISO 8859-1 (UNOC) decoded one chunk at a time.
  for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK })) parser.write(chunk.toString('latin1'));
  parser.end();
  return messages;
}

async function measure(fn, file) {
  const t = process.hrtime.bigint();
  const messages = await fn(file);
  return { messages, secs: Number(process.hrtime.bigint() - t) / 1e9 };
}

/**
 * Each reader runs in a process of its own, so that its peak RSS is its own (not the generator's,
 * nor what an earlier run left in the heap).
 */
function inChild(which, file) {
  const r = spawnSync(process.execPath, [__filename, '--measure', which, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${which} on ${file} failed (exit ${r.status})`);
  return JSON.parse(r.stdout);
}

if (process.argv[2] === '--measure') {
  const [which, file] = process.argv.slice(3);
  const { validateEdifactStream } = require('../dist/parsers/edifact/validate-stream');
  ours.validate = validateEdifactStream;
  const peak = peakRss();
  measure(which === 'ours' ? ours : edifactPackage, file).then((m) => {
    process.stdout.write(JSON.stringify({ ...m, rss: peak() }));
    process.exit(0);
  }, (err) => { console.error(err); process.exit(1); });
}

module.exports = async function edifactBench({ size }) {
  const { report } = require('./lib');
  // 600,000 messages of ~1.7 kB: a 1 GB interchange.
  const counts = size === 'full' ? [1, 10_000, 100_000, 600_000] : [1, 10_000];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-bench-edifact-'));
  try {
    for (const n of counts) {
      const file = path.join(dir, `orders-${n}.edi`);
      const bytes = await writeEdifactFile(file, n);
      const mb = bytes / 1e6;
      const input = `${n} x ORDERS in one interchange (${mb.toFixed(1)} MB)`;
      const a = inChild('ours', file);
      const rss = a.rss;
      if (a.messages !== n) throw new Error(`validated ${a.messages} messages of ${n}`);
      // The peer is measured up to 100k messages, as for X12.
      const b = n <= 100_000 ? inChild('edifact', file) : undefined;
      if (b && b.messages !== n) throw new Error(`edifact read ${b.messages} messages of ${n}`);
      const peer = (v) => (b ? { name: 'edifact event parser (no validation)', value: v } : undefined);
      report({ bench: 'edifact-validate', metric: 'throughput', value: +(mb / a.secs).toFixed(1), unit: 'MB/s', input, peer: peer(b && +(mb / b.secs).toFixed(1)) });
      report({ bench: 'edifact-validate', metric: 'messages', value: Math.round(n / a.secs), unit: 'messages/s', input, peer: peer(b && Math.round(b.messages / b.secs)) });
      report({ bench: 'edifact-validate', metric: 'peak_rss', value: rss, unit: 'MB', input, peer: b && { name: 'edifact event parser (no validation)', value: b.rss } });
      fs.rmSync(file);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
