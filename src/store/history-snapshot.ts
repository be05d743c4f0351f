import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { followingControlNumber, type ControlKind } from './control-numbers.repo';
import type { SqlQuery, StoreHistory } from './history';
import type { InterchangeKey, PriorInterchange } from './interchanges.repo';

/**
 * The history snapshot: what `validate`, `ack` and `translate` read from the embedded store (earlier
 * interchanges within the duplicate window, the control-number sequences), as a file beside it,
 * so that those commands need not boot PGlite (seconds and hundreds of MB) when nothing holds the
 * store.
 *
 * Who writes it: the owner of the embedded store (the daemon, or a CLI command that opened PGlite),
 * when it closes cleanly, after the last client has gone and before PGlite closes, so it holds
 * every committed row. Written to a temporary file and renamed: a reader sees the old file or the
 * new one, never half of one.
 *
 * Why it can be trusted: an owner deletes it when it opens the store (before PGlite starts), so a
 * snapshot exists only between a clean close and the next open; an owner that crashes leaves
 * none. Besides, the snapshot records PGlite's pg_control file (mtime, size, inode) as it was
 * after the close; PostgreSQL rewrites pg_control whenever it starts or stops, so a store opened
 * by anything since (another tool, a restored backup) no longer matches and the snapshot is not
 * used. A reader that finds no valid snapshot opens the store as before (slow, correct), and
 * being its owner then, leaves a fresh snapshot for the next command.
 *
 * This module only reads and writes the file and answers from it; the owner's close
 * (embedded-pglite.ts) and the CLI (src/cli/history-source.ts) decide when.
 */

export const SNAPSHOT_FILE = 'history-snapshot.json';

/**
 * A store with more interchanges in the window than this gets no snapshot (the CLI then opens the
 * store, or attaches to the daemon): reading a bigger file would cost what the snapshot saves.
 * 100,000 rows are about 8 MB, read and checked in about 40 ms and 25 MB.
 */
export const SNAPSHOT_MAX_INTERCHANGES = 100_000;

/**
 * An interchange is one string, its fields joined by U+001F (which no envelope field we record
 * holds; a store where one does gets no snapshot):
 *   standard, sender qualifier, sender id, control number   -- the key findPriorInterchange looks up
 *   id (16 digits, zero-padded), message id, recorded_at in ms since the epoch (floored: a window
 *   starts on a whole ms, so `floor(t) >= since` exactly when `t >= since`)
 * and the list is sorted by UTF-16 code unit. So a key's rows are adjacent and in id order (the
 * store's ORDER BY id), found by binary search: nothing to index, and 100,000 rows cost
 * 100,000 short strings where arrays of fields cost four times the memory and time.
 */
const SEP = '\u001f';
const ROW = /^(?:X12|EDIFACT)\x1f[^\x1f]*\x1f[^\x1f]*\x1f[^\x1f]*\x1f\d{16}\x1f\d{1,16}\x1f\d{1,16}$/;

function sortedRows(rows: string[]): boolean {
  for (let i = 0; i < rows.length; i++) {
    if (!ROW.test(rows[i]) || (i > 0 && !(rows[i - 1] < rows[i]))) return false;
  }
  return true;
}

const InterchangeRows = z.array(z.string()).refine(sortedRows, 'interchange rows malformed or not sorted');

const ControlNumberRow = z.tuple([z.string(), z.string(), z.number().int().nonnegative()]); // partner_id, kind, last_value

const Fingerprint = z.object({ mtimeMs: z.number(), size: z.number(), ino: z.number() });

export const HistorySnapshotSchema = z.object({
  format: z.literal('edi-gateway-history-snapshot'),
  version: z.literal(1),
  writtenAt: z.iso.datetime(),
  /** Every inbound interchange (not itself a duplicate) recorded at or after this instant is listed. */
  coversFrom: z.iso.datetime(),
  /** pg_control after the owner closed the store; undefined when there was none to look at. */
  store: Fingerprint.optional(),
  interchanges: InterchangeRows,
  controlNumbers: z.array(ControlNumberRow),
});

export type HistorySnapshot = z.infer<typeof HistorySnapshotSchema>;
export type StoreFingerprint = z.infer<typeof Fingerprint>;

export function snapshotPath(storeDir: string): string {
  return path.join(storeDir, SNAPSHOT_FILE);
}

/** PostgreSQL's control file under PGlite's data folder, rewritten at every start and stop. */
export function storeFingerprint(dataDir: string): StoreFingerprint | undefined {
  const st = fs.statSync(path.join(dataDir, 'global', 'pg_control'), { throwIfNoEntry: false });
  return st ? { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino } : undefined;
}

/**
 * Reads the history out of the store (the same rows findPriorInterchange and peekControlNumber
 * look at), covering `windowDays` back from `now`. Undefined, with the reason, when there are more
 * than SNAPSHOT_MAX_INTERCHANGES.
 */
export async function collectHistory(query: SqlQuery, windowDays: number, now = new Date()):
  Promise<{ snapshot: Omit<HistorySnapshot, 'store'> } | { reason: string }> {
  const coversFrom = new Date(now.getTime() - windowDays * 86_400_000);
  const { rows } = await query(
    `SELECT id::float8 AS id, message_id::float8 AS message_id, standard, sender_qualifier, sender_id, control_number,
            floor(extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_ms
       FROM interchanges
      WHERE direction = 'in' AND duplicate_of IS NULL AND recorded_at >= $1
      ORDER BY id
      LIMIT ${SNAPSHOT_MAX_INTERCHANGES + 1}`, [coversFrom.toISOString()]);
  if (rows.length > SNAPSHOT_MAX_INTERCHANGES) {
    return { reason: `more than ${SNAPSHOT_MAX_INTERCHANGES} interchanges in the last ${windowDays} days` };
  }
  const interchanges: string[] = [];
  for (const r of rows) {
    const fields = [String(r.standard), String(r.sender_qualifier), String(r.sender_id), String(r.control_number)];
    if (fields.some((f) => f.includes(SEP))) return { reason: `interchange ${r.id}: an envelope field holds U+001F` };
    interchanges.push([...fields, String(Number(r.id)).padStart(16, '0'), String(Number(r.message_id)), String(Number(r.recorded_ms))].join(SEP));
  }
  interchanges.sort(); // by code unit, as the reader's binary search compares
  const sequences = await query('SELECT partner_id, kind, last_value::float8 AS last_value FROM control_numbers ORDER BY partner_id, kind');
  return {
    snapshot: {
      format: 'edi-gateway-history-snapshot',
      version: 1,
      writtenAt: now.toISOString(),
      coversFrom: coversFrom.toISOString(),
      interchanges,
      controlNumbers: sequences.rows.map((r) => [String(r.partner_id), String(r.kind), Number(r.last_value)]),
    },
  };
}

/** Writes the snapshot atomically: a temporary file beside it, flushed, then renamed over it. */
export function writeHistorySnapshot(storeDir: string, snapshot: HistorySnapshot): void {
  const file = snapshotPath(storeDir);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(snapshot));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Called by an owner as it opens the store: from now on the store may hold rows the snapshot lacks. */
export function invalidateHistorySnapshot(storeDir: string): void {
  fs.rmSync(snapshotPath(storeDir), { force: true });
}

export type SnapshotRead = { snapshot: HistorySnapshot } | { reason: string };

/**
 * The snapshot, if there is one that still describes the store in `dataDir` and reaches back to
 * `needsSince` (the longest duplicate window a check may use); else why not.
 */
export function readHistorySnapshot(storeDir: string, dataDir: string, needsSince: Date): SnapshotRead {
  let text: string;
  try {
    text = fs.readFileSync(snapshotPath(storeDir), 'utf8');
  } catch (err) {
    return { reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no history snapshot' : `history snapshot unreadable: ${(err as Error).message}` };
  }
  let parsed: HistorySnapshot;
  try {
    const r = HistorySnapshotSchema.safeParse(JSON.parse(text));
    if (!r.success) return { reason: `history snapshot invalid: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}` };
    parsed = r.data;
  } catch (err) {
    return { reason: `history snapshot invalid: ${(err as Error).message}` };
  }
  const now = storeFingerprint(dataDir);
  const then = parsed.store;
  if (!now || !then || now.mtimeMs !== then.mtimeMs || now.size !== then.size || now.ino !== then.ino) {
    return { reason: 'history snapshot stale: the store was opened after it was written' };
  }
  if (Date.parse(parsed.coversFrom) > needsSince.getTime()) {
    return { reason: `history snapshot covers from ${parsed.coversFrom}, a duplicate window reaches back to ${needsSince.toISOString()}` };
  }
  return { snapshot: parsed };
}

/** The snapshot as the store's history: the same answers findPriorInterchange and peekControlNumber give. */
export function snapshotHistory(snapshot: HistorySnapshot): StoreHistory {
  const coversFrom = Date.parse(snapshot.coversFrom);
  const rows = snapshot.interchanges;
  /** The rows of one key, in id order: the first row not below `${key}SEP`, and those after it that start so. */
  function* rowsOf(key: InterchangeKey): Generator<PriorInterchange> {
    const prefix = [key.standard, key.senderQualifier, key.senderId, key.controlNumber, ''].join(SEP);
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rows[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < rows.length && rows[i].startsWith(prefix); i++) {
      const [id, messageId, recordedMs] = rows[i].slice(prefix.length).split(SEP).map(Number);
      yield { id, messageId, recordedAt: new Date(recordedMs) };
    }
  }
  const sequences = new Map(snapshot.controlNumbers.map(([partner, kind, last]) => [`${partner}\u0000${kind}`, last]));
  return {
    async findPriorInterchange(key: InterchangeKey, since: Date, excludeMessageId?: number): Promise<PriorInterchange | undefined> {
      if (since.getTime() < coversFrom) throw new Error(`history snapshot covers from ${snapshot.coversFrom}, asked from ${since.toISOString()}`);
      for (const prior of rowsOf(key)) {
        if (prior.recordedAt.getTime() >= since.getTime() && prior.messageId !== excludeMessageId) return prior;
      }
      return undefined;
    },
    async peekControlNumber(partnerId: string, kind: ControlKind): Promise<number> {
      return followingControlNumber(kind, sequences.get(`${partnerId}\u0000${kind}`));
    },
  };
}
