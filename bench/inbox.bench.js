'use strict';
// Inbound path throughput: receive (store + audit + job, one transaction per message, as a
// transport does), then process to done (identify, route, X12 validation, the 997 stored and
// written to the partner's out/), on the embedded store and on PostgreSQL when given.
const { report, peakRss, benchRuntime, x12Order } = require('./lib');
const { awaitSettled } = require('../dist/pipeline/await-settled');

module.exports = async function inboxBench({ size, databaseUrl, backend }) {
  const n = size === 'full' ? 20_000 : 1_000;
  {
    const peak = peakRss();
    const { rt } = await benchRuntime(databaseUrl);
    const bytes = x12Order(1).length;
    const input = `${n} x ${bytes}-byte 850 interchanges, ${backend}`;
    try {
      let t = process.hrtime.bigint();
      const ids = [];
      // Four transports receiving at once.
      let next = 0;
      await Promise.all([0, 1, 2, 3].map(async () => {
        while (next < n) {
          const i = next++;
          const r = await rt.receive({ content: x12Order(i), transport: 'bench', transportRef: `b${i}`, partnerId: 'acme-retail' });
          ids.push(r.messageId);
        }
      }));
      let secs = Number(process.hrtime.bigint() - t) / 1e9;
      report({ bench: 'inbox', metric: 'receive', value: Math.round(n / secs), unit: 'messages/s', input });
      t = process.hrtime.bigint();
      rt.workInbound();
      const left = await awaitSettled(rt.store.knex, ids, 3_600_000);
      secs = Number(process.hrtime.bigint() - t) / 1e9;
      if (left.length) throw new Error(`${left.length} messages did not settle`);
      report({ bench: 'inbox', metric: 'process', value: Math.round(n / secs), unit: 'messages/s', input });
    } finally {
      await rt.close();
    }
    report({ bench: 'inbox', metric: 'peak_rss', value: peak(), unit: 'MB', input });
  }
};
