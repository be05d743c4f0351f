#!/usr/bin/env node
'use strict';
// Where a V8 .cpuprofile (node --cpu-prof) spent its time: self time by area, by file and by
// function (top N), the idle and GC share, and the inclusive time of our own functions.
//   node bench/cpuprofile-summary.js FILE.cpuprofile [--top 30] [--from FN] [--to FN] [--json]
// --from/--to count only the samples from the first whose stack holds function FN to the last
// (the daemon's work: --from take --to handle; the sandbox's: --from jsonrpc --to jsonrpc).
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');

/** An area of the code, from a call frame's url and name. */
function areaOf(url, name) {
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)') return 'V8/native (program)';
  if (name === '(root)') return 'V8/native (program)';
  if (/pglite/.test(url)) return 'PGlite (WASM + its JS)';
  if (/^wasm:/.test(url)) return 'WASM';
  if (!url) {
    if (/^(parse|stringify)$/.test(name)) return 'JSON (native)';
    return 'native/builtins';
  }
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) {
    const pkg = nm[1];
    if (/^(pg|pg-protocol|pg-pool|pg-types|pgpass|postgres-.*|buffer-writer|packet-reader)$/.test(pkg)) return 'pg driver';
    if (pkg === 'knex' || pkg === 'tarn') return 'knex';
    if (pkg === 'pg-boss') return 'pg-boss';
    if (/^(pino|sonic-boom|thread-stream|fast-redact|quick-format-unescaped|on-exit-leak-free|safe-stable-stringify|@pinojs)/.test(pkg)) return 'logging (pino)';
    if (pkg === 'zod') return 'zod';
    if (/^(fastify|@fastify|find-my-way|light-my-request|avvio)/.test(pkg)) return 'fastify (HTTP server)';
    return `other package (${pkg})`;
  }
  if (/^node:internal\/deps\/undici|undici/.test(url)) return 'HTTP client (undici fetch)';
  if (/^node:(_http|http|https|net|internal\/http|internal\/stream_base|internal\/net|internal\/dns)/.test(url)) return 'HTTP/net (node)';
  if (/^node:(internal\/)?(fs|internal\/fs)/.test(url)) return 'fs (node)';
  if (/^node:internal\/(streams|stream)|^node:stream/.test(url)) return 'streams (node)';
  if (/^node:internal\/(process\/task_queues|timers|async_hooks|process\/promises)|^node:timers/.test(url)) return 'event loop/promises/timers (node)';
  if (/^node:/.test(url)) return 'other node internals';
  const rel = url.replace(/^file:\/\//, '');
  const d = /\/dist\/(.*)$/.exec(rel);
  if (d) {
    const p = d[1];
    if (p.startsWith('odoo/sandbox/')) return 'sandbox Odoo (ours, in its process)';
    if (p.startsWith('odoo/')) return 'Odoo client + writers (ours)';
    if (p.startsWith('parsers/') || p.startsWith('acks/')) return 'parsing/validation/acks (ours)';
    if (p.startsWith('translators/') || p.startsWith('canonical/')) return 'translation (ours)';
    if (p.startsWith('store/') || p.startsWith('queue/')) return 'store + queue code (ours)';
    if (p.startsWith('pipeline/') || p.startsWith('inbox/')) return 'pipeline (ours)';
    if (p.startsWith('transports/')) return 'transports (ours)';
    if (p.startsWith('log/')) return 'logging (pino)';
    return `ours: ${p.split('/')[0]}`;
  }
  return 'other';
}

function fileOf(url) {
  if (!url) return '(native)';
  const rel = url.replace(/^file:\/\//, '');
  const nm = /node_modules\/(.*)$/.exec(rel);
  if (nm) return nm[1];
  const d = /\/dist\/(.*)$/.exec(rel);
  if (d) return `dist/${d[1]}`;
  return path.relative(ROOT, rel).startsWith('..') ? rel : path.relative(ROOT, rel);
}

/**
 * from/to: function names; only the samples from the first whose stack holds `from` to the last
 * whose stack holds `to` are counted (the work, without start-up, waiting for it, and stop).
 */
function summarize(file, top = 30, { from, to } = {}) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const { samples, timeDeltas } = prof;
  const holds = (id, fn) => {
    for (let p = id; p !== undefined; p = parent.get(p)) if (byId.get(p).callFrame.functionName === fn) return true;
    return false;
  };
  let first = 0;
  let last = samples.length - 1;
  if (from) while (first < samples.length && !holds(samples[first], from)) first++;
  if (to) while (last > first && !holds(samples[last], to)) last--;
  const self = new Map();
  for (let i = first; i <= last; i++) {
    const dt = timeDeltas[i + 1] ?? 0; // the time until the next sample belongs to this one
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  }
  // WebAssembly frames: PGlite's (PostgreSQL) or undici's HTTP parser (llhttp), by who called them.
  const wasmOwner = (id) => {
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
      const u = byId.get(p).callFrame.url;
      if (/pglite/.test(u)) return 'PGlite (WASM + its JS)';
      if (/undici/.test(u)) return 'HTTP client (undici fetch)';
    }
    return 'WASM (caller unknown)';
  };
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const add = (m, k, v) => m.set(k, (m.get(k) ?? 0) + v);
  const areas = new Map();
  /**
   * The same time by owner: native functions (writev, fsync, JSON.parse ...) and Node's internals
   * (fs, net, streams) charged to the nearest caller that is a package or our code.
   */
  const areasByOwner = new Map();
  const NODE_AREAS = new Set(['native/builtins', 'JSON (native)', 'fs (node)', 'HTTP/net (node)', 'streams (node)', 'event loop/promises/timers (node)', 'other node internals']);
  const ownerArea = (id, own) => {
    if (!NODE_AREAS.has(own)) return own;
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
      const cf = byId.get(p).callFrame;
      const a = areaOf(cf.url, cf.functionName);
      if (!NODE_AREAS.has(a) && a !== 'V8/native (program)') return a;
    }
    return own;
  };
  const files = new Map();
  const fns = new Map();
  const inclusive = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    const { functionName, url, lineNumber } = n.callFrame;
    const name = functionName || '(anonymous)';
    const area = /^wasm:/.test(url) ? wasmOwner(id) : areaOf(url, name);
    add(areas, area, us);
    add(areasByOwner, ownerArea(id, area), us);
    if (!['(idle)', '(program)', '(garbage collector)', '(root)'].includes(name)) add(files, fileOf(url), us);
    add(fns, `${name} ${fileOf(url)}:${lineNumber + 1}`, us);
    // Inclusive time of our own functions (dist/, not the sandbox): each counted once per stack.
    const seen = new Set();
    for (let p = id; p !== undefined; p = parent.get(p)) {
      const cf = byId.get(p).callFrame;
      if (!/\/dist\//.test(cf.url)) continue;
      const k = `${cf.functionName || '(anonymous)'} ${fileOf(cf.url)}:${cf.lineNumber + 1}`;
      if (seen.has(k)) continue;
      seen.add(k);
      add(inclusive, k, us);
    }
  }
  const rank = (m, n = top) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([k, us]) => ({ name: k, ms: Math.round(us / 1000), pct: +(100 * us / total).toFixed(1) }));
  const idle = areas.get('idle') ?? 0;
  return {
    file: path.basename(file),
    wallSecs: +((prof.endTime - prof.startTime) / 1e6).toFixed(1),
    windowSecs: +(timeDeltas.slice(first + 1, last + 2).reduce((a, b) => a + b, 0) / 1e6).toFixed(1),
    sampledSecs: +(total / 1e6).toFixed(1),
    idlePct: +(100 * idle / total).toFixed(1),
    busySecs: +((total - idle) / 1e6).toFixed(1),
    areas: rank(areas, 100),
    areasByOwner: rank(areasByOwner, 100),
    files: rank(files),
    functions: rank(fns),
    inclusiveOurs: rank(inclusive),
  };
}

function print(s) {
  const line = (r) => `  ${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(7)} ms  ${r.name}`;
  console.log(`${s.file}: ${s.wallSecs} s profiled, ${s.windowSecs} s counted, ${s.busySecs} s of it busy, idle ${s.idlePct}%`);
  console.log('self time by area:');
  s.areas.forEach((r) => console.log(line(r)));
  console.log('self time by owner (native and node-internal time charged to the package or our code that called it):');
  s.areasByOwner.forEach((r) => console.log(line(r)));
  console.log('self time by file:');
  s.files.forEach((r) => console.log(line(r)));
  console.log('self time by function:');
  s.functions.forEach((r) => console.log(line(r)));
  console.log('inclusive time of our functions (synchronous part only):');
  s.inclusiveOurs.forEach((r) => console.log(line(r)));
}

module.exports = { summarize, areaOf };

if (require.main === module) {
  const args = process.argv.slice(2);
  const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) : 30;
  const opt = (k) => (args.includes(k) ? args[args.indexOf(k) + 1] : undefined);
  const files = args.filter((a) => a.endsWith('.cpuprofile'));
  const out = files.map((f) => summarize(f, top, { from: opt('--from'), to: opt('--to') }));
  if (args.includes('--json')) console.log(JSON.stringify(out, null, 1));
  else out.forEach(print);
}
