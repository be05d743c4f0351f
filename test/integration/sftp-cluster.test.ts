import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { startDaemon } from '../../src/daemon/daemon';
import type { Runtime } from '../../src/daemon/runtime';
import type { ReceiveResult } from '../../src/inbox/inbox';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { ClusterScheduler } from '../../src/schedule/cluster-scheduler';
import { listMessages } from '../../src/store/messages.repo';
import { listRuns } from '../../src/store/schedule-runs.repo';
import { loadSightings } from '../../src/store/sftp-sightings.repo';
import { sftpInboundSettings, sftpOrigin } from '../../src/transports/sftp/sftp.config';
import { SftpPoller, sftpScheduleName } from '../../src/transports/sftp/sftp.inbound';
import { SftpTransportSchema } from '../../src/transports/sftp/sftp.schema';
import { transportHealth } from '../../src/transports/transport-health';
import type { InboundTransport } from '../../src/transports/transport';
import { BACKENDS, eventually, PROFILES, silentLog, tempDir, testRuntime, x12Interchange } from '../helpers';
import { startSftpServer, type SftpServer } from '../sftp-server';

/**
 * A partner's SFTP poll is the cluster schedule `sftp:<partner>` (README "Schedules"): each tick
 * polled by one process of however many share the store, the size-mtime rule's last listing kept in
 * the store for whichever process runs the next tick, and the reconnect backoff reckoned from the
 * schedule's failed runs, whoever ran them.
 */
const NAME = sftpScheduleName('acme-retail');
/** A cron that does not tick during a test (midnight, 1 January): the tests below run ticks by hand. */
const NEVER = '0 0 1 1 *';

let server: SftpServer;
let folders = 0;
beforeAll(async () => { server = await startSftpServer(); });
afterAll(async () => { await server?.destroy(); });

/** A fresh folder on the server, owned by its user: its path as the user sees it, and here. */
function folder() {
  const name = `cluster-${++folders}`;
  fs.mkdirSync(server.local(name));
  fs.chownSync(server.local(name), fs.statSync(server.local()).uid, fs.statSync(server.local()).gid);
  return { dir: `/upload/${name}`, local: (...parts: string[]) => server.local(name, ...parts) };
}

describe.each(BACKENDS)('SFTP polls as a cluster schedule on %s', (backend) => {
  const runtimes: Runtime[] = [];
  afterAll(async () => { for (const rt of runtimes) await rt.close(); });

  /** Two "processes": on PostgreSQL two runtimes, each with its own connections; on PGlite one store (one process holds it), two schedulers. */
  async function two(): Promise<[Runtime, Runtime]> {
    const first = await testRuntime(backend);
    runtimes.push(first);
    if (backend === 'pglite') return [first, first];
    const second = await testRuntime(backend, { databaseUrl: first.config.databaseUrl, home: first.config.home });
    runtimes.push(second);
    return [first, second];
  }

  function profile(rt: Runtime, dir: string, sftp: Record<string, any> = {}): PartnerProfile {
    const acme = rt.partners().get('acme-retail')!;
    const parsed = SftpTransportSchema.parse({
      host: server.host, port: server.port, username: server.username, privateKeyFile: server.clientKeyFile,
      hostKeyFingerprint: server.fingerprint, connectTimeoutSeconds: 5, inbound: { dir }, ...sftp,
    });
    return { ...acme, schedules: { ...acme.schedules, poll: NEVER }, transports: { ...acme.transports, primary: 'sftp', sftp: parsed } };
  }

  /** The partner's poller in one process, on that process's scheduler, as the daemon makes it. */
  function member(rt: Runtime, p: PartnerProfile) {
    const scheduler = new ClusterScheduler({ knex: rt.store.knex, log: silentLog });
    const t = new SftpPoller(sftpInboundSettings(p)!, rt.receive, silentLog, { cluster: { scheduler, knex: rt.store.knex } });
    t.start();
    return { t, scheduler, tick: (at: Date) => scheduler.runTick(NAME, at), stop: async () => { await t.stop(); await scheduler.stop(); } };
  }

  /** Tick n of a made-up minute schedule, in the future (the scheduler drops history older than a week). */
  const base = Math.ceil(Date.now() / 60_000) * 60_000 + 3_600_000;
  const tick = (n: number) => new Date(base + n * 60_000);

  it('a file first listed in one process\'s tick is taken in the other\'s next tick: the listing is in the store', async () => {
    const [rtA, rtB] = await two();
    const { dir, local } = folder();
    const p = profile(rtA, dir);
    const a = member(rtA, p);
    const b = member(rtB, p);
    try {
      const whole = x12Interchange('ACMERETAIL', '000000601');
      fs.writeFileSync(local('po-601.edi'), whole);
      const growing = x12Interchange('ACMERETAIL', '000000602');
      fs.writeFileSync(local('po-602.edi'), growing.subarray(0, 40));

      expect(await a.tick(tick(1))).toBe(true);
      expect(await b.tick(tick(1))).toBe(false); // A has it
      const source = `${sftpOrigin(sftpInboundSettings(p)!)}${dir}`;
      expect([...(await loadSightings(rtB.store.knex, 'acme-retail', source)).keys()]).toEqual(['po-601.edi', 'po-602.edi']);

      fs.appendFileSync(local('po-602.edi'), growing.subarray(40));
      // B has never listed the folder: what makes po-601 stable is A's listing, from the store.
      expect(await b.tick(tick(2))).toBe(true);
      expect(await a.tick(tick(3))).toBe(true); // po-602 unchanged since B's listing
      expect(await b.tick(tick(4))).toBe(true); // nothing left

      const runs = (await listRuns(rtA.store.knex, { name: NAME })).reverse();
      expect(runs.map((r) => [r.tick.toISOString(), r.owner, r.outcome, r.detail])).toEqual([
        [tick(1).toISOString(), a.scheduler.owner, 'ok', '0 received, 2 waiting, 0 failed'],
        [tick(2).toISOString(), b.scheduler.owner, 'ok', '1 received, 1 waiting, 0 failed'],
        [tick(3).toISOString(), a.scheduler.owner, 'ok', '1 received, 0 waiting, 0 failed'],
        [tick(4).toISOString(), b.scheduler.owner, 'ok', '0 received, 0 waiting, 0 failed'],
      ]);
      const stored = (await listMessages(rtA.store.knex, { limit: 1000 })).filter((m) => m.transport === 'sftp');
      expect(stored.map((m) => m.filename).sort()).toEqual(['po-601.edi', 'po-602.edi']);
      expect(stored.every((m) => m.status !== 'duplicate')).toBe(true);
      expect(fs.readdirSync(local('archive')).sort()).toEqual(stored.map((m) => `${m.id}-${m.filename}`).sort());
      expect(fs.readdirSync(local())).toEqual(['archive']);
      // Taken files are forgotten: the same name again would be a new file.
      expect((await loadSightings(rtA.store.knex, 'acme-retail', source)).size).toBe(0);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('after failed polls, skips ticks in every process until the reconnect backoff since the last failure has passed', async () => {
    const [rtA, rtB] = await two();
    const knex = rtA.store.knex;
    const { dir, local } = folder();
    const p = profile(rtA, dir, { reconnect: { initialSeconds: 30, maxSeconds: 120 } });
    const a = member(rtA, p);
    const b = member(rtB, p);
    const health = () => transportHealth.snapshot().find((s) => s.transport === 'sftp' && s.partner === 'acme-retail');
    /** Moves the schedule's failures back in time, as if that much had passed since. */
    const later = (seconds: number) => knex('schedule_runs').where({ name: NAME, outcome: 'failed' })
      .update({ finished_at: knex.raw('finished_at - make_interval(secs => ?)', [seconds]) });
    try {
      fs.writeFileSync(local('po-603.edi'), x12Interchange('ACMERETAIL', '000000603'));
      const before = health()?.failures ?? 0;
      await server.kill();
      try {
        expect(await a.tick(tick(1))).toBe(true); // fails: nobody answers
        expect(await b.tick(tick(2))).toBe(true); // skipped: 30 s have not passed
        await later(31);
        expect(await b.tick(tick(3))).toBe(true); // fails again: now 60 s
        await later(31);
        expect(await a.tick(tick(4))).toBe(true); // skipped: 31 of 60 s
        expect(health()).toMatchObject({ failures: before + 2, lastErrorCode: 'TRANSPORT_UNAVAILABLE' });
      } finally {
        await server.start();
      }
      await later(30);
      expect(await a.tick(tick(5))).toBe(true); // polls: lists the file
      expect(await b.tick(tick(6))).toBe(true); // no backoff after a good poll: takes it
      expect(health()).toMatchObject({ failures: before + 2, lastErrorCode: null });

      const runs = (await listRuns(knex, { name: NAME })).reverse();
      expect(runs.map((r) => [r.owner, r.outcome])).toEqual([
        [a.scheduler.owner, 'failed'], [b.scheduler.owner, 'skipped'], [b.scheduler.owner, 'failed'],
        [a.scheduler.owner, 'skipped'], [a.scheduler.owner, 'ok'], [b.scheduler.owner, 'ok'],
      ]);
      expect(runs[0].detail).toMatch(/cannot connect/);
      expect(runs[1].detail).toMatch(/^backing off after 1 failed poll\(s\) in a row: no poll before \d{4}-/);
      expect(runs[3].detail).toMatch(/^backing off after 2 failed poll\(s\) in a row/);
      // The second failure's backoff is twice the first: 60 s from its end (as it was then: moved back 30 s since).
      const until = new Date(runs[3].detail!.match(/no poll before (\S+)$/)![1]).getTime();
      expect(until - (new Date(runs[2].finishedAt!).getTime() + 30_000)).toBe(60_000);
      expect(runs[5].detail).toBe('1 received, 0 waiting, 0 failed');
      expect(fs.readdirSync(local())).toEqual(['archive']);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

onPostgres('two gateway daemons on one PostgreSQL polling one SFTP folder', () => {
  it('stores each file once, and polls each tick in one process, never two polls at once', async () => {
    const profiles = tempDir('edi-gw-profiles-');
    fs.cpSync(PROFILES, profiles, { recursive: true });
    const { dir, local } = folder();
    const doc = YAML.parseDocument(fs.readFileSync(path.join(PROFILES, 'acme-retail', 'profile.yaml'), 'utf8'));
    for (const [key, value] of Object.entries({ host: server.host, port: server.port, username: server.username,
      hostKeyFingerprint: server.fingerprint, reconnect: { initialSeconds: 0.1, maxSeconds: 1 } })) doc.setIn(['transports', 'sftp', key], value);
    doc.setIn(['transports', 'sftp', 'inbound', 'dir'], dir);
    doc.setIn(['transports', 'sftp', 'inbound', 'pollSeconds'], 0.2);
    doc.setIn(['transports', 'sftp', 'inbound', 'maxMessagesPerPoll'], 2); // several ticks' work
    fs.writeFileSync(path.join(profiles, 'acme-retail', 'profile.yaml'), doc.toString());
    const names = Array.from({ length: 8 }, (_, i) => `po-${700 + i}.edi`);
    names.forEach((n, i) => fs.writeFileSync(local(n), x12Interchange('ACMERETAIL', String(700 + i).padStart(9, '0'), `PO-C${i}`)));

    process.env.ACME_RETAIL_SFTP_KEY = server.clientKey;
    const rts: Runtime[] = [];
    try {
      rts.push(await testRuntime('postgres', { profilesDir: profiles }));
      const databaseUrl = rts[0].config.databaseUrl;
      rts.push(await testRuntime('postgres', { profilesDir: profiles, databaseUrl }));
      const observer = await testRuntime('postgres', { profilesDir: profiles, databaseUrl });
      try {
        // What each process received, and how many polls each ran.
        const receipts: { file: string; outcome: ReceiveResult['outcome']; by: number }[] = [];
        rts.forEach((rt, by) => {
          const receive = rt.receive.bind(rt);
          rt.receive = async (r) => {
            const res = await receive(r);
            receipts.push({ file: r.filename!, outcome: res.outcome, by });
            return res;
          };
        });
        const polls = [0, 0];
        const daemons = rts.map((rt, i) => {
          const d = startDaemon(rt);
          const poller = d.transports().find((t) => t.kind === 'sftp') as InboundTransport;
          const pollOnce = poller.pollOnce.bind(poller);
          poller.pollOnce = () => { polls[i]++; return pollOnce(); };
          return d;
        });
        try {
          await eventually(() => fs.existsSync(local('archive')) && fs.readdirSync(local('archive')).length === names.length, 30_000, 'every file archived');
          // And a few more ticks with nothing to take.
          const after = polls[0] + polls[1];
          await eventually(() => polls[0] + polls[1] >= after + 6, 30_000, 'more polls');
        } finally {
          await Promise.all(daemons.map((d) => d.stop()));
        }

        const stored = (await listMessages(observer.store.knex, { limit: 1000 })).filter((m) => m.transport === 'sftp');
        expect(stored.map((m) => m.filename).sort()).toEqual(names);
        expect(stored.every((m) => m.status !== 'duplicate')).toBe(true);
        // Each file read and handed to the inbox once, in whichever process polled it.
        expect(receipts.map((r) => r.file).sort()).toEqual(names);
        expect(receipts.every((r) => r.outcome === 'stored')).toBe(true);
        expect(fs.readdirSync(local())).toEqual(['archive']);

        const runs = (await listRuns(observer.store.knex, { name: NAME, limit: 10_000 })).reverse();
        expect(runs.every((r) => r.finishedAt !== null)).toBe(true);
        expect(new Set(runs.map((r) => r.tick.toISOString())).size).toBe(runs.length);
        // Every poll is one run of the schedule, in the process that claimed the tick: as many runs per owner as polls per process.
        const polled = runs.filter((r) => r.outcome === 'ok' || r.outcome === 'failed');
        expect(polled.length).toBe(polls[0] + polls[1]);
        const perOwner = [...polled.reduce((m, r) => m.set(r.owner, (m.get(r.owner) ?? 0) + 1), new Map<string, number>()).values()];
        expect(perOwner.sort((x, y) => x - y)).toEqual(polls.filter((n) => n > 0).sort((x, y) => x - y));
        expect(polled.filter((r) => r.outcome === 'ok').map((r) => Number(/^(\d+) received/.exec(r.detail!)![1])).reduce((x, y) => x + y, 0))
          .toBe(names.length);
        // Never two polls at once: each run started after the one before it ended (the store's clock).
        const byStart = [...polled].sort((x, y) => new Date(x.startedAt).getTime() - new Date(y.startedAt).getTime());
        for (let i = 1; i < byStart.length; i++) {
          expect(new Date(byStart[i].startedAt).getTime()).toBeGreaterThanOrEqual(new Date(byStart[i - 1].finishedAt!).getTime());
        }
      } finally {
        await observer.close();
      }
    } finally {
      delete process.env.ACME_RETAIL_SFTP_KEY;
    }
  }, 120_000);
});
