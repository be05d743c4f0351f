import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * A real OpenSSH sshd for the SFTP tests, on 127.0.0.1 with its own config and host key, and a
 * key-only user chrooted into `root/`, whose writable folder is `root/upload`. Needs root (to
 * create the user and own the chroot) and Debian's openssh-server; without them it fails, naming
 * what is missing, never skips.
 */
const SSHD = '/usr/sbin/sshd';
/** One system user per jest run (global-setup.js names it), so two runs on one machine never remove each other's. */
const USER = process.env.EDI_GATEWAY_SFTP_TEST_USER ?? 'edisftp';
/** sshd refuses a chroot or key files under a world-writable folder such as /tmp or /var/tmp. */
const PARENT = '/var/lib/edi-gateway-tests';

export interface SftpServer {
  host: string;
  port: number;
  username: string;
  /** The client's private key (OpenSSH format) and the file holding it. */
  clientKey: string;
  clientKeyFile: string;
  /** The host key's fingerprint as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** A local path inside the user's writable folder; the user sees it as /upload/<parts>. */
  local(...parts: string[]): string;
  /** Kills sshd and every session it forked, as a crash would. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Kills it and removes its files. */
  destroy(): Promise<void>;
  output(): string;
}

function requireTools(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('the SFTP tests need root: they create a chrooted system user for a real sshd (.ci/run runs as root)');
  }
  if (!fs.existsSync(SSHD)) {
    throw new Error(`the SFTP tests need OpenSSH's server, and ${SSHD} is missing: install the Debian package openssh-server (apt-get install -y openssh-server; .ci/run does this)`);
  }
  for (const tool of ['ssh-keygen', 'useradd', 'usermod']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`the SFTP tests need ${tool} (packages openssh-client, passwd)`);
    }
  }
}

function ensureUser(): void {
  try {
    execFileSync('id', ['-u', USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
  }
  // A new user's password is locked ("!"), and with UsePAM no sshd refuses a locked account even for key login.
  execFileSync('usermod', ['-p', '*', USER]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once the port answers with an SSH banner. */
async function banner(port: number, deadline: number, out: () => string): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('data', (d) => { sock.destroy(); resolve(d.toString().startsWith('SSH-2.0')); });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd did not come up on 127.0.0.1:${port}:\n${out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The pids of a process's descendants, from /proc (sshd's sessions call setsid, so no group kill). */
function descendants(pid: number): number[] {
  const found: number[] = [];
  const walk = (p: number) => {
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const t of tasks) {
      let kids = '';
      try {
        kids = fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const k of kids.split(/\s+/).filter(Boolean).map(Number)) {
        found.push(k);
        walk(k);
      }
    }
  };
  walk(pid);
  return found;
}

export async function startSftpServer(): Promise<SftpServer> {
  requireTools();
  ensureUser();
  fs.mkdirSync(PARENT, { recursive: true, mode: 0o755 });
  fs.chmodSync(PARENT, 0o755);
  const base = fs.mkdtempSync(path.join(PARENT, 'sftp-'));
  fs.chmodSync(base, 0o755);
  const root = path.join(base, 'root');
  const upload = path.join(root, 'upload');
  fs.mkdirSync(upload, { recursive: true, mode: 0o755 });
  const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', USER]).toString().trim());
  fs.chownSync(upload, uid, gid);
  fs.mkdirSync(path.join(base, 'keys'), { mode: 0o755 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'edi-gateway-test-host', '-f', path.join(base, 'host_key')]);
  const clientKeyFile = path.join(base, 'client_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'edi-gateway-test-client', '-f', clientKeyFile]);
  fs.copyFileSync(`${clientKeyFile}.pub`, path.join(base, 'keys', USER));
  fs.chmodSync(path.join(base, 'keys', USER), 0o644);
  const fingerprint = execFileSync('ssh-keygen', ['-lf', path.join(base, 'host_key.pub')]).toString().split(' ')[1];
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege separation directory

  const port = await freePort();
  const config = path.join(base, 'sshd_config');
  fs.writeFileSync(config, [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${base}/host_key`, `PidFile ${base}/sshd.pid`,
    'UsePAM no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PubkeyAuthentication yes',
    `AuthorizedKeysFile ${base}/keys/%u`, 'StrictModes yes', `AllowUsers ${USER}`, 'Subsystem sftp internal-sftp',
    `Match User ${USER}`, `  ChrootDirectory ${root}`, '  ForceCommand internal-sftp', '  AllowTcpForwarding no', '  X11Forwarding no', '',
  ].join('\n'));

  let child: ChildProcess | undefined;
  let out = '';
  const server: SftpServer = {
    host: '127.0.0.1', port, username: USER, clientKey: fs.readFileSync(clientKeyFile, 'utf8'), clientKeyFile, fingerprint,
    local: (...parts) => path.join(upload, ...parts),
    output: () => out,
    async start() {
      const proc = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      proc.stdout!.on('data', (d) => { out += d; });
      proc.stderr!.on('data', (d) => { out += d; });
      await banner(port, Date.now() + 15_000, () => out);
    },
    async kill() {
      const proc = child;
      if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return;
      const all = [...descendants(proc.pid), proc.pid];
      const exited = new Promise((r) => proc.once('exit', r));
      for (const pid of all) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await exited;
      child = undefined;
    },
    async destroy() {
      await server.kill();
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
