import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import YAML from 'yaml';
import { makeIdentity, profilesWith, requireOpenssl } from '../as2-helpers';
import { exited, killDaemons, startDaemon, workspace } from '../cli-helpers';
import { eventually, PROFILES, tempDir } from '../helpers';
import { startSftpServer, type SftpServer } from '../sftp-server';
import { as2Post, freePort, listen, signedAndEncrypted, withEmptyStore } from './security-helpers';

/**
 * A daemon (`edi-gateway run`, its own process) configured through its environment with secrets of
 * known value, driven down every failure path that handles them: an Odoo URL that echoes requests
 * back, an SFTP login the server refuses, an AS2 message it cannot decrypt, a webhook URL answered
 * with a 404 page naming its path. Then its whole stdout/stderr and everything the API and the
 * dashboard serve are scanned for each secret: none may appear.
 */
requireOpenssl();

/** A secret of known value: a label (not itself secret) and 24 random hex digits. */
const secret = (label: string) => `${label}-${crypto.randomBytes(12).toString('hex')}`;
/** Its random part in windows of 16: a cut-off copy (an error text cut at 200 characters) is a leak too. */
const windows = (value: string) => {
  const random = value.slice(-24);
  return Array.from({ length: random.length - 15 }, (_, i) => random.slice(i, i + 16));
};
const ODOO_API_KEY = secret('odoo-key');
const SFTP_PASSPHRASE = secret('sftp-passphrase');
const HOOK_TOKEN = secret('hook-token');
const HOOK_SECRET = secret('hook-secret');
const API_TOKEN = secret('api-token');
const CXML_SECRET = secret('cxml-secret');

/** The base64 lines of a PEM key, their first 32 characters: any one of them in a log is a leak of the key. */
const keyLines = (pem: string) => pem.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----')).map((l) => l.slice(0, 32));

describe('secrets never reach the logs or the API', () => {
  let server: SftpServer;
  const odooRequests: string[] = [];
  const hookRequests: string[] = [];
  let odoo: http.Server;
  let hook: http.Server;

  afterAll(async () => {
    killDaemons();
    await server?.destroy();
    odoo?.close();
    hook?.close();
  });

  it('with Odoo, SFTP, AS2 and the alert webhook all failing, no secret value is in the output, the API or the dashboard', async () => {
    server = await startSftpServer();
    // A wrong ODOO_URL that reaches a service echoing what it could not handle, as debug servers and some proxies do.
    odoo = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        odooRequests.push(body);
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`Bad Request: cannot handle ${req.method} ${req.url} ${body}`);
      });
    });
    // A webhook URL that is no longer right: Express's own 404 page names the path, token and all.
    hook = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        hookRequests.push(req.url ?? '');
        res.writeHead(404, { 'content-type': 'text/html' }).end(`<!DOCTYPE html><html><body><pre>Cannot POST ${req.url}</pre></body></html>`);
      });
    });
    const odooPort = await listen(odoo);
    const hookPort = await listen(hook);

    const dir = tempDir('edi-gw-secrets-');
    const ours = makeIdentity(dir, 'odoodist');
    const summit = makeIdentity(dir, 'summit');
    const stranger = makeIdentity(dir, 'stranger');
    // An SFTP key of our own behind a passphrase: sshd does not know it, so the login is refused.
    const sftpKey = path.join(dir, 'sftp_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', SFTP_PASSPHRASE, '-C', 'edi-gateway-secrets-test', '-f', sftpKey]);
    const sftpKeyText = fs.readFileSync(sftpKey, 'utf8');

    const ws = workspace();
    await withEmptyStore(ws.home);
    const profiles = path.join(ws.cwd, 'partner-profiles');
    profilesWith({ partnerAs2Id: 'SUMMIT AS2', certificateFile: summit.cert, url: 'http://127.0.0.1:9/unused' }, [], profiles);
    const acmeFile = path.join(profiles, 'acme-retail', 'profile.yaml');
    const acme = YAML.parseDocument(fs.readFileSync(path.join(PROFILES, 'acme-retail', 'profile.yaml'), 'utf8'));
    for (const [key, value] of Object.entries({ host: server.host, port: server.port, username: server.username, hostKeyFingerprint: server.fingerprint,
      passphraseEnv: 'ACME_RETAIL_SFTP_PASSPHRASE', reconnect: { initialSeconds: 0.2, maxSeconds: 1 } })) acme.setIn(['transports', 'sftp', key], value);
    acme.setIn(['transports', 'sftp', 'inbound', 'dir'], '/upload');
    acme.setIn(['transports', 'sftp', 'inbound', 'pollSeconds'], 0.2);
    fs.writeFileSync(acmeFile, acme.toString());

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const daemon = startDaemon(ws, {
      EDI_GATEWAY_HTTP_PORT: String(port), EDI_GATEWAY_API_TOKEN: API_TOKEN, EDI_GATEWAY_LOG_LEVEL: 'debug',
      EDI_GATEWAY_ODOO_ENABLED: 'true', ODOO_URL: `http://127.0.0.1:${odooPort}`, ODOO_DB: 'prod', ODOO_USER: 'edi@distributor.example',
      ODOO_API_KEY, EDI_GATEWAY_ODOO_ATTEMPTS: '1', EDI_GATEWAY_QUEUE_RETRY_LIMIT: '0',
      EDI_GATEWAY_AS2_CERTIFICATE_FILE: ours.cert, EDI_GATEWAY_AS2_PRIVATE_KEY: ours.keyPem,
      ACME_RETAIL_SFTP_KEY: sftpKeyText, ACME_RETAIL_SFTP_PASSPHRASE: SFTP_PASSPHRASE,
      COUPA_BUYER_CXML_SECRET: CXML_SECRET,
      EDI_GATEWAY_ALERTS_WEBHOOK_URL: `http://127.0.0.1:${hookPort}/hooks/${HOOK_TOKEN}`, EDI_GATEWAY_ALERTS_WEBHOOK_SECRET: HOOK_SECRET,
      EDI_GATEWAY_ALERTS_CHECK_SECONDS: '0.5',
    });
    const api = async (url: string) => {
      const res = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${API_TOKEN}`, cookie: `edi_gw_session=${encodeURIComponent(API_TOKEN)}` } });
      return `${url} ${res.status}\n${await res.text()}`;
    };
    try {
      await eventually(() => fetch(`${base}/healthz`).then((r) => r.status === 200, () => false), 60_000, 'the daemon\'s HTTP server');

      // AS2: one message it takes (its order then fails at Odoo), one it cannot decrypt (encrypted for a stranger).
      const order = fs.readFileSync(path.join(PROFILES, 'summit-grocers', 'samples', 'inbound', '850-dc-order.edi'));
      const good = await as2Post(`${base}/as2`, signedAndEncrypted(dir, order, summit, ours), { 'AS2-From': '"SUMMIT AS2"' });
      expect(good.mdn).toContain('Disposition: automatic-action/MDN-sent-automatically; processed');
      const refused = await as2Post(`${base}/as2`, signedAndEncrypted(dir, order, summit, stranger), { 'AS2-From': '"SUMMIT AS2"' });
      expect(refused.mdn).toContain('processed/error: decryption-failed');

      // cXML: the buyer's shared secret rides in every request; the store keeps it redacted.
      const cxml = fs.readFileSync(path.join(PROFILES, 'coupa-buyer', 'samples', 'inbound', 'order-request.xml'), 'utf8');
      const post = (s: string) => fetch(`${base}/cxml/coupa-buyer`, { method: 'POST', headers: { 'content-type': 'text/xml' },
        body: cxml.replace('<SharedSecret>sample-secret</SharedSecret>', `<SharedSecret>${s}</SharedSecret>`) });
      const answers = [good.mdn, refused.mdn];
      for (const [value, status] of [[CXML_SECRET, 200], [`${CXML_SECRET}-wrong`, 401]] as const) {
        const res = await post(value);
        expect(res.status).toBe(status);
        answers.push(await res.text());
      }

      // Every failure path has run before anything is scanned: otherwise the scan proves nothing.
      await eventually(() => daemon.output().includes('sftp poll failed'), 30_000, 'a refused SFTP login');
      await eventually(() => odooRequests.some((b) => b.includes(ODOO_API_KEY)), 30_000, 'the gateway to send its key to the wrong Odoo');
      const exceptions = await eventually(async () => {
        const text = await api('/api/exceptions');
        return (text.match(/"errorCode":"ODOO_/g) ?? []).length >= 2 ? text : undefined;
      }, 60_000, 'both orders to fail at Odoo');
      await eventually(async () => hookRequests.length > 0 && /"lastError":"webhook/.test(await api('/api/alerts')), 30_000, 'a failed webhook delivery');
      expect(hookRequests[0]).toBe(`/hooks/${HOOK_TOKEN}`);

      const ids = [...new Set([...(await api('/api/messages?limit=100')).matchAll(/"id":(\d+)/g)].map((m) => m[1]))];
      expect(ids.length).toBeGreaterThanOrEqual(2);
      const served = [...answers, exceptions, ...await Promise.all([
        '/api/messages?limit=100', '/api/alerts', '/api/partners', '/api/openapi.json', '/api/schedules', '/api/tokens', '/metrics', '/readyz',
        '/dashboard', '/dashboard/messages', '/dashboard/exceptions', '/dashboard/partners',
        ...ids.flatMap((id) => [`/api/messages/${id}`, `/dashboard/messages/${id}`]),
      ].map(api))].join('\n');
      expect(served).toContain('ODOO_');
      // Every page was served to the token (none a sign-in redirect or a refusal, which would hide nothing).
      expect(served.match(/^\/\S* \d{3}$/gm)!.filter((l) => !l.endsWith(' 200'))).toEqual([]);

      daemon.kill('SIGTERM');
      expect((await exited(daemon)).code).toBe(0);
      const output = daemon.output();
      expect(output).toContain('AS2 message refused');
      const secrets = { ODOO_API_KEY, SFTP_PASSPHRASE, HOOK_TOKEN, HOOK_SECRET, API_TOKEN, CXML_SECRET };
      const pieces = { ...Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, windows(value)])),
        AS2_PRIVATE_KEY: keyLines(ours.keyPem), SFTP_PRIVATE_KEY: keyLines(sftpKeyText) };
      const leaks = Object.entries(pieces).flatMap(([name, parts]) => [
        parts.some((p) => output.includes(p)) && `${name} in the output`, parts.some((p) => served.includes(p)) && `${name} served`]).filter(Boolean);
      expect(leaks).toEqual([]);
    } finally {
      daemon.kill('SIGKILL');
    }
  }, 150_000);
});
