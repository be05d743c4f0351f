import path from 'node:path';
import type { PartnerProfile } from '../../partners/profile.schema';
import type { SftpTransportProfile } from './sftp.schema';

/** How to reach and log in to a partner's server. Names where the secrets are, never the secrets. */
export interface SftpConnectionSettings {
  partnerId: string;
  host: string;
  port: number;
  username: string;
  privateKeyFile?: string;
  privateKeyEnv?: string;
  passphraseEnv?: string;
  passwordEnv?: string;
  hostKeyFingerprint: string;
  connectTimeoutMs: number;
}

export interface SftpInboundSettings extends SftpConnectionSettings {
  dir: string;
  include?: string;
  exclude?: string;
  stableRule: 'size-mtime' | 'done-marker';
  markerSuffix: string;
  afterProcessing: 'move' | 'delete';
  archiveDir: string;
  failedDir: string;
  maxFileSize: number;
  maxMessagesPerPoll: number;
  /** A cron expression (the profile's schedules.poll), or every pollSeconds. */
  schedule: { cron: string } | { everyMs: number };
  reconnect: { initialMs: number; maxMs: number };
}

export interface SftpOutboundSettings extends SftpConnectionSettings {
  dir: string;
  tempPrefix: string;
  tempSuffix: string;
}

function connection(id: string, s: SftpTransportProfile): SftpConnectionSettings {
  return {
    partnerId: id, host: s.host, port: s.port, username: s.username,
    privateKeyFile: s.privateKeyFile, privateKeyEnv: s.privateKeyEnv, passphraseEnv: s.passphraseEnv, passwordEnv: s.passwordEnv,
    hostKeyFingerprint: s.hostKeyFingerprint, connectTimeoutMs: s.connectTimeoutSeconds * 1000,
  };
}

/** archive/ and failed/ are relative to the inbound folder unless absolute. */
function under(dir: string, sub: string): string {
  return path.posix.normalize(sub.startsWith('/') ? sub : path.posix.join(dir, sub));
}

/** The partner's SFTP poller settings, when SFTP is its transport and has an inbound folder. */
export function sftpInboundSettings(profile: PartnerProfile): SftpInboundSettings | undefined {
  const s = profile.transports.sftp;
  if (profile.transports.primary !== 'sftp' || !s?.inbound) return undefined;
  const i = s.inbound;
  const dir = path.posix.normalize(i.dir);
  return {
    ...connection(profile.id, s),
    dir, include: i.include, exclude: i.exclude,
    stableRule: i.stable.rule, markerSuffix: i.stable.markerSuffix,
    afterProcessing: i.afterProcessing, archiveDir: under(dir, i.archiveDir), failedDir: under(dir, i.moveFailedTo),
    maxFileSize: i.maxFileSize, maxMessagesPerPoll: i.maxMessagesPerPoll,
    schedule: profile.schedules.poll ? { cron: profile.schedules.poll } : { everyMs: i.pollSeconds * 1000 },
    reconnect: { initialMs: s.reconnect.initialSeconds * 1000, maxMs: s.reconnect.maxSeconds * 1000 },
  };
}

/** Where outbound files go over SFTP; undefined sends them to the folder's out/ (CONTRACTS.md). */
export function sftpOutboundSettings(profile: PartnerProfile): SftpOutboundSettings | undefined {
  const s = profile.transports.sftp;
  if (profile.transports.primary !== 'sftp' || !s?.outbound) return undefined;
  return { ...connection(profile.id, s), dir: path.posix.normalize(s.outbound.dir), tempPrefix: s.outbound.tempPrefix, tempSuffix: s.outbound.tempSuffix };
}

/** How the partner's server is named in logs, errors and transport references (no secrets in it). */
export function sftpOrigin(s: SftpConnectionSettings): string {
  return `sftp://${encodeURIComponent(s.username)}@${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`;
}
