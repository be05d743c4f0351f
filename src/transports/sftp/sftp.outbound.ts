import path from 'node:path';
import { GatewayError } from '../../errors/gateway-error';
import type { Logger } from '../../log/logger';
import type { OutboundTransport } from '../transport';
import { sftpOrigin, type SftpOutboundSettings } from './sftp.config';
import { withSftpSession } from './sftp.operations';

/** A plain file name: outbound names come from documents, never trusted to pick a folder. */
function plainName(name: string): string {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw new GatewayError('PATH_OUTSIDE_FOLDER', `file name ${JSON.stringify(name)} is refused: it must be a plain name`);
  }
  return name;
}

/**
 * Delivers files to a partner's SFTP folder (Camel's producer role): uploaded under a temporary
 * name, then renamed, so the partner never sees a partial file under the final name.
 */
export class SftpSender implements OutboundTransport {
  readonly kind = 'sftp';

  constructor(
    private readonly settings: SftpOutboundSettings,
    private readonly log: Logger,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {}

  async send(file: { name: string; content: Buffer }): Promise<{ ref: string }> {
    const s = this.settings;
    const name = plainName(file.name);
    const target = path.posix.join(s.dir, name);
    const temp = path.posix.join(s.dir, `${s.tempPrefix}${name}${s.tempSuffix}`);
    const ref = `${sftpOrigin(s)}${target}`;
    return withSftpSession(s, this.log, async (session) => {
      const existing = await session.size(target);
      if (existing !== undefined) {
        // Delivered by an attempt that died before recording it: the same bytes there are a success.
        if (existing === file.content.length && (await session.read(target)).equals(file.content)) return { ref };
        // Never over a file the partner has not collected yet.
        throw new GatewayError('TRANSPORT_TARGET_EXISTS', `${ref} already exists with other content and has not been collected by the partner`);
      }
      await session.write(temp, file.content);
      if (!(await session.move(temp, target))) {
        throw new GatewayError('TRANSPORT_UNAVAILABLE', `${ref}: the uploaded ${temp} was gone before it could be renamed`);
      }
      this.log.info({ partnerId: s.partnerId, file: name, bytes: file.content.length, to: ref }, 'sftp file sent');
      return { ref };
    }, this.env);
  }
}
