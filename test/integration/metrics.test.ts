import crypto from 'node:crypto';
import type { Runtime } from '../../src/daemon/runtime';
import { QUEUES } from '../../src/queue/job-queue';
import { createToken } from '../../src/store/api-tokens.repo';
import { getMessage, insertInbound, recordStage } from '../../src/store/messages.repo';
import { recordOutbound } from '../../src/store/outbound-acks.repo';
import { BACKENDS, eventually, testRuntime, x12Interchange } from '../helpers';
import { useHttpRuntime } from '../http-helpers';
import { parsePrometheusText, sampleValue } from '../prometheus-text-checker';

/** An outbound 810 group we sent `hoursAgo`, whose 997 is due 24 hours after. */
async function sentInvoice(rt: Runtime, control: number, hoursAgo: number): Promise<number> {
  return rt.store.knex.transaction(async (trx) => {
    const content = Buffer.from(`invoice ${control}`);
    const stored = await insertInbound(trx, { direction: 'out', transport: 'folder', partnerId: 'acme-retail', filename: `810-${control}.edi`,
      content, sha256: crypto.createHash('sha256').update(content).digest('hex') });
    await recordOutbound(trx, { messageId: stored.messageId, partnerId: 'acme-retail', expectAck: { kind: '997', withinHours: 24 },
      spec: { sender: { qualifier: 'ZZ', id: 'ODOODIST' }, receiver: { qualifier: 'ZZ', id: 'ACMERETAIL' }, version: '00401', controlNumber: control, usage: 'P',
        date: new Date(Date.now() - hoursAgo * 3_600_000),
        groups: [{ functionalId: 'IN', version: '004010', controlNumber: control, sets: [{ type: '810', controlNumber: '0001', body: [] }, { type: '810', controlNumber: '0002', body: [] }] }] } as any });
    return stored.messageId;
  });
}

describe.each(BACKENDS)('/metrics on %s', (backend) => {
  let rt: Runtime;
  let base: string;
  let token: string;

  const server = useHttpRuntime(() => testRuntime(backend), async (r) => {
    token = (await createToken(r.store.knex, 'prometheus', 'viewer')).token;
  });
  beforeAll(() => { ({ rt, base } = server); });

  it('carries the right counts for crafted messages, in a format a strict reader accepts', async () => {
    const orders = [
      await rt.receive({ content: x12Interchange('ACMERETAIL', '000000971', 'PO-971'), transport: 'test' }),
      await rt.receive({ content: x12Interchange('ACMERETAIL', '000000972', 'PO-972'), transport: 'test' }),
    ];
    const memo = await rt.receive({ content: Buffer.from('not EDI at all'), transport: 'test', partnerId: 'acme-retail', filename: 'memo.txt' });
    const stranger = await rt.receive({ content: x12Interchange('NOBODYKNOWN', '000000973'), transport: 'test' });
    for (const m of [...orders, memo, stranger]) {
      await eventually(async () => ['done', 'exception'].includes((await getMessage(rt.store.knex, m.messageId))!.status), 20_000, `message ${m.messageId} to settle`);
    }
    // Two sent invoices owe a 997: one for two days (overdue), one for an hour (pending). An Odoo outage retried once.
    await sentInvoice(rt, 501, 48);
    await sentInvoice(rt, 502, 1);
    await recordStage(rt.store.knex, orders[0].messageId, { stage: 'odoo', outcome: 'retrying', code: 'ODOO_UNAVAILABLE', detail: 'crafted' });
    // A job nobody works (no outbound worker here): it waits in its queue.
    await rt.queue.send(QUEUES.outbound, { messageId: 0 });

    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    if (process.env.SHOW_METRICS) process.stderr.write(text);
    const m = parsePrometheusText(text);

    expect(m.get('edi_gateway_messages_total')?.samples.map((s) => s.labels)).toEqual(expect.arrayContaining([
      { partner: 'acme-retail', direction: 'in', status: 'done' }, { partner: 'acme-retail', direction: 'in', status: 'exception' },
    ]));
    expect(sampleValue(m, 'edi_gateway_messages_total', { partner: 'acme-retail', direction: 'in', status: 'done' })).toBe(2);
    expect(sampleValue(m, 'edi_gateway_messages_total', { partner: 'acme-retail', direction: 'in', status: 'exception' })).toBe(1);
    expect(sampleValue(m, 'edi_gateway_messages_total', { partner: 'unknown', direction: 'in', status: 'exception' })).toBe(1);
    // Out: the two invoices, and the 997 each order was acknowledged with (no sender works here, so they wait).
    expect(sampleValue(m, 'edi_gateway_messages_total', { partner: 'acme-retail', direction: 'out', status: 'received' })).toBe(4);
    expect(sampleValue(m, 'edi_gateway_documents_total', { partner: 'acme-retail', type: 'order' })).toBe(2);
    expect(sampleValue(m, 'edi_gateway_outbound_sets_total', { partner: 'acme-retail', type: '810' })).toBe(4);
    expect(sampleValue(m, 'edi_gateway_outbound_sets_total', { partner: 'acme-retail', type: '997' })).toBe(2);

    expect(sampleValue(m, 'edi_gateway_acks_overdue', { partner: 'acme-retail', kind: '997' })).toBe(1);
    expect(sampleValue(m, 'edi_gateway_acks_pending', { partner: 'acme-retail', kind: '997' })).toBe(1);
    const late = sampleValue(m, 'edi_gateway_acks_oldest_overdue_seconds', { partner: 'acme-retail', kind: '997' })!;
    expect(late).toBeGreaterThan(23 * 3600);
    expect(late).toBeLessThan(25 * 3600);

    expect(sampleValue(m, 'edi_gateway_errors_total', { source: 'odoo', code: 'ODOO_UNAVAILABLE' })).toBe(1);
    expect(sampleValue(m, 'edi_gateway_errors_total', { source: 'pipeline', code: 'FORMAT_UNKNOWN' })).toBe(1);
    expect(sampleValue(m, 'edi_gateway_exceptions', { partner: 'acme-retail', code: 'FORMAT_UNKNOWN' })).toBe(1);
    expect(sampleValue(m, 'edi_gateway_exceptions', { partner: 'unknown', code: 'PARTNER_UNKNOWN' })).toBe(1);

    // The two 997s to send, and the crafted job.
    expect(sampleValue(m, 'edi_gateway_queue_jobs', { queue: QUEUES.outbound, state: 'waiting' })).toBe(3);
    expect(sampleValue(m, 'edi_gateway_queue_jobs', { queue: QUEUES.inbound, state: 'waiting' })).toBe(0);
    expect(sampleValue(m, 'edi_gateway_queue_oldest_job_age_seconds', { queue: QUEUES.outbound })).toBeGreaterThan(0);
    expect(sampleValue(m, 'edi_gateway_queue_oldest_job_age_seconds', { queue: QUEUES.inbound })).toBe(0);

    // Each processed message went through identify and translate once, after a wait in the queue.
    expect(sampleValue(m, 'edi_gateway_stage_duration_samples', { stage: 'translate' })).toBe(2);
    expect(sampleValue(m, 'edi_gateway_stage_duration_samples', { stage: 'queued' })).toBe(4);
    for (const q of ['0.5', '0.9', '0.99']) expect(sampleValue(m, 'edi_gateway_stage_duration_seconds', { stage: 'identify', quantile: q })).toBeGreaterThanOrEqual(0);
  });
});
