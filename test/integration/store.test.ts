import crypto from 'node:crypto';
import type { Runtime } from '../../src/daemon/runtime';
import { nextControlNumber, nextControlNumbers, peekControlNumber } from '../../src/store/control-numbers.repo';
import { listExceptions } from '../../src/store/exceptions.repo';
import { getContent, getEvents, getMessage, listMessages, recordStage } from '../../src/store/messages.repo';
import { CONTENT_PART_BYTES } from '../../src/store/message-content';
import { BACKENDS, testRuntime, x12Interchange } from '../helpers';

describe.each(BACKENDS)('store on %s', (backend) => {
  let rt: Runtime;
  beforeAll(async () => { rt = await testRuntime(backend); });
  afterAll(async () => { await rt?.close(); });

  it('migrates to the message log tables and view', async () => {
    const { rows } = await rt.store.knex.raw(`SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_name IN ('messages', 'message_events', 'message_state', 'message_exceptions') ORDER BY 1`);
    expect(rows.map((r: { table_name: string }) => r.table_name)).toEqual(['message_events', 'message_exceptions', 'message_state', 'messages']);
  });

  it('keeps raw bytes exactly as received, every byte value included', async () => {
    const content = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), crypto.randomBytes(70_000)]);
    const r = await rt.receive({ content, transport: 'test', partnerId: 'acme-retail', filename: 'bytes.bin' });
    expect(r.outcome).toBe('stored');
    const back = await getContent(rt.store.knex, r.messageId);
    expect(back!.equals(content)).toBe(true);
    const m = await getMessage(rt.store.knex, r.messageId);
    expect(m).toMatchObject({ sizeBytes: content.length, direction: 'in', transport: 'test', partnerId: 'acme-retail',
      sha256: crypto.createHash('sha256').update(content).digest('hex') });
  });

  it('stores a big message in parts and gives back every byte, for its duplicate receipts too', async () => {
    // 2.5 parts: the last one short, so an off-by-one in the split or the reassembly shows.
    const content = crypto.randomBytes(CONTENT_PART_BYTES * 2 + 12_345);
    const r = await rt.receive({ content, transport: 'test', partnerId: 'acme-retail', filename: 'big.bin' });
    const row = await rt.store.knex('messages').where({ id: r.messageId }).first('content', 'content_parts');
    expect(row).toEqual({ content: null, content_parts: 3 });
    const parts = await rt.store.knex('message_content_parts').where({ message_id: r.messageId }).orderBy('seq').select('seq', 'bytes');
    expect(parts.map((p: { bytes: Buffer }) => p.bytes.length)).toEqual([CONTENT_PART_BYTES, CONTENT_PART_BYTES, 12_345]);
    expect((await getContent(rt.store.knex, r.messageId))!.equals(content)).toBe(true);
    expect(await getMessage(rt.store.knex, r.messageId)).toMatchObject({ sizeBytes: content.length });
    const dup = await rt.receive({ content, transport: 'test', partnerId: 'acme-retail', filename: 'big-again.bin' });
    expect(dup).toMatchObject({ outcome: 'duplicate', duplicateOf: r.messageId });
    expect((await getContent(rt.store.knex, dup.messageId))!.equals(content)).toBe(true);
    // The start alone, for a view: only the parts it needs, cut to the bytes asked for.
    for (const n of [10, CONTENT_PART_BYTES, CONTENT_PART_BYTES + 7, content.length + 1]) {
      expect((await getContent(rt.store.knex, dup.messageId, n))!.equals(content.subarray(0, n))).toBe(true);
    }
    // As immutable as the message itself.
    await expect(rt.store.knex('message_content_parts').where({ message_id: r.messageId, seq: 1 }).update({ bytes: Buffer.from('x') }))
      .rejects.toThrow(/append-only: UPDATE refused/);
    await expect(rt.store.knex('message_content_parts').where({ message_id: r.messageId }).del()).rejects.toThrow(/append-only: DELETE refused/);
  });

  it('keeps a message of exactly one part\'s size in one value', async () => {
    const content = crypto.randomBytes(CONTENT_PART_BYTES);
    const r = await rt.receive({ content, transport: 'test', partnerId: 'acme-retail', filename: 'edge.bin' });
    expect(await rt.store.knex('messages').where({ id: r.messageId }).first('content_parts')).toEqual({ content_parts: null });
    expect((await getContent(rt.store.knex, r.messageId))!.equals(content)).toBe(true);
  });

  it('refuses to change or delete a stored message or its audit trail', async () => {
    const r = await rt.receive({ content: Buffer.from('immutable'), transport: 'test', partnerId: 'acme-retail' });
    await expect(rt.store.knex('messages').where({ id: r.messageId }).update({ content: Buffer.from('changed') }))
      .rejects.toThrow(/append-only: UPDATE refused/);
    await expect(rt.store.knex('messages').where({ id: r.messageId }).del()).rejects.toThrow(/append-only: DELETE refused/);
    await expect(rt.store.knex('message_events').where({ message_id: r.messageId }).del()).rejects.toThrow(/append-only/);
    expect((await getContent(rt.store.knex, r.messageId))!.toString()).toBe('immutable');
  });

  it('records the same bytes from the same partner as a duplicate receipt, pointing at the original', async () => {
    const content = x12Interchange('ACMERETAIL', '000000901');
    const first = await rt.receive({ content, transport: 'folder', transportRef: 'acme/a.edi@1', partnerId: 'acme-retail' });
    const second = await rt.receive({ content, transport: 'folder', transportRef: 'acme/a.edi@2', partnerId: 'acme-retail' });
    expect(first.outcome).toBe('stored');
    expect(second).toMatchObject({ outcome: 'duplicate', duplicateOf: first.messageId });
    const dup = await getMessage(rt.store.knex, second.messageId);
    expect(dup).toMatchObject({ status: 'duplicate', duplicateOf: first.messageId });
    expect((await getContent(rt.store.knex, second.messageId))!.equals(content)).toBe(true);
    const events = await getEvents(rt.store.knex, second.messageId);
    expect(events).toEqual([expect.objectContaining({ stage: 'received', outcome: 'duplicate', code: 'DUPLICATE_RECEIPT' })]);
    // The same bytes from another partner are that partner's own message.
    const other = await rt.receive({ content, transport: 'folder', transportRef: 'swift/a.edi@1', partnerId: 'swift-3pl' });
    expect(other.outcome).toBe('stored');
  });

  it('recognises the very same receipt (same transport reference) and stores nothing new', async () => {
    const content = Buffer.from('same receipt');
    const first = await rt.receive({ content, transport: 'folder', transportRef: 'acme/b.edi@7', partnerId: 'acme-retail' });
    const before = (await listMessages(rt.store.knex, { limit: 1000 })).length;
    const again = await rt.receive({ content, transport: 'folder', transportRef: 'acme/b.edi@7', partnerId: 'acme-retail' });
    expect(again).toMatchObject({ outcome: 'already-stored', messageId: first.messageId });
    expect((await listMessages(rt.store.knex, { limit: 1000 })).length).toBe(before);
  });

  it('keeps one original when the same bytes arrive twice at the same moment', async () => {
    const content = crypto.randomBytes(512);
    const results = await Promise.all([1, 2, 3, 4].map((n) =>
      rt.receive({ content, transport: 'as2', transportRef: `msg-${n}@${content.toString('hex', 0, 6)}`, partnerId: 'summit-grocers' })));
    expect(results.filter((r) => r.outcome === 'stored')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(3);
  });

  it('lists exceptions from the last failed stage of each message', async () => {
    const r = await rt.receive({ content: Buffer.from('x'), transport: 'test', partnerId: 'acme-retail' });
    await recordStage(rt.store.knex, r.messageId, { stage: 'validate', outcome: 'failed', status: 'exception', code: 'X12_BAD', detail: 'bad' });
    let found = (await listExceptions(rt.store.knex)).find((e) => e.messageId === r.messageId);
    expect(found).toMatchObject({ stage: 'validate', errorCode: 'X12_BAD', errorMessage: 'bad' });
    await recordStage(rt.store.knex, r.messageId, { stage: 'validate', outcome: 'ok', status: 'done' });
    found = (await listExceptions(rt.store.knex)).find((e) => e.messageId === r.messageId);
    expect(found).toBeUndefined();
  });

  it('never lets a late record of our send undo the partner\'s rejection of it; a resend moves on', async () => {
    const r = await rt.receive({ content: Buffer.from('late send'), transport: 'test', partnerId: 'acme-retail' });
    await recordStage(rt.store.knex, r.messageId, { stage: 'acknowledged', outcome: 'failed', status: 'exception', code: 'PARTNER_REJECTED', detail: 'AK9 R' });
    await recordStage(rt.store.knex, r.messageId, { stage: 'sent', outcome: 'ok', status: 'done', detail: 'folder out/x.edi' });
    expect(await getMessage(rt.store.knex, r.messageId)).toMatchObject({ status: 'exception', stage: 'acknowledged', errorCode: 'PARTNER_REJECTED' });
    // The send is still in the trail.
    expect((await getEvents(rt.store.knex, r.messageId)).map((e) => e.stage)).toEqual(['received', 'acknowledged', 'sent']);
    await recordStage(rt.store.knex, r.messageId, { stage: 'replay', outcome: 'info', status: 'received', detail: 'send again' });
    await recordStage(rt.store.knex, r.messageId, { stage: 'sent', outcome: 'ok', status: 'done' });
    expect(await getMessage(rt.store.knex, r.messageId)).toMatchObject({ status: 'done', stage: 'sent' });
  });

  it('hands out control numbers once each, even to many callers at once', async () => {
    const other = await import('knex').then((k) => k.default({ client: 'pg', connection: rt.store.connection as any, pool: { min: 0, max: 4 } }));
    try {
      expect(await peekControlNumber(rt.store.knex, 'acme-retail', 'isa')).toBe(1);
      const got = await Promise.all(Array.from({ length: 200 }, (_, i) => nextControlNumber(i % 2 ? other : rt.store.knex, 'acme-retail', 'isa')));
      expect(new Set(got).size).toBe(200);
      expect(Math.min(...got)).toBe(1);
      expect(Math.max(...got)).toBe(200);
      expect(await peekControlNumber(rt.store.knex, 'acme-retail', 'isa')).toBe(201);
      expect(await nextControlNumber(rt.store.knex, 'acme-retail', 'gs')).toBe(1); // sequences are per kind
      expect(await nextControlNumber(rt.store.knex, 'nordmart', 'isa')).toBe(1); // and per partner
    } finally {
      await other.destroy();
    }
  });

  it('starts a sequence again at 1 after its largest value', async () => {
    await rt.store.knex('control_numbers').insert({ partner_id: 'swift-3pl', kind: 'isa', last_value: 999_999_998 });
    expect(await nextControlNumber(rt.store.knex, 'swift-3pl', 'isa')).toBe(999_999_999);
    expect(await nextControlNumber(rt.store.knex, 'swift-3pl', 'isa')).toBe(1);
  });

  it('hands out several sequences at once, each by its own rule', async () => {
    // An acknowledgment's interchange and group numbers: one statement, each kind wrapping at its own largest value.
    await rt.store.knex('control_numbers').insert({ partner_id: 'ack-test', kind: 'isa', last_value: 999_999_999 });
    await rt.store.knex('control_numbers').insert({ partner_id: 'ack-test', kind: 'unb', last_value: 999_999_999 });
    expect(await nextControlNumbers(rt.store.knex, 'ack-test', ['isa', 'gs'])).toEqual({ isa: 1, gs: 1 });
    expect(await nextControlNumbers(rt.store.knex, 'ack-test', ['isa', 'gs'])).toEqual({ isa: 2, gs: 2 });
    expect(await nextControlNumbers(rt.store.knex, 'ack-test', ['unb', 'unh'])).toEqual({ unb: 1_000_000_000, unh: 1 });
    expect(await peekControlNumber(rt.store.knex, 'ack-test', 'gs')).toBe(3);
    const other = await import('knex').then((k) => k.default({ client: 'pg', connection: rt.store.connection as any, pool: { min: 0, max: 4 } }));
    try {
      const got = await Promise.all(Array.from({ length: 60 }, (_, i) => nextControlNumbers(i % 2 ? other : rt.store.knex, 'ack-test', ['isa', 'gs'])));
      expect(new Set(got.map((g) => g.isa)).size).toBe(60);
      expect(new Set(got.map((g) => g.gs)).size).toBe(60);
    } finally {
      await other.destroy();
    }
  });
});
