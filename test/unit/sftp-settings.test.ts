import fs from 'node:fs';
import path from 'node:path';
import { loadProfiles, parseProfile } from '../../src/partners/load-profiles';
import { sha256Fingerprint } from '../../src/transports/sftp/host-key';
import { backingOffUntil, backoffMs, pollWhen, startTick } from '../../src/transports/sftp/poll-schedule';
import { sftpInboundSettings, sftpOutboundSettings } from '../../src/transports/sftp/sftp.config';
import { missingCredentials, resolveCredentials } from '../../src/transports/sftp/sftp.credentials';
import { StableFiles } from '../../src/transports/sftp/stable-files';
import { PROFILES, tempDir } from '../helpers';

const HEAD = 'id: acme\nname: Acme\nmode: test\nidentifiers:\n  x12: [{ qualifier: ZZ, id: A, gsId: AA }]\ndocuments: {}\n';
const FP = 'SHA256:PLACEHOLDERxACMExRETAILxHOSTxKEYxFINGERPRIN';

function sftpProfile(sftp: string) {
  return parseProfile('p.yaml', `${HEAD}transports:\n  primary: sftp\n  sftp:\n${sftp.replace(/^/gm, '    ')}\n`);
}

describe('transports.sftp in a partner profile', () => {
  it('accepts the example partners and fills the defaults', () => {
    const { profiles, issues } = loadProfiles(PROFILES);
    expect(issues).toEqual([]);
    const acme = sftpInboundSettings(profiles.find((p) => p.id === 'acme-retail')!)!;
    expect(acme).toMatchObject({
      host: 'sftp.acme-retail.example', port: 22, privateKeyEnv: 'ACME_RETAIL_SFTP_KEY', dir: '/outbox',
      stableRule: 'size-mtime', afterProcessing: 'move', archiveDir: '/outbox/archive', failedDir: '/outbox/failed',
      schedule: { everyMs: 60_000 }, reconnect: { initialMs: 1000, maxMs: 300_000 },
    });
    const swift = profiles.find((p) => p.id === 'swift-3pl')!;
    expect(sftpInboundSettings(swift)).toMatchObject({ stableRule: 'done-marker', markerSuffix: '.ok', afterProcessing: 'delete', schedule: { cron: '*/5 * * * *' } });
    expect(sftpOutboundSettings(swift)).toMatchObject({ dir: '/to-swift', tempPrefix: '.', tempSuffix: '.tmp' });
    // A partner whose transport is not SFTP gets no SFTP, whatever else its profile says.
    expect(sftpInboundSettings({ ...swift, transports: { ...swift.transports, primary: 'folder' } })).toBeUndefined();
  });

  it('refuses a secret written into the profile, and a profile with no credentials', () => {
    const base = `host: h\nusername: u\nhostKeyFingerprint: ${FP}\n`;
    expect(sftpProfile(`${base}password: hunter2`).issues[0]).toMatchObject({ path: 'transports.sftp.password',
      message: 'secrets are never written in a profile: put it in an environment variable and name that variable in passwordEnv' });
    expect(sftpProfile(`${base}privateKeyEnv: '-----BEGIN OPENSSH PRIVATE KEY-----'`).issues[0])
      .toMatchObject({ path: 'transports.sftp.privateKeyEnv', message: expect.stringContaining('never the secret itself') });
    expect(sftpProfile(base).issues[0].message).toBe('name the credentials: privateKeyFile, privateKeyEnv or passwordEnv');
    expect(sftpProfile(`${base}privateKeyEnv: K`).issues).toEqual([]);
  });

  it('wants the host key fingerprint the way ssh-keygen -lf prints it', () => {
    const [issue] = sftpProfile('host: h\nusername: u\nprivateKeyEnv: K\nhostKeyFingerprint: "aa:bb:cc"').issues;
    expect(issue).toMatchObject({ path: 'transports.sftp.hostKeyFingerprint', message: expect.stringContaining('ssh-keygen -lf') });
  });

  it('computes fingerprints as OpenSSH does: SHA-256 of the key blob, base64 without padding', () => {
    // A public key and what `ssh-keygen -lf` printed for it.
    const blob = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIFWUhYJuweyhmbIPcxcVbQShEnHN9873+Ugg7J0NMJFu', 'base64');
    expect(sha256Fingerprint(blob)).toBe('SHA256:yyKGvbGtkAhlPmKF4r2FPgWZQblKxctVbjVjMyXoUK0');
  });
});

describe('SFTP credentials', () => {
  const conn = { partnerId: 'acme', host: 'h', port: 22, username: 'u', hostKeyFingerprint: FP, connectTimeoutMs: 1000 };

  it('reads the key from the named variable, or from the file named by <NAME>_FILE', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'key'), 'KEY FROM FILE\n');
    expect(resolveCredentials({ ...conn, privateKeyEnv: 'K' }, { K: 'line1\\nline2' }).privateKey?.toString()).toBe('line1\nline2');
    expect(resolveCredentials({ ...conn, privateKeyEnv: 'K' }, { K_FILE: path.join(dir, 'key') }).privateKey?.toString()).toBe('KEY FROM FILE');
    expect(resolveCredentials({ ...conn, privateKeyFile: '${KEYS}/key', passphraseEnv: 'P' }, { KEYS: dir, P: 'pp' }))
      .toEqual({ privateKey: Buffer.from('KEY FROM FILE\n'), passphrase: 'pp' });
  });

  it('says which variable is missing, without any secret in the message', () => {
    expect(missingCredentials({ ...conn, privateKeyEnv: 'ACME_KEY' }, {})).toBe('acme: transports.sftp.privateKeyEnv names ACME_KEY, which is not set (set ACME_KEY or ACME_KEY_FILE)');
    expect(missingCredentials({ ...conn, privateKeyFile: '${NOPE}/k' }, {})).toContain('${NOPE}');
    expect(missingCredentials({ ...conn, passwordEnv: 'PW' }, { PW: 's3cret' })).toBeUndefined();
    expect(() => resolveCredentials({ ...conn, privateKeyFile: '/nonexistent/key' }, {})).toThrow(/cannot read the SFTP private key file \/nonexistent\/key: ENOENT/);
  });
});

describe('SFTP stable-file rules', () => {
  const entry = (name: string, size = 10, mtimeMs = 1000) => ({ name, size, mtimeMs, isFile: true });

  it('size-mtime: takes a file on the second listing that shows it unchanged', () => {
    const s = new StableFiles({ rule: 'size-mtime', markerSuffix: '.done' });
    expect(s.remembers).toBe(true);
    const first = s.sift([entry('a'), entry('b')]);
    expect(first).toMatchObject({ ready: [], waiting: 2 });
    expect([...first.seen]).toEqual([['a', { size: 10, mtimeMs: 1000 }], ['b', { size: 10, mtimeMs: 1000 }]]);
    const second = s.sift([entry('a'), entry('b', 20)], first.seen);
    expect(second).toMatchObject({ ready: [entry('a')], waiting: 1 });
    const third = s.sift([entry('a'), entry('b', 20, 2000)], second.seen);
    expect(third).toMatchObject({ ready: [entry('a')], waiting: 1 });
    // The caller drops what it took: the same name again is a new file.
    third.seen.delete('a');
    expect(s.sift([entry('a'), entry('b', 20, 2000)], third.seen).ready.map((e) => e.name)).toEqual(['b']);
  });

  it('size-mtime: is pure: the previous listing comes in, the next goes out, the input untouched', () => {
    const s = new StableFiles({ rule: 'size-mtime', markerSuffix: '.done' });
    const before = new Map([['a', { size: 10, mtimeMs: 1000 }], ['gone', { size: 1, mtimeMs: 1 }]]);
    const out = s.sift([entry('a'), entry('c')], before);
    expect(out.ready).toEqual([entry('a')]);
    expect([...out.seen.keys()]).toEqual(['a', 'c']);
    expect([...before.keys()]).toEqual(['a', 'gone']);
    expect(s.sift([entry('a'), entry('c')], before).ready).toEqual([entry('a')]); // the same inputs, the same answer
  });

  it('size-mtime: a file that disappears from a listing starts again', () => {
    const s = new StableFiles({ rule: 'size-mtime', markerSuffix: '.done' });
    const one = s.sift([entry('a')]);
    const none = s.sift([], one.seen);
    expect(s.sift([entry('a')], none.seen).ready).toEqual([]);
  });

  it('done-marker: takes a file once its marker is there, never the marker itself', () => {
    const s = new StableFiles({ rule: 'done-marker', markerSuffix: '.done' });
    expect(s.remembers).toBe(false);
    expect(s.sift([entry('a'), entry('b'), entry('b.done', 0)])).toEqual({ ready: [entry('b')], waiting: 1, seen: new Map() });
  });

  it('skips folders, in-progress names and what include/exclude refuse', () => {
    const s = new StableFiles({ rule: 'done-marker', markerSuffix: '.done', include: /\.edi$/, exclude: /^x/ });
    const listing = [{ ...entry('dir.edi'), isFile: false }, entry('.a.edi'), entry('b.edi.part'), entry('c.txt'), entry('x.edi'), entry('ok.edi'),
      ...['dir.edi', '.a.edi', 'b.edi.part', 'c.txt', 'x.edi', 'ok.edi'].map((n) => entry(`${n}.done`))];
    expect(s.sift(listing)).toEqual({ ready: [entry('ok.edi')], waiting: 0, seen: new Map() });
  });
});

describe('SFTP poll schedule', () => {
  it('ticks every pollSeconds or at the cron, and polls at start (as the latest tick) only on a fixed interval', () => {
    expect(pollWhen({ everyMs: 1500 })).toEqual({ everySeconds: 1.5 });
    expect(pollWhen({ cron: '*/15 * * * *' })).toEqual({ cron: '*/15 * * * *' });
    expect(startTick({ everySeconds: 60 }, Date.parse('2026-03-01T10:07:42.500Z'))).toEqual(new Date('2026-03-01T10:07:00Z'));
    expect(startTick({ everySeconds: 0.2 }, 1_000_000_123)).toEqual(new Date(1_000_000_000));
    expect(startTick({ cron: '*/15 * * * *' }, Date.now())).toBeUndefined();
  });

  it('backs off by doubling up to the maximum', () => {
    const r = { initialMs: 1000, maxMs: 5000 };
    expect([1, 2, 3, 4, 100].map((n) => backoffMs(r, n))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('skips ticks until the backoff since the last failure has passed', () => {
    const r = { initialMs: 1000, maxMs: 5000 };
    const failedAt = new Date('2026-03-01T10:00:00Z');
    const at = (ms: number) => new Date(failedAt.getTime() + ms);
    expect(backingOffUntil(r, 0, null, at(0))).toBeUndefined();
    expect(backingOffUntil(r, 1, failedAt, at(999))).toEqual(at(1000));
    expect(backingOffUntil(r, 1, failedAt, at(1000))).toBeUndefined();
    expect(backingOffUntil(r, 3, failedAt, at(3999))).toEqual(at(4000));
    expect(backingOffUntil(r, 30, failedAt, at(4999))).toEqual(at(5000));
    expect(backingOffUntil(r, 30, failedAt, at(5000))).toBeUndefined();
  });
});
