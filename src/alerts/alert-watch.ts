import type { Knex } from 'knex';
import type { GatewayConfig } from '../config/gateway.config';
import type { Logger } from '../log/logger';
import type { PartnerRegistry } from '../partners/partner-registry';
import { claimPendingAlerts, exceptionsSince, raiseAlerts, recordDelivery } from '../store/alerts.repo';
import { listOverdueAcks } from '../store/outbound-acks.repo';
import { partnerActivity } from '../store/partner-activity.repo';
import { expiringCertificates } from '../transports/as2/certificates';
import type { Alert, AlertKind, NewAlert } from './alert';
import { certificateAlerts, exceptionAlerts, overdueAckAlerts, silentPartnerAlerts } from './detect';
import { sendEmail } from './send-email';
import { sendWebhook } from './send-webhook';

export interface AlertWatchDeps {
  knex: Knex;
  config: Pick<GatewayConfig, 'alerts' | 'as2'>;
  partners: () => PartnerRegistry;
  log: Logger;
}

/** Exceptions are read again this far behind the last look: a transaction that committed late is not missed. */
const OVERLAP_MS = 120_000;
const EXCEPTIONS_PER_LOOK = 1000;
const BATCH = 50;
const BATCHES_PER_CYCLE = 10;
const LEASE_SECONDS = 120;
/** Attempts before an alert is given up ('failed', still listed); about a day of backoff. */
export const MAX_ATTEMPTS = 12;

/** 30 s, 1 min, 2 min ... capped at 2 h, with ±20% jitter so that processes do not retry in step. */
export function retryDelayMs(attempts: number, random = Math.random): number {
  const base = Math.min(30_000 * 2 ** Math.max(attempts - 1, 0), 2 * 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export interface DeliveryReport { sent: number; retrying: number; failed: number }

/**
 * The daemon's alerts: every checkSeconds (a cluster-wide schedule: one process a tick), what
 * deserves an alert is raised in the store (once: its key is unique) and what is still unsent is
 * sent, batched: one webhook POST and one e-mail per batch, so a burst of exceptions is one
 * message, not a hundred.
 */
export class AlertWatch {
  private lastLook: Date | undefined;

  constructor(private readonly deps: AlertWatchDeps) {}

  private get channels() {
    const a = this.deps.config.alerts;
    return { webhook: Boolean(a.webhookUrl), email: Boolean(a.smtpUrl && a.emailTo.length) };
  }

  /** What deserves an alert now, raised in the store; the new alerts (those not raised before). */
  async check(now = new Date()): Promise<Alert[]> {
    const { knex, config, log } = this.deps;
    const kinds = new Set<AlertKind>(config.alerts.kinds);
    const candidates: NewAlert[] = [];
    const since = this.lastLook ? new Date(this.lastLook.getTime() - OVERLAP_MS) : new Date(now.getTime() - config.alerts.lookbackHours * 3_600_000);
    if (kinds.has('exception') || kinds.has('ack_rejected')) {
      const rows = await exceptionsSince(knex, since, EXCEPTIONS_PER_LOOK);
      candidates.push(...exceptionAlerts(rows).filter((a) => kinds.has(a.kind)));
      // A burst bigger than one look: the next look starts where this one stopped.
      this.lastLook = rows.length === EXCEPTIONS_PER_LOOK ? new Date(rows[rows.length - 1].updatedAt.getTime() + OVERLAP_MS) : now;
    } else this.lastLook = now;
    if (kinds.has('ack_overdue')) candidates.push(...overdueAckAlerts(await listOverdueAcks(knex, now)));
    const registry = this.deps.partners();
    if (kinds.has('partner_silent')) {
      const watched = registry.profiles.filter((p) => p.alerts.silentAfterHours);
      if (watched.length) {
        const activity = await partnerActivity(knex, now);
        candidates.push(...silentPartnerAlerts(watched.map((p) => ({
          partnerId: p.id, silentAfterHours: p.alerts.silentAfterHours, lastInboundAt: activity.get(p.id)?.lastInboundAt ?? null,
        })), now));
      }
    }
    if (kinds.has('certificate_expiry')) {
      try {
        candidates.push(...certificateAlerts(expiringCertificates(config, registry, now), config.as2.expiryWarningDays));
      } catch (err) {
        log.error({ err: (err as Error).message }, 'certificate expiry not checked');
      }
    }
    const raised = await raiseAlerts(knex, candidates, this.channels.webhook || this.channels.email ? 'pending' : 'none');
    for (const a of raised) {
      log.warn({ alert: a.kind, alertId: a.id, partnerId: a.partnerId ?? undefined, messageId: a.messageId ?? undefined, severity: a.severity }, `alert: ${a.title}`);
    }
    return raised;
  }

  /** Sends what is due, in batches; each channel that fails is tried again later, the other is not repeated. */
  async deliver(now = new Date()): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
    for (let i = 0; i < BATCHES_PER_CYCLE; i++) {
      const batch = await claimPendingAlerts(this.deps.knex, BATCH, LEASE_SECONDS);
      if (!batch.length) break;
      await this.deliverBatch(batch, now, report);
      if (batch.length < BATCH) break;
    }
    return report;
  }

  private async deliverBatch(batch: Alert[], now: Date, report: DeliveryReport): Promise<void> {
    const { config, log } = this.deps;
    const a = config.alerts;
    const errors: string[] = [];
    const attempt = async (owed: Alert[], send: (alerts: Alert[]) => Promise<void>) => {
      if (!owed.length) return new Set<number>();
      try {
        await send(owed);
        return new Set(owed.map((x) => x.id));
      } catch (err) {
        errors.push((err as Error).message);
        return new Set<number>();
      }
    };
    const webhookSent = this.channels.webhook
      ? await attempt(batch.filter((x) => !x.webhookSentAt), (xs) => sendWebhook({ url: a.webhookUrl!, secret: a.webhookSecret, dashboardUrl: a.dashboardUrl }, xs))
      : new Set<number>();
    const emailSent = this.channels.email
      ? await attempt(batch.filter((x) => !x.emailSentAt), (xs) => sendEmail({ smtpUrl: a.smtpUrl!, from: a.emailFrom, to: a.emailTo, dashboardUrl: a.dashboardUrl }, xs))
      : new Set<number>();
    const error = errors.join('; ') || undefined;
    for (const x of batch) {
      const stillOwed = (this.channels.webhook && !x.webhookSentAt && !webhookSent.has(x.id)) || (this.channels.email && !x.emailSentAt && !emailSent.has(x.id));
      const giveUp = x.attempts + 1 >= MAX_ATTEMPTS;
      await recordDelivery(this.deps.knex, [x.id], {
        webhookSent: webhookSent.has(x.id), emailSent: emailSent.has(x.id), stillOwed, error: stillOwed ? error : undefined,
        retryAt: stillOwed && !giveUp ? new Date(now.getTime() + retryDelayMs(x.attempts + 1)) : undefined,
      });
      if (!stillOwed) report.sent++;
      else if (giveUp) report.failed++;
      else report.retrying++;
    }
    if (error) {
      const level = report.failed ? 'error' : 'warn';
      log[level]({ alerts: batch.length, error, retrying: report.retrying, failed: report.failed },
        report.failed ? 'alerts not delivered, given up after every attempt: see GET /api/alerts' : 'alerts not delivered yet; will try again');
    }
  }

  /** One look and one delivery round (one tick of the cluster's 'alerts' schedule): what it did, in words. */
  async cycle(now = new Date()): Promise<string> {
    const raised = await this.check(now);
    const d = await this.deliver(now);
    return `${raised.length} raised, ${d.sent} sent, ${d.retrying} to retry, ${d.failed} given up`;
  }
}
