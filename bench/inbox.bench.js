'use strict';
// Inbound path throughput: receive (store + audit + job, one transaction per message, as a
// transport does), then process to done (identify, route, X12 validation, translation with its
// documents stored, the 997 stored and written to the partner's out/), on the embedded store and
// on PostgreSQL when given. Odoo is off: the orders and pipeline benches measure the Odoo side.
const { report, peakRss, benchRuntime, x12Order } = require('./lib');
const { awaitSettled } = require('../dist/pipeline/await-settled');

module.exports = async function inboxBench({ size, databaseUrl, backend }) {
  const n = size === 'full' ? 20_000 : 1_000;
  {
    const peak = peakRss();
    const { rt } = await benchRuntime(databaseUrl, {}, { odoo: { enabled: false } });
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
      // Settled is not enough: a message left retrying or parked would make the figure a lie.
      const notDone = await rt.store.knex('message_state').whereIn('message_id', ids.slice(0, 1000)).whereNot('status', 'done').count('* as n').first();
      if (Number(notDone.n)) throw new Error(`${notDone.n} of the first 1000 messages are not done`);
      report({ bench: 'inbox', metric: 'process', value: Math.round(n / secs), unit: 'messages/s', input });
    } finally {
      await rt.close();
    }
    report({ bench: 'inbox', metric: 'peak_rss', value: peak(), unit: 'MB', input });
  }
};
