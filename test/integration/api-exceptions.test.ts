import type { Runtime } from '../../src/daemon/runtime';
import { QUEUES } from '../../src/queue/job-queue';
import { createToken } from '../../src/store/api-tokens.repo';
import { getEvents, getMessage } from '../../src/store/messages.repo';
import { eventually, testRuntime, x12Interchange } from '../helpers';
import { useHttpRuntime } from '../http-helpers';

/** The exception queue over the API: list by partner, code and stage; replay and resolve many at once. */
describe('/api/exceptions', () => {
  let rt: Runtime;
  let base: string;
  const tokens = { viewer: '', operator: '' };
  const as = (token: string, path: string, body?: unknown) => fetch(`${base}${path}`, body === undefined ? { headers: { authorization: `Bearer ${token}` } }
    : { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const memo = async (partnerId: string, text: string) => {
    const r = await rt.receive({ content: Buffer.from(text), transport: 'test', partnerId, filename: 'memo.txt' });
    await eventually(async () => (await getMessage(rt.store.knex, r.messageId))?.status === 'exception', 20_000, `message ${r.messageId} to be an exception`);
    return r.messageId;
  };
  /** The inbound jobs queued for a message's replay `generation` (pg-boss keeps finished jobs for days). */
  const replayJobs = async (messageId: number, generation: number) => (await rt.store.knex.raw(
    `SELECT count(*)::int AS n FROM pgboss.job WHERE name = ? AND (data->>'messageId')::bigint = ? AND (data->>'replay')::int = ?`,
    [QUEUES.inbound, messageId, generation])).rows[0].n;

  const server = useHttpRuntime(() => testRuntime('pglite', { http: { apiToken: 'api-exceptions-admin-0123456789' } }), async (r) => {
    for (const role of ['viewer', 'operator'] as const) tokens[role] = (await createToken(r.store.knex, `${role}-1`, role)).token;
  });
  beforeAll(() => { ({ rt, base } = server); });

  it('lists open exceptions by partner, code and stage; replays by ids (what is not an exception refused, the rest queued); a viewer gets 403', async () => {
    const [a1, a2, s1] = [await memo('acme-retail', 'not EDI 1'), await memo('acme-retail', 'not EDI 2'), await memo('summit-grocers', 'not EDI 3')];
    const good = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000971'), transport: 'test' });
    await eventually(async () => (await getMessage(rt.store.knex, good.messageId))?.status === 'done', 20_000, 'the order to be done');

    const acme = (await (await as(tokens.viewer, '/api/exceptions?partner=acme-retail')).json() as any).exceptions;
    expect(acme.map((e: any) => e.messageId)).toEqual([a2, a1]);
    expect(acme[0]).toMatchObject({ partnerId: 'acme-retail', direction: 'in', filename: 'memo.txt', stage: 'identify', errorCode: 'FORMAT_UNKNOWN',
      errorMessage: expect.stringContaining('neither an X12'), failedAt: expect.any(String) });
    expect((await (await as(tokens.viewer, '/api/exceptions?code=FORMAT_UNKNOWN&stage=identify')).json() as any).exceptions.map((e: any) => e.messageId))
      .toEqual([s1, a2, a1]);
    expect((await (await as(tokens.viewer, '/api/exceptions?stage=odoo')).json() as any).exceptions).toEqual([]);
    expect((await (await as(tokens.viewer, '/api/exceptions?limit=1')).json() as any).exceptions).toHaveLength(1);

    const refused = await as(tokens.viewer, '/api/exceptions/replay', { ids: [a1] });
    expect(refused.status).toBe(403);
    expect(await replayJobs(a1, 1)).toBe(0);

    const res = await as(tokens.operator, '/api/exceptions/replay', { ids: [a1, good.messageId, a2, 999_999, a1] });
    expect(res.status).toBe(202);
    const body = await res.json() as any;
    expect(body.replayed).toEqual([{ messageId: a1, replay: 1 }, { messageId: a2, replay: 1 }]);
    expect(body.refused).toEqual([
      { messageId: good.messageId, code: 'MESSAGE_NOT_EXCEPTION', error: `message ${good.messageId} is done, not an open exception` },
      { messageId: 999_999, code: 'MESSAGE_NOT_FOUND', error: 'message 999999 is not in the store' },
    ]);
    expect(body.more).toBe(false);
    for (const id of [a1, a2]) {
      expect((await getEvents(rt.store.knex, id)).filter((e) => e.stage === 'replay').map((e) => e.detail))
        .toEqual(['bulk replay requested over the API by token operator-1 (replay 1)']);
      expect(await replayJobs(id, 1)).toBe(1);
    }
    expect((await getEvents(rt.store.knex, good.messageId)).map((e) => e.stage)).not.toContain('replay');
    expect((await getEvents(rt.store.knex, s1)).map((e) => e.stage)).not.toContain('replay');
  });

  it('replays by filter (only what it selects, up to its limit, saying when more match) and refuses a bad body', async () => {
    const [n1, n2, n3] = [await memo('nordmart', 'nordmart memo 1'), await memo('nordmart', 'nordmart memo 2'), await memo('nordmart', 'nordmart memo 3')];
    const other = await memo('swift-3pl', 'a 3PL memo');
    const first = await as(tokens.operator, '/api/exceptions/replay', { partner: 'nordmart', code: 'FORMAT_UNKNOWN', limit: 2 });
    expect(first.status).toBe(202);
    const body = await first.json() as any;
    expect(body).toEqual({ replayed: [{ messageId: n3, replay: 1 }, { messageId: n2, replay: 1 }], refused: [], more: true });
    expect(await replayJobs(n3, 1)).toBe(1);
    expect(await replayJobs(n1, 1)).toBe(0);
    expect(await replayJobs(other, 1)).toBe(0);
    const none = await as(tokens.operator, '/api/exceptions/replay', { partner: 'nordmart', stage: 'odoo' });
    expect(await none.json()).toEqual({ replayed: [], refused: [], more: false });

    for (const bad of [{}, { ids: [] }, { ids: [n1], partner: 'nordmart' }, { ids: ['1'] }, { partner: 'nordmart', colour: 'red' },
      { ids: Array.from({ length: 1001 }, (_, i) => i + 1) }]) {
      const r = await as(tokens.operator, '/api/exceptions/replay', bad);
      expect([JSON.stringify(bad).slice(0, 40), r.status]).toEqual([JSON.stringify(bad).slice(0, 40), 400]);
      expect(await r.json()).toMatchObject({ code: 'USAGE', error: expect.stringContaining('"ids"') });
    }
  });

  it('resolves many with one note: each open exception resolved, the others refused', async () => {
    const [r1, r2] = [await memo('coupa-buyer', 'memo A'), await memo('coupa-buyer', 'memo B')];
    const good = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000972'), transport: 'test' });
    await eventually(async () => (await getMessage(rt.store.knex, good.messageId))?.status === 'done', 20_000, 'the order to be done');
    expect((await as(tokens.viewer, '/api/exceptions/resolve', { ids: [r1], note: 'x' })).status).toBe(403);
    expect((await as(tokens.operator, '/api/exceptions/resolve', { ids: [r1] })).status).toBe(400); // the note is required

    const res = await as(tokens.operator, '/api/exceptions/resolve', { ids: [r1, r2, good.messageId], note: 'buyer told to send cXML' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ resolved: [{ messageId: r1 }, { messageId: r2 }], more: false,
      refused: [{ messageId: good.messageId, code: 'MESSAGE_NOT_EXCEPTION', error: `message ${good.messageId} is done, not an exception: only an exception can be resolved` }] });
    for (const id of [r1, r2]) {
      expect(await getMessage(rt.store.knex, id)).toMatchObject({ status: 'resolved' });
      expect((await getEvents(rt.store.knex, id)).at(-1)).toMatchObject({ stage: 'resolved', detail: 'buyer told to send cXML', data: { by: 'api:operator-1' } });
    }
    expect((await (await as(tokens.viewer, '/api/exceptions?partner=coupa-buyer')).json() as any).exceptions).toEqual([]);
  });
});
