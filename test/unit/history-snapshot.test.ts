import fs from 'node:fs';
import path from 'node:path';
import {
  invalidateHistorySnapshot, readHistorySnapshot, snapshotHistory, snapshotPath, storeFingerprint, writeHistorySnapshot,
  type HistorySnapshot,
} from '../../src/store/history-snapshot';
import { tempDir } from '../helpers';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-27T12:00:00Z');

/** A store folder with a stand-in for PGlite's pg_control, the file the snapshot is tied to. */
function fakeStore(): { storeDir: string; dataDir: string; control: string } {
  const storeDir = tempDir('edi-gw-snap-');
  const dataDir = path.join(storeDir, 'pgdata');
  fs.mkdirSync(path.join(dataDir, 'global'), { recursive: true });
  const control = path.join(dataDir, 'global', 'pg_control');
  fs.writeFileSync(control, Buffer.alloc(8192));
  return { storeDir, dataDir, control };
}

/** A snapshot row: key fields, id (16 digits), message id, recorded at (ms), joined by U+001F. */
function row(id: number, messageId: number, standard: string, qualifier: string, senderId: string, control: string, ms: number): string {
  return [standard, qualifier, senderId, control, String(id).padStart(16, '0'), String(messageId), String(ms)].join('\u001f');
}

function snapshot(dataDir: string, over: Partial<HistorySnapshot> = {}): HistorySnapshot {
  return {
    format: 'edi-gateway-history-snapshot', version: 1,
    writtenAt: new Date(NOW).toISOString(), coversFrom: new Date(NOW - 400 * DAY).toISOString(),
    store: storeFingerprint(dataDir),
    interchanges: [
      row(5, 2, 'X12', 'ZZ', 'ACMERETAIL', '000000417', NOW - 100 * DAY),
      row(7, 3, 'X12', 'ZZ', 'ACMERETAIL', '000000417', NOW - 10 * DAY),
      // Ten after nine: ids are padded so that text order is id order.
      row(9, 5, 'X12', 'ZZ', 'ACMERETAIL', '41', NOW - 10 * DAY),
      row(10, 6, 'X12', 'ZZ', 'ACMERETAIL', '41', NOW - 10 * DAY),
      // A control number that the other one is a prefix of, and an empty qualifier.
      row(8, 4, 'X12', 'ZZ', 'ACMERETAIL', '410', NOW - DAY),
      row(11, 7, 'X12', '', 'ACMERETAIL', '000000417', NOW - DAY),
      row(9, 4, 'EDIFACT', '14', '5412345000013', 'NM0001', NOW - DAY),
    ].sort(),
    controlNumbers: [['acme-retail', 'isa', 41], ['acme-retail', 'gs', 999_999_999]],
    ...over,
  };
}

const key = { standard: 'X12' as const, senderQualifier: 'ZZ', senderId: 'ACMERETAIL', controlNumber: '000000417' };

describe('history snapshot', () => {
  it('answers as the store would: the first receipt by id within the window, not the message being checked', async () => {
    const { storeDir, dataDir } = fakeStore();
    writeHistorySnapshot(storeDir, snapshot(dataDir));
    const read = readHistorySnapshot(storeDir, dataDir, new Date(NOW - 365 * DAY));
    if (!('snapshot' in read)) throw new Error(read.reason);
    const h = snapshotHistory(read.snapshot);
    // id 5 comes first (ORDER BY id).
    expect(await h.findPriorInterchange(key, new Date(NOW - 365 * DAY))).toEqual({ id: 5, messageId: 2, recordedAt: new Date(NOW - 100 * DAY) });
    // A 30-day window sees only the later receipt; a 5-day window neither.
    expect(await h.findPriorInterchange(key, new Date(NOW - 30 * DAY))).toMatchObject({ id: 7, messageId: 3 });
    expect(await h.findPriorInterchange(key, new Date(NOW - 5 * DAY))).toBeUndefined();
    // The message being checked does not count (a replay is not its own duplicate).
    expect(await h.findPriorInterchange(key, new Date(NOW - 365 * DAY), 2)).toMatchObject({ id: 7 });
    // Every part of the key matters.
    expect(await h.findPriorInterchange({ ...key, senderQualifier: '01' }, new Date(NOW - 365 * DAY))).toBeUndefined();
    expect(await h.findPriorInterchange({ ...key, senderQualifier: '' }, new Date(NOW - 365 * DAY))).toMatchObject({ id: 11, messageId: 7 });
    expect(await h.findPriorInterchange({ ...key, controlNumber: '41' }, new Date(NOW - 365 * DAY))).toMatchObject({ id: 9, messageId: 5 });
    expect(await h.findPriorInterchange({ ...key, controlNumber: '41' }, new Date(NOW - 365 * DAY), 5)).toMatchObject({ id: 10, messageId: 6 });
    expect(await h.findPriorInterchange({ ...key, controlNumber: '410' }, new Date(NOW - 365 * DAY))).toMatchObject({ id: 8 });
    expect(await h.findPriorInterchange({ ...key, controlNumber: '4' }, new Date(NOW - 365 * DAY))).toBeUndefined();
    expect(await h.findPriorInterchange({ ...key, standard: 'EDIFACT' }, new Date(NOW - 365 * DAY))).toBeUndefined();
    expect(await h.findPriorInterchange({ standard: 'EDIFACT', senderQualifier: '14', senderId: '5412345000013', controlNumber: 'NM0001' },
      new Date(NOW - 2 * DAY))).toMatchObject({ id: 9, messageId: 4 });
    // Control numbers: the next one, 1 for a sequence never used, and the wrap at the maximum.
    expect(await h.peekControlNumber('acme-retail', 'isa')).toBe(42);
    expect(await h.peekControlNumber('acme-retail', 'gs')).toBe(1);
    expect(await h.peekControlNumber('summit-grocers', 'isa')).toBe(1);
    // Asked further back than it covers, it refuses rather than answer wrongly.
    await expect(h.findPriorInterchange(key, new Date(NOW - 500 * DAY))).rejects.toThrow(/covers from/);
  });

  it('is written atomically, leaving no temporary file', () => {
    const { storeDir, dataDir } = fakeStore();
    writeHistorySnapshot(storeDir, snapshot(dataDir));
    writeHistorySnapshot(storeDir, snapshot(dataDir, { controlNumbers: [] }));
    expect(fs.readdirSync(storeDir).sort()).toEqual(['history-snapshot.json', 'pgdata']);
    expect(JSON.parse(fs.readFileSync(snapshotPath(storeDir), 'utf8')).controlNumbers).toEqual([]);
  });

  it('is not trusted once the store has been opened since (pg_control rewritten), or when invalidated', () => {
    const { storeDir, dataDir, control } = fakeStore();
    writeHistorySnapshot(storeDir, snapshot(dataDir));
    const since = new Date(NOW - 365 * DAY);
    expect('snapshot' in readHistorySnapshot(storeDir, dataDir, since)).toBe(true);
    // PostgreSQL rewrites pg_control when it starts: a different mtime is a different store state.
    const st = fs.statSync(control);
    fs.utimesSync(control, st.atime, new Date(st.mtimeMs + 1000));
    expect(readHistorySnapshot(storeDir, dataDir, since)).toEqual({ reason: expect.stringMatching(/stale/) });

    writeHistorySnapshot(storeDir, snapshot(dataDir));
    expect('snapshot' in readHistorySnapshot(storeDir, dataDir, since)).toBe(true);
    invalidateHistorySnapshot(storeDir);
    expect(fs.existsSync(snapshotPath(storeDir))).toBe(false);
    expect(readHistorySnapshot(storeDir, dataDir, since)).toEqual({ reason: 'no history snapshot' });
    invalidateHistorySnapshot(storeDir); // nothing to remove is fine
  });

  it('is not used when it does not reach back over the longest duplicate window, or is not a snapshot', () => {
    const { storeDir, dataDir } = fakeStore();
    writeHistorySnapshot(storeDir, snapshot(dataDir, { coversFrom: new Date(NOW - 30 * DAY).toISOString() }));
    expect(readHistorySnapshot(storeDir, dataDir, new Date(NOW - 365 * DAY))).toEqual({ reason: expect.stringMatching(/covers from/) });
    expect('snapshot' in readHistorySnapshot(storeDir, dataDir, new Date(NOW - 29 * DAY))).toBe(true);

    fs.writeFileSync(snapshotPath(storeDir), '{"format":"edi-gateway-history-snapshot","version":1,"writ');
    expect(readHistorySnapshot(storeDir, dataDir, new Date(NOW))).toEqual({ reason: expect.stringMatching(/invalid/) });
    const bad = snapshot(dataDir);
    bad.interchanges[0] = bad.interchanges[0].replace(/^[A-Z0-9]+/, 'X13');
    fs.writeFileSync(snapshotPath(storeDir), JSON.stringify(bad));
    expect(readHistorySnapshot(storeDir, dataDir, new Date(NOW))).toEqual({ reason: expect.stringMatching(/invalid: interchanges: .*malformed or not sorted/) });
    // Out of order, a binary search would miss rows: not used.
    const unsorted = snapshot(dataDir);
    unsorted.interchanges.reverse();
    fs.writeFileSync(snapshotPath(storeDir), JSON.stringify(unsorted));
    expect(readHistorySnapshot(storeDir, dataDir, new Date(NOW))).toEqual({ reason: expect.stringMatching(/not sorted/) });
    // Without a fingerprint (or a store to compare with) it is never trusted.
    writeHistorySnapshot(storeDir, snapshot(dataDir, { store: undefined }));
    expect(readHistorySnapshot(storeDir, dataDir, new Date(NOW))).toEqual({ reason: expect.stringMatching(/stale/) });
  });
});
