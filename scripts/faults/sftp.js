'use strict';
// --transport sftp: acme-retail's files come from an SFTP server instead of its in/ folder, as in
// README "SFTP partners". OpenSSH's own sshd on 127.0.0.1 (as test/sftp-server.ts starts it for the
// tests: a key-only system user chrooted into its folder; needs root and the Debian package
// openssh-server), and a copy of partner-profiles/ whose acme-retail points at it. The gateway polls
// /upload/outbox (files moved to outbox/archive once stored) and uploads its 997s and 855s to
// /upload/inbox.
const fs = require('fs');
const net = require('net');
const path = require('path');
const { execFileSync, spawn } = require('child_process');
const YAML = require('yaml');
const { onCleanup } = require('./cleanup');
const { ROOT, freePort, sleep } = require('./procs');

const SSHD = '/usr/sbin/sshd';
const USER = 'edifaults';
/** sshd refuses a chroot under a folder others may write to, such as /tmp. */
const PARENT = '/var/lib/edi-gateway-faults';

function requireTools() {
  if (process.getuid?.() !== 0) throw new Error('--transport sftp needs root: it creates a chrooted system user for a real sshd');
  if (!fs.existsSync(SSHD)) throw new Error(`--transport sftp needs OpenSSH's server (${SSHD}): install the Debian package openssh-server`);
}

function ensureUser() {
  try { execFileSync('id', ['-u', USER], { stdio: 'ignore' }); } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
  }
  // A new user's password is locked ("!"), and sshd without PAM refuses a locked account even for a key.
  execFileSync('usermod', ['-p', '*', USER]);
}

/** sshd's sessions call setsid, so its children are found through /proc, not by a group. */
function descendants(pid) {
  const found = [];
  const walk = (p) => {
    let tasks = [];
    try { tasks = fs.readdirSync(`/proc/${p}/task`); } catch { return; }
    for (const t of tasks) {
      let kids = '';
      try { kids = fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8'); } catch { continue; }
      for (const k of kids.split(/\s+/).filter(Boolean).map(Number)) { found.push(k); walk(k); }
    }
  };
  walk(pid);
  return found;
}

async function banner(port, deadline) {
  for (;;) {
    const ok = await new Promise((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('data', (d) => { sock.destroy(); resolve(d.toString().startsWith('SSH-2.0')); });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd did not come up on 127.0.0.1:${port}`);
    await sleep(50);
  }
}

/**
 * sshd for one scenario; `profilesDir` gets a copy of partner-profiles/ with acme-retail on it.
 * Returns the partner's folders as the checks read them, and the gateway's environment for the key.
 */
async function startSftp(profilesDir) {
  requireTools();
  ensureUser();
  fs.mkdirSync(PARENT, { recursive: true, mode: 0o755 });
  fs.chmodSync(PARENT, 0o755);
  const base = fs.mkdtempSync(path.join(PARENT, 'sftp-'));
  onCleanup(`folder ${base}`, () => fs.rmSync(base, { recursive: true, force: true }));
  fs.chmodSync(base, 0o755);
  const root = path.join(base, 'root');
  const upload = path.join(root, 'upload');
  const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', USER]).toString().trim());
  for (const dir of [upload, path.join(upload, 'outbox'), path.join(upload, 'inbox')]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    fs.chownSync(dir, uid, gid);
  }
  fs.mkdirSync(path.join(base, 'keys'), { mode: 0o755 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'edi-gateway-faults-host', '-f', path.join(base, 'host_key')]);
  const clientKeyFile = path.join(base, 'client_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'edi-gateway-faults-client', '-f', clientKeyFile]);
  fs.copyFileSync(`${clientKeyFile}.pub`, path.join(base, 'keys', USER));
  fs.chmodSync(path.join(base, 'keys', USER), 0o644);
  const fingerprint = execFileSync('ssh-keygen', ['-lf', path.join(base, 'host_key.pub')]).toString().split(' ')[1];
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const config = path.join(base, 'sshd_config');
  fs.writeFileSync(config, [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${base}/host_key`, `PidFile ${base}/sshd.pid`,
    'UsePAM no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PubkeyAuthentication yes',
    `AuthorizedKeysFile ${base}/keys/%u`, 'StrictModes yes', `AllowUsers ${USER}`, 'Subsystem sftp internal-sftp',
    'MaxStartups 100', 'MaxSessions 100',
    `Match User ${USER}`, `  ChrootDirectory ${root}`, '  ForceCommand internal-sftp', '  AllowTcpForwarding no', '  X11Forwarding no', '',
  ].join('\n'));
  const log = fs.openSync(path.join(base, 'sshd.log'), 'a');
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  onCleanup('sshd', () => {
    for (const pid of [...descendants(child.pid), child.pid]) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  });
  await banner(port, Date.now() + 15_000);

  fs.cpSync(path.join(ROOT, 'partner-profiles'), profilesDir, { recursive: true });
  const file = path.join(profilesDir, 'acme-retail', 'profile.yaml');
  const doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
  for (const [k, v] of Object.entries({ host: '127.0.0.1', port, username: USER, hostKeyFingerprint: fingerprint, connectTimeoutSeconds: 10 })) doc.setIn(['transports', 'sftp', k], v);
  doc.setIn(['transports', 'sftp', 'inbound', 'dir'], '/upload/outbox');
  doc.setIn(['transports', 'sftp', 'inbound', 'pollSeconds'], 1);
  doc.setIn(['transports', 'sftp', 'inbound', 'maxMessagesPerPoll'], 500);
  doc.setIn(['transports', 'sftp', 'outbound', 'dir'], '/upload/inbox');
  fs.writeFileSync(file, doc.toString());

  const outbox = path.join(upload, 'outbox');
  return {
    dirs: { inDir: outbox, outDir: path.join(upload, 'inbox'), archiveDir: path.join(outbox, 'archive'), errorDir: path.join(outbox, 'failed') },
    env: { EDI_GATEWAY_PROFILES_DIR: profilesDir, ACME_RETAIL_SFTP_KEY_FILE: clientKeyFile },
    /** Files dropped into the outbox belong to the partner's user, as its own uploads would. */
    own: (f) => fs.chownSync(f, uid, gid),
  };
}

module.exports = { startSftp };
