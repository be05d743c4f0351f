import fs from 'node:fs';
import type { Knex } from 'knex';
import type { GatewayConfig } from '../config/gateway.config';
import { GatewayError } from '../errors/gateway-error';
import { messageLogger, type Logger } from '../log/logger';
import type { PartnerRegistry } from '../partners/partner-registry';
import type { FailureHook, JobHandler } from '../queue/queue-worker';
import { getContent, getMessage, getMessageWithContent, recordStage } from '../store/messages.repo';
import { folderSettings } from '../transports/folder/folder.config';
import { writeOutFile } from '../transports/folder/folder.transport';
import { safeJoin } from '../transports/folder/safe-path';
import { sftpOutboundSettings } from '../transports/sftp/sftp.config';
import { missingCredentials } from '../transports/sftp/sftp.credentials';
import { SftpSender } from '../transports/sftp/sftp.outbound';
import { as2Settings } from '../transports/as2/as2.config';
import { sendAs2, type FetchFn } from '../transports/as2/as2.sender';
import { marketplaceOf } from '../marketplaces';

export interface OutboundJob {
  messageId: number;
}

/**
 * Sends a stored outbound message on the partner's transport. Partners whose production transport
 * is not configured yet get the file in their folder's out/ (CONTRACTS.md).
 */
export function outboundSender(deps: { knex: Knex; config: GatewayConfig; partners: () => PartnerRegistry; log: Logger; fetch?: FetchFn }):
  { handle: JobHandler<OutboundJob>; onFailure: FailureHook<OutboundJob> } {
  const handle: JobHandler<OutboundJob> = async ({ messageId }) => {
    const found = await getMessageWithContent(deps.knex, messageId);
    if (!found) throw new GatewayError('MESSAGE_NOT_FOUND', `message ${messageId} is not in the store`);
    const m = found.message;
    if (m.status === 'done') return;
    const profile = m.partnerId ? deps.partners().get(m.partnerId) : undefined;
    if (!profile) throw new GatewayError('PARTNER_UNKNOWN', `outbound message ${messageId} is for partner '${m.partnerId}', which has no profile`);
    const content = found.content ?? (await getContent(deps.knex, messageId))!;
    const channel = marketplaceOf(profile)?.outbound;
    const unconfigured = channel?.unconfigured?.(profile);
    if (channel && !unconfigured) {
      // A marketplace or network: its API takes the message (a retryable failure is retried by the queue).
      const name = m.filename ?? `${messageId}.json`;
      const { ref } = await channel.deliver({ messageId, filename: name, content }, profile, { log: deps.log, fetch: deps.fetch as typeof fetch | undefined });
      await recordStage(deps.knex, messageId, { stage: 'sent', outcome: 'ok', status: 'done', detail: ref });
      messageLogger(deps.log, { messageId, partnerId: m.partnerId, filename: name }).info({ transport: profile.kind, ref }, 'message sent');
      return;
    }
    const sftp = sftpOutboundSettings(profile);
    // SFTP whose credentials this machine lacks counts as not configured: the file goes to out/.
    if (sftp && !missingCredentials(sftp)) {
      const { ref } = await new SftpSender(sftp, deps.log).send({ name: m.filename ?? `${messageId}.edi`, content });
      await recordStage(deps.knex, messageId, { stage: 'sent', outcome: 'ok', status: 'done', detail: ref });
      messageLogger(deps.log, { messageId, partnerId: m.partnerId, filename: m.filename }).info({ transport: 'sftp', ref }, 'message sent');
      return;
    }
    const settings = folderSettings(deps.config, profile);
    const name = m.filename ?? `${messageId}.edi`;
    let fallback = unconfigured ? `; ${profile.kind} not used: ${unconfigured}` : '';
    if (profile.transports.primary === 'as2') {
      const as2 = as2Settings(deps.config, profile);
      if (as2.ok && as2.settings.profile.url) return sendAs2(deps, as2.settings, { messageId, filename: name, content });
      // Not configured yet (an example profile, a partner being onboarded): out/ as for everyone, with the reason on record.
      fallback = `; AS2 not used: ${as2.ok ? 'transports.as2.url is not set' : as2.reason}`;
    }
    try {
      await fs.promises.mkdir(settings.outDir, { recursive: true });
      await writeOutFile(settings.outDir, { name, content });
    } catch (err) {
      // Written by an attempt that died before recording it: the same bytes there are a success.
      const existing = (err as NodeJS.ErrnoException).code === 'EEXIST' ? await fs.promises.readFile(safeJoin(settings.outDir, name)) : undefined;
      if (!existing?.equals(content)) throw err;
    }
    await recordStage(deps.knex, messageId, { stage: 'sent', outcome: 'ok', status: 'done', detail: `folder ${settings.outDir}/${name}${fallback}` });
    messageLogger(deps.log, { messageId, partnerId: m.partnerId, filename: name }).info({ transport: 'folder' }, 'message sent');
  };
  const onFailure: FailureHook<OutboundJob> = async ({ messageId }, err, job) => {
    const m = await getMessage(deps.knex, messageId).catch(() => undefined);
    messageLogger(deps.log, { messageId, partnerId: m?.partnerId, filename: m?.filename })[job.willRetry ? 'warn' : 'error'](
      { code: err.code, err: err.message, attempt: job.attempt + 1, willRetry: job.willRetry }, job.willRetry ? 'send failed; will retry' : 'send failed: parked as an exception');
    await recordStage(deps.knex, messageId, { stage: 'sent', outcome: job.willRetry ? 'retrying' : 'failed',
      status: job.willRetry ? 'retrying' : 'exception', code: err.code, detail: err.message });
  };
  return { handle, onFailure };
}
