import path from 'node:path';
import type { GatewayConfig } from '../../config/gateway.config';
import type { PartnerProfile } from '../../partners/profile.schema';

/** A partner's folder transport, its profile settings over the gateway's defaults. */
export interface FolderSettings {
  partnerId: string;
  root: string;
  inDir: string;
  outDir: string;
  archiveDir: string;
  errorDir: string;
  pollMs: number;
  stableMs: number;
  maxFilesPerPoll: number;
  /** A bigger file goes to error/ unread (folder.maxFileMB). */
  maxFileBytes: number;
  include?: RegExp;
  exclude?: RegExp;
}

export function folderSettings(config: Pick<GatewayConfig, 'home' | 'folder'>, profile: PartnerProfile): FolderSettings {
  const own = profile.transports.folder;
  const root = path.join(config.home, 'partners', profile.id);
  return {
    partnerId: profile.id,
    root,
    inDir: path.join(root, 'in'),
    outDir: path.join(root, 'out'),
    archiveDir: path.join(root, 'archive'),
    errorDir: path.join(root, 'error'),
    pollMs: (own.pollSeconds ?? config.folder.pollSeconds) * 1000,
    stableMs: (own.stableSeconds ?? config.folder.stableSeconds) * 1000,
    maxFilesPerPoll: config.folder.maxFilesPerPoll,
    maxFileBytes: config.folder.maxFileMB * 1024 * 1024,
    include: own.include ? new RegExp(own.include) : undefined,
    exclude: own.exclude ? new RegExp(own.exclude) : undefined,
  };
}
