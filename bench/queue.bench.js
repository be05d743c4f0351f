'use strict';
// Job queue: the gateway's JobQueue (batch fetch, leases, notify-woken) against pg-boss's own
// work() loop, no-op jobs.
const PgBoss = require('pg-boss');
const { report, benchRuntime } = require('./lib');
const { QUEUES } = require('../dist/queue/job-queue');

async function drain(boss, name, n, start) {
  await boss.insert(Array.from({ length: n }, (_, i) => ({ name, data: { i } })));
  const t = process.hrtime.bigint();
  let done = 0;
  await new Promise((resolve) => start(() => { if (++done === n) resolve(); }));
  return n / (Number(process.hrtime.bigint() - t) / 1e9);
}

module.exports = async function queueBench({ size, databaseUrl, backend }) {
  const n = size === 'full' ? 20_000 : 2_000;
  {
    const { rt } = await benchRuntime(databaseUrl);
    const boss = new PgBoss({ ...rt.store.connection, max: 3, supervise: false, schedule: false });
    await boss.start();
    try {
      await boss.createQueue('bench-peer');
      // Ours: the queue the daemon runs (its outbound queue here, no other worker on it), leases included.
      const ours = await drain(boss, QUEUES.outbound, n, (tick) => { rt.queue.work(QUEUES.outbound, async () => tick()); });
      await rt.queue.stopWorkers();
      // pg-boss's own worker, same batch size, its minimum polling interval.
      const peerN = Math.min(n, 2_000);
      const peer = await drain(boss, 'bench-peer', peerN, (tick) => {
        boss.work('bench-peer', { batchSize: 100, pollingIntervalSeconds: 0.5 }, async (jobs) => { jobs.forEach(() => tick()); });
      });
      report({ bench: 'queue', metric: 'throughput', value: Math.round(ours), unit: 'jobs/s',
        input: `${n} no-op jobs, batch 100, ${backend}`, peer: { name: 'pg-boss work() batch 100', value: Math.round(peer) } });
    } finally {
      await boss.stop({ graceful: false, wait: true });
      await rt.close();
    }
  }
};
