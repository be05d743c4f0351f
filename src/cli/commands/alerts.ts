import type { Command } from 'commander';
import { ALERT_KINDS, type Alert } from '../../alerts/alert';
import { GatewayError } from '../../errors/gateway-error';
import { commandContext, withRuntime } from '../context';
import { isoSeconds, oneLine, printJson, table } from '../format';

/** Alerts: what was raised and whether it got through; and a test of the channels before relying on them. */
export function registerAlerts(program: Command): void {
  const alerts = program.command('alerts').description('alerts raised (exceptions, rejected or overdue acknowledgments, silent partners, certificates) and a test of the channels');

  alerts
    .command('list')
    .description('alerts raised, newest first, with their delivery (the rows of GET /api/alerts)')
    .option('--kind <kind>', `only this kind: ${ALERT_KINDS.join(', ')}`)
    .option('--partner <id>', 'only this partner\'s')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { kind?: string; partner?: string; limit: string; json?: boolean }, cmd: Command) => {
      if (opts.kind && !(ALERT_KINDS as readonly string[]).includes(opts.kind)) throw new GatewayError('USAGE', `--kind ${opts.kind}: expected one of ${ALERT_KINDS.join(', ')}`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new GatewayError('USAGE', `--limit ${opts.limit}: a whole number from 1`);
      const { listAlerts } = await import('../../store/alerts.repo');
      const rows = await withRuntime(cmd, { role: 'cli', needsPartners: false }, (rt) => listAlerts(rt.store.knex, { kind: opts.kind, partnerId: opts.partner, limit }));
      if (opts.json) return printJson(rows);
      process.stdout.write(table(['ID', 'RAISED', 'KIND', 'PARTNER', 'MESSAGE', 'DELIVERY', 'TITLE'],
        rows.map((a) => [a.id, isoSeconds(a.raisedAt), a.kind, a.partnerId ?? '-', a.messageId ?? '-', a.delivery, oneLine(a.title)])));
    });

  alerts
    .command('test')
    .description('send a test alert now through each channel configured (webhook, e-mail); exit 1 if one fails or none is set')
    .action(async (_opts: unknown, cmd: Command) => {
      const { config } = commandContext(cmd);
      const a = config.alerts;
      const { sendWebhook } = await import('../../alerts/send-webhook');
      const { sendEmail } = await import('../../alerts/send-email');
      const test: Alert = {
        id: 0, key: 'test', kind: 'exception', severity: 'warning', partnerId: null, messageId: null,
        title: 'Test alert from edi-gateway', detail: 'Sent by `edi-gateway alerts test`: if you read this, alerts reach you here.',
        raisedAt: new Date(), delivery: 'pending', webhookSentAt: null, emailSentAt: null, attempts: 0, lastError: null,
      };
      const channels: [string, () => Promise<void>][] = [];
      if (a.webhookUrl) channels.push([`webhook (${new URL(a.webhookUrl).host})`, () => sendWebhook({ url: a.webhookUrl!, secret: a.webhookSecret, dashboardUrl: a.dashboardUrl }, [test])]);
      if (a.smtpUrl) channels.push([`e-mail to ${a.emailTo.join(', ')}`, () => sendEmail({ smtpUrl: a.smtpUrl!, from: a.emailFrom, to: a.emailTo, dashboardUrl: a.dashboardUrl }, [test])]);
      if (!channels.length) {
        throw new GatewayError('USAGE', 'no alert channel is configured: set EDI_GATEWAY_ALERTS_WEBHOOK_URL, or EDI_GATEWAY_ALERTS_SMTP_URL with EDI_GATEWAY_ALERTS_EMAIL_TO');
      }
      let failed = 0;
      for (const [name, send] of channels) {
        try {
          await send();
          process.stdout.write(`${name}: sent\n`);
        } catch (err) {
          failed++;
          process.stdout.write(`${name}: FAILED: ${(err as Error).message}\n`);
        }
      }
      if (failed) process.exitCode = 1;
    });
}
