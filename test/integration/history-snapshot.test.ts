import pg from 'pg';
import type { Runtime } from '../../src/daemon/runtime';
import { CONTROL_MAX, nextControlNumber, type ControlKind } from '../../src/store/control-numbers.repo';
import { knexHistory, sqlHistory } from '../../src/store/history';
import { collectHistory, snapshotHistory } from '../../src/store/history-snapshot';
import type { InterchangeKey } from '../../src/store/interchanges.repo';
import type { StoreHistory } from '../../src/store/history';
import { BACKENDS, testRuntime } from '../helpers';

const DAY = 86_400_000;

/**
 * The snapshot is a second implementation of two store queries: it must give the same answers as
 * the store, for every key, window and excluded message, on the rows the store really holds.
 */
describe.each(BACKENDS)('history snapshot against the store on %s', (backend) => {
  let rt: Runtime;
  beforeAll(async () => { rt = await testRuntime(backend); });
  afterAll(async () => { await rt?.close(); });

  it('finds the same prior interchanges and peeks the same control numbers as the store', async () => {
    const now = new Date();
    const knex = rt.store.knex;
    const messages: number[] = [];
    for (let i = 0; i < 4; i++) messages.push((await rt.receive({ content: Buffer.from(`m${i}`), transport: 'test', partnerId: 'acme-retail' })).messageId);
    const keys: InterchangeKey[] = [
      { standard: 'X12', senderQualifier: 'ZZ', senderId: 'ACMERETAIL', controlNumber: '000000001' },
      { standard: 'X12', senderQualifier: 'ZZ', senderId: 'ACMERETAIL', controlNumber: '000000002' },
      { standard: 'X12', senderQualifier: '01', senderId: 'ACMERETAIL', controlNumber: '000000001' },
      { standard: 'EDIFACT', senderQualifier: '14', senderId: '5412345000013', controlNumber: '000000001' },
      { standard: 'EDIFACT', senderQualifier: '', senderId: 'NOQUAL', controlNumber: '7' },
    ];
    // Rows of every kind the queries must tell apart: ages across the windows, outbound, recorded duplicates.
    const rows: Record<string, unknown>[] = [];
    let ordinal = 0;
    const add = (k: InterchangeKey, message: number, ageDays: number, extra: Record<string, unknown> = {}) => rows.push({
      message_id: message, ordinal: ordinal++, direction: 'in', standard: k.standard, sender_qualifier: k.senderQualifier, sender_id: k.senderId,
      receiver_qualifier: 'ZZ', receiver_id: 'ODOODIST', control_number: k.controlNumber, partner_id: 'acme-retail', status: 'accepted',
      recorded_at: new Date(now.getTime() - ageDays * DAY), ...extra,
    });
    add(keys[0], messages[0], 300);
    add(keys[0], messages[1], 20);
    add(keys[0], messages[2], 2);
    add(keys[1], messages[1], 400); // outside every window the snapshot covers
    add(keys[1], messages[3], 0.5, { direction: 'out' });
    add(keys[2], messages[2], 50);
    add(keys[3], messages[3], 1);
    add(keys[4], messages[0], 90);
    await knex('interchanges').insert(rows);
    const [first] = await knex('interchanges').where({ message_id: messages[2], control_number: '000000001', sender_qualifier: 'ZZ' }).pluck('id');
    await knex('interchanges').insert({ ...rows[0], ordinal: ordinal++, message_id: messages[3], duplicate_of: first, recorded_at: now });
    // Half a millisecond after a 3-day window starts: the store keeps microseconds, the snapshot milliseconds.
    const edge = new Date(now.getTime() - 3 * DAY);
    await knex('interchanges').insert({ ...rows[7], ordinal: ordinal++, message_id: messages[1],
      recorded_at: knex.raw("?::timestamptz + interval '500 microseconds'", [edge.toISOString()]) });

    for (let i = 0; i < 3; i++) await nextControlNumber(knex, 'acme-retail', 'isa');
    await nextControlNumber(knex, 'acme-retail', 'gs');
    await knex('control_numbers').insert({ partner_id: 'nordmart', kind: 'unb', last_value: CONTROL_MAX.unb });
    await nextControlNumber(knex, 'ZZ:UNKNOWN', 'isa');

    const client = new pg.Client(rt.store.connection);
    await client.connect();
    try {
      const collected = await collectHistory((text, params) => client.query(text, params as unknown[]), 365, now);
      if (!('snapshot' in collected)) throw new Error(collected.reason);
      const store = knexHistory(knex);
      // The snapshot, and the repositories' statements on a plain connection (the CLI's reader).
      for (const [name, other] of [['snapshot', snapshotHistory({ ...collected.snapshot, store: undefined })],
        ['plain pg', sqlHistory((text, params) => client.query(text, params as unknown[]))]] as const) {
        await compare(name, store, other);
      }
    } finally {
      await client.end();
    }

    async function compare(name: string, store: StoreHistory, snap: StoreHistory): Promise<void> {
      let compared = 0;
      for (const key of keys) {
        // Where windows start, to the millisecond, as flagDuplicates computes them; and 1 ms after the edge row's window.
        for (const since of [...[1, 3, 30, 365].map((d) => new Date(now.getTime() - d * DAY)), new Date(edge.getTime() + 1)]) {
          for (const exclude of [undefined, ...messages]) {
            const expected = await store.findPriorInterchange(key, since, exclude);
            expect({ name, key, since, exclude, found: await snap.findPriorInterchange(key, since, exclude) }).toEqual({ name, key, since, exclude, found: expected });
            compared += expected ? 1 : 0;
          }
        }
      }
      expect(compared).toBeGreaterThan(20); // the comparison is not all misses
      const sequences: [string, ControlKind][] = [['acme-retail', 'isa'], ['acme-retail', 'gs'], ['acme-retail', 'st'], ['nordmart', 'unb'],
        ['ZZ:UNKNOWN', 'isa'], ['nobody', 'unh']];
      for (const [partner, kind] of sequences) {
        expect([name, partner, kind, await snap.peekControlNumber(partner, kind)]).toEqual([name, partner, kind, await store.peekControlNumber(partner, kind)]);
      }
      expect(await snap.peekControlNumber('acme-retail', 'isa')).toBe(4);
      expect(await snap.peekControlNumber('nordmart', 'unb')).toBe(1);
    }
  });
});
