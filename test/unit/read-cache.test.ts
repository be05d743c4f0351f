import type { OdooClient } from '../../src/odoo/client/odoo-client';
import { withLookupCache } from '../../src/odoo/writers/read-cache';

/**
 * The odoo stage keeps one lookup cache for all messages, with answers that expire: what it may
 * keep, for how long, and what it must never keep. The client under it records what reached it.
 */
function recordingClient(answer: (model: string, domain: unknown) => unknown[]) {
  const calls: string[] = [];
  const client = {
    searchRead: async (model: string, domain: unknown) => { calls.push(`${model} ${JSON.stringify(domain)}`); return answer(model, domain); },
    read: async (model: string, ids: number[]) => { calls.push(`${model} read ${ids}`); return ids.map((id) => ({ id })); },
    create: async (model: string) => { calls.push(`${model} create`); return 99; },
  } as unknown as OdooClient;
  return { client, calls };
}

describe('withLookupCache with an expiry', () => {
  afterEach(() => jest.useRealTimers());

  it('answers a customer lookup again from memory until it expires, then asks Odoo again', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-06T12:00:00Z') });
    const { client, calls } = recordingClient(() => [{ id: 7 }]);
    const cached = withLookupCache(client, { ttlMs: 30_000 });
    const lookup = () => cached.searchRead('res.partner', [['ref', '=', 'ACME']], ['id']);
    expect(await lookup()).toEqual([{ id: 7 }]);
    jest.setSystemTime(new Date('2026-12-06T12:00:29Z'));
    await lookup();
    expect(calls).toHaveLength(1);
    jest.setSystemTime(new Date('2026-12-06T12:00:31Z'));
    await lookup();
    expect(calls).toHaveLength(2);
  });

  it('never keeps a search that found nothing, nor item searches it is told to leave out', async () => {
    const { client, calls } = recordingClient((model) => (model === 'res.partner' ? [] : [{ id: 1 }]));
    const cached = withLookupCache(client, { ttlMs: 30_000, searchesNotKept: ['product.product'] });
    await cached.searchRead('res.partner', [['ref', '=', 'NEW-STORE']], ['id']);
    await cached.searchRead('res.partner', [['ref', '=', 'NEW-STORE']], ['id']);
    await cached.searchRead('product.product', [['default_code', 'in', ['A', 'B']]], ['id']);
    await cached.searchRead('product.product', [['default_code', 'in', ['A', 'B']]], ['id']);
    expect(calls).toHaveLength(4);
    // Reads by id of those items are still kept.
    await cached.read('product.product', [1], ['uom_id']);
    await cached.read('product.product', [1], ['uom_id']);
    expect(calls).toHaveLength(5);
  });

  it('forgets everything when the gateway writes to a looked-up model (a delivery address it creates)', async () => {
    const { client, calls } = recordingClient(() => [{ id: 7 }]);
    const cached = withLookupCache(client, { ttlMs: 30_000 });
    await cached.searchRead('res.partner', [['ref', '=', 'ACME']], ['id']);
    await cached.create('res.partner', { name: 'store 0099' });
    await cached.searchRead('res.partner', [['ref', '=', 'ACME']], ['id']);
    expect(calls).toEqual(['res.partner [["ref","=","ACME"]]', 'res.partner create', 'res.partner [["ref","=","ACME"]]']);
  });

  it('holds a bounded number of answers however long it is kept', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-06T12:00:00Z') });
    const { client, calls } = recordingClient(() => [{ id: 1 }]);
    const cached = withLookupCache(client, { ttlMs: 30_000 });
    for (let i = 0; i < 2500; i++) await cached.read('product.product', [i], ['uom_id']);
    // Past its bound it starts again rather than growing: the first answers had to be asked for again.
    await cached.read('product.product', [0], ['uom_id']);
    expect(calls).toHaveLength(2501);
    // Answers made since are still there.
    await cached.read('product.product', [2499], ['uom_id']);
    expect(calls).toHaveLength(2501);
  });
});
