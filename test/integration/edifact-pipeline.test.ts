import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../../src/daemon/runtime';
import { enqueueOutbound } from '../../src/pipeline/outbox';
import { recordOutboundEdifact } from '../../src/store/edifact-acks.repo';
import { listOverdueAcks } from '../../src/store/outbound-acks.repo';
import { getMessage } from '../../src/store/messages.repo';
import { BACKENDS, eventually, testRuntime } from '../helpers';
import { acksOf, ackFileFor } from '../outbox-helpers';

async function settled(rt: Runtime, id: number) {
  return eventually(async () => {
    const m = await getMessage(rt.store.knex, id);
    return m && ['done', 'exception', 'duplicate'].includes(m.status) ? m : undefined;
  }, 30_000, `message ${id}`);
}

/** A Nordmart ORDERS interchange (D96A EAN008) to us. */
function orders(control: string, po = 'PO1', qty = '12'): Buffer {
  return Buffer.from([
    `UNB+UNOC:3+5412345000013:14+5790000000001:14+261127:1200+${control}'`,
    "UNH+M1+ORDERS:D:96A:UN:EAN008'", `BGM+220+${po}+9'`, "DTM+137:20261127:102'", "NAD+BY+5412345000013::9++Nordmart Käse AB'",
    "LIN+1++5790000110018:EN'", `QTY+21:${qty}'`, "UNS+S'", "UNT+8+M1'", `UNZ+1+${control}'`,
  ].join('\n'), 'latin1');
}

describe.each(BACKENDS)('EDIFACT inbound pipeline on %s', (backend) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await testRuntime(backend);
    rt.workInbound();
    rt.workOutbound();
  });
  afterAll(async () => { await rt?.close(); });

  const out = () => path.join(rt.config.home, 'partners', 'nordmart', 'out');
  const contrlFor = (messageId: number) => ackFileFor(rt, 'nordmart', messageId, 'the CONTRL');

  it('validates, records the interchange and sends the CONTRL to the partner\'s out/', async () => {
    const r = await rt.receive({ content: orders('EIC1'), transport: 'test' });
    const m = await settled(rt, r.messageId);
    expect(m.status).toBe('done');
    const ic = await rt.store.knex('interchanges').where({ message_id: r.messageId }).first();
    expect(ic).toMatchObject({ direction: 'in', standard: 'EDIFACT', sender_id: '5412345000013', sender_qualifier: '14', control_number: 'EIC1', partner_id: 'nordmart', status: 'accepted' });
    const text = fs.readFileSync(path.join(out(), await contrlFor(r.messageId)), 'latin1');
    expect(text).toMatch(/^UCI\+EIC1\+5412345000013:14\+5790000000001:14\+7'$/m);
    expect(text).toMatch(/^UCM\+M1\+ORDERS:D:96A:UN:EAN008\+7'$/m);
    // Our CONTRL is recorded as sent, and owes nothing back.
    const sent = await rt.store.knex('interchanges').where({ direction: 'out', standard: 'EDIFACT', partner_id: 'nordmart' }).orderBy('id', 'desc').first();
    expect(sent.control_number).toMatch(/^\d+$/);
  });

  it('rejects a message with a syntax error: an exception, and UCM 4 with UCS/UCD to the partner', async () => {
    const r = await rt.receive({ content: orders('EIC2', 'PO2', '12X'), transport: 'test' });
    const m = await settled(rt, r.messageId);
    expect(m).toMatchObject({ status: 'exception', errorCode: 'INTERCHANGE_REJECTED' });
    expect(m.errorMessage).toContain('QTY@6');
    const text = fs.readFileSync(path.join(out(), await contrlFor(r.messageId)), 'latin1');
    expect(text).toMatch(/^UCM\+M1\+ORDERS:D:96A:UN:EAN008\+4'\nUCS\+6'\nUCD\+37\+2:2'$/m);
  });

  it('flags the same UNB reference from the same sender as a duplicate (UCI 4, 26)', async () => {
    const first = await rt.receive({ content: orders('EIC3', 'PO-A'), transport: 'test' });
    expect((await settled(rt, first.messageId)).status).toBe('done');
    const again = await rt.receive({ content: orders('EIC3', 'PO-B'), transport: 'test' });
    const m = await settled(rt, again.messageId);
    expect(m).toMatchObject({ status: 'exception', errorCode: 'INTERCHANGE_DUPLICATE' });
    expect(m.errorMessage).toContain(`received before (message ${first.messageId}`);
    const text = fs.readFileSync(path.join(out(), await contrlFor(again.messageId)), 'latin1');
    expect(text).toMatch(/^UCI\+EIC3\+5412345000013:14\+5790000000001:14\+4\+26'$/m);
  });

  it('matches a partner\'s CONTRL to the interchange we sent and turns a rejected message into an exception', async () => {
    const sent = new Date();
    const spec = {
      syntax: { id: 'UNOC', version: '3' }, sender: { id: '5790000000001', qualifier: '14' }, recipient: { id: '5412345000013', qualifier: '14' },
      date: sent, controlRef: '9001',
      messages: [
        { reference: 'D1', type: 'DESADV', version: 'D', release: '96A', agency: 'UN', association: 'EAN005', body: [] },
        { reference: 'D2', type: 'DESADV', version: 'D', release: '96A', agency: 'UN', association: 'EAN005', body: [] },
      ],
    };
    const outboundId = await rt.store.knex.transaction(async (trx) => {
      const { messageId: id } = await enqueueOutbound(trx, rt.queue, { partnerId: 'nordmart', label: 'DESADV-9001', content: Buffer.from('(desadv)'), description: 'test DESADV' });
      await recordOutboundEdifact(trx, { messageId: id, partnerId: 'nordmart', spec, expectAck: { withinHours: 24 } });
      return id;
    });
    const later = new Date(sent.getTime() + 25 * 3_600_000);
    expect(await listOverdueAcks(rt.store.knex, later)).toContainEqual(expect.objectContaining({ messageId: outboundId, controlNumber: '9001', ackExpected: 'CONTRL' }));
    const contrl = [
      "UNB+UNOC:3+5412345000013:14+5790000000001:14+261127:1300+EIC4'", "UNH+1+CONTRL:D:3:UN'",
      "UCI+9001+5790000000001:14+5412345000013:14+7'", "UCM+D1+DESADV:D:96A:UN:EAN005+7'", "UCM+D2+DESADV:D:96A:UN:EAN005+4+29+UNT+2'",
      "UNT+5+1'", "UNZ+1+EIC4'",
    ].join('\n');
    // A partner answers what it received: our message is sent (its out/ file written, recorded) first.
    await eventually(async () => (await getMessage(rt.store.knex, outboundId))?.status === 'done', 20_000, 'our message to be sent');
    const r = await rt.receive({ content: Buffer.from(contrl), transport: 'test' });
    expect((await settled(rt, r.messageId)).status).toBe('done');
    const ours = await eventually(async () => {
      const m = await getMessage(rt.store.knex, outboundId);
      return m?.status === 'exception' ? m : undefined;
    }, 20_000, 'our DESADV to be marked rejected');
    expect(ours).toMatchObject({ errorCode: 'PARTNER_REJECTED', stage: 'acknowledged' });
    expect(ours.errorMessage).toContain('DESADV D2: code 29');
    const sets = await rt.store.knex('outbound_sets').join('outbound_groups', 'outbound_groups.id', 'outbound_sets.group_id')
      .where({ 'outbound_groups.message_id': outboundId }).orderBy('outbound_sets.control_number').select('outbound_sets.ack_status');
    expect(sets.map((s) => s.ack_status)).toEqual(['7', '4']);
    expect(await rt.store.knex('interchanges').where({ message_id: outboundId }).first('ta1_status')).toEqual({ ta1_status: '7' });
    expect(await listOverdueAcks(rt.store.knex, later)).not.toContainEqual(expect.objectContaining({ messageId: outboundId }));
    // A CONTRL is not acknowledged with a CONTRL unless asked for.
    expect(await acksOf(rt.store.knex, r.messageId)).toEqual([]);
  });
});
