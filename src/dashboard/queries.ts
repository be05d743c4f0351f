import type { Knex } from 'knex';
import type { GatewayConfig } from '../config/gateway.config';
import type { PartnerRegistry } from '../partners/partner-registry';
import { validateX12Bytes } from '../parsers/x12/validate-stream';
import { x12Context } from '../pipeline/x12-inspect';
import type { MessageEvent, MessageRow, MessageStatus } from '../store/messages.repo';
import type { Located } from './raw-edi';

/** The store reads the dashboard's pages need beyond the repos': plain SQL, PGlite and PostgreSQL alike. */

const COLUMNS = `m.id, m.direction, m.transport, m.transport_ref AS "transportRef", m.partner_id AS "partnerId",
  m.filename, m.sha256, m.size_bytes AS "sizeBytes", m.duplicate_of AS "duplicateOf", m.created_at AS "createdAt",
  s.status, s.stage, s.error_code AS "errorCode", s.error_message AS "errorMessage", s.attempts, s.updated_at AS "updatedAt"`;

export interface MessageSearch {
  po?: string;
  partnerId?: string;
  status?: MessageStatus;
  direction?: 'in' | 'out';
  type?: string;
  from?: Date;
  to?: Date;
  /** Only messages with a smaller id: the next page. */
  beforeId?: number;
  limit?: number;
}

export interface FoundMessage extends MessageRow { types: string | null; keys: string | null }

/**
 * Messages by partner, status, direction, document type, date and business number (PO, shipment,
 * invoice). A number is found in the stored documents; an inbound message that never became a
 * document (an order rejected in translation) is found by the number in its raw bytes.
 */
export async function searchMessages(db: Knex, q: MessageSearch): Promise<FoundMessage[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.status) { where.push('s.status = ?'); args.push(q.status); }
  if (q.partnerId) { where.push('m.partner_id = ?'); args.push(q.partnerId); }
  if (q.direction) { where.push('m.direction = ?'); args.push(q.direction); }
  if (q.from) { where.push('m.created_at >= ?'); args.push(q.from); }
  if (q.to) { where.push('m.created_at < ?'); args.push(q.to); }
  if (q.beforeId) { where.push('m.id < ?'); args.push(q.beforeId); }
  if (q.type) { where.push('EXISTS (SELECT 1 FROM documents d WHERE d.message_id = m.id AND d.type = ?)'); args.push(q.type); }
  if (q.po) {
    const rawIds = await rawMatches(db, q.po);
    where.push(`(EXISTS (SELECT 1 FROM documents d WHERE d.message_id = m.id AND (d.business_key = ? OR d.body->>'poNumber' = ?
        OR d.body->'orders' @> jsonb_build_array(jsonb_build_object('poNumber', ?::text))))${rawIds.length ? ` OR m.id IN (${rawIds.map(() => '?').join(', ')})` : ''})`);
    args.push(q.po, q.po, q.po, ...rawIds);
  }
  args.push(Math.min(Math.max(q.limit ?? 100, 1), 500));
  const { rows } = await db.raw(
    `SELECT ${COLUMNS},
       (SELECT string_agg(DISTINCT d.type, ', ') FROM documents d WHERE d.message_id = m.id) AS types,
       (SELECT string_agg(DISTINCT d.business_key, ', ') FROM documents d WHERE d.message_id = m.id) AS keys
       FROM messages m JOIN message_state s ON s.message_id = m.id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY m.id DESC LIMIT ?`, args as Knex.RawBinding[]);
  return rows;
}

const RAW_SEARCH_DAYS = 90;

/** Inbound messages of the last 90 days without documents whose bytes hold `po` as a whole value. */
async function rawMatches(db: Knex, po: string): Promise<number[]> {
  if (po.length < 3) return [];
  const since = new Date(Date.now() - RAW_SEARCH_DAYS * 86_400_000);
  const { rows } = await db.raw(
    `SELECT m.id, m.content FROM messages m
      WHERE m.direction = 'in' AND m.content IS NOT NULL AND m.created_at >= ? AND position(?::bytea in m.content) > 0
        AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.message_id = m.id)
      ORDER BY m.id DESC LIMIT 50`, [since, Buffer.from(po, 'latin1')]);
  const whole = new RegExp(`(^|[^A-Za-z0-9])${po.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9]|$)`);
  return rows.filter((r: { content: Buffer }) => whole.test(Buffer.from(r.content).toString('latin1'))).map((r: { id: unknown }) => Number(r.id));
}

export interface Volume { partnerId: string | null; direction: 'in' | 'out'; docType: string | null; messages: number; exceptions: number }

export async function volumesSince(db: Knex, since: Date): Promise<Volume[]> {
  // A message without documents (an acknowledgment, a refused order) is named by its X12 set or
  // EDIFACT message type, read from the start of its bytes.
  const { rows } = await db.raw(
    `SELECT v."partnerId", v.direction, v."docType", count(DISTINCT v.id) AS messages,
            count(DISTINCT v.id) FILTER (WHERE v.status = 'exception') AS exceptions
       FROM (SELECT m.id, m.partner_id AS "partnerId", m.direction, s.status, coalesce(d.type,
               'X12 ' || substring(encode(substring(m.content from 1 for 4096), 'escape') from '[^A-Za-z]ST[^A-Za-z0-9 ]([0-9]{3})[^0-9]'),
               'EDIFACT ' || substring(encode(substring(m.content from 1 for 4096), 'escape') from 'UNH[+][^+]*[+]([A-Z]{6})')) AS "docType"
               FROM messages m JOIN message_state s ON s.message_id = m.id
               LEFT JOIN (SELECT DISTINCT message_id, type FROM documents) d ON d.message_id = m.id
              WHERE m.created_at >= ?) v
      GROUP BY v."partnerId", v.direction, v."docType" ORDER BY 1, 2, 3`, [since]);
  return rows.map((r: any) => ({ ...r, messages: Number(r.messages), exceptions: Number(r.exceptions) }));
}

export interface ExceptionReason { errorCode: string | null; stage: string; count: number; oldest: Date }

export async function exceptionsByReason(db: Knex): Promise<ExceptionReason[]> {
  const { rows } = await db.raw(
    `SELECT error_code AS "errorCode", stage, count(*) AS count, min(updated_at) AS oldest FROM message_state
      WHERE status = 'exception' GROUP BY error_code, stage ORDER BY count(*) DESC, error_code`);
  return rows.map((r: any) => ({ ...r, count: Number(r.count), oldest: new Date(r.oldest) }));
}

export interface HourBucket { hour: Date; in: number; out: number }

/** Messages stored per hour over the last `hours`, oldest first, empty hours included. */
export async function throughput(db: Knex, now: Date, hours = 24): Promise<HourBucket[]> {
  const HOUR = 3_600_000;
  const first = Math.floor(now.getTime() / HOUR) - hours + 1;
  const { rows } = await db.raw(
    `SELECT floor(extract(epoch FROM created_at) / 3600) AS h, direction, count(*) AS n FROM messages
      WHERE created_at >= ? GROUP BY 1, 2`, [new Date(first * HOUR)]);
  const buckets = Array.from({ length: hours }, (_, i) => ({ hour: new Date((first + i) * HOUR), in: 0, out: 0 }));
  for (const r of rows) {
    const b = buckets[Number(r.h) - first];
    if (b) b[r.direction as 'in' | 'out'] += Number(r.n);
  }
  return buckets;
}

export interface StuckMessage { id: number; partnerId: string | null; direction: string; status: string; stage: string; since: Date; filename: string | null }

/** Messages still in the pipeline (received, processing, retrying) untouched for `minutes`. */
export async function stuckMessages(db: Knex, now: Date, minutes = 15): Promise<StuckMessage[]> {
  const { rows } = await db.raw(
    `SELECT m.id, m.partner_id AS "partnerId", m.direction, s.status, s.stage, s.updated_at AS since, m.filename
       FROM messages m JOIN message_state s ON s.message_id = m.id
      WHERE s.status IN ('received', 'processing', 'retrying') AND s.updated_at < ? ORDER BY s.updated_at LIMIT 200`,
  [new Date(now.getTime() - minutes * 60_000)]);
  return rows.map((r: any) => ({ ...r, id: Number(r.id), since: new Date(r.since) }));
}

/** Open messages that belong to no partner with a profile: nobody's queue will pick them up. */
export async function orphanedMessages(db: Knex, known: string[]): Promise<StuckMessage[]> {
  const { rows } = await db.raw(
    `SELECT m.id, m.partner_id AS "partnerId", m.direction, s.status, s.stage, m.created_at AS since, m.filename
       FROM messages m JOIN message_state s ON s.message_id = m.id
      WHERE s.status NOT IN ('done', 'resolved', 'duplicate')
        AND (m.partner_id IS NULL${known.length ? ` OR m.partner_id NOT IN (${known.map(() => '?').join(', ')})` : ''})
      ORDER BY m.id LIMIT 200`, known);
  return rows.map((r: any) => ({ ...r, id: Number(r.id), since: new Date(r.since) }));
}

/** Per partner: messages waiting in the pipeline. */
export async function queueDepths(db: Knex): Promise<Map<string, number>> {
  const { rows } = await db.raw(
    `SELECT m.partner_id, count(*) AS n FROM messages m JOIN message_state s ON s.message_id = m.id
      WHERE s.status IN ('received', 'processing', 'retrying') AND m.partner_id IS NOT NULL GROUP BY m.partner_id`);
  return new Map(rows.map((r: any) => [r.partner_id, Number(r.n)]));
}

export interface AckDeadline { partnerId: string; pending: number; overdue: number; nextDue: Date | null }

/** Acknowledgments partners owe us: how many, how many late, the next one due. */
export async function ackDeadlines(db: Knex, now: Date): Promise<Map<string, AckDeadline>> {
  const { rows } = await db.raw(
    `SELECT partner_id, count(*) AS pending, count(*) FILTER (WHERE ack_due_at < ?) AS overdue,
            min(ack_due_at) FILTER (WHERE ack_due_at >= ?) AS next_due
       FROM outbound_groups WHERE ack_expected IS NOT NULL AND ack_status IS NULL GROUP BY partner_id`, [now, now]);
  return new Map(rows.map((r: any) => [r.partner_id, { partnerId: r.partner_id, pending: Number(r.pending), overdue: Number(r.overdue),
    nextDue: r.next_due ? new Date(r.next_due) : null }]));
}

/**
 * Where the latest run of a message went wrong, with positions: the problems the pipeline
 * recorded (translation: set, segment, value) and, for X12, the validator's errors found again
 * in the stored bytes (segment, element). Only for a message that is an exception or resolved.
 */
export function locatedProblems(message: MessageRow, events: MessageEvent[], content: Buffer | undefined,
  config: GatewayConfig, partners: PartnerRegistry): Located[] {
  if (!['exception', 'resolved'].includes(message.status)) return [];
  const lastReplay = events.map((e) => e.stage).lastIndexOf('replay');
  const out: Located[] = [];
  for (const e of events.slice(lastReplay + 1)) {
    const data = (typeof e.data === 'string' ? JSON.parse(e.data) : e.data) as { problems?: any[] } | null;
    for (const p of data?.problems ?? []) {
      const issue = p.issue ?? {};
      out.push({ code: issue.code ?? p.code, message: issue.message ?? p.message, setControl: p.setControl, segment: issue.segment,
        position: issue.position, element: issue.element, value: issue.value });
    }
  }
  if (content && content.length <= 2 * 1024 * 1024 && /^\s*ISA/.test(content.subarray(0, 16).toString('latin1'))) {
    try {
      const result = validateX12Bytes(content, x12Context(config, partners));
      for (const ic of result.report.interchanges) {
        for (const e of ic.errors) out.push({ code: e.code, message: `interchange ${ic.controlNumber}: ${e.message}` });
        for (const g of ic.groups) {
          for (const e of g.errors) out.push({ code: e.code, message: `group ${g.controlNumber}: ${e.message}` });
          for (const s of g.sets) {
            for (const e of s.errors) out.push({ code: e.code, message: e.message, setControl: s.controlNumber, segment: e.segment, position: e.position, element: e.element });
          }
        }
      }
    } catch { /* unreadable bytes: the trail says why */ }
  }
  return out;
}

export interface UnreadMessage { id: number; partnerId: string | null; createdAt: Date; errorCode: string | null; errorMessage: string | null; filename: string | null }

/**
 * Inbound messages of a range that are exceptions without any document: an order refused before
 * it became one (an unknown item, a bad envelope) has no reconciliation row, so it is listed apart.
 */
export async function unreadInbound(db: Knex, q: { from: Date; to: Date; partnerId?: string }): Promise<UnreadMessage[]> {
  const { rows } = await db.raw(
    `SELECT m.id, m.partner_id AS "partnerId", m.created_at AS "createdAt", s.error_code AS "errorCode", s.error_message AS "errorMessage", m.filename
       FROM messages m JOIN message_state s ON s.message_id = m.id
      WHERE m.direction = 'in' AND s.status = 'exception' AND m.created_at >= ? AND m.created_at < ?${q.partnerId ? ' AND m.partner_id = ?' : ''}
        AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.message_id = m.id)
      ORDER BY m.id DESC LIMIT 200`, [q.from, q.to, ...(q.partnerId ? [q.partnerId] : [])]);
  return rows.map((r: any) => ({ ...r, id: Number(r.id) }));
}
