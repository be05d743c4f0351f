import type { Runtime } from '../../src/daemon/runtime';
import { enqueueRendered } from '../../src/pipeline/render-outbound';
import { cycleFor, cycleScheduleName, outboundCycles, releaseCycle } from '../../src/pipeline/outbound-schedule';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { ClusterScheduler } from '../../src/schedule/cluster-scheduler';
import { getEvents, getMessage } from '../../src/store/messages.repo';
import { claimTick, listRuns } from '../../src/store/schedule-runs.repo';
import { queueDepths } from '../../src/queue/queue-depth';
import { BACKENDS, eventually, silentLog, testRuntime } from '../helpers';
import { invoice, orderAck } from '../render-fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(BACKENDS)('cluster-wide schedules on %s', (backend) => {
  const runtimes: Runtime[] = [];
  afterAll(async () => { for (const rt of runtimes) await rt.close(); });

  /** Three "processes": on PostgreSQL three runtimes, each with its own connections; on PGlite, one store (one process holds it). */
  async function three(): Promise<Runtime[]> {
    const first = await testRuntime(backend);
    runtimes.push(first);
    if (backend === 'pglite') return [first, first, first];
    const others = await Promise.all([1, 2].map(() => testRuntime(backend, { databaseUrl: first.config.databaseUrl, home: first.config.home })));
    runtimes.push(...others);
    return [first, ...others];
  }

  it('runs each tick once across three processes, and never two runs of one schedule at once', async () => {
    const rts = await three();
    const ran: { tick: number; by: number }[] = [];
    let inFlight = 0;
    let most = 0;
    const schedulers = rts.map((rt, i) => {
      const s = new ClusterScheduler({ knex: rt.store.knex, log: silentLog, leaseSeconds: 30 });
      s.add({ name: 'every-second', when: { everySeconds: 1 }, run: async (tick) => {
        inFlight++;
        most = Math.max(most, inFlight);
        ran.push({ tick: tick.getTime(), by: i });
        await sleep(50);
        inFlight--;
        return `run by ${i}`;
      } });
      // A slow one: its runs take 2.5 s, so the ticks in between are skipped, not run beside it.
      s.add({ name: 'slow', when: { everySeconds: 1 }, run: async () => {
        inFlight++;
        await sleep(2500);
        inFlight--;
      } });
      return s;
    });
    await sleep(5200);
    await Promise.all(schedulers.map((s) => s.stop()));
    const ticks = ran.map((r) => r.tick);
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(new Set(ticks).size).toBe(ticks.length);
    // Consecutive seconds: no tick lost.
    const sorted = [...ticks].sort((a, b) => a - b);
    expect(sorted[sorted.length - 1] - sorted[0]).toBe((sorted.length - 1) * 1000);
    expect(most).toBeLessThanOrEqual(2); // every-second and slow may overlap each other, never themselves
    const slow = await listRuns(rts[0].store.knex, { name: 'slow' });
    const ok = slow.filter((r) => r.outcome === 'ok' || r.outcome === null);
    const skipped = slow.filter((r) => r.outcome === 'skipped');
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(ok.length).toBeLessThanOrEqual(2);
    expect(skipped.length).toBeGreaterThanOrEqual(2);
    expect(skipped[0].detail).toMatch(/the previous run \(.+, tick .+\) was still going/);
    const every = await listRuns(rts[0].store.knex, { name: 'every-second' });
    expect(every.filter((r) => r.outcome === 'ok')).toHaveLength(ticks.length);
  });

  it('takes a tick whose previous run died (no heartbeat for the lease) and closes that run as abandoned', async () => {
    const rt = runtimes[0];
    const knex = rt.store.knex;
    const t1 = new Date('2026-12-06T10:00:00Z');
    expect(await claimTick(knex, 'dies', t1, 'dead-host:1', 30)).toBe(true);
    // Another process now: the run is alive (fresh heartbeat), so the next tick is skipped.
    expect(await claimTick(knex, 'dies', new Date(t1.getTime() + 60_000), 'other:2', 30)).toBe(false);
    await knex('schedule_runs').where({ name: 'dies' }).whereNull('finished_at').update({ heartbeat_at: knex.raw(`now() - interval '5 minutes'`) });
    expect(await claimTick(knex, 'dies', new Date(t1.getTime() + 120_000), 'other:2', 30)).toBe(true);
    const runs = await listRuns(knex, { name: 'dies' });
    expect(runs.map((r) => r.outcome)).toEqual([null, 'skipped', 'failed']);
    expect(runs[2].detail).toMatch(/abandoned/);
    // The same tick again is nobody's.
    expect(await claimTick(knex, 'dies', new Date(t1.getTime() + 120_000), 'third:3', 30)).toBe(false);
  });

  it('catches up the tick just past once when added, however many processes add it', async () => {
    // The three "processes" of the first test.
    const rts = backend === 'pglite' ? [runtimes[0], runtimes[0], runtimes[0]] : runtimes.slice(0, 3);
    let runs = 0;
    const day = 86_400;
    const schedulers = rts.map((rt) => {
      const s = new ClusterScheduler({ knex: rt.store.knex, log: silentLog });
      s.add({ name: 'catch-up', when: { everySeconds: day }, catchUp: true, run: async () => { runs++; } });
      return s;
    });
    // The tick's row is there once one process has claimed it: the others' claims can only find it taken.
    await eventually(async () => (await listRuns(rts[0].store.knex, { name: 'catch-up' }))[0]?.outcome === 'ok', 5000, 'the catch-up run');
    await Promise.all(schedulers.map((s) => s.stop()));
    expect(runs).toBe(1);
    const [run, ...more] = await listRuns(rts[0].store.knex, { name: 'catch-up' });
    expect(more).toEqual([]);
    expect(run.outcome).toBe('ok');
    expect(new Date(run.tick).getTime() % (day * 1000)).toBe(0);
    // A restart within the period catches up the same tick: taken, nothing runs.
    const again = new ClusterScheduler({ knex: rts[0].store.knex, log: silentLog });
    again.add({ name: 'catch-up', when: { everySeconds: day }, run: async () => { runs++; } });
    expect(await again.runTick('catch-up', new Date(Math.floor(Date.now() / (day * 1000)) * day * 1000))).toBe(false);
    await again.stop();
    expect(runs).toBe(1);
  });

  it('a trigger runs at once in this process, never beside its own run: triggers during a run make one more run after it', async () => {
    const rt = runtimes[0];
    const s = new ClusterScheduler({ knex: rt.store.knex, log: silentLog });
    const runs: string[] = [];
    let inFlight = 0;
    let most = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    // A tick within the week schedule_runs keeps.
    const tick = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    s.add({ name: 'pull', when: { everySeconds: 3600 }, run: async (at) => {
      inFlight++;
      most = Math.max(most, inFlight);
      runs.push(at.getTime() === tick.getTime() ? 'tick' : 'trigger');
      if (runs.length === 1) await held;
      inFlight--;
    } });
    try {
      expect(s.trigger('nothing-here')).toBe(false);
      const ticked = s.runTick('pull', tick);
      await eventually(() => runs.length === 1, 5000, 'the tick\'s run');
      // Three webhooks while the tick's run is going: one more run, after it.
      expect([s.trigger('pull'), s.trigger('pull'), s.trigger('pull')]).toEqual([true, true, true]);
      release();
      expect(await ticked).toBe(true);
      await eventually(() => runs.length === 2 && inFlight === 0, 5000, 'the triggered run');
      // Idle: a trigger runs at once.
      s.trigger('pull');
      await eventually(() => runs.length === 3 && inFlight === 0, 5000, 'the second triggered run');
    } finally {
      await s.stop();
    }
    expect(runs).toEqual(['tick', 'trigger', 'trigger']);
    expect(most).toBe(1);
    // Triggered runs claim no tick: the history holds the tick alone.
    expect((await listRuns(rt.store.knex, { name: 'pull' })).map((r) => r.outcome)).toEqual(['ok']);
    expect(s.trigger('pull')).toBe(false);
  });

  it('stop() and remove() abort the run in hand through its signal, and the run is noted as stopped', async () => {
    const rt = runtimes[0];
    const s = new ClusterScheduler({ knex: rt.store.knex, log: silentLog });
    let started = 0;
    const waitForAbort = async (_tick: Date, signal: AbortSignal) => {
      started++;
      await new Promise<void>((_r, reject) => signal.addEventListener('abort', () => reject(new Error('waiting for the remote API, aborted')), { once: true }));
    };
    s.add({ name: 'long-a', when: { everySeconds: 3600 }, run: waitForAbort });
    s.add({ name: 'long-b', when: { everySeconds: 3600 }, run: waitForAbort });
    const tick = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const a = s.runTick('long-a', tick);
    const b = s.runTick('long-b', tick);
    await eventually(() => started === 2, 5000, 'both runs');
    s.remove('long-a');
    expect(await a).toBe(true);
    await s.stop();
    expect(await b).toBe(true);
    for (const name of ['long-a', 'long-b']) {
      const [run] = await listRuns(rt.store.knex, { name });
      expect(run).toMatchObject({ outcome: 'failed', detail: 'stopped (the process stopping or the schedule changed): waiting for the remote API, aborted' });
    }
  });

  it('holds a partner\'s documents for its send cycle (in its time zone) and releases them at the tick; others go at once', async () => {
    const rt = runtimes[0];
    const acme = rt.partners().get('acme-retail')!;
    const profile: PartnerProfile = { ...acme, schedules: { ...acme.schedules, outbound: { '810': '0 18 * * *' } } };
    expect(outboundCycles(profile)).toEqual([{ key: '810', cron: '0 18 * * *', timeZone: 'America/New_York' }]);
    expect(cycleFor(profile, ['855', 'order_ack'])).toBeUndefined();
    expect(cycleFor({ ...profile, schedules: { outbound: '*/30 * * * *' } } as PartnerProfile, ['855'])).toMatchObject({ key: 'all' });
    expect(cycleFor({ ...profile, schedules: { outbound: { invoice: '0 18 * * *', default: '*/30 * * * *' } } } as PartnerProfile, ['855', 'order_ack']))
      .toMatchObject({ key: 'default' });
    const before = await queueDepths(rt.store.knex);
    const waiting = (q: Awaited<ReturnType<typeof queueDepths>>) => q.find((x) => x.queue === 'outbound-send')?.waiting ?? 0;
    const inv = await rt.store.knex.transaction((trx) => enqueueRendered(trx, rt.queue, rt.config, profile, [invoice({ invoiceNumber: 'INV-CYCLE-1' })]));
    const ack = await rt.store.knex.transaction((trx) => enqueueRendered(trx, rt.queue, rt.config, profile, [orderAck()]));
    expect(waiting(await queueDepths(rt.store.knex))).toBe(waiting(before) + 1); // the 855 only
    const events = await getEvents(rt.store.knex, inv.messageId);
    expect(events.map((e) => e.stage)).toEqual(['rendered', 'scheduled']);
    expect(events[1].detail).toBe("waits for acme-retail's send cycle '0 18 * * *' (America/New_York) for 810");
    expect((await getMessage(rt.store.knex, ack.messageId))!.stage).toBe('rendered');
    const dueBefore = (await rt.store.knex('outbound_groups').where({ message_id: inv.messageId }).first('ack_due_at')).ack_due_at as Date;
    await sleep(1100);
    expect(await releaseCycle(rt.store.knex, rt.queue, 'acme-retail', '810', new Date())).toBe(1);
    expect(await releaseCycle(rt.store.knex, rt.queue, 'acme-retail', '810', new Date())).toBe(0);
    expect(waiting(await queueDepths(rt.store.knex))).toBe(waiting(before) + 2);
    const dueAfter = (await rt.store.knex('outbound_groups').where({ message_id: inv.messageId }).first('ack_due_at')).ack_due_at as Date;
    expect(new Date(dueAfter).getTime() - new Date(dueBefore).getTime()).toBeGreaterThanOrEqual(1000);
    expect((await getEvents(rt.store.knex, inv.messageId)).map((e) => e.stage)).toEqual(['rendered', 'scheduled', 'released']);
    expect(cycleScheduleName('acme-retail', '810')).toBe('outbound:acme-retail:810');
  });

  it('a daemon-style scheduler sends a cycle when its cron ticks', async () => {
    const rt = runtimes[0];
    const acme = rt.partners().get('acme-retail')!;
    const profile: PartnerProfile = { ...acme, schedules: { ...acme.schedules, outbound: '* * * * * *' } }; // every second
    const inv = await rt.store.knex.transaction((trx) => enqueueRendered(trx, rt.queue, rt.config, profile, [invoice({ invoiceNumber: 'INV-CYCLE-2' })]));
    const s = new ClusterScheduler({ knex: rt.store.knex, log: silentLog });
    const [c] = outboundCycles(profile);
    s.add({ name: cycleScheduleName(profile.id, c.key), when: { cron: c.cron, timeZone: c.timeZone }, run: async (tick) => `${await releaseCycle(rt.store.knex, rt.queue, profile.id, c.key, tick)}` });
    try {
      await eventually(async () => (await getEvents(rt.store.knex, inv.messageId)).some((e) => e.stage === 'released'), 5000, 'the release');
    } finally {
      await s.stop();
    }
  });
});
