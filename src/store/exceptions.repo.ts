import type { Knex } from 'knex';
import { oneByOne, type Refusal } from '../lib/one-by-one';
import { resolveException } from './messages.repo';

/** An open exception: a message in status 'exception', waiting for a person to replay or resolve it. */
export interface ExceptionRow {
  messageId: number;
  partnerId: string | null;
  direction: 'in' | 'out';
  filename: string | null;
  /** The stage that failed, its error code and message. */
  stage: string;
  errorCode: string | null;
  errorMessage: string | null;
  failedAt: Date;
}

export interface ExceptionFilter {
  partnerId?: string;
  /** The error code; null for the exceptions that have none. */
  code?: string | null;
  stage?: string;
  /** Default 100; callers bound it (MAX_EXCEPTIONS). */
  limit?: number;
}

/** The most exceptions one bulk call acts on (and the API lists): a bounded request, a bounded answer. */
export const MAX_EXCEPTIONS = 1000;

/** Open exceptions, newest first, by partner, error code and failed stage. */
export async function listExceptions(db: Knex, f: ExceptionFilter = {}): Promise<ExceptionRow[]> {
  // By message_state's status (indexed), as the overview's counts and /api/messages?status=exception are.
  const where = [`s.status = 'exception'`];
  const args: (string | number)[] = [];
  if (f.partnerId) { where.push('m.partner_id = ?'); args.push(f.partnerId); }
  if (f.code === null) where.push('s.error_code IS NULL');
  else if (f.code) { where.push('s.error_code = ?'); args.push(f.code); }
  if (f.stage) { where.push('s.stage = ?'); args.push(f.stage); }
  args.push(f.limit ?? 100);
  const { rows } = await db.raw(
    `SELECT s.message_id AS "messageId", m.partner_id AS "partnerId", m.direction, m.filename, s.stage,
            s.error_code AS "errorCode", s.error_message AS "errorMessage", s.updated_at AS "failedAt"
       FROM message_state s JOIN messages m ON m.id = s.message_id
      WHERE ${where.join(' AND ')} ORDER BY s.message_id DESC LIMIT ?`, args);
  return rows;
}

/** What a bulk action is for: these messages, or the open exceptions a filter selects (newest first, up to its limit). */
export type ExceptionTarget = { ids: readonly number[] } | { filter: ExceptionFilter };

/** The messages a target names; `more` when a filter matched more than its limit (ask again for the rest). */
export async function targetIds(db: Knex, target: ExceptionTarget): Promise<{ ids: number[]; more: boolean }> {
  if ('ids' in target) return { ids: [...new Set(target.ids)], more: false };
  const limit = target.filter.limit ?? MAX_EXCEPTIONS;
  const rows = await listExceptions(db, { ...target.filter, limit: limit + 1 });
  return { ids: rows.slice(0, limit).map((r) => r.messageId), more: rows.length > limit };
}

export interface BulkResolve { resolved: { messageId: number }[]; refused: Refusal[]; more: boolean }

/** Resolves each targeted exception with the same note; one that is not an exception is refused, the others resolved. */
export async function resolveMany(db: Knex, target: ExceptionTarget, note: string, by: string): Promise<BulkResolve> {
  const { ids, more } = await targetIds(db, target);
  const { done, refused } = await oneByOne(ids, (id) => resolveException(db, id, note, by));
  return { resolved: done.map((d) => ({ messageId: d.messageId })), refused, more };
}
