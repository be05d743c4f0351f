import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync, openSync, fsyncSync, closeSync } from 'node:fs';
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

/**
 * The sandbox's database: plain tables of rows in memory, one JSON file on disk.
 * Each RPC call is one transaction (as each execute_kw is in Odoo): the state is copied on the
 * first write of a call, restored on failure, and written atomically (temp file + rename) on
 * success, so neither memory nor disk ever holds half a call.
 */
export class Store {
  state: DbState;
  private snapshot: DbState | undefined;
  private inTx = false;

  constructor(private readonly dir?: string) {
    this.state = { format: 1, seeded: false, tables: {}, sequences: {} };
    if (dir) {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, FILE);
      if (existsSync(file)) {
        const loaded = JSON.parse(readFileSync(file, 'utf8')) as DbState;
        if (loaded.format !== 1) throw new Error(`${file}: unknown sandbox data format ${String(loaded.format)}`);
        this.state = loaded;
      }
    }
  }

  get file(): string | undefined {
    return this.dir ? join(this.dir, FILE) : undefined;
  }

  table(model: string): Table {
    return (this.state.tables[model] ??= { nextId: 1, rows: {} });
  }

  rows(model: string): Row[] {
    return Object.values(this.table(model).rows);
  }

  get(model: string, id: number): Row | undefined {
    return this.table(model).rows[id];
  }

  /** Call before any mutation: the first one in a transaction takes the undo copy. */
  touch(): void {
    if (this.inTx && !this.snapshot) this.snapshot = structuredClone(this.state);
  }

  insert(model: string, row: Omit<Row, 'id'>, id?: number): Row {
    this.touch();
    const t = this.table(model);
    const newId = id ?? t.nextId;
    t.nextId = Math.max(t.nextId, newId + 1);
    const full = { ...row, id: newId } as Row;
    t.rows[newId] = full;
    return full;
  }

  update(model: string, id: number, vals: Record<string, unknown>): void {
    this.touch();
    Object.assign(this.table(model).rows[id], vals);
  }

  delete(model: string, id: number): void {
    this.touch();
    delete this.table(model).rows[id];
  }

  nextSequence(code: string): number {
    this.touch();
    this.state.sequences[code] = (this.state.sequences[code] ?? 0) + 1;
    return this.state.sequences[code];
  }

  /** Runs fn as one transaction. Nothing is written (to memory or disk) unless fn returns. */
  transaction<T>(fn: () => T): T {
    if (this.inTx) return fn();
    this.inTx = true;
    this.snapshot = undefined;
    try {
      const result = fn();
      if (this.snapshot) this.persist();
      return result;
    } catch (err) {
      if (this.snapshot) this.state = this.snapshot;
      throw err;
    } finally {
      this.inTx = false;
      this.snapshot = undefined;
    }
  }

  /** Rolls back to the start of the current transaction and keeps going (load() reports errors as data). */
  rollbackInPlace(): void {
    if (this.snapshot) this.state = structuredClone(this.snapshot);
  }

  persist(): void {
    if (!this.dir) return;
    const file = join(this.dir, FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    const fd = openSync(tmp, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
    renameSync(tmp, file);
  }
}
