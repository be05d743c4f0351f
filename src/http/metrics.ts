import type { Knex } from 'knex';
import { queueDepths } from '../queue/queue-depth';
import {
  ackCounts, errorCounts, exceptionCounts, inboundDocumentCounts, LATENCY_WINDOW_EVENTS, messageCounts, outboundSetCounts, stageLatencies,
} from '../store/metrics.repo';
import { alertCounts } from '../store/alerts.repo';
import { transportHealth, type TransportPollStats } from '../transports/transport-health';
import { renderMetrics, type MetricFamily } from './prometheus-text';

/** A message or document without a partner (an unknown sender) is labelled so, rather than with an empty value. */
const NO_PARTNER = 'unknown';

/** Which side an error code comes from, for dashboards that split Odoo from the transports. */
export function errorSource(code: string | null): 'odoo' | 'transport' | 'pipeline' {
  if (code?.startsWith('ODOO_')) return 'odoo';
  if (code?.startsWith('TRANSPORT_') || code?.startsWith('AS2_')) return 'transport';
  return 'pipeline';
}

/**
 * Every figure of /metrics, read from the store at scrape time (metrics.repo.ts). Counts that a
 * message moving on can lower (messages by current status, exceptions open now) are gauges; those
 * that only grow are counters.
 */
export async function collectMetrics(knex: Knex): Promise<MetricFamily[]> {
  const [messages, docsIn, setsOut, latencies, queues, acks, errors, exceptions, alerts] = await Promise.all([
    messageCounts(knex), inboundDocumentCounts(knex), outboundSetCounts(knex), stageLatencies(knex),
    queueDepths(knex), ackCounts(knex), errorCounts(knex), exceptionCounts(knex), alertCounts(knex),
  ]);
  const quantiles = (q: string, pick: (l: (typeof latencies)[number]) => number) =>
    latencies.map((l) => ({ labels: { stage: l.stage, quantile: q }, value: pick(l) }));
  return [
    { name: 'edi_gateway_messages_total', type: 'gauge',
      help: 'Stored messages by partner, direction and current status (a message moving on moves between statuses).',
      samples: messages.map((m) => ({ labels: { partner: m.partner ?? NO_PARTNER, direction: m.direction, status: m.status }, value: m.n })) },
    { name: 'edi_gateway_documents_total', type: 'counter',
      help: 'Canonical documents translated from inbound messages, by partner and document type.',
      samples: docsIn.map((d) => ({ labels: { partner: d.partner, type: d.type }, value: d.n })) },
    { name: 'edi_gateway_outbound_sets_total', type: 'counter',
      help: 'X12 transaction sets and EDIFACT messages sent, by partner and set type.',
      samples: setsOut.map((d) => ({ labels: { partner: d.partner, type: d.type }, value: d.n })) },
    { name: 'edi_gateway_stage_duration_seconds', type: 'gauge',
      help: `Stage durations (previous trail event to the stage's success; queued: receipt to a worker starting) over the last ${LATENCY_WINDOW_EVENTS} trail events, by quantile.`,
      samples: [...quantiles('0.5', (l) => l.p50), ...quantiles('0.9', (l) => l.p90), ...quantiles('0.99', (l) => l.p99)] },
    { name: 'edi_gateway_stage_duration_samples', type: 'gauge',
      help: `Stage durations the quantiles of edi_gateway_stage_duration_seconds are taken over.`,
      samples: latencies.map((l) => ({ labels: { stage: l.stage }, value: l.n })) },
    { name: 'edi_gateway_queue_jobs', type: 'gauge', help: 'Jobs in each queue: waiting (new or due for a retry), retrying, active (held by a worker).',
      samples: queues.flatMap((q) => (['waiting', 'retrying', 'active'] as const).map((state) => ({ labels: { queue: q.queue, state }, value: q[state] }))) },
    { name: 'edi_gateway_queue_oldest_job_age_seconds', type: 'gauge', help: 'Age of the oldest job waiting in each queue; 0 when none waits.',
      samples: queues.map((q) => ({ labels: { queue: q.queue }, value: q.oldestWaitingSeconds })) },
    { name: 'edi_gateway_acks_overdue', type: 'gauge', help: 'Functional acknowledgments (997, 999, CONTRL) partners owe us past their due time.',
      samples: acks.map((a) => ({ labels: { partner: a.partner, kind: a.kind }, value: a.overdue })) },
    { name: 'edi_gateway_acks_pending', type: 'gauge', help: 'Functional acknowledgments partners owe us, still within their window.',
      samples: acks.map((a) => ({ labels: { partner: a.partner, kind: a.kind }, value: a.pending })) },
    { name: 'edi_gateway_acks_oldest_overdue_seconds', type: 'gauge', help: 'How long past due the oldest overdue acknowledgment is; 0 when none is.',
      samples: acks.map((a) => ({ labels: { partner: a.partner, kind: a.kind }, value: a.oldestOverdueSeconds })) },
    { name: 'edi_gateway_errors_total', type: 'counter',
      help: 'Failed and retried stages by error code; source odoo (ODOO_*), transport (TRANSPORT_*, AS2_*) or pipeline.',
      samples: errors.map((e) => ({ labels: { source: errorSource(e.code), code: e.code ?? 'UNKNOWN' }, value: e.n })) },
    { name: 'edi_gateway_exceptions', type: 'gauge', help: 'Messages parked as exceptions now, waiting for a person, by partner and error code.',
      samples: exceptions.map((e) => ({ labels: { partner: e.partner ?? NO_PARTNER, source: errorSource(e.code), code: e.code ?? 'UNKNOWN' }, value: e.n })) },
    ...transportFamilies(transportHealth.snapshot()),
    { name: 'edi_gateway_alerts', type: 'gauge',
      help: 'Alerts raised, by kind and delivery (pending: a channel still owes it; failed: given up; none: no channel set).',
      samples: alerts.map((a) => ({ labels: { kind: a.kind, delivery: a.delivery }, value: a.n })) },
  ];
}

/** This process's transport polls: what never reaches the store (a server that refused the poll). */
function transportFamilies(stats: TransportPollStats[]): MetricFamily[] {
  const labels = (t: TransportPollStats) => ({ transport: t.transport, partner: t.partner });
  return [
    { name: 'edi_gateway_transport_polls_total', type: 'counter', help: 'Polls of partner folders and SFTP servers by this process.',
      samples: stats.map((t) => ({ labels: labels(t), value: t.polls })) },
    { name: 'edi_gateway_transport_poll_failures_total', type: 'counter', help: 'Polls that failed (server down, login refused, folder unreadable) in this process.',
      samples: stats.map((t) => ({ labels: labels(t), value: t.failures })) },
    { name: 'edi_gateway_transport_failing', type: 'gauge', help: 'Whether the last poll failed (1), with its error code, until one succeeds.',
      samples: stats.map((t) => ({ labels: { ...labels(t), code: t.lastErrorCode ?? '' }, value: t.lastErrorCode ? 1 : 0 })) },
    { name: 'edi_gateway_transport_last_success_timestamp_seconds', type: 'gauge', help: 'When a poll last succeeded (Unix time); 0 never in this process.',
      samples: stats.map((t) => ({ labels: labels(t), value: t.lastSuccessAt ? Math.floor(t.lastSuccessAt.getTime() / 1000) : 0 })) },
  ];
}

export async function metricsText(knex: Knex): Promise<string> {
  return renderMetrics(await collectMetrics(knex));
}
