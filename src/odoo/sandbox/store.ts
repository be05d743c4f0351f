import {
  closeSync, existsSync, fdatasyncSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync,
} from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

export type Row = { id: number } & Record<string, unknown>;

export interface Table { nextId: number; rows: Record<string, Row> }

export interface DbState {
  /** Bumped when the file layout changes; an unknown layout is refused rather than misread. */
  format: 1;
  seeded: boolean;
  tables: Record<string, Table>;
  /** ir.sequence stand-in: last number handed out per sequence code. */
  sequences: Record<string, number>;
}

const FILE = 'sandbox-odoo.json';
const JOURNAL = 'sandbox-odoo.journal.jsonl';

/**
 * One mutation as the journal keeps it, with the value it left (not the step that made it), so
 * that replaying a line gives the state the transaction committed:
 * i = row inserted (whole row), u = row updated (changed fields, then fields that went away),
 * d = row deleted, n = a table's nextId, s = a sequence's last number, seeded = the seed flag.
 */
export type JournalOp =
  | ['i', string, Row]
  | ['u', string, number, Record<string, unknown>, string[]?]
  | ['d', string, number]
  | ['n', string, number]
  | ['s', string, number]
  | ['seeded', boolean];

/** What a transaction changed first, with the value before it: undone in reverse on failure. */
type Undo =
  | { k: 'row'; model: string; id: number; prev: Row | undefined; copy: Record<string, unknown> | undefined }
  | { k: 'table'; model: string }
  | { k: 'nextId'; model: string; prev: number }
  | { k: 'seq'; code: string; prev: number | undefined }
  | { k: 'seeded'; prev: boolean };

export interface StoreOptions {
  /** Compact (new snapshot, empty journal) once the journal is this big. Default 64 MB. */
  maxJournalBytes?: number;
}

/** Rows of one model by the raw stored value of one field (id order is restored on lookup). */
type Index = Map<unknown, Set<number>>;

/**
 * The sandbox's database: plain tables of rows in memory; on disk a snapshot (sandbox-odoo.json)
 * and a journal of the transactions committed since (sandbox-odoo.journal.jsonl).
 *
 * Each RPC call is one transaction (as each execute_kw is in Odoo). Every first change of a row,
 * a table's nextId, a sequence or the seed flag in a transaction records the value before it (the
 * undo log): on failure they are put back in reverse, so memory never holds half a call. On
 * success one journal line lists what the call changed; it is appended and fdatasync'd before the
 * call returns, so disk never holds half a call either (a torn last line, from a crash in the
 * middle of an append, is ignored on load). Start replays the journal over the snapshot; a
 * compaction (at start, at close, and when the journal grows past maxJournalBytes) writes a new
 * snapshot atomically (temp file, fsync, rename) and removes the journal. The journal's first line
 * names the snapshot it continues (a random token kept in the snapshot), so a journal left beside
 * a newer snapshot, or beside none (the snapshot was deleted to start afresh), is not replayed.
 *
 * Rows handed out are the stored objects: change them only through insert/update/delete, which
 * the undo log, the journal and the indexes see.
 */
export class Store {
  state: DbState;
  private inTx = false;
  private undo: Undo[] = [];
  /** model -> id -> the undo entry of the row's first change in this transaction. */
  private touchedRows = new Map<string, Map<number, Extract<Undo, { k: 'row' }>>>();
  private touchedNextId = new Map<string, number>();
  private touchedSeq = new Map<string, number | undefined>();
  private touchedSeeded: boolean | undefined;
  /** model -> field -> index, built on first use and kept up to date by every change. */
  private indexes = new Map<string, Map<string, Index>>();
  /** The token of the snapshot on disk: the journal's first line must name it. */
  private base: string | undefined;
  private journalFd: number | undefined;
  private journalBytes = 0;
  private readonly maxJournalBytes: number;
  private txCount = 0;

  constructor(private readonly dir?: string, opts: StoreOptions = {}) {
    this.state = emptyState();
    this.maxJournalBytes = opts.maxJournalBytes ?? 64 * 2 ** 20;
    if (dir) this.open(dir);
  }

  get file(): string | undefined {
    return this.dir ? join(this.dir, FILE) : undefined;
  }

  get journalFile(): string | undefined {
    return this.dir ? join(this.dir, JOURNAL) : undefined;
  }

  /** A model's table; reads of a model never written get an empty one that is not stored. */
  table(model: string): Table {
    return this.state.tables[model] ?? { nextId: 1, rows: {} };
  }

  rows(model: string): Row[] {
    const t = this.state.tables[model];
    return t ? Object.values(t.rows) : [];
  }

  get(model: string, id: number): Row | undefined {
    return this.state.tables[model]?.rows[id];
  }

  /**
   * The rows whose stored `field` is `value` (===), in id order, from an index on (model, field)
   * built on first use. Only the raw stored value counts: a row without the field is found under
   * undefined, not under the field's empty value.
   */
  where(model: string, field: string, value: unknown): Row[] {
    const ids = this.index(model, field).get(value);
    if (!ids || !ids.size) return [];
    const rows = this.state.tables[model]!.rows;
    return [...ids].sort((a, b) => a - b).map((id) => rows[id]);
  }

  /** How many rows `where` would give, without building them. */
  countWhere(model: string, field: string, value: unknown): number {
    return this.index(model, field).get(value)?.size ?? 0;
  }

  insert(model: string, row: Omit<Row, 'id'>, id?: number): Row {
    const t = this.writableTable(model);
    const newId = id ?? t.nextId;
    this.setNextId(model, t, Math.max(t.nextId, newId + 1));
    const full = { ...row, id: newId } as Row;
    this.noteRow(model, newId);
    this.putRow(model, t, newId, full);
    return full;
  }

  update(model: string, id: number, vals: Record<string, unknown>): void {
    const row = this.state.tables[model]?.rows[id];
    // As before (Object.assign on a missing row): a TypeError, with nothing changed.
    if (!row) throw new TypeError(`Cannot convert undefined or null to object (${model} ${id} is gone)`);
    this.noteRow(model, id);
    this.patchRow(model, row, vals);
  }

  delete(model: string, id: number): void {
    const t = this.state.tables[model];
    if (!t || !t.rows[id]) return;
    this.noteRow(model, id);
    this.putRow(model, t, id, undefined);
  }

  nextSequence(code: string): number {
    if (this.inTx && !this.touchedSeq.has(code)) {
      this.touchedSeq.set(code, this.state.sequences[code]);
      this.undo.push({ k: 'seq', code, prev: this.state.sequences[code] });
    }
    this.state.sequences[code] = (this.state.sequences[code] ?? 0) + 1;
    return this.state.sequences[code];
  }

  /** The database has been seeded (seed.ts): kept with the data like any other change. */
  markSeeded(): void {
    if (this.inTx && this.touchedSeeded === undefined) {
      this.touchedSeeded = this.state.seeded;
      this.undo.push({ k: 'seeded', prev: this.state.seeded });
    }
    this.state.seeded = true;
  }

  /** Runs fn as one transaction. Nothing is written (to memory or disk) unless fn returns. */
  transaction<T>(fn: () => T): T {
    if (this.inTx) return fn();
    this.inTx = true;
    this.clearLog();
    try {
      const result = fn();
      if (this.undo.length) this.commit();
      return result;
    } catch (err) {
      this.rollbackInPlace();
      throw err;
    } finally {
      this.inTx = false;
      this.clearLog();
    }
  }

  /** Rolls back to the start of the current transaction and keeps going (load() reports errors as data). */
  rollbackInPlace(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) this.undoOne(this.undo[i]);
    this.clearLog();
  }

  /**
   * Writes the whole state as a new snapshot (temp file, fsync, rename, fsync of the directory)
   * and removes the journal, which the snapshot now holds.
   */
  compact(): void {
    if (!this.dir) return;
    if (this.inTx) throw new Error('sandbox store: compact() inside a transaction');
    const file = join(this.dir, FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    const token = randomUUID();
    const { format, seeded, tables, sequences } = this.state;
    writeFileSync(tmp, JSON.stringify({ format, seeded, tables, sequences, journal: token }));
    const fd = openSync(tmp, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
    renameSync(tmp, file);
    syncDir(this.dir);
    this.base = token;
    // A crash from here on leaves a journal naming the old snapshot: not replayed, as it should not be.
    this.closeJournal();
    const journal = join(this.dir, JOURNAL);
    if (existsSync(journal)) {
      unlinkSync(journal);
      syncDir(this.dir);
    }
    this.journalBytes = 0;
    this.txCount = 0;
  }

  /** Compacts (so that the data dir holds just the snapshot) and lets go of the journal. */
  close(): void {
    if (!this.dir) return;
    if (this.journalBytes > 0 || existsSync(join(this.dir, JOURNAL))) this.compact();
    this.closeJournal();
  }

  /** Committed transactions in the journal since the last compaction (tests, bench). */
  get journalTransactions(): number {
    return this.txCount;
  }

  // -------------------------------------------------------------------------------------------
  // Loading

  private open(dir: string): void {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, FILE);
    const journal = join(dir, JOURNAL);
    const hasSnapshot = existsSync(file);
    if (hasSnapshot) {
      const loaded = JSON.parse(readFileSync(file, 'utf8')) as DbState & { journal?: string };
      if (loaded.format !== 1) throw new Error(`${file}: unknown sandbox data format ${String(loaded.format)}`);
      this.base = loaded.journal;
      delete loaded.journal;
      this.state = loaded;
    }
    let replayed = false;
    if (existsSync(journal)) {
      // Without its snapshot (deleted to start afresh) or beside a newer one, a journal is stale.
      replayed = hasSnapshot && this.replay(journal);
    }
    // A fresh directory gets its (empty) snapshot first: a journal always continues one on disk.
    if (!hasSnapshot || replayed || existsSync(journal) || this.base === undefined) this.compact();
  }

  /** Applies the journal's complete lines; false when it does not continue the snapshot. */
  private replay(journal: string): boolean {
    const text = readFileSync(journal, 'utf8');
    const lines = text.split('\n');
    // Whatever follows the last newline is a line whose append did not finish: never committed.
    lines.pop();
    const parsed: unknown[] = [];
    for (let i = 0; i < lines.length; i++) {
      try {
        parsed.push(JSON.parse(lines[i]));
      } catch {
        // A garbled last line (a crash can leave zeros after the end): not committed either.
        if (lines.slice(i + 1).every((l) => !l.trim())) break;
        throw new Error(`${journal}: line ${i + 1} is not JSON, and committed transactions follow it; the file is damaged`);
      }
    }
    const header = parsed.shift() as { journal?: number; base?: string } | undefined;
    if (!header || header.journal !== 1 || header.base !== this.base) return false;
    for (const tx of parsed as { ops: JournalOp[] }[]) this.apply(tx.ops);
    return true;
  }

  /** A committed transaction's ops, as replay applies them (no undo log, indexes kept). */
  apply(ops: JournalOp[]): void {
    for (const op of ops) {
      switch (op[0]) {
        case 'i': {
          const t = this.writableTable(op[1]);
          this.putRow(op[1], t, op[2].id, op[2]);
          break;
        }
        case 'u': {
          const row = this.get(op[1], op[2]);
          if (!row) throw new Error(`sandbox journal: update of ${op[1]} ${op[2]}, which is not there`);
          this.patchRow(op[1], row, op[3], op[4]);
          break;
        }
        case 'd': {
          const t = this.state.tables[op[1]];
          if (t?.rows[op[2]]) this.putRow(op[1], t, op[2], undefined);
          break;
        }
        case 'n':
          this.writableTable(op[1]).nextId = op[2];
          break;
        case 's':
          this.state.sequences[op[1]] = op[2];
          break;
        case 'seeded':
          this.state.seeded = op[1];
          break;
        default:
          throw new Error(`sandbox journal: unknown op ${JSON.stringify(op)}`);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Commit

  /** What this transaction changed, as journal ops (each row once, with the value it ends with). */
  pendingOps(): JournalOp[] {
    const ops: JournalOp[] = [];
    for (const [model, byId] of this.touchedRows) {
      for (const [id, u] of byId) {
        const cur = this.get(model, id);
        if (!u.prev) {
          if (cur) ops.push(['i', model, cur]);
        } else if (!cur) {
          ops.push(['d', model, id]);
        } else if (cur !== u.prev) {
          // Deleted and inserted again under the same id: the whole new row.
          ops.push(['d', model, id], ['i', model, cur]);
        } else {
          const set: Record<string, unknown> = {};
          const unset: string[] = [];
          let changed = false;
          for (const k of Object.keys(cur)) if (cur[k] !== u.copy![k]) { set[k] = cur[k]; changed = true; }
          for (const k of Object.keys(u.copy!)) if (!(k in cur)) { unset.push(k); changed = true; }
          if (changed) ops.push(unset.length ? ['u', model, id, set, unset] : ['u', model, id, set]);
        }
      }
    }
    for (const [model, prev] of this.touchedNextId) {
      const t = this.state.tables[model];
      if (t && t.nextId !== prev) ops.push(['n', model, t.nextId]);
    }
    for (const [code, prev] of this.touchedSeq) {
      const cur = this.state.sequences[code];
      if (cur !== undefined && cur !== prev) ops.push(['s', code, cur]);
    }
    if (this.touchedSeeded !== undefined && this.touchedSeeded !== this.state.seeded) ops.push(['seeded', this.state.seeded]);
    return ops;
  }

  private commit(): void {
    if (!this.dir) return;
    const ops = this.pendingOps();
    if (!ops.length) return;
    const journal = join(this.dir, JOURNAL);
    let header = '';
    if (this.journalFd === undefined) {
      // After a compaction the journal is gone: it starts again with the snapshot it continues.
      const fresh = !existsSync(journal);
      this.journalFd = openSync(journal, 'a');
      this.journalBytes = fstatSize(journal);
      if (fresh || this.journalBytes === 0) header = `${JSON.stringify({ journal: 1, base: this.base })}\n`;
    }
    const buf = Buffer.from(`${header}${JSON.stringify({ ops })}\n`);
    const before = this.journalBytes;
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.journalFd, buf, off);
      fdatasyncSync(this.journalFd);
    } catch (err) {
      // Take back whatever part of the line got out, so that the next append starts a clean line.
      try { ftruncateSync(this.journalFd, before); } catch { /* the load ignores a torn last line anyway */ }
      throw err;
    }
    this.journalBytes += buf.length;
    this.txCount++;
    if (header) syncDir(this.dir);
    if (this.journalBytes >= this.maxJournalBytes) this.compactAfterCommit();
  }

  /** Compaction after the journal got big. The call is committed already: a failure here only leaves the journal longer. */
  private compactAfterCommit(): void {
    this.inTx = false;
    try {
      this.compact();
    } catch {
      /* the journal still holds everything; the next commit or close tries again */
    } finally {
      this.inTx = true;
    }
  }

  private closeJournal(): void {
    if (this.journalFd !== undefined) {
      closeSync(this.journalFd);
      this.journalFd = undefined;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Undo log

  private clearLog(): void {
    this.undo = [];
    this.touchedRows.clear();
    this.touchedNextId.clear();
    this.touchedSeq.clear();
    this.touchedSeeded = undefined;
  }

  /** Before a row's first change in a transaction: the row object and a copy of its fields. */
  private noteRow(model: string, id: number): void {
    if (!this.inTx) return;
    let byId = this.touchedRows.get(model);
    if (!byId) this.touchedRows.set(model, byId = new Map());
    if (byId.has(id)) return;
    const prev = this.get(model, id);
    const u: Extract<Undo, { k: 'row' }> = { k: 'row', model, id, prev, copy: prev ? { ...prev } : undefined };
    byId.set(id, u);
    this.undo.push(u);
  }

  private writableTable(model: string): Table {
    let t = this.state.tables[model];
    if (!t) {
      t = this.state.tables[model] = { nextId: 1, rows: {} };
      if (this.inTx) this.undo.push({ k: 'table', model });
    }
    return t;
  }

  private setNextId(model: string, t: Table, next: number): void {
    if (next === t.nextId) return;
    if (this.inTx && !this.touchedNextId.has(model)) {
      this.touchedNextId.set(model, t.nextId);
      this.undo.push({ k: 'nextId', model, prev: t.nextId });
    }
    t.nextId = next;
  }

  private undoOne(u: Undo): void {
    switch (u.k) {
      case 'row': {
        const t = this.state.tables[u.model];
        if (!t) return;
        if (!u.prev) {
          this.putRow(u.model, t, u.id, undefined);
        } else {
          // The same object as before, with its fields as they were: a caller holding it sees the old row.
          const obj = u.prev;
          this.putRow(u.model, t, u.id, undefined);
          for (const k of Object.keys(obj)) if (!(k in u.copy!)) delete obj[k];
          Object.assign(obj, u.copy);
          this.putRow(u.model, t, u.id, obj);
        }
        return;
      }
      case 'table':
        // Empty again by now (its rows were undone after it): gone, as before.
        delete this.state.tables[u.model];
        this.indexes.delete(u.model);
        return;
      case 'nextId': {
        const t = this.state.tables[u.model];
        if (t) t.nextId = u.prev;
        return;
      }
      case 'seq':
        if (u.prev === undefined) delete this.state.sequences[u.code];
        else this.state.sequences[u.code] = u.prev;
        return;
      case 'seeded':
        this.state.seeded = u.prev;
        return;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Rows and indexes

  /** Puts a row under an id (or takes it away), keeping the model's indexes right. */
  private putRow(model: string, t: Table, id: number, row: Row | undefined): void {
    const old = t.rows[id];
    if (old) this.unindex(model, old);
    if (row) {
      t.rows[id] = row;
      this.reindex(model, row);
    } else {
      delete t.rows[id];
    }
  }

  private patchRow(model: string, row: Row, vals: Record<string, unknown>, unset?: string[]): void {
    const idx = this.indexes.get(model);
    if (idx) {
      for (const [field, index] of idx) {
        const changes = field in vals || (unset?.includes(field) ?? false);
        if (!changes) continue;
        const next = unset?.includes(field) ? undefined : vals[field];
        if (next === row[field]) continue;
        removeId(index, row[field], row.id);
        addId(index, next, row.id);
      }
    }
    Object.assign(row, vals);
    if (unset) for (const k of unset) delete row[k];
  }

  private index(model: string, field: string): Index {
    let byField = this.indexes.get(model);
    if (!byField) this.indexes.set(model, byField = new Map());
    let index = byField.get(field);
    if (!index) {
      index = new Map();
      for (const row of this.rows(model)) addId(index, row[field], row.id);
      byField.set(field, index);
    }
    return index;
  }

  private unindex(model: string, row: Row): void {
    const idx = this.indexes.get(model);
    if (idx) for (const [field, index] of idx) removeId(index, row[field], row.id);
  }

  private reindex(model: string, row: Row): void {
    const idx = this.indexes.get(model);
    if (idx) for (const [field, index] of idx) addId(index, row[field], row.id);
  }
}

function emptyState(): DbState {
  return { format: 1, seeded: false, tables: {}, sequences: {} };
}

function addId(index: Index, value: unknown, id: number): void {
  let ids = index.get(value);
  if (!ids) index.set(value, ids = new Set());
  ids.add(id);
}

function removeId(index: Index, value: unknown, id: number): void {
  const ids = index.get(value);
  if (!ids) return;
  ids.delete(id);
  if (!ids.size) index.delete(value);
}

function fstatSize(file: string): number {
  try { return statSync(file).size; } catch { return 0; }
}

/** Makes a rename or a new file in the directory durable (a no-op where directories cannot be opened). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* Windows and some filesystems do not sync directories */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
