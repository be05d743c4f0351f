'use strict';
// EDIFACT parse + full validation (envelopes, message structure, data elements, code lists,
// character set) of ORDERS D96A interchanges, streaming from a file, beside the `edifact`
// package's event parser (which validates nothing) on the same file.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { report, peakRss } = require('./lib');
const { writeEdifactFile } = require('./edifact-gen');
const { validateEdifactStream } = require('../dist/parsers/edifact/validate-stream');

async function ours(file) {
  const result = await validateEdifactStream(fs.createReadStream(file, { highWaterMark: 1 << 20 }), {
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
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) parser.write(chunk.toString('latin1'));
  parser.end();
  return messages;
}

async function measure(fn, file) {
  const t = process.hrtime.bigint();
  const messages = await fn(file);
  return { messages, secs: Number(process.hrtime.bigint() - t) / 1e9 };
}

module.exports = async function edifactBench({ size }) {
  // 600,000 messages of ~1.7 kB: a 1 GB interchange.
  const counts = size === 'full' ? [1, 10_000, 100_000, 600_000] : [1, 10_000];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edi-bench-edifact-'));
  try {
    for (const n of counts) {
      const file = path.join(dir, `orders-${n}.edi`);
      const bytes = await writeEdifactFile(file, n);
      const mb = bytes / 1e6;
      const input = `${n} x ORDERS in one interchange (${mb.toFixed(1)} MB)`;
      const peak = peakRss();
      const a = await measure(ours, file);
      const rss = peak();
      if (a.messages !== n) throw new Error(`validated ${a.messages} messages of ${n}`);
      // The peer is measured up to 100k messages, as for X12.
      const b = n <= 100_000 ? await measure(edifactPackage, file) : undefined;
      if (b && b.messages !== n) throw new Error(`edifact read ${b.messages} messages of ${n}`);
      const peer = (v) => (b ? { name: 'edifact event parser (no validation)', value: v } : undefined);
      report({ bench: 'edifact-validate', metric: 'throughput', value: +(mb / a.secs).toFixed(1), unit: 'MB/s', input, peer: peer(b && +(mb / b.secs).toFixed(1)) });
      report({ bench: 'edifact-validate', metric: 'messages', value: Math.round(n / a.secs), unit: 'messages/s', input, peer: peer(b && Math.round(b.messages / b.secs)) });
      report({ bench: 'edifact-validate', metric: 'peak_rss', value: rss, unit: 'MB', input });
      fs.rmSync(file);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
