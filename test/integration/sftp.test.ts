import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { startDaemon } from '../../src/daemon/daemon';
import type { Runtime } from '../../src/daemon/runtime';
import type { ReceiveResult } from '../../src/inbox/inbox';
import { PartnerRegistry } from '../../src/partners/partner-registry';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { enqueueOutbound } from '../../src/pipeline/outbox';
import { getMessage, listMessages } from '../../src/store/messages.repo';
import { listRuns } from '../../src/store/schedule-runs.repo';
import { sftpInboundSettings, sftpOutboundSettings, type SftpInboundSettings } from '../../src/transports/sftp/sftp.config';
import { SftpPoller, type SftpPollerOptions } from '../../src/transports/sftp/sftp.inbound';
import { ClusterScheduler } from '../../src/schedule/cluster-scheduler';
import { SftpSender } from '../../src/transports/sftp/sftp.outbound';
import { SftpTransportSchema } from '../../src/transports/sftp/sftp.schema';
import type { ReceiveFn } from '../../src/transports/transport';
import { eventually, PROFILES, silentLog, tempDir, testRuntime, x12Interchange } from '../helpers';
import { startSftpServer, type SftpServer } from '../sftp-server';
import { metricsText } from '../../src/http/metrics';
import { parsePrometheusText, sampleValue } from '../prometheus-text-checker';

const KEY_ENV = 'EDI_TEST_SFTP_KEY';

describe('SFTP transport against OpenSSH sshd', () => {
  let server: SftpServer;
  let rt: Runtime;
  let folderCount = 0;

  beforeAll(async () => {
    server = await startSftpServer();
    rt = await testRuntime('pglite');
  });
  afterAll(async () => {
    await rt?.close();
    await server?.destroy();
  });

  /** acme-retail with SFTP pointing at the test server, `inbound.dir` a fresh folder of its own. */
  function profile(sftp: Record<string, any> = {}, inbound: Record<string, any> = {}): PartnerProfile {
    const acme = rt.partners().get('acme-retail')!;
    const dir = `/upload/in-${++folderCount}`;
    fs.mkdirSync(server.local(`in-${folderCount}`));
    fs.chownSync(server.local(`in-${folderCount}`), fs.statSync(server.local()).uid, fs.statSync(server.local()).gid);
    const parsed = SftpTransportSchema.parse({
      host: server.host, port: server.port, username: server.username, privateKeyFile: server.clientKeyFile,
      hostKeyFingerprint: server.fingerprint, connectTimeoutSeconds: 5,
      reconnect: { initialSeconds: 0.05, maxSeconds: 0.4 },
      inbound: { dir, pollSeconds: 0.1, ...inbound },
      outbound: { dir: '/upload/to-acme' },
      ...sftp,
    });
    return { ...acme, transports: { ...acme.transports, primary: 'sftp', sftp: parsed } };
  }

  function poller(p: PartnerProfile, receive: ReceiveFn = rt.receive, options: SftpPollerOptions = {}) {
    const s = sftpInboundSettings(p)!;
    return { t: new SftpPoller(s, receive, silentLog, options), s, local: (...parts: string[]) => server.local(path.relative('/upload', s.dir), ...parts) };
  }

  /** A poller on its cluster schedule, as the daemon runs it (here the only process, on the embedded store); stop() stops both. */
  function scheduled(p: PartnerProfile, receive: ReceiveFn = rt.receive) {
    const scheduler = new ClusterScheduler({ knex: rt.store.knex, log: silentLog });
    const made = poller(p, receive, { cluster: { scheduler, knex: rt.store.knex } });
    return { ...made, stop: async () => { await made.t.stop(); await scheduler.stop(); } };
  }

  async function messagesFor(transport: string) {
    return (await listMessages(rt.store.knex, { limit: 1000 })).filter((m) => m.transport === transport);
  }

  it('takes a stable file, stores it, then moves it to the archive folder on the server', async () => {
    const { t, s, local } = poller(profile());
    const body = x12Interchange('ACMERETAIL', '000000801');
    fs.writeFileSync(local('po-801.edi'), body);
    expect(await t.pollOnce()).toEqual({ received: 0, waiting: 1, failed: 0 }); // first sighting
    expect(await t.pollOnce()).toEqual({ received: 1, waiting: 0, failed: 0 });
    const [m] = (await messagesFor('sftp')).filter((x) => x.filename === 'po-801.edi');
    expect(m.transportRef).toMatch(new RegExp(`^sftp://${server.username}@127\\.0\\.0\\.1:${server.port}${s.dir}/po-801\\.edi#${body.length}:\\d+:[0-9a-f]{16}$`));
    expect(fs.readdirSync(local())).toEqual(['archive']);
    expect(fs.readdirSync(local('archive'))).toEqual([`${m.id}-po-801.edi`]);
    expect(fs.readFileSync(local('archive', `${m.id}-po-801.edi`)).equals(body)).toBe(true);
  });

  it('deletes the file on the server instead when afterProcessing is delete', async () => {
    const { t, local } = poller(profile({}, { afterProcessing: 'delete' }));
    fs.writeFileSync(local('po-802.edi'), x12Interchange('ACMERETAIL', '000000802'));
    await t.pollOnce();
    expect(await t.pollOnce()).toMatchObject({ received: 1 });
    expect(fs.readdirSync(local())).toEqual([]);
    expect((await messagesFor('sftp')).some((m) => m.filename === 'po-802.edi')).toBe(true);
  });

  it('does not take a file while it is still being written in pieces', async () => {
    const { t, local } = poller(profile());
    const body = x12Interchange('ACMERETAIL', '000000803');
    const half = Math.floor(body.length / 2);
    fs.writeFileSync(local('slow.edi'), body.subarray(0, half));
    expect(await t.pollOnce()).toEqual({ received: 0, waiting: 1, failed: 0 });
    fs.appendFileSync(local('slow.edi'), body.subarray(half, half + 10));
    expect(await t.pollOnce()).toEqual({ received: 0, waiting: 1, failed: 0 }); // grew since the last listing
    fs.appendFileSync(local('slow.edi'), body.subarray(half + 10));
    expect(await t.pollOnce()).toEqual({ received: 0, waiting: 1, failed: 0 });
    expect(await t.pollOnce()).toEqual({ received: 1, waiting: 0, failed: 0 });
    const [m] = (await messagesFor('sftp')).filter((x) => x.filename === 'slow.edi');
    const stored = await rt.store.knex('messages').where({ id: m.id }).first('content');
    expect(Buffer.from(stored.content).equals(body)).toBe(true);
  });

  it('with the done-marker rule, waits for the marker however stable the file looks, then removes both', async () => {
    const { t, local } = poller(profile({}, { stable: { rule: 'done-marker', markerSuffix: '.ok' } }));
    fs.writeFileSync(local('adv-1.edi'), x12Interchange('ACMERETAIL', '000000804'));
    expect(await t.pollOnce()).toEqual({ received: 0, waiting: 1, failed: 0 });
    expect(await t.pollOnce()).toEqual({ received: 0, waiting: 1, failed: 0 });
    fs.writeFileSync(local('adv-1.edi.ok'), '');
    expect(await t.pollOnce()).toEqual({ received: 1, waiting: 0, failed: 0 });
    expect(fs.readdirSync(local())).toEqual(['archive']);
    expect(fs.readdirSync(local('archive'))).toEqual([expect.stringMatching(/^\d+-adv-1\.edi$/)]);
  });

  it('takes only what include allows and exclude does not refuse, never in-progress names', async () => {
    const { t, local } = poller(profile({}, { include: '\\.edi$', exclude: '^draft-' }));
    for (const name of ['notes.txt', 'draft-1.edi', '.hidden.edi', 'upload.edi.part']) fs.writeFileSync(local(name), 'x');
    fs.writeFileSync(local('real.edi'), x12Interchange('ACMERETAIL', '000000805'));
    expect(await t.pollOnce()).toEqual({ received: 0, waiting: 1, failed: 0 });
    expect(await t.pollOnce()).toEqual({ received: 1, waiting: 0, failed: 0 });
    expect(fs.readdirSync(local()).sort()).toEqual(['.hidden.edi', 'archive', 'draft-1.edi', 'notes.txt', 'upload.edi.part']);
  });

  it('moves a file over maxFileSize to the failed folder with the reason, storing nothing', async () => {
    const { t, local } = poller(profile({}, { maxFileSize: 100 }));
    const before = (await messagesFor('sftp')).length;
    fs.writeFileSync(local('huge.edi'), Buffer.alloc(101, 'A'));
    await t.pollOnce();
    expect(await t.pollOnce()).toEqual({ received: 0, waiting: 0, failed: 1 });
    expect(fs.readdirSync(local()).sort()).toEqual(['failed']);
    const failed = fs.readdirSync(local('failed')).sort();
    expect(failed).toEqual([expect.stringMatching(/-huge\.edi$/), expect.stringMatching(/-huge\.edi\.reason\.txt$/)]);
    expect(fs.readFileSync(local('failed', failed[1]), 'utf8')).toContain('101 bytes is more than maxFileSize (100 bytes)');
    expect((await messagesFor('sftp')).length).toBe(before);
  });

  it('refuses a server whose host key is not the pinned one, naming both fingerprints, and takes nothing', async () => {
    const wrong = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const { t, local } = poller(profile({ hostKeyFingerprint: wrong }));
    fs.writeFileSync(local('po-806.edi'), x12Interchange('ACMERETAIL', '000000806'));
    const err = await t.pollOnce().then(() => undefined, (e: unknown) => e as { code: string; message: string; retryable: boolean });
    expect(err).toMatchObject({ code: 'TRANSPORT_HOST_KEY_MISMATCH', retryable: false });
    expect(err!.message).toContain(`presented host key ${server.fingerprint}`);
    expect(err!.message).toContain(`pins ${wrong}`);
    expect(fs.readdirSync(local())).toEqual(['po-806.edi']);
  });

  it('counts failed and good polls for /metrics: a refused server shows as failing with its code until a poll succeeds', async () => {
    const sample = async (name: string, labels: Record<string, string>) =>
      sampleValue(parsePrometheusText(await metricsText(rt.store.knex)), name, { transport: 'sftp', partner: 'acme-retail', ...labels });
    const failuresBefore = (await sample('edi_gateway_transport_poll_failures_total', {})) ?? 0;
    const bad = scheduled(profile({ hostKeyFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }));
    bad.t.start();
    try {
      await eventually(async () => ((await sample('edi_gateway_transport_poll_failures_total', {})) ?? 0) >= failuresBefore + 2, 10_000, 'two failed polls');
    } finally {
      await bad.stop();
    }
    expect(await sample('edi_gateway_transport_failing', { code: 'TRANSPORT_HOST_KEY_MISMATCH' })).toBe(1);
    const good = scheduled(profile());
    good.t.start();
    try {
      await eventually(async () => (await sample('edi_gateway_transport_failing', { code: '' })) === 0, 10_000, 'a good poll');
    } finally {
      await good.stop();
    }
    expect(await sample('edi_gateway_transport_last_success_timestamp_seconds', {})).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('after a crash between store and move, moves the file without storing it again', async () => {
    const p = profile();
    const body = x12Interchange('ACMERETAIL', '000000807');
    // A run that stored the file and died before it could move it: the file is still there.
    let first: ReceiveResult | undefined;
    const dying = poller(p, async (r) => {
      first = await rt.receive(r);
      throw Object.assign(new Error('connect ECONNREFUSED (gone before the move)'), { code: 'ECONNREFUSED' });
    });
    fs.writeFileSync(dying.local('po-807.edi'), body);
    await dying.t.pollOnce();
    expect(await dying.t.pollOnce()).toMatchObject({ received: 0, failed: 1 });
    expect(first?.outcome).toBe('stored');
    expect(fs.readdirSync(dying.local())).toContain('po-807.edi');
    const count = (await messagesFor('sftp')).length;

    const { t } = poller(p);
    await t.pollOnce();
    expect(await t.pollOnce()).toMatchObject({ received: 1 });
    expect((await messagesFor('sftp')).length).toBe(count);
    expect(fs.readdirSync(dying.local('archive'))).toEqual([`${first!.messageId}-po-807.edi`]);
  });

  it('with sshd killed in the middle of a poll and restarted, loses nothing and stores nothing twice', async () => {
    const names = ['a.edi', 'b.edi', 'c.edi'];
    const outcomes: Record<string, string[]> = {};
    let killed = false;
    let restarted: Promise<void> | undefined;
    const receive: ReceiveFn = async (r) => {
      const res = await rt.receive(r);
      (outcomes[r.filename!] ??= []).push(res.outcome);
      if (r.filename === 'b.edi' && !killed) {
        // b is stored, a is archived, c untouched: the server goes down before b can be moved.
        killed = true;
        await server.kill();
        restarted = new Promise((resolve) => setTimeout(resolve, 500)).then(() => server.start());
      }
      return res;
    };
    const { t, local, stop } = scheduled(profile(), receive);
    names.forEach((n, i) => fs.writeFileSync(local(n), x12Interchange('ACMERETAIL', String(810 + i).padStart(9, '0'), `PO${i}`)));
    t.start();
    try {
      await eventually(() => fs.existsSync(local('archive')) && fs.readdirSync(local('archive')).length === 3, 30_000, 'all three files archived');
    } finally {
      await stop();
    }
    await restarted;
    expect(killed).toBe(true);
    expect(fs.readdirSync(local()).sort()).toEqual(['archive']);
    // b was read again after the restart and recognised as the receipt already stored.
    expect(outcomes).toEqual({ 'a.edi': ['stored'], 'b.edi': ['stored', 'already-stored'], 'c.edi': ['stored'] });
    const stored = (await messagesFor('sftp')).filter((m) => names.includes(m.filename!));
    expect(stored.map((m) => m.filename).sort()).toEqual(names);
    expect(fs.readdirSync(local('archive')).sort()).toEqual(stored.map((m) => `${m.id}-${m.filename}`).sort());
  });

  it('uploads under a temporary name and renames, so the partner never sees a partial file', async () => {
    const p = profile({ outbound: { dir: '/upload/to-acme', tempPrefix: '.', tempSuffix: '.part' } });
    fs.mkdirSync(server.local('to-acme'), { recursive: true });
    fs.chownSync(server.local('to-acme'), fs.statSync(server.local()).uid, fs.statSync(server.local()).gid);
    const sender = new SftpSender(sftpOutboundSettings(p)!, silentLog);
    const content = Buffer.alloc(3_000_000, 'B');
    const sizes: number[] = [];
    const names = new Set<string>();
    const watcher = fs.watch(server.local('to-acme'), (_e, name) => {
      if (!name) return;
      names.add(name);
      const file = server.local('to-acme', name);
      if (name === 'INV-9.edi' && fs.existsSync(file)) sizes.push(fs.statSync(file).size);
    });
    const { ref } = await sender.send({ name: 'INV-9.edi', content });
    await new Promise((r) => setTimeout(r, 100)); // let the last watch events arrive
    watcher.close();
    expect(ref).toBe(`sftp://${server.username}@127.0.0.1:${server.port}/upload/to-acme/INV-9.edi`);
    expect(names.has('.INV-9.edi.part')).toBe(true); // it was written under the temporary name
    expect(sizes.length).toBeGreaterThan(0);
    expect(sizes.every((n) => n === content.length)).toBe(true);
    expect(fs.readdirSync(server.local('to-acme'))).toEqual(['INV-9.edi']);
    expect(fs.readFileSync(server.local('to-acme', 'INV-9.edi')).equals(content)).toBe(true);
    // The same bytes again (an attempt that died before recording): a success, nothing written.
    await expect(sender.send({ name: 'INV-9.edi', content })).resolves.toEqual({ ref });
    // Other bytes under a name the partner has not collected yet: refused, the file untouched.
    await expect(sender.send({ name: 'INV-9.edi', content: Buffer.from('other') })).rejects.toMatchObject({ code: 'TRANSPORT_TARGET_EXISTS' });
    expect(fs.statSync(server.local('to-acme', 'INV-9.edi')).size).toBe(content.length);
    await expect(sender.send({ name: '../evil.edi', content })).rejects.toMatchObject({ code: 'PATH_OUTSIDE_FOLDER' });
  });

  it('reports an unreachable server as TRANSPORT_UNAVAILABLE, which the queue retries', async () => {
    const p = profile();
    await server.kill();
    try {
      const sender = new SftpSender(sftpOutboundSettings(p)!, silentLog);
      await expect(sender.send({ name: 'x.edi', content: Buffer.from('x') })).rejects.toMatchObject({ code: 'TRANSPORT_UNAVAILABLE', retryable: true });
      const { t } = poller(p);
      await expect(t.pollOnce()).rejects.toMatchObject({ code: 'TRANSPORT_UNAVAILABLE' });
    } finally {
      await server.start();
    }
  });

  it('sends outbound messages through the pipeline to the partner\'s remote folder, or to out/ without credentials', async () => {
    fs.mkdirSync(server.local('to-acme'), { recursive: true });
    fs.chownSync(server.local('to-acme'), fs.statSync(server.local()).uid, fs.statSync(server.local()).gid);
    const p = profile({ privateKeyFile: undefined, privateKeyEnv: KEY_ENV });
    rt.setPartners(new PartnerRegistry([...rt.partners().profiles.filter((x) => x.id !== p.id), p]));
    rt.workOutbound();
    // The outbox names each file by its label and message id: 855-folder-m12.edi.
    const send = async (label: string) => {
      const r = await rt.store.knex.transaction((trx) => enqueueOutbound(trx, rt.queue, {
        partnerId: 'acme-retail', label, content: Buffer.from(`${label}\n`), description: 'test',
      }));
      expect(r.filename).toBe(`${label}-m${r.messageId}.edi`);
      return r as typeof r & { filename: string };
    };

    delete process.env[KEY_ENV];
    const local = await send('855-folder');
    const outDir = path.join(rt.config.home, 'partners', 'acme-retail', 'out');
    await eventually(async () => (await getMessage(rt.store.knex, local.messageId))?.status === 'done', 20_000, 'the folder delivery');
    expect(fs.readdirSync(outDir)).toContain(local.filename);

    process.env[KEY_ENV] = server.clientKey;
    try {
      const remote = await send('855-sftp');
      await eventually(async () => (await getMessage(rt.store.knex, remote.messageId))?.status === 'done', 20_000, 'the SFTP delivery');
      expect(fs.readFileSync(server.local('to-acme', remote.filename), 'utf8')).toBe('855-sftp\n');
      expect(fs.readdirSync(outDir)).not.toContain(remote.filename);
      const trail = await rt.store.knex('message_events').where({ message_id: remote.messageId, stage: 'sent' }).first('detail');
      expect(trail?.detail).toBe(`sftp://${server.username}@127.0.0.1:${server.port}/upload/to-acme/${remote.filename}`);
    } finally {
      delete process.env[KEY_ENV];
    }
  });

  it('runs an SFTP poller in the daemon for a partner with SFTP credentials, and restarts it when the profile changes', async () => {
    const profiles = tempDir('edi-gw-profiles-');
    fs.cpSync(PROFILES, profiles, { recursive: true });
    const file = path.join(profiles, 'acme-retail', 'profile.yaml');
    const writeProfile = (dir: string) => {
      fs.mkdirSync(server.local(dir), { recursive: true });
      fs.chownSync(server.local(dir), fs.statSync(server.local()).uid, fs.statSync(server.local()).gid);
      const doc = YAML.parseDocument(fs.readFileSync(path.join(PROFILES, 'acme-retail', 'profile.yaml'), 'utf8'));
      for (const [key, value] of Object.entries({ host: server.host, port: server.port, hostKeyFingerprint: server.fingerprint,
        reconnect: { initialSeconds: 0.1, maxSeconds: 1 } })) doc.setIn(['transports', 'sftp', key], value);
      doc.setIn(['transports', 'sftp', 'username'], server.username);
      doc.setIn(['transports', 'sftp', 'inbound', 'dir'], `/upload/${dir}`);
      doc.setIn(['transports', 'sftp', 'inbound', 'pollSeconds'], 0.2);
      fs.writeFileSync(file, doc.toString());
    };
    writeProfile('daemon-1');
    process.env.ACME_RETAIL_SFTP_KEY = server.clientKey;
    const drt = await testRuntime('pglite', { profilesDir: profiles, profileReloadSeconds: 0.2 });
    const daemon = startDaemon(drt);
    try {
      const sftpPollers = () => daemon.transports().filter((t) => t.kind === 'sftp').map((t) => t.partnerId);
      // swift-3pl names a key file variable that is not set here: it keeps to its folder.
      expect(sftpPollers()).toEqual(['acme-retail']);
      fs.writeFileSync(server.local('daemon-1', 'po-901.edi'), x12Interchange('ACMERETAIL', '000000901'));
      await eventually(() => fs.existsSync(server.local('daemon-1', 'archive')) && fs.readdirSync(server.local('daemon-1', 'archive')).length === 1,
        20_000, 'the daemon to archive the file');

      writeProfile('daemon-2');
      fs.writeFileSync(server.local('daemon-2', 'po-902.edi'), x12Interchange('ACMERETAIL', '000000902'));
      await eventually(() => fs.existsSync(server.local('daemon-2', 'archive')) && fs.readdirSync(server.local('daemon-2', 'archive')).length === 1,
        20_000, 'the restarted poller to archive the file in the new folder');
      expect(sftpPollers()).toEqual(['acme-retail']);
      const stored = (await listMessages(drt.store.knex, { limit: 100 })).filter((m) => m.transport === 'sftp').map((m) => m.filename).sort();
      expect(stored).toEqual(['po-901.edi', 'po-902.edi']);
      // Each poll was a tick of the cluster schedule sftp:acme-retail (here the only process runs them all).
      // The file is archived inside its run, before the run is noted done.
      const receivedRuns = async () => (await listRuns(drt.store.knex, { name: 'sftp:acme-retail', limit: 1000 }))
        .filter((r) => r.outcome === 'ok' && r.detail?.startsWith('1 received'));
      await eventually(async () => (await receivedRuns()).length >= 2, 10_000, 'the second poll\'s run to be noted');
      expect(await receivedRuns()).toHaveLength(2);
    } finally {
      delete process.env.ACME_RETAIL_SFTP_KEY;
      await daemon.stop();
    }
  });
});
