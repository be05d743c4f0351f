import SftpClient from 'ssh2-sftp-client';
import { GatewayError } from '../../errors/gateway-error';
import type { Logger } from '../../log/logger';
import { sftpOrigin, type SftpConnectionSettings } from './sftp.config';
import { resolveCredentials } from './sftp.credentials';
import { pinnedHostKey } from './host-key';

export interface RemoteEntry {
  name: string;
  size: number;
  /** The server gives whole seconds. */
  mtimeMs: number;
  isFile: boolean;
}

/** A file-level refusal by the server (no such file, permission denied), the connection still up. */
export class RemoteFileError extends Error {
  constructor(message: string, readonly notFound: boolean) {
    super(message);
    this.name = 'RemoteFileError';
  }
}

/** SFTP status codes (draft-ietf-secsh-filexfer) and ssh2-sftp-client codes that mean the file, not the link. */
const NO_SUCH_FILE = new Set<unknown>([2, 'ENOENT']);
const CONNECTION_GONE = /Unexpected (close|end) event|No SFTP connection|not connected|Timed out while waiting for handshake|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up|connection lost/i;

/**
 * The only code that speaks SFTP (Camel's "operations" role). One instance is one connection;
 * every error leaves here as a GatewayError (the link is down: TRANSPORT_UNAVAILABLE, retried) or
 * a RemoteFileError (the server refused this one file).
 */
export class SftpSession {
  private readonly madeDirs = new Set<string>();

  private constructor(private readonly client: SftpClient, readonly origin: string) {}

  static async open(s: SftpConnectionSettings, log: Logger, env: Record<string, string | undefined> = process.env): Promise<SftpSession> {
    const origin = sftpOrigin(s);
    const creds = resolveCredentials(s, env);
    const hostKey = pinnedHostKey(s.hostKeyFingerprint);
    // ssh2 reports a dropped link as an event; the failing call rejects too, so a debug line is enough.
    const client = new SftpClient(`${s.partnerId}`, {
      error: (err: unknown) => log.debug({ partnerId: s.partnerId, err: (err as Error)?.message }, 'sftp connection error'),
      end: () => log.debug({ partnerId: s.partnerId }, 'sftp connection ended'),
      close: () => log.debug({ partnerId: s.partnerId }, 'sftp connection closed'),
    });
    try {
      await client.connect({
        host: s.host, port: s.port, username: s.username,
        privateKey: creds.privateKey, passphrase: creds.passphrase, password: creds.password,
        readyTimeout: s.connectTimeoutMs,
        hostVerifier: hostKey.verify,
        // A server that stops answering (cable pulled, VM frozen) ends the session instead of
        // hanging the poll, and with it this partner's outbound sends, forever.
        keepaliveInterval: 10_000,
        keepaliveCountMax: 3,
      });
    } catch (err) {
      await client.end().catch(() => undefined);
      const presented = hostKey.presented();
      if (presented && presented !== s.hostKeyFingerprint) {
        throw new GatewayError('TRANSPORT_HOST_KEY_MISMATCH',
          `${origin}: refused: the server presented host key ${presented}, but the profile pins ${s.hostKeyFingerprint}; `
          + 'if the partner changed its key, confirm the new fingerprint with them and update transports.sftp.hostKeyFingerprint',
          { partnerId: s.partnerId, presented, expected: s.hostKeyFingerprint });
      }
      if (err instanceof GatewayError) throw err;
      throw new GatewayError('TRANSPORT_UNAVAILABLE', `${origin}: cannot connect: ${(err as Error).message}`, { partnerId: s.partnerId }, { cause: err });
    }
    return new SftpSession(client, origin);
  }

  private async call<T>(what: string, remote: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      const e = err as { code?: unknown; message?: string };
      const linkGone = (this.client as unknown as { sftp?: unknown }).sftp === undefined || CONNECTION_GONE.test(String(e.message));
      if (linkGone) {
        throw new GatewayError('TRANSPORT_UNAVAILABLE', `${this.origin}: connection lost during ${what} ${remote}: ${e.message}`, undefined, { cause: err });
      }
      throw new RemoteFileError(`${this.origin}: ${what} ${remote}: ${e.message}`, NO_SUCH_FILE.has(e.code));
    }
  }

  async list(dir: string): Promise<RemoteEntry[]> {
    const entries = await this.call('list', dir, () => this.client.list(dir));
    return entries.map((e) => ({ name: e.name, size: e.size, mtimeMs: e.modifyTime, isFile: e.type === '-' }));
  }

  async read(path: string): Promise<Buffer> {
    return this.call('read', path, async () => (await this.client.get(path)) as Buffer);
  }

  async write(path: string, content: Buffer): Promise<void> {
    await this.call('write', path, () => this.client.put(content, path));
  }

  /** Size of a file, or undefined when there is none. */
  async size(path: string): Promise<number | undefined> {
    try {
      return (await this.call('stat', path, () => this.client.stat(path))).size;
    } catch (err) {
      if (err instanceof RemoteFileError && err.notFound) return undefined;
      throw err;
    }
  }

  /**
   * Renames atomically: posix-rename@openssh.com where the server has it (POSIX rename(2)
   * semantics), else the protocol's own RENAME. False when the source is already gone.
   */
  async move(from: string, to: string): Promise<boolean> {
    try {
      await this.call('rename', `${from} -> ${to}`, async () => {
        try {
          await this.client.posixRename(from, to);
        } catch (err) {
          if (!/does not support/i.test((err as Error).message)) throw err;
          await this.client.rename(from, to);
        }
      });
      return true;
    } catch (err) {
      if (err instanceof RemoteFileError && err.notFound) return false;
      throw err;
    }
  }

  /** Deletes a file; false when it was already gone. */
  async remove(path: string): Promise<boolean> {
    try {
      await this.call('delete', path, () => this.client.delete(path));
      return true;
    } catch (err) {
      if (err instanceof RemoteFileError && err.notFound) return false;
      throw err;
    }
  }

  /** Creates a folder (and its parents) unless this session already knows it is there. */
  async mkdirs(dir: string): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    if (!(await this.call('stat', dir, () => this.client.exists(dir)))) await this.call('mkdir', dir, () => this.client.mkdir(dir, true));
    this.madeDirs.add(dir);
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** Sessions in progress per server account: one connection per partner at a time in this process. */
const busy = new Map<string, Promise<unknown>>();

/** Opens a session, runs fn, closes it; waits for any other session to the same account first. */
export function withSftpSession<T>(s: SftpConnectionSettings, log: Logger, fn: (session: SftpSession) => Promise<T>,
  env?: Record<string, string | undefined>): Promise<T> {
  const key = sftpOrigin(s);
  const before = busy.get(key) ?? Promise.resolve();
  const run = before.catch(() => undefined).then(async () => {
    const session = await SftpSession.open(s, log, env);
    try {
      return await fn(session);
    } finally {
      await session.close();
    }
  });
  const tail = run.catch(() => undefined);
  busy.set(key, tail);
  void tail.then(() => { if (busy.get(key) === tail) busy.delete(key); });
  return run;
}
