#!/usr/bin/env node
'use strict';
// The client-side CPU of one JSON-RPC call as the Odoo client makes it (fetch, src/odoo/client/transport.ts)
// and with node:http and a keep-alive agent, against a trivial server in another process, so
// that only the client's cost is counted. docs/pipeline-profile.md cites it (recommendation 2).
//   node bench/http-client-cost.js
const http = require('http');
const { fork } = require('child_process');

if (process.argv[2] === 'server') {
  process.on('disconnect', () => process.exit(0)); // the measuring process is gone (killed, or its output closed)
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, result: [{ id: 7, name: 'ACME', parent_id: false }] });
  http.createServer((req, res) => {
    const c = [];
    req.on('data', (d) => c.push(d));
    req.on('end', () => { res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }); res.end(body); });
  }).listen(0, '127.0.0.1', function listening() { process.send(this.address().port); });
  return;
}

const payload = JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service: 'object', method: 'execute_kw',
  args: ['sandbox', 2, 'admin', 'res.partner', 'search_read', [[['ref', '=', 'ACME-RETAIL']]], { fields: ['id', 'parent_id'], limit: 5 }] } });
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

function viaHttp(port) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/jsonrpc', method: 'POST', agent, timeout: 30_000,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } }, (res) => {
      const c = [];
      res.on('data', (d) => c.push(d));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(c).toString())));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function viaFetch(port) {
  // As post() in src/odoo/client/transport.ts does it.
  const res = await fetch(`http://127.0.0.1:${port}/jsonrpc`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: payload,
    signal: AbortSignal.timeout(30_000), redirect: 'manual' });
  return res.json();
}

(async () => {
  const child = fork(__filename, ['server']);
  const port = await new Promise((r) => child.once('message', r));
  for (const [name, fn] of [['fetch', viaFetch], ['node:http keep-alive', viaHttp], ['fetch', viaFetch], ['node:http keep-alive', viaHttp]]) {
    for (const concurrency of [1, 4]) {
      const n = 5000;
      for (let i = 0; i < 300; i++) await fn(port); // warm-up
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      let next = 0;
      await Promise.all(Array.from({ length: concurrency }, async () => { while (next++ < n) await fn(port); }));
      const cpu = process.cpuUsage(c0);
      const wall = Number(process.hrtime.bigint() - t0) / 1e6;
      console.log(`${name}, ${concurrency} at a time: client CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(3)} ms/call, wall ${(wall / n).toFixed(3)} ms/call`);
    }
  }
  child.kill();
})();
