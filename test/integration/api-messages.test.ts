import type { Runtime } from '../../src/daemon/runtime';
import { getMessage, recordStage } from '../../src/store/messages.repo';
import { stuckMessages } from '../../src/store/operations.repo';
import { messagesInProgress } from '../../src/store/progress.repo';
import { bigFileInProgress, eventually, testRuntime, x12Interchange } from '../helpers';
import { useHttpRuntime } from '../http-helpers';

/** The message API an operations lead scripts against: one message with its trail, replay, resolve. */
describe('/api/messages', () => {
  const token = 'api-test-token-0123456789';
  let rt: Runtime;
  let base: string;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } });

  const server = useHttpRuntime(() => testRuntime('pglite', { http: { apiToken: token } }));
  beforeAll(() => { ({ rt, base } = server); });

  it('shows one message with its trail; replays it (202, refused while in the pipeline); resolves an exception with a note', async () => {
    const bad = await rt.receive({ content: Buffer.from('not EDI at all'), transport: 'test', partnerId: 'acme-retail', filename: 'memo.txt' });
    const good = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000951'), transport: 'test' });
    await eventually(async () => (await getMessage(rt.store.knex, bad.messageId))?.status === 'exception', 20_000, 'the memo to be an exception');
    await eventually(async () => (await getMessage(rt.store.knex, good.messageId))?.status === 'done', 20_000, 'the order to be done');

    const one = await call(`/api/messages/${bad.messageId}`);
    expect(one.status).toBe(200);
    const body = (await one.json() as any);
    expect(body.message).toMatchObject({ id: bad.messageId, status: 'exception', errorCode: 'FORMAT_UNKNOWN', filename: 'memo.txt' });
    expect(body.events.map((e: { stage: string }) => e.stage)).toContain('received');
    expect((await call('/api/messages/999999')).status).toBe(404);
    expect((await call('/api/messages/abc')).status).toBe(400);
    expect((await fetch(`${base}/api/messages/${bad.messageId}`)).status).toBe(401); // no token

    const replay = await call(`/api/messages/${good.messageId}/replay`, { method: 'POST' });
    expect(replay.status).toBe(202);
    expect((await replay.json() as any)).toEqual({ messageId: good.messageId, replay: 1 });
    const again = await call(`/api/messages/${good.messageId}/replay`, { method: 'POST' });
    // Refused while the first replay is in the pipeline, or accepted as the next one once it is done.
    expect([409, 202]).toContain(again.status);
    if (again.status === 409) expect(((await again.json() as any)).code).toBe('MESSAGE_IN_PROGRESS');

    expect((await call(`/api/messages/${bad.messageId}/resolve`, { method: 'POST', body: '{}' })).status).toBe(400);
    const resolved = await call(`/api/messages/${bad.messageId}/resolve`, { method: 'POST', body: JSON.stringify({ note: 'partner told to send EDI' }) });
    expect(resolved.status).toBe(200);
    expect(((await resolved.json() as any)).message).toMatchObject({ id: bad.messageId, status: 'resolved' });
    const twice = await call(`/api/messages/${bad.messageId}/resolve`, { method: 'POST', body: JSON.stringify({ note: 'again' }) });
    expect(twice.status).toBe(409);
    expect(((await twice.json() as any)).code).toBe('MESSAGE_NOT_EXCEPTION');
    const list = (await (await call('/api/messages?status=resolved')).json() as any);
    expect(list.messages.map((m: { id: number }) => m.id)).toEqual([bad.messageId]);
  });

  it('searches by PO, document type and date range', async () => {
    const a = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000961', 'API-PO-1'), transport: 'test', filename: 'a.edi' });
    const b = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000962', 'API-PO-2'), transport: 'test', filename: 'b.edi' });
    for (const m of [a, b]) await eventually(async () => (await getMessage(rt.store.knex, m.messageId))?.status === 'done', 20_000, 'the orders');
    const found = (await (await call('/api/messages?po=API-PO-2')).json() as any).messages;
    expect(found.map((m: { id: number }) => m.id)).toEqual([b.messageId]);
    expect(found[0]).toMatchObject({ types: 'order', keys: 'API-PO-2' });
    const orders = (await (await call('/api/messages?type=order&direction=in')).json() as any).messages.map((m: { id: number }) => m.id);
    expect(orders).toEqual(expect.arrayContaining([a.messageId, b.messageId]));
    expect((await (await call('/api/messages?type=invoice')).json() as any).messages).toEqual([]);
    expect((await (await call('/api/messages?po=API-PO-1&from=2999-01-01')).json() as any).messages).toEqual([]);
    expect((await (await call(`/api/messages?po=API-PO-1&from=${new Date(Date.now() - 3_600_000).toISOString()}`)).json() as any).messages
      .map((m: { id: number }) => m.id)).toEqual([a.messageId]);
    expect((await call('/api/messages?po=API-PO-1&to=not-a-date')).status).toBe(400);
  });

  const settledAs = async (messageId: number, status: string) =>
    eventually(async () => (await getMessage(rt.store.knex, messageId))?.status === status, 20_000, `message ${messageId} to be ${status}`);

  it('shows a rejected 850 in full: its bytes, its segments with the error at its element, the problem with its position', async () => {
    const bytes = Buffer.from(x12Interchange('ACMERETAIL', '000000981', 'PO-API-BAD').toString('latin1').replace('**20261127~', '**20261340~'), 'latin1');
    const r = await rt.receive({ content: bytes, transport: 'test', partnerId: 'acme-retail', filename: 'bad-date.edi' });
    await settledAs(r.messageId, 'exception');
    const body = await (await call(`/api/messages/${r.messageId}`)).json() as any;
    expect(body.message).toMatchObject({ id: r.messageId, status: 'exception', errorCode: 'INTERCHANGE_REJECTED' });
    expect(body.events.map((e: { stage: string }) => e.stage)).toContain('received');
    expect(body.content).toEqual({ encoding: 'utf8', text: bytes.toString('utf8'), truncated: false });
    const problem = body.problems.find((p: any) => p.segment === 'BEG');
    expect(problem).toMatchObject({ setControl: '0001', segment: 'BEG', position: 2, element: 5, message: expect.stringContaining('not a valid date'), line: expect.any(Number) });
    const line = body.segments.lines[problem.line - 1];
    expect(line).toMatchObject({ n: problem.line, tag: 'BEG', problems: [{ element: 5, code: problem.code, message: problem.message }] });
    expect(line.elements[5]).toBe('20261340');
    expect(body.segments).toMatchObject({ standard: 'X12', truncated: false });
    expect(body.segments.lines.map((l: { tag: string }) => l.tag)).toEqual(['ISA', 'GS', 'ST', 'BEG', 'PO1', 'CTT', 'SE', 'GE', 'IEA']);
    expect(body).toMatchObject({ documents: [], documentsTotal: 0, acknowledgments: [], progress: null });
    expect('content' in (await (await call(`/api/messages/${r.messageId}?content=0`)).json() as any)).toBe(false);
  });

  it('shows the documents a translated order became, and the bytes of a binary file as base64', async () => {
    const order = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000982', 'PO-API-DOC'), transport: 'test' });
    await settledAs(order.messageId, 'done');
    const body = await (await call(`/api/messages/${order.messageId}`)).json() as any;
    expect(body.documentsTotal).toBe(1);
    expect(body.documents).toEqual([expect.objectContaining({ messageId: order.messageId, ordinal: expect.any(Number), type: 'order', businessKey: 'PO-API-DOC',
      body: expect.objectContaining({ type: 'order', poNumber: 'PO-API-DOC', partnerId: 'acme-retail' }), odooModel: null, odooId: null })]);
    expect(body.problems).toEqual([]);
    expect(body.segments.lines.every((l: { problems: unknown[] }) => l.problems.length === 0)).toBe(true);

    const binary = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x41, 0x42, 0x80]);
    const zip = await rt.receive({ content: binary, transport: 'test', partnerId: 'acme-retail', filename: 'orders.gz' });
    await settledAs(zip.messageId, 'exception');
    const z = await (await call(`/api/messages/${zip.messageId}`)).json() as any;
    expect(z.content).toEqual({ encoding: 'base64', text: binary.toString('base64'), truncated: false });
    expect(z.segments.standard).toBe('text');

    // A big file: its first 2 MiB and first 5,000 lines, each said to be cut.
    const big = Buffer.from(Array.from({ length: 300_000 }, (_, i) => `line ${i}`).join('\n'));
    const memo = await rt.receive({ content: big, transport: 'test', partnerId: 'acme-retail', filename: 'big.txt' });
    await settledAs(memo.messageId, 'exception');
    const b = await (await call(`/api/messages/${memo.messageId}`)).json() as any;
    expect(b.message.sizeBytes).toBe(big.length);
    expect(b.content).toEqual({ encoding: 'utf8', text: big.subarray(0, 2 * 1024 * 1024).toString('utf8'), truncated: true });
    expect(b.segments).toMatchObject({ standard: 'text', truncated: true });
    expect(b.segments.lines).toHaveLength(5000);
  });

  it('shows a big file\'s progress on the message and its partner, of the current run only', async () => {
    const { messageId, since } = await bigFileInProgress(rt.store.knex, 'acme-retail');
    const expected = { messageId, status: 'processing', stage: 'translate', done: 12000, total: 87968, detail: '12000 of 87968 sets translated', since: since.toISOString() };
    const body = await (await call(`/api/messages/${messageId}`)).json() as any;
    expect(body.progress).toMatchObject(expected);
    const partners = (await (await call('/api/partners')).json() as any).partners;
    expect(partners.find((p: { id: string }) => p.id === 'acme-retail').inProgress).toEqual([{ ...expected, at: expect.any(String) }]);
    expect(partners.find((p: { id: string }) => p.id === 'summit-grocers').inProgress).toEqual([]);

    // Reporting progress, it is not stuck, however long ago its run started; silent for 15 minutes, it is.
    const { updated_at: started } = await rt.store.knex('message_state').where({ message_id: messageId }).first('updated_at');
    await new Promise((r) => setTimeout(r, 30));
    await recordStage(rt.store.knex, messageId, { stage: 'translate', outcome: 'info', detail: '13000 of 87968 sets translated', data: { done: 13000, total: 87968 } });
    const [{ at: lastReport }] = await rt.store.knex('message_events').where({ message_id: messageId }).orderBy('id', 'desc').limit(1).select('at');
    const minutes15 = 15 * 60_000;
    expect((await stuckMessages(rt.store.knex, new Date(new Date(started).getTime() + minutes15 + 10))).map((m) => m.id)).not.toContain(messageId);
    expect((await stuckMessages(rt.store.knex, new Date(new Date(lastReport).getTime() + minutes15 + 10))).find((m) => m.id === messageId))
      .toMatchObject({ status: 'processing', since: new Date(lastReport) });

    // A new run (a retry) has said nothing yet: the last run's figures are not shown as this one's.
    await recordStage(rt.store.knex, messageId, { stage: 'process', outcome: 'info', status: 'processing', detail: 'attempt 3' });
    expect(await messagesInProgress(rt.store.knex, { messageId })).toEqual([]);
    await recordStage(rt.store.knex, messageId, { stage: 'translate', outcome: 'info', detail: '1000 of 87968 sets translated', data: { done: 1000, total: 87968 } });
    expect((await messagesInProgress(rt.store.knex)).filter((x) => x.messageId === messageId).map((x) => x.done)).toEqual([1000]);
    await recordStage(rt.store.knex, messageId, { stage: 'process', outcome: 'ok', status: 'done' });
    expect((await messagesInProgress(rt.store.knex)).map((x) => x.messageId)).not.toContain(messageId);
    expect((await (await call(`/api/messages/${messageId}`)).json() as any).progress).toBeNull();
  });
});
