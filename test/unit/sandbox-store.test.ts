import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../src/odoo/sandbox/store';

/** The sandbox Odoo's store: undo log, journal, compaction, indexes. */

const plain = (s: Store) => JSON.parse(JSON.stringify(s.state)) as unknown;
const dirs: string[] = [];
const tmpDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-store-'));
  dirs.push(d);
  return d;
};
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

const JOURNAL = 'sandbox-odoo.journal.jsonl';
const SNAPSHOT = 'sandbox-odoo.json';

/** Some data: partners 1-3 (with a tag list), a sequence, the seed flag unset. */
function fill(s: Store): void {
  s.transaction(() => {
    s.insert('res.partner', { name: 'A', ref: 'RA', tags: [1, 2] });
    s.insert('res.partner', { name: 'B', ref: 'RB', tags: [] });
    s.insert('res.partner', { name: 'C', ref: 'RA', parent_id: 1 });
    s.nextSequence('sale.order');
    s.nextSequence('sale.order');
  });
}

/** One transaction touching everything the journal knows. */
function mixed(s: Store, n = 0): void {
  s.transaction(() => {
    const so = s.insert('sale.order', { name: `S${n}`, partner_id: 1 });
    s.insert('sale.order.line', { order_id: so.id, qty: n });
    s.update('res.partner', 2, { name: `B${n}`, email: `b${n}@x` });
    s.delete('res.partner', 3);
    s.insert('res.partner', { name: `D${n}`, ref: 'RD' });
    s.nextSequence('sale.order');
    s.nextSequence(`new.${n}`);
    s.markSeeded();
  });
}

describe('sandbox store: undo log', () => {
  it('a transaction that throws leaves inserted, updated, deleted rows, nextId, sequences and the seed flag exactly as before', () => {
    const s = new Store();
    fill(s);
    const before = structuredClone(s.state);
    const rowA = s.get('res.partner', 1)!;
    const rowC = s.get('res.partner', 3)!;
    expect(s.where('res.partner', 'ref', 'RA').map((r) => r.id)).toEqual([1, 3]);
    expect(() => s.transaction(() => {
      s.update('res.partner', 1, { name: 'A2', ref: 'RZ', added: true, tags: [9] });
      s.update('res.partner', 1, { name: 'A3' });
      s.delete('res.partner', 3);
      s.insert('res.partner', { name: 'again 3', ref: 'RA' }, 3);
      s.insert('res.partner', { name: 'E', ref: 'RA' });
      s.insert('res.partner', { name: 'far', ref: 'RA' }, 40);
      s.delete('res.partner', 2);
      s.insert('sale.order', { name: 'new model' });
      s.nextSequence('sale.order');
      s.nextSequence('fresh');
      s.markSeeded();
      throw new Error('boom');
    })).toThrow('boom');
    expect(s.state).toEqual(before);
    expect(s.state.tables['sale.order']).toBeUndefined();
    expect(s.state.sequences).toEqual({ 'sale.order': 2 });
    expect(s.table('res.partner').nextId).toBe(4);
    // The row objects handed out before are the ones stored again, with their old fields.
    expect(s.get('res.partner', 1)).toBe(rowA);
    expect(rowA).toEqual({ id: 1, name: 'A', ref: 'RA', tags: [1, 2] });
    expect(s.get('res.partner', 3)).toBe(rowC);
    // Indexes follow the rollback.
    expect(s.where('res.partner', 'ref', 'RA').map((r) => r.id)).toEqual([1, 3]);
    expect(s.where('res.partner', 'ref', 'RZ')).toEqual([]);
    expect(s.where('res.partner', 'added', true)).toEqual([]);
  });

  it('rollbackInPlace (load() reporting errors) undoes the call so far, and what follows still commits', () => {
    const dir = tmpDir();
    const s = new Store(dir);
    fill(s);
    const before = plain(s);
    s.transaction(() => {
      s.insert('res.partner', { name: 'X' });
      s.update('res.partner', 1, { name: 'changed' });
      s.rollbackInPlace();
      expect(plain(s)).toEqual(before);
      s.update('res.partner', 2, { name: 'kept' });
    });
    expect(s.get('res.partner', 1)!.name).toBe('A');
    expect(s.get('res.partner', 2)!.name).toBe('kept');
    expect(s.get('res.partner', 4)).toBeUndefined();
    expect(plain(new Store(dir))).toEqual(plain(s));
  });

  it('a call that only reads, or changes nothing in the end, writes no journal line', () => {
    const dir = tmpDir();
    const s = new Store(dir);
    fill(s);
    const size = fs.statSync(path.join(dir, JOURNAL)).size;
    s.transaction(() => { s.rows('res.partner'); s.where('res.partner', 'ref', 'RA'); });
    s.transaction(() => { s.update('res.partner', 1, { name: 'A' }); });
    expect(fs.statSync(path.join(dir, JOURNAL)).size).toBe(size);
  });
});

describe('sandbox store: journal', () => {
  it('restart replays the journal to the state before the restart', () => {
    const dir = tmpDir();
    const s = new Store(dir);
    fill(s);
    for (let i = 0; i < 5; i++) mixed(s, i);
    expect(s.journalTransactions).toBe(6);
    // No close: as after a crash.
    const again = new Store(dir);
    expect(plain(again)).toEqual(plain(s));
    expect(again.where('res.partner', 'ref', 'RD').map((r) => r.name)).toEqual(s.where('res.partner', 'ref', 'RD').map((r) => r.name));
    // Start compacted it: the snapshot holds it all, the journal is gone.
    expect(fs.readdirSync(dir)).toEqual([SNAPSHOT]);
    expect(plain(new Store(dir))).toEqual(plain(s));
  });

  it('ignores a torn last line (a crash in the middle of an append)', () => {
    const dir = tmpDir();
    const s = new Store(dir);
    fill(s);
    mixed(s, 1);
    const committed = plain(s);
    const journal = path.join(dir, JOURNAL);
    const full = fs.readFileSync(journal, 'utf8');
    mixed(s, 2);
    const line = fs.readFileSync(journal, 'utf8').slice(full.length);
    fs.writeFileSync(journal, full + line.slice(0, Math.floor(line.length / 2)));
    expect(plain(new Store(dir))).toEqual(committed);
  });

  it('ignores a garbled last line, and refuses a damaged line with committed lines after it', () => {
    const dir = tmpDir();
    const s = new Store(dir);
    fill(s);
    const committed = plain(s);
    const journal = path.join(dir, JOURNAL);
    const full = fs.readFileSync(journal, 'utf8');
    fs.writeFileSync(journal, `${full}\0\0\0\0\n`);
    expect(plain(new Store(dir))).toEqual(committed);

    const dir2 = tmpDir();
    const t = new Store(dir2);
    fill(t);
    mixed(t, 1);
    const j2 = path.join(dir2, JOURNAL);
    const lines = fs.readFileSync(j2, 'utf8').split('\n');
    lines[1] = lines[1].slice(0, 10);
    fs.writeFileSync(j2, lines.join('\n'));
    expect(() => new Store(dir2)).toThrow(/line 2 is not JSON/);
  });

  it('a transaction that throws leaves memory and disk as they were', () => {
    const dir = tmpDir();
    const s = new Store(dir);
    fill(s);
    const files = () => Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
    const disk = files();
    const memory = plain(s);
    expect(() => s.transaction(() => { mixed(s, 9); throw new Error('late failure'); })).toThrow('late failure');
    expect(plain(s)).toEqual(memory);
    expect(files()).toEqual(disk);
    expect(plain(new Store(dir))).toEqual(memory);
  });

  it('compaction (past maxJournalBytes, and at close) then restart gives the same state', () => {
    const dir = tmpDir();
    const s = new Store(dir, { maxJournalBytes: 2000 });
    fill(s);
    for (let i = 0; i < 30; i++) mixed(s, i);
    // Compacted on the way: the journal holds only the calls since.
    expect(s.journalTransactions).toBeLessThan(30);
    const journal = path.join(dir, JOURNAL);
    expect(fs.existsSync(journal) ? fs.statSync(journal).size : 0).toBeLessThan(3000);
    expect(plain(new Store(dir))).toEqual(plain(s));
    const state = plain(s);
    s.close();
    expect(fs.readdirSync(dir)).toEqual([SNAPSHOT]);
    const again = new Store(dir);
    expect(plain(again)).toEqual(state);
    // And it goes on from there.
    mixed(again, 99);
    expect(plain(new Store(dir))).toEqual(plain(again));
  });

  it('does not replay a journal beside a newer snapshot, nor one whose snapshot was deleted', () => {
    const dir = tmpDir();
    const s = new Store(dir);
    fill(s);
    mixed(s, 1);
    const journal = path.join(dir, JOURNAL);
    const old = fs.readFileSync(journal);
    s.compact();
    const compacted = plain(s);
    // A crash between the new snapshot's rename and the journal's removal.
    fs.writeFileSync(journal, old);
    expect(plain(new Store(dir))).toEqual(compacted);
    expect(fs.existsSync(journal)).toBe(false);

    // Deleting the snapshot starts afresh, whatever journal is left.
    mixed(s, 2);
    expect(fs.existsSync(journal)).toBe(true);
    fs.unlinkSync(path.join(dir, SNAPSHOT));
    const fresh = new Store(dir);
    expect(fresh.state.tables).toEqual({});
    expect(fs.readdirSync(dir)).toEqual([SNAPSHOT]);
  });

  it('loads a data dir written before the journal (snapshot only, no token)', () => {
    const dir = tmpDir();
    const state = { format: 1, seeded: true, tables: { 'res.partner': { nextId: 3, rows: { 1: { id: 1, name: 'A' }, 2: { id: 2, name: 'B' } } } }, sequences: { x: 4 } };
    fs.writeFileSync(path.join(dir, SNAPSHOT), JSON.stringify(state));
    const s = new Store(dir);
    expect(plain(s)).toEqual(state);
    mixed(s, 1);
    expect(plain(new Store(dir))).toEqual(plain(s));
  });

  it('refuses an unknown snapshot format', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, SNAPSHOT), JSON.stringify({ format: 2, tables: {} }));
    expect(() => new Store(dir)).toThrow(/unknown sandbox data format 2/);
  });
});

describe('sandbox store: indexes', () => {
  it('where() answers as a scan would, in id order, through inserts, updates, deletes and rollbacks', () => {
    const s = new Store();
    const scan = (field: string, v: unknown) => s.rows('m').filter((r) => r[field] === v).map((r) => r.id);
    const look = (field: string, v: unknown) => s.where('m', field, v).map((r) => r.id);
    s.transaction(() => { for (let i = 0; i < 50; i++) s.insert('m', { k: `k${i % 5}`, p: i % 7 || false }); });
    expect(look('k', 'k1')).toEqual(scan('k', 'k1'));
    expect(look('p', 3)).toEqual(scan('p', 3));
    s.transaction(() => {
      for (let i = 1; i <= 50; i += 3) s.update('m', i, { k: 'k1', p: 3 });
      for (let i = 2; i <= 50; i += 7) s.delete('m', i);
      s.insert('m', { k: 'k1' }, 2);
    });
    for (const v of ['k0', 'k1', 'k4']) expect(look('k', v)).toEqual(scan('k', v));
    for (const v of [3, false, undefined]) expect(look('p', v)).toEqual(scan('p', v));
    expect(() => s.transaction(() => { s.update('m', 1, { k: 'k9' }); s.delete('m', 4); throw new Error('x'); })).toThrow('x');
    for (const v of ['k1', 'k9']) expect(look('k', v)).toEqual(scan('k', v));
    expect(s.countWhere('m', 'k', 'k1')).toBe(scan('k', 'k1').length);
  });
});
