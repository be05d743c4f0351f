import type { Knex } from 'knex';

/**
 * The store's side of /metrics: grouped counts, each bounded, read at scrape time so that every
 * gateway process on one database reports the same figures. Groups are capped (ROW_CAP) in case a
 * label ever grows without bound; partners, statuses and error codes stay far below it.
 */
const ROW_CAP = 2000;

/** Trail events the stage latencies are computed over: the most recent, read by primary key. */
export const LATENCY_WINDOW_EVENTS = 10_000;

export interface MessageCount { partner: string | null; direction: string; status: string; n: number }
export interface TypeCount { partner: string; type: string; n: number }
export interface StageLatency { stage: string; n: number; p50: number; p90: number; p99: number; sum: number }
export interface AckCount { partner: string; kind: string; overdue: number; pending: number; oldestOverdueSeconds: number }
export interface ErrorCount { code: string | null; n: number }
export interface ExceptionCount { partner: string | null; code: string | null; n: number }

async function rows<T>(knex: Knex, sql: string, bindings: readonly Knex.RawBinding[] = []): Promise<T[]> {
  return (await knex.raw(`${sql} LIMIT ${ROW_CAP}`, bindings)).rows;
}

/** Messages by partner, direction and current status. */
export function messageCounts(knex: Knex): Promise<MessageCount[]> {
  return rows(knex, `SELECT m.partner_id AS partner, m.direction, s.status, count(*)::int AS n
    FROM messages m JOIN message_state s ON s.message_id = m.id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
}

/** Canonical documents translated from inbound messages, by partner and type (order, shipment, invoice...). */
export function inboundDocumentCounts(knex: Knex): Promise<TypeCount[]> {
  return rows(knex, `SELECT partner_id AS partner, type, count(*)::int AS n FROM documents GROUP BY 1, 2 ORDER BY 1, 2`);
}

/** Transaction sets and EDIFACT messages we sent, by partner and set type (855, 856, 810, DESADV...). */
export function outboundSetCounts(knex: Knex): Promise<TypeCount[]> {
  return rows(knex, `SELECT g.partner_id AS partner, s.type, count(*)::int AS n
    FROM outbound_sets s JOIN outbound_groups g ON g.id = s.group_id GROUP BY 1, 2 ORDER BY 1, 2`);
}

/**
 * How long each stage took over the most recent trail events: the time from a message's previous
 * event to the stage's 'ok' event. `queued` is the wait from a message's receipt (or replay
 * request) to a worker starting on it.
 */
export function stageLatencies(knex: Knex): Promise<StageLatency[]> {
  return rows(knex, `WITH recent AS (
      SELECT CASE WHEN stage = 'process' AND outcome = 'info' THEN 'queued' ELSE stage END AS stage, outcome,
             extract(epoch FROM at - lag(at) OVER (PARTITION BY message_id ORDER BY id))::float8 AS seconds
        FROM message_events
       WHERE id > (SELECT coalesce(max(id), 0) FROM message_events) - ?
    )
    SELECT stage, count(*)::int AS n,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds)::float8 AS p50,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds)::float8 AS p90,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY seconds)::float8 AS p99,
           sum(seconds)::float8 AS sum
      FROM recent
     WHERE seconds IS NOT NULL AND (outcome = 'ok' OR stage = 'queued')
     GROUP BY stage ORDER BY stage`, [LATENCY_WINDOW_EVENTS]);
}

/** Functional acknowledgments (997, 999, CONTRL) partners owe us: still within their window, and overdue. */
export function ackCounts(knex: Knex): Promise<AckCount[]> {
  return rows(knex, `SELECT partner_id AS partner, ack_expected AS kind,
           count(*) FILTER (WHERE ack_due_at < now())::int AS overdue,
           count(*) FILTER (WHERE ack_due_at >= now())::int AS pending,
           coalesce(extract(epoch FROM now() - min(ack_due_at) FILTER (WHERE ack_due_at < now())), 0)::float8 AS "oldestOverdueSeconds"
      FROM outbound_groups WHERE ack_expected IS NOT NULL AND ack_status IS NULL
     GROUP BY 1, 2 ORDER BY 1, 2`);
}

/** Failed and retried stages ever recorded, by error code (the trail is append-only: these only grow). */
export function errorCounts(knex: Knex): Promise<ErrorCount[]> {
  return rows(knex, `SELECT code, count(*)::int AS n FROM message_events
     WHERE outcome IN ('failed', 'retrying') GROUP BY 1 ORDER BY 1`);
}

/** Messages parked as exceptions now, by partner and code. */
export function exceptionCounts(knex: Knex): Promise<ExceptionCount[]> {
  return rows(knex, `SELECT m.partner_id AS partner, s.error_code AS code, count(*)::int AS n
      FROM message_state s JOIN messages m ON m.id = s.message_id
     WHERE s.status = 'exception' GROUP BY 1, 2 ORDER BY 1, 2`);
}
