import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../../src/daemon/runtime';
import { getEvents, getMessage, listMessages } from '../../src/store/messages.repo';
import { listOverdueAcks, recordOutbound } from '../../src/store/outbound-acks.repo';
import { enqueueOutbound } from '../../src/pipeline/outbox';
import { requestReplay } from '../../src/pipeline/replay';
import { cli, workspace } from '../cli-helpers';
import { ackFileFor } from '../outbox-helpers';
import { openRuntime } from '../../src/daemon/runtime';
import { BACKENDS, eventually, silentLog, testConfig, testRuntime, x12Interchange } from '../helpers';

async function settled(rt: Runtime, id: number) {
  return eventually(async () => {
    const m = await getMessage(rt.store.knex, id);
    return m && ['done', 'exception', 'duplicate'].includes(m.status) ? m : undefined;
  }, 30_000, `message ${id}`);
}

describe.each(BACKENDS)('X12 inbound pipeline on %s', (backend) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await testRuntime(backend);
    rt.workInbound();
    rt.workOutbound();
  });
  afterAll(async () => { await rt?.close(); });

  it('validates, records the interchange and sends the 997 to the partner\'s out/', async () => {
    const r = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000801'), transport: 'test' });
    const m = await settled(rt, r.messageId);
    expect(m.status).toBe('done');
    const ic = await rt.store.knex('interchanges').where({ message_id: r.messageId }).first();
    expect(ic).toMatchObject({ direction: 'in', sender_id: 'ACMERETAIL', control_number: '000000801', partner_id: 'acme-retail', status: 'accepted' });
    const out = path.join(rt.config.home, 'partners', 'acme-retail', 'out');
    const file = await ackFileFor(rt, 'acme-retail', r.messageId, 'the 997');
    expect(file).toMatch(/^997-\d{9}-m\d+\.edi$/);
    expect(fs.readFileSync(path.join(out, file), 'latin1')).toContain('AK9*A*1*1*1~');
  });

  it('sends the 997 once when the job runs again, and again only on a replay', async () => {
    const r = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000804'), transport: 'test' });
    expect((await settled(rt, r.messageId)).status).toBe('done');
    const acksFor = async () => (await rt.store.knex('messages').where({ direction: 'out' }).where('transport_ref', 'like', `ack:${r.messageId}:%`)).length;
    expect(await acksFor()).toBe(1);
    // As if the process died after the stage committed and before the job was marked complete.
    await rt.store.knex('message_state').where({ message_id: r.messageId }).update({ status: 'processing' });
    await rt.queue.send('inbound-process', { messageId: r.messageId });
    await settled(rt, r.messageId);
    expect(await acksFor()).toBe(1);
    await requestReplay(rt.store.knex, rt.queue, r.messageId);
    await eventually(async () => (await acksFor()) === 2, 20_000, 'the replay to acknowledge again');
  });

  it('flags the same interchange control number from the same sender as a duplicate, never processed again', async () => {
    const first = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000802', 'PO-A'), transport: 'test' });
    expect((await settled(rt, first.messageId)).status).toBe('done');
    // Other bytes (another PO number), the same ISA13: a resend the partner numbered the same.
    const again = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000802', 'PO-B'), transport: 'test' });
    const m = await settled(rt, again.messageId);
    expect(m).toMatchObject({ status: 'exception', errorCode: 'INTERCHANGE_DUPLICATE' });
    expect(m.errorMessage).toContain(`received before (message ${first.messageId}`);
    const ic = await rt.store.knex('interchanges').where({ message_id: again.messageId }).first();
    expect(ic.status).toBe('duplicate');
    // The partner is told: TA1 R 025.
    const out = path.join(rt.config.home, 'partners', 'acme-retail', 'out');
    const file = await ackFileFor(rt, 'acme-retail', again.messageId, 'the TA1');
    expect(fs.readFileSync(path.join(out, file), 'latin1')).toContain('TA1*000000802*261127*1200*R*025~');
    // A replay of the first message is not a duplicate of itself.
    expect((await getEvents(rt.store.knex, first.messageId)).some((e) => e.code === 'INTERCHANGE_DUPLICATE')).toBe(false);
  });

  it('matches a partner\'s 997 to what we sent and turns a rejection into an exception on our message', async () => {
    const sent = new Date();
    const spec = {
      sender: { qualifier: 'ZZ', id: 'ODOODIST', gsId: 'ODOODIST' }, receiver: { qualifier: 'ZZ', id: 'ACMERETAIL', gsId: 'ACMERETAIL' },
      version: '00401', controlNumber: 5001, usage: 'P' as const, date: sent,
      groups: [{ functionalId: 'SH', version: '004010', controlNumber: 5001, sets: [{ type: '856', controlNumber: '0001', body: [] }, { type: '856', controlNumber: '0002', body: [] }] }],
    };
    const outboundId = await rt.store.knex.transaction(async (trx) => {
      const { messageId: id } = await enqueueOutbound(trx, rt.queue, { partnerId: 'acme-retail', label: 'ASN-5001', content: Buffer.from('(asn)'), description: 'test 856' });
      await recordOutbound(trx, { messageId: id, partnerId: 'acme-retail', spec, expectAck: { kind: '997', withinHours: 24 } });
      return id;
    });
    expect(await listOverdueAcks(rt.store.knex, new Date(sent.getTime() + 25 * 3_600_000))).toEqual([
      expect.objectContaining({ messageId: outboundId, functionalId: 'SH', controlNumber: '5001', ackExpected: '997' }),
    ]);
    const ack997 = [
      'ISA*00*          *00*          *ZZ*ACMERETAIL     *ZZ*ODOODIST       *261127*1300*U*00401*000000803*0*P*>',
      'GS*FA*ACMERETAIL*ODOODIST*20261127*1300*803*X*004010', 'ST*997*0001', 'AK1*SH*5001',
      'AK2*856*0001', 'AK5*A', 'AK2*856*0002', 'AK3*TD1*4**8', 'AK4*7*81*6*ABC', 'AK5*R*5', 'AK9*P*2*2*1', 'SE*10*0001', 'GE*1*803', 'IEA*1*000000803',
    ].join('~\n') + '~\n';
    // A partner answers what it received: our message is sent (its out/ file written, recorded) first.
    await eventually(async () => (await getMessage(rt.store.knex, outboundId))?.status === 'done', 20_000, 'our message to be sent');
    const r = await rt.receive({ content: Buffer.from(ack997), transport: 'test' });
    const inbound = await settled(rt, r.messageId);
    expect(inbound.status).toBe('done');
    const ours = await eventually(async () => {
      const m = await getMessage(rt.store.knex, outboundId);
      return m?.status === 'exception' ? m : undefined;
    }, 20_000, 'our 856 to be marked rejected');
    expect(ours).toMatchObject({ errorCode: 'PARTNER_REJECTED', stage: 'acknowledged' });
    expect(ours.errorMessage).toContain('set 856 0002');
    const sets = await rt.store.knex('outbound_sets').join('outbound_groups', 'outbound_groups.id', 'outbound_sets.group_id')
      .where({ 'outbound_groups.message_id': outboundId }).orderBy('outbound_sets.control_number').select('outbound_sets.ack_status');
    expect(sets.map((s) => s.ack_status)).toEqual(['A', 'R']);
    expect(await listOverdueAcks(rt.store.knex, new Date(sent.getTime() + 25 * 3_600_000))).toEqual([]);
  });
});

describe('validate and ack commands', () => {
  const ws = workspace();
  const bad = path.join(ws.cwd, 'bad-date.edi');
  fs.writeFileSync(bad, Buffer.from(x12Interchange('ACMERETAIL', '000000417').toString('latin1').replace('CTT*1~SE*5', 'DTM*002*20261340~CTT*1~SE*6')));

  it('validate --json gives the CONTRACTS report and exits 1 for a rejected set', () => {
    const r = cli(ws, ['validate', bad, '--json']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ ok: false, interchanges: [{ standard: 'X12', version: '004010', senderId: 'ACMERETAIL', receiverId: 'ODOODIST',
      controlNumber: '000000417', partnerId: 'acme-retail', status: 'accepted', duplicate: false, errors: [],
      groups: [{ functionalId: 'PO', controlNumber: '417', status: 'rejected', sets: [{ type: '850', controlNumber: '0001', status: 'rejected',
        errors: [{ segment: 'DTM', position: 4, element: 2, code: '8', message: "DTM02 (373 date) '20261340' is not a valid date (CCYYMMDD)" }] }] }] }] });
  });

  it('validate prints a table a person can read, and exits 0 for a clean file', () => {
    const good = path.join(ws.cwd, 'good.edi');
    fs.writeFileSync(good, x12Interchange('ACMERETAIL', '000000418'));
    const r = cli(ws, ['validate', good]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('850 0001  accepted');
    expect(cli(ws, ['validate', bad]).stdout).toMatch(/DTM@4 DTM02\s+code 8\s+DTM02 \(373 date\) '20261340' is not a valid date/);
  });

  it('ack prints the 997 the partner would get, and stores nothing', () => {
    const r = cli(ws, ['ack', bad]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('AK3*DTM*4*PO1*8~');
    expect(r.stdout).toContain('AK4*2*373*8*20261340~');
    expect(r.stdout).toContain('AK9*R*1*1*0~');
    expect(JSON.parse(cli(ws, ['messages', 'list', '--json']).stdout)).toEqual([]);
  });

  it('acks overdue lists nothing, and exits 0, when nothing is owed', () => {
    const r = cli(ws, ['acks', 'overdue', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('acks overdue lists a late 997 and exits 1', async () => {
    const config = await testConfig('pglite', { home: ws.home });
    const rt = await openRuntime(config, silentLog, { role: 'cli', needsPartners: true });
    try {
      await rt.store.knex.transaction(async (trx) => {
        const { messageId } = await enqueueOutbound(trx, rt.queue, { partnerId: 'acme-retail', label: 'INV-9', content: Buffer.from('(810)'), description: 'test 810' });
        await recordOutbound(trx, { messageId, partnerId: 'acme-retail', expectAck: { kind: '997', withinHours: 1 }, spec: {
          sender: { qualifier: 'ZZ', id: 'ODOODIST', gsId: 'ODOODIST' }, receiver: { qualifier: 'ZZ', id: 'ACMERETAIL', gsId: 'ACMERETAIL' },
          version: '00401', controlNumber: 9001, usage: 'P', date: new Date(Date.now() - 2 * 3_600_000),
          groups: [{ functionalId: 'IN', version: '004010', controlNumber: 9001, sets: [{ type: '810', controlNumber: '0001', body: [] }] }] } });
      });
    } finally {
      await rt.close();
    }
    const r = cli(ws, ['acks', 'overdue']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/acme-retail\s+IN\s+9001\s+997/);
  });

  it('exits 2 naming a file it cannot read', () => {
    const r = cli(ws, ['validate', 'missing.edi']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('edi-gateway: missing.edi: no such file');
  });
});
