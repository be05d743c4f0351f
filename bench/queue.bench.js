'use strict';
// Job queue: our batch-fetching, notify-woken worker against pg-boss's own work() loop, no-op jobs.
const PgBoss = require('pg-boss');
const { report, benchRuntime } = require('./lib');
const { QueueWorker } = require('../dist/queue/queue-worker');

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
      await boss.createQueue('bench-ours');
      await boss.createQueue('bench-peer');
      let worker;
      const ours = await drain(boss, 'bench-ours', n, (tick) => {
        worker = new QueueWorker(boss, 'bench-ours', async () => tick(), {
          log: rt.log, pollIntervalMs: 500, batchSize: 100, concurrency: 4 });
        worker.start();
      });
      await worker.stop();
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
