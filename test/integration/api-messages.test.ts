import type { Runtime } from '../../src/daemon/runtime';
import { startHttpServer, type HttpServer } from '../../src/http/http-server';
import { getMessage } from '../../src/store/messages.repo';
import { eventually, testRuntime, x12Interchange } from '../helpers';

/** The message API an operations lead scripts against: one message with its trail, replay, resolve. */
describe('/api/messages', () => {
  const token = 'api-test-token-0123456789';
  let rt: Runtime;
  let http: HttpServer;
  let base: string;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } });

  beforeAll(async () => {
    rt = await testRuntime('pglite', { http: { apiToken: token } });
    rt.workInbound();
    http = await startHttpServer(rt, { port: 0 });
    base = `http://127.0.0.1:${http.port}`;
  });
  afterAll(async () => {
    await http?.close();
    await rt?.close();
  });

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
});
