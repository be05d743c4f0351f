import type { Runtime } from '../../src/daemon/runtime';
import { GatewayError } from '../../src/errors/gateway-error';
import { DEFAULT_INBOUND_STAGES, type InboundStage } from '../../src/pipeline/inbound-stages';
import { requestReplay } from '../../src/pipeline/replay';
import { getEvents, getMessage, listExceptions } from '../../src/store/messages.repo';
import { BACKENDS, eventually, testRuntime, x12Interchange } from '../helpers';

/** A stage that fails with the given errors, one per run, then succeeds. */
function flakyStage(errors: GatewayError[]): InboundStage & { runs: number } {
  const stage = {
    name: 'flaky',
    runs: 0,
    run() {
      const err = errors[stage.runs++];
      if (err) throw err;
      return 'fine this time';
    },
  };
  return stage;
}

async function settled(rt: Runtime, id: number, statuses = ['done', 'exception']) {
  return eventually(async () => {
    const m = await getMessage(rt.store.knex, id);
    return m && statuses.includes(m.status) ? m : undefined;
  }, 30_000, `message ${id} to settle`);
}

describe.each(BACKENDS)('job queue on %s', (backend) => {
  let rt: Runtime;
  let flaky: ReturnType<typeof flakyStage>;
  beforeAll(async () => {
    rt = await testRuntime(backend, { queue: { retryLimit: 2, retryDelaySeconds: 0 } });
    flaky = flakyStage([]);
    rt.workInbound([...DEFAULT_INBOUND_STAGES, flaky]);
  });
  afterAll(async () => { await rt?.close(); });

  it('processes a received message to done, recording each stage', async () => {
    const r = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000001'), transport: 'test' });
    expect(r.partnerId).toBe('acme-retail');
    const m = await settled(rt, r.messageId);
    expect(m.status).toBe('done');
    const stages = (await getEvents(rt.store.knex, r.messageId)).map((e) => `${e.stage}:${e.outcome}`);
    expect(stages).toEqual(['received:ok', 'process:info', 'identify:ok', 'route:ok', 'flaky:ok', 'process:ok']);
  });

  it('retries a job after a retryable failure and then completes it', async () => {
    const runsBefore = flaky.runs;
    flaky = Object.assign(flaky, { runs: 0 });
    (flaky as any).run = ((errors) => () => {
      const err = errors[flaky.runs++];
      if (err) throw err;
      return 'recovered';
    })([new GatewayError('STORE_UNAVAILABLE', 'connection reset by peer')]);
    const r = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000002'), transport: 'test' });
    const m = await settled(rt, r.messageId);
    expect(runsBefore).toBeGreaterThan(0);
    expect(m.status).toBe('done');
    expect(m.attempts).toBe(2);
    const events = await getEvents(rt.store.knex, r.messageId);
    expect(events.filter((e) => e.outcome === 'retrying')).toEqual([
      expect.objectContaining({ stage: 'flaky', code: 'STORE_UNAVAILABLE', detail: 'connection reset by peer' }),
    ]);
    expect(events.at(-1)).toMatchObject({ stage: 'process', outcome: 'ok' });
  });

  it('parks a message as an exception after a permanent failure, without retrying', async () => {
    const r = await rt.receive({ content: Buffer.from('NOT EDI AT ALL'), transport: 'test', partnerId: 'acme-retail' });
    const m = await settled(rt, r.messageId);
    expect(m).toMatchObject({ status: 'exception', stage: 'identify', errorCode: 'FORMAT_UNKNOWN', attempts: 1 });
    expect(m.errorMessage).toContain('neither an X12 interchange');
    const ex = (await listExceptions(rt.store.knex)).find((e) => e.messageId === r.messageId);
    expect(ex).toMatchObject({ stage: 'identify', errorCode: 'FORMAT_UNKNOWN' });
  });

  it('parks a message when retryable failures use up the retries', async () => {
    const boom = () => new GatewayError('TRANSPORT_UNAVAILABLE', 'still down');
    flaky.runs = 0;
    (flaky as any).run = () => { flaky.runs++; throw boom(); };
    const r = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000003'), transport: 'test' });
    const m = await settled(rt, r.messageId, ['exception']);
    expect(flaky.runs).toBe(3); // the first run and retryLimit (2) retries
    expect(m).toMatchObject({ stage: 'flaky', errorCode: 'TRANSPORT_UNAVAILABLE', attempts: 3 });
    (flaky as any).run = () => 'fine';
  });

  it('replays a parked message from its stored bytes once the cause is fixed', async () => {
    (flaky as any).run = () => { throw new GatewayError('PARTNER_UNKNOWN', 'not yet onboarded'); };
    const content = x12Interchange('ACMERETAIL', '000000004');
    const r = await rt.receive({ content, transport: 'test' });
    expect((await settled(rt, r.messageId)).status).toBe('exception');
    (flaky as any).run = () => 'onboarded now';
    await requestReplay(rt.store.knex, rt.queue, r.messageId);
    const m = await eventually(async () => {
      const x = await getMessage(rt.store.knex, r.messageId);
      return x?.status === 'done' ? x : undefined;
    }, 30_000, 'replay to finish');
    expect(m.errorCode).toBeNull();
    const trail = (await getEvents(rt.store.knex, r.messageId)).map((e) => `${e.stage}:${e.outcome}`);
    expect(trail).toContain('replay:info');
    expect(trail.at(-2)).toBe('flaky:ok');
    expect((await listExceptions(rt.store.knex)).find((e) => e.messageId === r.messageId)).toBeUndefined();
  });

  it('refuses to replay what is not there, or a duplicate receipt', async () => {
    await expect(requestReplay(rt.store.knex, rt.queue, 999_999)).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    const content = x12Interchange('ACMERETAIL', '000000005');
    const a = await rt.receive({ content, transport: 'test', transportRef: 'r1' });
    const b = await rt.receive({ content, transport: 'test', transportRef: 'r2' });
    await expect(requestReplay(rt.store.knex, rt.queue, b.messageId)).rejects.toThrow(`replay ${a.messageId} instead`);
  });

  it('sends the unknown sender to the exceptions with the sender named', async () => {
    (flaky as any).run = () => 'fine';
    const r = await rt.receive({ content: x12Interchange('STRANGER'), transport: 'test' });
    expect(r.partnerId).toBeNull();
    const m = await settled(rt, r.messageId);
    expect(m).toMatchObject({ status: 'exception', errorCode: 'PARTNER_UNKNOWN', errorMessage: 'X12 sender ZZ:STRANGER is not in any partner profile' });
  });
});
