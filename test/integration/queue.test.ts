import type { Runtime } from '../../src/daemon/runtime';
import { JobQueue, QUEUES } from '../../src/queue/job-queue';
import type { JobContext } from '../../src/queue/queue-worker';
import { GatewayError } from '../../src/errors/gateway-error';
import { DEFAULT_INBOUND_STAGES, type InboundStage } from '../../src/pipeline/inbound-stages';
import { requestReplay } from '../../src/pipeline/replay';
import { listExceptions } from '../../src/store/exceptions.repo';
import { getEvents, getMessage } from '../../src/store/messages.repo';
import { BACKENDS, eventually, silentLog, testRuntime, x12Interchange } from '../helpers';

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
    // A dead letter: the trail says the retries ran out (a permanent failure says nothing of the kind).
    const last = (await getEvents(rt.store.knex, r.messageId)).at(-1)!;
    expect(last).toMatchObject({ outcome: 'failed', code: 'TRANSPORT_UNAVAILABLE', data: { attempts: 3, retriesExhausted: true } });
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

/**
 * Leases between gateway processes, each played here by a JobQueue of its own on one store (the
 * killed-process cases, with real processes, are in recovery.test.ts). A short lease keeps the
 * tests short; the rules are the same at the default 15 s.
 */
describe.each(BACKENDS)('job leases on %s', (backend) => {
  let rt: Runtime;
  const queues: JobQueue[] = [];
  const gates: (() => void)[] = [];
  const gate = () => new Promise<void>((open) => gates.push(open));

  /** Another gateway process's queue: lease 2 s, heartbeat every 0.3 s, 0.5 s of grace at stop. */
  async function processQueue(): Promise<JobQueue> {
    const q = new JobQueue({
      connection: rt.store.connection, log: silentLog, retryLimit: 2, retryDelaySeconds: 0, supervise: false,
      worker: { pollIntervalMs: 100, batchSize: 10, concurrency: 4, stopGraceMs: 500 },
      leases: { leaseSeconds: 2, heartbeatSeconds: 0.3 },
    });
    await q.start();
    queues.push(q);
    return q;
  }

  async function job(id: string) {
    const { rows } = await rt.store.knex.raw(
      `SELECT j.state, j.retry_count AS "retryCount", l.worker_id AS holder
       FROM pgboss.job j LEFT JOIN queue_leases l ON l.job_id = j.id WHERE j.id = ?`, [id]);
    return rows[0] as { state: string; retryCount: number; holder: string | null };
  }

  beforeAll(async () => { rt = await testRuntime(backend); });
  afterEach(async () => {
    gates.splice(0).forEach((open) => open());
    await Promise.all(queues.splice(0).map((q) => q.stop()));
  });
  afterAll(async () => { await rt?.close(); });

  it('never runs a job twice while its holder heartbeats, however long it runs past the lease', async () => {
    const runs = new Map<number, number>();
    let running = 0;
    let mostAtOnce = 0;
    const slow = async ({ n }: { n: number }) => {
      runs.set(n, (runs.get(n) ?? 0) + 1);
      mostAtOnce = Math.max(mostAtOnce, ++running);
      await new Promise((r) => setTimeout(r, 6000)); // three leases
      running--;
    };
    const [a, b] = [await processQueue(), await processQueue()];
    a.work(QUEUES.outbound, slow);
    b.work(QUEUES.outbound, slow);
    const ids = [await a.send(QUEUES.outbound, { n: 1 }), await a.send(QUEUES.outbound, { n: 2 })] as string[];
    await eventually(async () => (await Promise.all(ids.map(job))).every((j) => j.state === 'completed'), 30_000, 'both jobs to complete');
    expect(Object.fromEntries(runs)).toEqual({ 1: 1, 2: 1 });
    expect(mostAtOnce).toBeLessThanOrEqual(2);
  });

  it('a long job holds one lane, not the worker: jobs sent after it run on the free lanes meanwhile', async () => {
    const a = await processQueue();
    const done: number[] = [];
    a.work(QUEUES.outbound, async ({ n }: { n: number }) => {
      if (n === 0) await gate(); // a file of 88,000 orders, say
      done.push(n);
    });
    const long = (await a.send(QUEUES.outbound, { n: 0 }))!;
    await eventually(async () => (await job(long)).state === 'active', 10_000, 'the long job to start');
    for (let n = 1; n <= 12; n++) await a.send(QUEUES.outbound, { n });
    await eventually(() => done.length === 12, 10_000, 'the later jobs to run beside the long one');
    expect(done.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(await job(long)).toMatchObject({ state: 'active' });
    gates[0]();
    await eventually(async () => (await job(long)).state === 'completed', 10_000, 'the long job to finish');
  });

  it('stop() returns with a job that never finishes, and gives it back to run at once, no retry counted', async () => {
    const a = await processQueue();
    let started = false;
    a.work(QUEUES.outbound, async () => { started = true; await new Promise(() => undefined); });
    const id = (await a.send(QUEUES.outbound, { n: 3 }))!;
    await eventually(() => started, 10_000, 'the job to start');
    await a.stop(); // would never return if it waited for the job
    expect(await job(id)).toMatchObject({ state: 'retry', retryCount: 0, holder: null });

    const b = await processQueue();
    const ran: JobContext[] = [];
    b.work(QUEUES.outbound, async (_data, ctx) => { ran.push(ctx); });
    await eventually(async () => (await job(id)).state === 'completed', 10_000, 'the job to run again');
    expect(ran).toEqual([expect.objectContaining({ jobId: id, attempt: 0 })]);
  });

  it('hands out the job of a holder presumed dead, and the old holder can no longer settle it', async () => {
    const a = await processQueue();
    const b = await processQueue();
    const ranBy: string[] = [];
    // One lane, busy with the job: a cannot fetch it again itself (the next test is that case).
    a.work(QUEUES.outbound, async () => { ranBy.push('a'); await gate(); }, { concurrency: 1 });
    const id = (await a.send(QUEUES.outbound, { n: 4 }))!;
    const holderA = await eventually(async () => (await job(id)).holder, 10_000, 'a to hold the job');
    // What another process's reaper does when a's heartbeat is older than the lease.
    await rt.store.knex.raw('DELETE FROM queue_workers WHERE id = ?', [holderA]);

    b.work(QUEUES.outbound, async () => { ranBy.push('b'); await gate(); });
    const holderB = await eventually(async () => {
      const j = await job(id);
      return j.state === 'active' && j.holder && j.holder !== holderA ? j.holder : undefined;
    }, 15_000, 'b to take the job over');
    expect(ranBy).toEqual(['a', 'b']);
    expect(await job(id)).toMatchObject({ retryCount: 0 });

    gates[0](); // a finishes: its completion must not touch the job b now holds
    await new Promise((r) => setTimeout(r, 1000));
    expect(await job(id)).toMatchObject({ state: 'active', holder: holderB });
    gates[1]();
    await eventually(async () => (await job(id)).state === 'completed', 10_000, 'b to complete the job');
  });

  it('a process whose own running job was handed back (its lease lapsed) fetches it again but never runs it twice', async () => {
    const a = await processQueue();
    let runs = 0;
    a.work(QUEUES.outbound, async () => { runs++; await gate(); });
    const id = (await a.send(QUEUES.outbound, { n: 5 }))!;
    const holder = await eventually(async () => (await job(id)).holder, 10_000, 'a to hold the job');
    await rt.store.knex.raw('DELETE FROM queue_workers WHERE id = ?', [holder]);
    // a's reaper hands the job back, a re-registers, and one of a's free lanes fetches the job again.
    await eventually(async () => {
      const j = await job(id);
      return j.state === 'active' && j.holder === holder;
    }, 15_000, 'a to lease the job again');
    await new Promise((r) => setTimeout(r, 500));
    expect(runs).toBe(1);
    gates[0]();
    await eventually(async () => (await job(id)).state === 'completed', 10_000, 'the run in hand to complete it');
    expect(runs).toBe(1);
  });
});
