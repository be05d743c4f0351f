import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Runtime } from '../../src/daemon/runtime';
import type { InterchangeSpec } from '../../src/parsers/x12/serializer';
import { CONTENT_PART_BYTES } from '../../src/store/message-content';
import { searchMessages } from '../../src/store/message-search';
import { insertInbound } from '../../src/store/messages.repo';
import { applyGroupAck, applyTa1, recordOutbound } from '../../src/store/outbound-acks.repo';
import { eventually, testRuntime, x12Interchange } from '../helpers';
import { useHttpRuntime } from '../http-helpers';

const HOUR = 3_600_000;

/** An 810 interchange we sent `hoursAgo`, whose 997 the partner owes within 24 hours. */
async function sentInvoice(knex: Knex, partnerId: string, control: number, hoursAgo: number): Promise<number> {
  return knex.transaction(async (trx) => {
    const content = Buffer.from(`an invoice we sent, ${control}`);
    const stored = await insertInbound(trx, { direction: 'out', transport: 'folder', partnerId, filename: `810-${control}.edi`,
      content, sha256: crypto.createHash('sha256').update(content).digest('hex') });
    const spec = { sender: { qualifier: 'ZZ', id: 'ODOODIST' }, receiver: { qualifier: 'ZZ', id: 'ACMERETAIL' }, version: '00401', controlNumber: control,
      usage: 'P', date: new Date(Date.now() - hoursAgo * HOUR),
      groups: [{ functionalId: 'IN', version: '004010', controlNumber: control, sets: [{ type: '810', controlNumber: '0001', body: [] }] }] };
    await recordOutbound(trx, { messageId: stored.messageId, partnerId, expectAck: { kind: '997', withinHours: 24 }, spec: spec as unknown as InterchangeSpec });
    return stored.messageId;
  });
}

/** A message stored as the gateway stores a received file, with no job: nobody works it. */
async function storedFile(knex: Knex, content: Buffer, filename: string): Promise<number> {
  const stored = await knex.transaction((trx) => insertInbound(trx, { direction: 'in', transport: 'test', partnerId: 'acme-retail', filename, content,
    sha256: crypto.createHash('sha256').update(content).digest('hex') }));
  return stored.messageId;
}

describe('/api/acknowledgments and the control-number search', () => {
  const token = 'api-acks-test-token-0123456789';
  let rt: Runtime;
  let base: string;
  const call = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const getJson = async (path: string) => {
    const res = await call(path);
    expect(res.status).toBe(200);
    return res.json() as Promise<any>;
  };

  const server = useHttpRuntime(() => testRuntime('pglite', { http: { apiToken: token } }));
  beforeAll(() => { ({ rt, base } = server); });

  it('lists each group we sent that awaits its 997 with where it stands, filtered by state and partner', async () => {
    const { knex } = rt.store;
    const pending = await sentInvoice(knex, 'acme-retail', 701, 2);
    const overdue = await sentInvoice(knex, 'acme-retail', 702, 30);
    const accepted = await sentInvoice(knex, 'acme-retail', 703, 30);
    const partial = await sentInvoice(knex, 'acme-retail', 704, 3);
    const rejected = await sentInvoice(knex, 'acme-retail', 705, 3);
    const refusedInterchange = await sentInvoice(knex, 'acme-retail', 706, 3);
    const other = await sentInvoice(knex, 'summit-grocers', 707, 30);
    const ack = (control: string, status: string) => ({ functionalId: 'IN', groupControl: control, status, errorCodes: status === 'A' ? [] : ['5'], sets: [] });
    await knex.transaction(async (trx) => {
      await applyGroupAck(trx, 'acme-retail', ack('703', 'A'), accepted);
      await applyGroupAck(trx, 'acme-retail', ack('704', 'P'), partial);
      await applyGroupAck(trx, 'acme-retail', ack('705', 'R'), rejected);
      await applyTa1(trx, 'acme-retail', { controlNumber: '000000706', status: 'R', noteCode: '006' }, refusedInterchange);
    });

    const all = (await getJson('/api/acknowledgments?partner=acme-retail')).acknowledgments;
    const stateOf = Object.fromEntries(all.map((a: { messageId: number; state: string }) => [a.messageId, a.state]));
    expect(stateOf).toEqual({ [pending]: 'pending', [overdue]: 'overdue', [accepted]: 'accepted', [partial]: 'partially_accepted',
      [rejected]: 'rejected', [refusedInterchange]: 'rejected' });
    expect(all.map((a: { messageId: number }) => a.messageId)).toEqual([refusedInterchange, rejected, partial, accepted, overdue, pending]);
    expect(all.find((a: { messageId: number }) => a.messageId === rejected)).toMatchObject({ partnerId: 'acme-retail', standard: 'X12',
      interchangeControl: '000000705', functionalId: 'IN', controlNumber: '705', setCount: 1, ackExpected: '997', ackStatus: 'R', ackCodes: '5',
      interchangeAckStatus: null, ackMessageId: rejected, ackedAt: expect.any(String), sentAt: expect.any(String), dueAt: expect.any(String) });
    expect(all.find((a: { messageId: number }) => a.messageId === refusedInterchange)).toMatchObject({ ackStatus: null, interchangeAckStatus: 'R' });

    const overdueNow = (await getJson('/api/acknowledgments?state=overdue')).acknowledgments.map((a: { messageId: number }) => a.messageId);
    expect(overdueNow).toEqual([other, overdue]);
    expect((await getJson('/api/acknowledgments?state=overdue&partner=summit-grocers')).acknowledgments.map((a: { messageId: number }) => a.messageId)).toEqual([other]);
    const page = (await getJson('/api/acknowledgments?partner=acme-retail&limit=2')).acknowledgments;
    expect(page.map((a: { messageId: number }) => a.messageId)).toEqual([refusedInterchange, rejected]);
    expect((await getJson(`/api/acknowledgments?partner=acme-retail&limit=2&before=${page[1].id}`)).acknowledgments
      .map((a: { messageId: number }) => a.messageId)).toEqual([partial, accepted]);

    const bad = await call('/api/acknowledgments?state=late');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'USAGE', error: expect.stringContaining('pending, overdue, accepted, partially_accepted, rejected') });
    expect((await call('/api/acknowledgments?before=abc')).status).toBe(400);
    expect((await fetch(`${base}/api/acknowledgments`)).status).toBe(401);
  });

  it('finds messages by control number, sent or received, with or without leading zeros', async () => {
    const sent = await sentInvoice(rt.store.knex, 'acme-retail', 4242, 1);
    const got = await rt.receive({ content: x12Interchange('ACMERETAIL', '000004243', 'PO-CTL-1'), transport: 'test', filename: 'ctl.edi' });
    await eventually(async () => (await rt.store.knex('message_state').where({ message_id: got.messageId }).first('status'))?.status === 'done', 20_000, 'the order');
    const ids = async (q: string) => (await getJson(`/api/messages?${q}`)).messages.map((m: { id: number }) => m.id);
    expect(await ids('control=4242')).toEqual([sent]);
    expect(await ids('control=000004242')).toEqual([sent]);
    expect(await ids('control=000004243&direction=in')).toEqual([got.messageId]);
    expect(await ids('control=4243&direction=in')).toEqual([got.messageId]);
    // The group control (GS06 417) of the received order is found too, with its document.
    expect(await ids('control=417&type=order')).toContain(got.messageId);
    expect(await ids('control=99999999')).toEqual([]);
    // The dashboard's search form has the field and uses the same search.
    expect((await searchMessages(rt.store.knex, { control: '4242' })).map((m) => m.id)).toEqual([sent]);
  });

  it('finds a number in the raw bytes of a big refused file stored in parts, even cut by a part boundary, as a whole value only', async () => {
    const { knex } = rt.store;
    const pad = (n: number) => '~'.repeat(n);
    // 'PO-SPLIT-77' starts 3 bytes before the first part ends.
    const split = await storedFile(knex, Buffer.from(`${pad(CONTENT_PART_BYTES - 3)}BEG*00*SA*PO-SPLIT-77**20261127~${pad(500_000)}`, 'latin1'), 'split.edi');
    // A longer number holds it but is not it.
    await storedFile(knex, Buffer.from(`${pad(CONTENT_PART_BYTES + 10)}BEG*00*SA*PO-SPLIT-770**20261127~`, 'latin1'), 'longer.edi');
    // Starts at the second part's first byte, glued to a letter at the end of the first.
    await storedFile(knex, Buffer.from(`${pad(CONTENT_PART_BYTES - 1)}XPO-SPLIT-77~${pad(100)}`, 'latin1'), 'glued.edi');
    // Wholly inside the third part, after bytes above 0x7f.
    const third = await storedFile(knex, Buffer.concat([Buffer.from(pad(2 * CONTENT_PART_BYTES + 5)), Buffer.from([0xe9, 0x2a]),
      Buffer.from('PO-SPLIT-77~')]), 'third.edi');
    expect(await knex('messages').whereIn('id', [split, third]).whereNull('content').count('* as n').first()).toEqual({ n: 2 });
    const found = (await searchMessages(knex, { po: 'PO-SPLIT-77' })).map((m) => m.id);
    expect(found).toEqual([third, split]);
    expect((await getJson('/api/messages?po=PO-SPLIT-77')).messages.map((m: { id: number }) => m.id)).toEqual([third, split]);
  });
});
