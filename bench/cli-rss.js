'use strict';
// Preloaded (node --require) by cli.bench.js into each CLI process it measures: at exit, writes the
// process's peak resident set (getrusage ru_maxrss, KB) and CPU time (user + system, µs) to
// $BENCH_RSS_FILE as JSON.
const fs = require('fs');

process.on('exit', () => {
  if (!process.env.BENCH_RSS_FILE) return;
  const cpu = process.cpuUsage();
  fs.writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, cpuUs: cpu.user + cpu.system }));
});
