import crypto from 'node:crypto';
import http from 'node:http';
import { Writable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { AlertWatch } from '../../src/alerts/alert-watch';
import type { Runtime } from '../../src/daemon/runtime';
import { startHttpServer, type HttpServer } from '../../src/http/http-server';
import { createLogger } from '../../src/log/logger';
import { PartnerRegistry } from '../../src/partners/partner-registry';
import { createToken } from '../../src/store/api-tokens.repo';
import { listAlerts } from '../../src/store/alerts.repo';
import { getMessage, insertInbound } from '../../src/store/messages.repo';
import { recordOutbound } from '../../src/store/outbound-acks.repo';
import { As2TransportSchema } from '../../src/transports/as2/as2.schema';
import { makeIdentity, requireOpenssl } from '../as2-helpers';
import { BACKENDS, eventually, tempDir, testRuntime } from '../helpers';

/** A chat-style webhook receiver: records each POST; answers what `status` says. */
function webhookReceiver() {
  const posts: { headers: http.IncomingHttpHeaders; body: string; path: string }[] = [];
  const state = { status: 200 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      posts.push({ headers: req.headers, body, path: req.url ?? '' });
      res.writeHead(state.status, { 'content-type': 'text/plain' }).end(state.status === 200 ? 'ok' : 'upstream is down');
    });
  });
  return { posts, state, server, listen: () => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port))) };
}

/** A real SMTP server (smtp-server, the library nodemailer's authors keep) that wants a login and keeps what it receives. */
function smtpReceiver(user: string, pass: string) {
  const mails: { from: string; to: string[]; raw: string; user: string }[] = [];
  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'], allowInsecureAuth: true, disabledCommands: ['STARTTLS'], logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === pass) return cb(null, { user: auth.username });
      return cb(new Error('535 authentication failed'));
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c) => { raw += c; });
      stream.on('end', () => {
        mails.push({ from: (session.envelope.mailFrom as { address: string }).address, to: session.envelope.rcptTo.map((r) => r.address), raw, user: String(session.user) });
        cb();
      });
    },
  });
  return { mails, server, listen: () => new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.server.address() as { port: number }).port))) };
}

const subjectOf = (raw: string) => /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1].replace(/\r?\n[ \t]/g, ' ') ?? '';

describe.each(BACKENDS)('alerts on %s', (backend) => {
  const hookToken = `T0-${crypto.randomBytes(8).toString('hex')}`;
  const webhookSecret = `whsec-${crypto.randomBytes(12).toString('hex')}`;
  const smtpPass = `smtp-pw-${crypto.randomBytes(8).toString('hex')}`;
  const hook = webhookReceiver();
  const smtp = smtpReceiver('alerts@acme', smtpPass);
  const logLines: string[] = [];
  const log = createLogger({ level: 'debug', destination: new Writable({ write(chunk, _enc, cb) { logLines.push(String(chunk)); cb(); } }) });
  let rt: Runtime;
  let api: HttpServer;
  let watch: AlertWatch;

  /** A message the pipeline makes an exception of: not EDI, from acme-retail's folder. */
  async function anException(name: string): Promise<number> {
    const r = await rt.receive({ content: Buffer.from(`not EDI at all: ${name}`), transport: 'test', partnerId: 'acme-retail', filename: name });
    await eventually(async () => (await getMessage(rt.store.knex, r.messageId))!.status === 'exception', 20_000, `${name} to be an exception`);
    return r.messageId;
  }
  const alertsOf = (post: { body: string }) => JSON.parse(post.body).alerts as { id: number; kind: string; messageId: number | null; link: string | null; title: string }[];

  beforeAll(async () => {
    const [hookPort, smtpPort] = await Promise.all([hook.listen(), smtp.listen()]);
    rt = await testRuntime(backend, { alerts: {
      webhookUrl: `http://127.0.0.1:${hookPort}/hooks/${hookToken}`, webhookSecret,
      smtpUrl: `smtp://alerts%40acme:${smtpPass}@127.0.0.1:${smtpPort}`, emailFrom: 'edi-gateway@acme.example', emailTo: ['ops@acme.example', 'edi@acme.example'],
      dashboardUrl: 'https://edi.acme.example', lookbackHours: 24,
    } });
    rt.workInbound();
    watch = new AlertWatch({ knex: rt.store.knex, config: rt.config, partners: () => rt.partners(), log });
    api = await startHttpServer(rt, { port: 0 });
  });
  afterAll(async () => {
    await api?.close();
    await rt?.close();
    hook.server.close();
    await new Promise<void>((r) => smtp.server.close(() => r()));
  });

  it('sends a new exception once, signed, to the webhook and by e-mail, and lists it on the API', async () => {
    const id = await anException('memo-1.txt');
    await watch.cycle();
    expect(hook.posts).toHaveLength(1);
    const post = hook.posts[0];
    expect(post.path).toBe(`/hooks/${hookToken}`);
    // The receiver can check the signature with the shared secret: HMAC-SHA256 of "<t>.<body>".
    const [, t, sig] = /^t=(\d+),sha256=([0-9a-f]{64})$/.exec(String(post.headers['x-edi-gateway-signature']))!;
    expect(sig).toBe(crypto.createHmac('sha256', webhookSecret).update(`${t}.${post.body}`).digest('hex'));
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    const [sent] = alertsOf(post);
    expect(sent).toMatchObject({ kind: 'exception', messageId: id, link: `https://edi.acme.example/dashboard/messages/${id}` });
    expect(JSON.parse(post.body).text).toContain(`Exception: message ${id} from acme-retail`);

    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({ from: 'edi-gateway@acme.example', to: ['ops@acme.example', 'edi@acme.example'], user: 'alerts@acme' });
    expect(subjectOf(smtp.mails[0].raw)).toContain(`Exception: message ${id} from acme-retail`);
    expect(smtp.mails[0].raw).toContain('memo-1.txt');

    const token = (await createToken(rt.store.knex, `viewer-${backend}`, 'viewer')).token;
    const res = await eventually(async () => {
      const r = await fetch(`http://127.0.0.1:${api.port}/api/alerts?kind=exception`, { headers: { authorization: `Bearer ${token}` } });
      return r.status === 200 ? r : undefined;
    }, 5000, 'the API to know the new token');
    const { alerts } = await res.json() as { alerts: { messageId: number; delivery: string; webhookSentAt: string | null; emailSentAt: string | null }[] };
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ messageId: id, delivery: 'sent' });
    expect(alerts[0].webhookSentAt).not.toBeNull();
    expect(alerts[0].emailSentAt).not.toBeNull();
    expect((await fetch(`http://127.0.0.1:${api.port}/api/alerts`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${api.port}/api/alerts?kind=nope`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(400);

    // Looking again raises and sends nothing new.
    await watch.cycle();
    expect(hook.posts).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1);
  });

  it('keeps an alert the webhook refused and sends it later, without e-mailing it twice', async () => {
    hook.state.status = 500;
    const id = await anException('memo-2.txt');
    await watch.cycle();
    expect(hook.posts).toHaveLength(2);
    expect(smtp.mails).toHaveLength(2);
    let [a] = await listAlerts(rt.store.knex, { kind: 'exception', limit: 1 });
    expect(a).toMatchObject({ messageId: id, delivery: 'pending', attempts: 1, webhookSentAt: null });
    expect(a.emailSentAt).not.toBeNull();
    expect(a.lastError).toMatch(/^webhook 127\.0\.0\.1:\d+: HTTP 500 upstream is down$/);
    expect(a.lastError).not.toContain(hookToken);
    // Not due yet: nothing is tried before the back-off has passed.
    await watch.deliver();
    expect(hook.posts).toHaveLength(2);
    hook.state.status = 200;
    // Due by the database's clock (it claims): make the retry due now.
    await rt.store.knex('alerts').where({ id: a.id }).update({ next_attempt_at: rt.store.knex.fn.now() });
    await watch.deliver();
    expect(hook.posts).toHaveLength(3);
    expect(alertsOf(hook.posts[2]).map((x) => x.messageId)).toEqual([id]);
    expect(smtp.mails).toHaveLength(2);
    [a] = await listAlerts(rt.store.knex, { kind: 'exception', limit: 1 });
    expect(a).toMatchObject({ delivery: 'sent', attempts: 2, lastError: null });
  });

  it('raises each alert once when two gateway processes look at the same store at once', async () => {
    const other = new AlertWatch({ knex: rt.store.knex, config: rt.config, partners: () => rt.partners(), log });
    const ids = [await anException('memo-3.txt'), await anException('memo-4.txt')];
    const before = hook.posts.length;
    await Promise.all([watch.cycle(), other.cycle()]);
    const sent = hook.posts.slice(before).flatMap(alertsOf).map((x) => x.messageId);
    expect(sent.sort()).toEqual([...ids].sort());
    expect(smtp.mails.slice(2).flatMap((m) => subjectOf(m.raw))).toHaveLength(hook.posts.length - before);
    // A burst is one message: two exceptions, one POST and one e-mail (unless the two processes split the batch).
    expect(hook.posts.length - before).toBeLessThanOrEqual(2);
  });

  it('raises overdue acknowledgments, silent partners and certificates near expiry', async () => {
    requireOpenssl();
    // An 810 we sent two days ago whose 997 was due after 24 hours.
    const sentId = await rt.store.knex.transaction(async (trx) => {
      const content = Buffer.from('an invoice we sent');
      const stored = await insertInbound(trx, { direction: 'out', transport: 'folder', partnerId: 'acme-retail', filename: '810-601.edi',
        content, sha256: crypto.createHash('sha256').update(content).digest('hex') });
      await recordOutbound(trx, { messageId: stored.messageId, partnerId: 'acme-retail', expectAck: { kind: '997', withinHours: 24 },
        spec: { sender: { qualifier: 'ZZ', id: 'ODOODIST' }, receiver: { qualifier: 'ZZ', id: 'ACMERETAIL' }, version: '00401', controlNumber: 601, usage: 'P',
          date: new Date(Date.now() - 48 * 3_600_000),
          groups: [{ functionalId: 'IN', version: '004010', controlNumber: 601, sets: [{ type: '810', controlNumber: '0001', body: [] }] }] } as never });
      return stored.messageId;
    });
    // acme-retail watched for silence after an hour; an AS2 partner whose certificate ends in ten days.
    const dir = tempDir('edi-gw-alert-certs-');
    const soon = makeIdentity(dir, 'soon', 10);
    const as2Partner = { id: 'as2-soon', alerts: {}, transports: { primary: 'as2', as2: As2TransportSchema.parse({ partnerAs2Id: 'as2-soon', certificateFile: soon.cert }) } } as never;
    const registry = new PartnerRegistry([
      ...rt.partners().profiles.map((p) => (p.id === 'acme-retail' ? { ...p, alerts: { silentAfterHours: 1 } } : p)), as2Partner,
    ]);
    const watcher = new AlertWatch({ knex: rt.store.knex, config: rt.config, partners: () => registry, log });
    const before = hook.posts.length;
    const raised = await watcher.check(new Date(Date.now() + 3 * 3_600_000));
    const byKind = Object.fromEntries(raised.map((a) => [a.kind, a]));
    expect(byKind.ack_overdue).toMatchObject({ messageId: sentId, partnerId: 'acme-retail', severity: 'warning' });
    expect(byKind.partner_silent).toMatchObject({ partnerId: 'acme-retail', title: 'acme-retail has sent nothing for 3 hours' });
    expect(byKind.certificate_expiry).toMatchObject({ partnerId: 'as2-soon', severity: 'warning' });
    expect(byKind.certificate_expiry.title).toMatch(/^as2-soon's AS2 certificate expires in (9|10) days$/);
    await watcher.deliver();
    const kinds = hook.posts.slice(before).flatMap(alertsOf).map((x) => x.kind).sort();
    expect(kinds).toEqual(['ack_overdue', 'certificate_expiry', 'partner_silent']);
    expect(subjectOf(smtp.mails[smtp.mails.length - 1].raw)).toBe('[edi-gateway] 3 alerts: 1 overdue acknowledgment, 1 silent partner, 1 certificate expiring');
    // Again: nothing new.
    expect(await watcher.check(new Date(Date.now() + 3 * 3_600_000))).toEqual([]);
  });

  it('never writes the webhook URL, its secret or the SMTP password to the log or the API', async () => {
    const token = (await createToken(rt.store.knex, `viewer2-${backend}`, 'viewer')).token;
    const body = await eventually(async () => {
      const r = await fetch(`http://127.0.0.1:${api.port}/api/alerts?limit=1000`, { headers: { authorization: `Bearer ${token}` } });
      return r.status === 200 ? r.text() : undefined;
    }, 5000, 'the API to know the new token');
    const logged = logLines.join('');
    expect(logged).toContain('alert: Exception: message');
    for (const secret of [hookToken, webhookSecret, smtpPass]) {
      expect(logged).not.toContain(secret);
      expect(body).not.toContain(secret);
    }
  });
});
