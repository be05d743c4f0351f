import crypto from 'node:crypto';
import type { Runtime } from '../../src/daemon/runtime';
import { nextControlNumber, peekControlNumber, takeControlNumbers } from '../../src/store/control-numbers.repo';
import { listExceptions } from '../../src/store/exceptions.repo';
import { getContent, getEvents, getMessage, getMessageWithContent, listMessages, recordStage } from '../../src/store/messages.repo';
import { findPriorInterchange, recordInterchange } from '../../src/store/interchanges.repo';
import { firstDocuments, saveDocuments, setOdooLinks } from '../../src/store/documents.repo';
import { inSharedTransaction } from '../../src/store/transaction-groups';
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
    const next = async <K extends 'isa' | 'gs' | 'unb' | 'unh'>(db: typeof rt.store.knex, kinds: K[]) => (await takeControlNumbers(db, [{ partnerId: 'ack-test', kinds }]))[0];
    expect(await next(rt.store.knex, ['isa', 'gs'])).toEqual({ isa: 1, gs: 1 });
    expect(await next(rt.store.knex, ['isa', 'gs'])).toEqual({ isa: 2, gs: 2 });
    expect(await next(rt.store.knex, ['unb', 'unh'])).toEqual({ unb: 1_000_000_000, unh: 1 });
    expect(await peekControlNumber(rt.store.knex, 'ack-test', 'gs')).toBe(3);
    const other = await import('knex').then((k) => k.default({ client: 'pg', connection: rt.store.connection as any, pool: { min: 0, max: 4 } }));
    try {
      const got = await Promise.all(Array.from({ length: 60 }, (_, i) => next(i % 2 ? other : rt.store.knex, ['isa', 'gs'])));
      expect(new Set(got.map((g) => g.isa)).size).toBe(60);
      expect(new Set(got.map((g) => g.gs)).size).toBe(60);
    } finally {
      await other.destroy();
    }
  });

  it('takes the numbers of many requests in one statement: consecutive per sequence, a run past the top starting again at 1', async () => {
    await rt.store.knex('control_numbers').insert({ partner_id: 'run-test', kind: 'isa', last_value: 999_999_998 });
    await rt.store.knex('control_numbers').insert({ partner_id: 'run-test', kind: 'gs', last_value: 41 });
    const got = await takeControlNumbers(rt.store.knex, [
      { partnerId: 'run-test', kinds: ['isa', 'gs'] }, { partnerId: 'run-new', kinds: ['isa'] },
      { partnerId: 'run-test', kinds: ['isa', 'gs'] }, { partnerId: 'run-new', kinds: ['isa'] },
    ]);
    // Two isa numbers would pass the top: the run takes 1 and 2, and 999,999,999 is left unused (a gap), never a number twice.
    expect(got).toEqual([{ isa: 1, gs: 42 }, { isa: 1 }, { isa: 2, gs: 43 }, { isa: 2 }]);
    expect(await peekControlNumber(rt.store.knex, 'run-test', 'isa')).toBe(3);
    expect(await peekControlNumber(rt.store.knex, 'run-test', 'gs')).toBe(44);
    expect(await takeControlNumbers(rt.store.knex, [{ partnerId: 'run-test', kinds: [] }])).toEqual([{}]);
  });

  it('groups the statements of callers that come together, each getting its own answer', async () => {
    const knex = rt.store.knex;
    const [a, b, c] = await Promise.all(['group a', 'group b', 'group c'].map((t) => rt.receive({ content: Buffer.from(t), transport: 'test', partnerId: 'acme-retail' })));
    // Reads: each its own message and bytes, nothing for an id that is not there.
    const reads = await Promise.all([a, b, c].map((r) => getMessageWithContent(knex, r.messageId)).concat(getMessageWithContent(knex, 99_999_999)));
    expect(reads.map((r) => r?.content?.toString())).toEqual(['group a', 'group b', 'group c', undefined]);
    expect(reads.slice(0, 3).map((r) => r!.message.id)).toEqual([a.messageId, b.messageId, c.messageId]);
    // Trails: one message twice in the group is written in call order, so the partner's rejection still stands.
    const unknown = recordStage(knex, 99_999_999, { stage: 'x', outcome: 'info', status: 'done' });
    await Promise.all([
      recordStage(knex, a.messageId, { stage: 'acknowledged', outcome: 'failed', status: 'exception', code: 'PARTNER_REJECTED', detail: 'AK9 R' }),
      recordStage(knex, b.messageId, { stage: 'process', outcome: 'ok', status: 'done' }),
      recordStage(knex, a.messageId, { stage: 'sent', outcome: 'ok', status: 'done' }),
      recordStage(knex, c.messageId, { stage: 'process', outcome: 'failed', status: 'exception', code: 'X', detail: 'c failed' }),
    ]);
    // A message that is not there fails its own call alone (the group is run again one by one).
    await expect(unknown).rejects.toThrow(/foreign key|violates/);
    expect((await getEvents(knex, a.messageId)).map((e) => e.stage)).toEqual(['received', 'acknowledged', 'sent']);
    expect(await getMessage(knex, a.messageId)).toMatchObject({ status: 'exception', stage: 'acknowledged' });
    expect(await getMessage(knex, b.messageId)).toMatchObject({ status: 'done', stage: 'process' });
    expect(await getMessage(knex, c.messageId)).toMatchObject({ status: 'exception', errorMessage: 'c failed' });
    // Duplicate checks: each by its own key, window and excluded message.
    const key = { standard: 'X12' as const, senderQualifier: 'ZZ', senderId: 'GROUPS', controlNumber: '000000001' };
    await recordInterchange(knex, { ...key, messageId: a.messageId, ordinal: 0, direction: 'in', receiverQualifier: 'ZZ', receiverId: 'US', partnerId: 'acme-retail', status: 'accepted' });
    const long = new Date(Date.now() - 86_400_000);
    const priors = await Promise.all([
      findPriorInterchange(knex, key, long, b.messageId),
      findPriorInterchange(knex, key, long, a.messageId),
      findPriorInterchange(knex, { ...key, controlNumber: '000000002' }, long, b.messageId),
      findPriorInterchange(knex, key, new Date(Date.now() + 60_000), b.messageId),
      findPriorInterchange(knex, key, long),
    ]);
    expect(priors.map((p) => p?.messageId)).toEqual([a.messageId, undefined, undefined, undefined, a.messageId]);
    // Documents: saved together, read back a page per message, linked together.
    const order = (n: number) => ({ type: 'order', partnerId: 'acme-retail', poNumber: `GRP-${n}`, purpose: 'original', lines: [] }) as any;
    await Promise.all([
      saveDocuments(knex, a.messageId, [0, 1, 2].map((o) => ({ ordinal: o, sourceControl: `a/${o}`, document: order(o) }))),
      saveDocuments(knex, b.messageId, [{ ordinal: 0, sourceControl: 'b/0', document: order(9) }]),
    ]);
    const pages = await Promise.all([firstDocuments(knex, a.messageId, ['order'], 2), firstDocuments(knex, b.messageId, ['order'], 2),
      firstDocuments(knex, c.messageId, ['order'], 2), firstDocuments(knex, a.messageId, ['invoice'], 5)]);
    expect(pages.map((p) => p.map((d) => d.sourceControl))).toEqual([['a/0', 'a/1'], ['b/0'], [], []]);
    await Promise.all([setOdooLinks(knex, [{ id: pages[0][0].id, model: 'sale.order', odooId: 5 }]), setOdooLinks(knex, [{ id: pages[1][0].id, model: 'sale.order', odooId: 6 }])]);
    const linked = await Promise.all([firstDocuments(knex, a.messageId, ['order'], 1), firstDocuments(knex, b.messageId, ['order'], 1)]);
    expect(linked.map((p) => p[0].odooId)).toEqual([5, 6]);
  });

  it('shares a transaction between the bodies that come together; one failing, the others commit alone and it fails with its own error', async () => {
    const knex = rt.store.knex;
    const ms = await Promise.all([1, 2, 3, 4].map((i) => rt.receive({ content: Buffer.from(`shared ${i}`), transport: 'test', partnerId: 'acme-retail' })));
    const runs = new Map<number, number>();
    const txids = new Map<number, string[]>();
    const body = (m: { messageId: number }, fail: boolean) => inSharedTransaction(knex, async (trx) => {
      runs.set(m.messageId, (runs.get(m.messageId) ?? 0) + 1);
      const { rows } = await trx.raw('SELECT txid_current()::text AS id');
      txids.set(m.messageId, [...txids.get(m.messageId) ?? [], rows[0].id]);
      const id = await recordInterchange(trx, { standard: 'X12', senderQualifier: 'ZZ', senderId: 'SHARED', controlNumber: String(m.messageId),
        messageId: m.messageId, ordinal: 0, direction: 'in', receiverQualifier: 'ZZ', receiverId: 'US', partnerId: 'acme-retail', status: 'accepted' });
      await recordStage(trx, m.messageId, { stage: 'validate', outcome: 'ok', status: 'processing' });
      if (fail) throw new Error(`body ${m.messageId} refuses`);
      return id;
    });
    // All four at once: one transaction, their interchanges and trails one statement each.
    const ok = await Promise.all(ms.map((m) => body(m, false)));
    expect(ok.every((id) => typeof id === 'number')).toBe(true);
    expect(new Set(ms.map((m) => txids.get(m.messageId)![0])).size).toBe(1);
    // Again, the third failing: the rollback undoes the group; each runs again alone, the third fails by itself.
    const again = await Promise.all([5, 6, 7].map((i) => rt.receive({ content: Buffer.from(`shared ${i}`), transport: 'test', partnerId: 'acme-retail' })));
    const out = await Promise.allSettled(again.map((m, i) => body(m, i === 1)));
    expect(out.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((out[1] as PromiseRejectedResult).reason.message).toBe(`body ${again[1].messageId} refuses`);
    expect(again.map((m) => runs.get(m.messageId))).toEqual([2, 2, 2]);
    const stored = await knex('interchanges').where({ sender_id: 'SHARED' }).whereIn('message_id', again.map((m) => m.messageId)).pluck('message_id');
    expect(stored.map(Number).sort()).toEqual([again[0].messageId, again[2].messageId].sort());
    expect(await getMessage(knex, again[1].messageId)).toMatchObject({ status: 'received' });
    expect(await getMessage(knex, again[2].messageId)).toMatchObject({ status: 'processing' });
  });
});
