import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../../src/daemon/runtime';
import { GatewayError } from '../../src/errors/gateway-error';
import { ackKey, ackNumbers } from '../../src/pipeline/outbox';
import { QUEUES } from '../../src/queue/job-queue';
import { CONTENT_PART_BYTES } from '../../src/store/message-content';
import { getContent, getEvents, getMessage } from '../../src/store/messages.repo';
import { folderSettings } from '../../src/transports/folder/folder.config';
import { FolderTransport } from '../../src/transports/folder/folder.transport';
import type { Receipt } from '../../src/inbox/inbox';
import { sniff } from '../../src/parsers/sniff';
import { BACKENDS, silentLog, testRuntime, x12Interchange } from '../helpers';

/** Inbound jobs queued for a message (no worker runs in these tests: they stay queued). */
async function jobsFor(rt: Runtime, messageId: number): Promise<number> {
  return (await rt.store.knex.raw(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ? AND (data->>'messageId')::bigint = ?`,
    [QUEUES.inbound, messageId])).rows[0].n;
}

/** An 850 interchange bigger than a message row keeps (stored in parts): padded with more PO1 lines. */
function bigInterchange(control: string): Buffer {
  const lines = Array.from({ length: Math.ceil(CONTENT_PART_BYTES / 40) + 10 }, (_, i) => `PO1*${i + 1}*1*EA*1.00**UP*012345678905`);
  const set = ['ST*850*0001', 'BEG*00*SA*BIG1**20261127', ...lines, `CTT*${lines.length}`, `SE*${lines.length + 4}*0001`];
  return Buffer.from(`ISA*00*          *00*          *ZZ*ACMERETAIL     *ZZ*ODOODIST       *261127*1200*U*00401*${control}*0*P*>~`
    + `GS*PO*ACMERETAIL*ODOODIST*20261127*1200*9*X*004010~${set.join('~')}~GE*1*9~IEA*1*${control}~\n`, 'latin1');
}

describe.each(BACKENDS)('receiving many files at once (%s)', (backend) => {
  let rt: Runtime;
  beforeAll(async () => { rt = await testRuntime(backend); });
  afterAll(async () => { await rt?.close(); });

  it('stores a batch in the order given: new ones together, duplicates, receipts seen before, refusals and big files each on their own path', async () => {
    const earlier = await rt.receive({ content: x12Interchange('ACMERETAIL', '000050001'), transport: 'folder', transportRef: 'rb/earlier', partnerId: 'acme-retail', filename: 'earlier.edi' });
    const receipts: Receipt[] = [
      { content: x12Interchange('ACMERETAIL', '000050002'), transport: 'folder', transportRef: 'rb/a', partnerId: 'acme-retail', filename: 'a.edi' },
      // The same bytes as an earlier message under another name: a duplicate receipt.
      { content: x12Interchange('ACMERETAIL', '000050001'), transport: 'folder', transportRef: 'rb/dup', partnerId: 'acme-retail', filename: 'dup.edi' },
      { content: x12Interchange('ACMERETAIL', '000050003'), transport: 'folder', transportRef: 'rb/b', partnerId: 'acme-retail', filename: 'b.edi' },
      // The very receipt stored before (a crash between storing and moving the file): nothing new.
      { content: x12Interchange('ACMERETAIL', '000050001'), transport: 'folder', transportRef: 'rb/earlier', partnerId: 'acme-retail', filename: 'earlier.edi' },
      { content: Buffer.alloc(0), transport: 'folder', transportRef: 'rb/refused', partnerId: 'acme-retail', filename: 'bad?.edi', refused: { code: 'FILE_NAME_REFUSED', reason: 'test' } },
      { content: bigInterchange('000050004'), transport: 'folder', transportRef: 'rb/big', partnerId: 'acme-retail', filename: 'big.edi' },
      { content: x12Interchange('ACMERETAIL', '000050005'), transport: 'folder', transportRef: 'rb/c', partnerId: 'acme-retail', filename: 'c.edi' },
      // Two new receipts of the same bytes in one batch: the second is a duplicate of the first.
      { content: x12Interchange('ACMERETAIL', '000050006'), transport: 'folder', transportRef: 'rb/d1', partnerId: 'acme-retail', filename: 'd1.edi' },
      { content: x12Interchange('ACMERETAIL', '000050006'), transport: 'folder', transportRef: 'rb/d2', partnerId: 'acme-retail', filename: 'd2.edi' },
    ];
    const results = await rt.receiveMany(receipts);
    expect(results.map((r) => r.outcome)).toEqual(['stored', 'duplicate', 'stored', 'already-stored', 'stored', 'stored', 'stored', 'stored', 'duplicate']);
    expect(results[3].messageId).toBe(earlier.messageId);
    expect(results[1]).toMatchObject({ duplicateOf: earlier.messageId, partnerId: 'acme-retail' });
    expect(results[8]).toMatchObject({ duplicateOf: results[7].messageId });
    // Messages to process are numbered in the order given, whichever path each took (a change never before its original).
    const fresh = results.filter((r) => r.outcome === 'stored').map((r) => r.messageId);
    expect([...fresh].sort((x, y) => x - y)).toEqual(fresh);
    for (const [i, r] of results.entries()) {
      if (r.outcome === 'already-stored') continue;
      const m = (await getMessage(rt.store.knex, r.messageId))!;
      expect(m.filename).toBe(receipts[i].filename);
      const expected = r.outcome === 'duplicate' ? 'duplicate' : receipts[i].refused ? 'exception' : 'received';
      expect(m.status).toBe(expected);
      // One job for each new message, none for a duplicate, a refusal or a receipt seen before.
      expect(await jobsFor(rt, r.messageId)).toBe(expected === 'received' ? 1 : 0);
      const events = await getEvents(rt.store.knex, r.messageId);
      // A refusal is received, then refused (receive's own two events); anything else has one.
      expect(events.map((e) => `${e.stage} ${e.outcome}`)).toEqual(receipts[i].refused ? ['received ok', 'received failed']
        : [`received ${r.outcome === 'duplicate' ? 'duplicate' : 'ok'}`]);
      if (r.outcome === 'stored' && !receipts[i].refused) {
        expect(events[0].detail).toBe(`${receipts[i].content.length} bytes via folder (${receipts[i].filename})`);
        expect((await getContent(rt.store.knex, r.messageId))!.equals(receipts[i].content)).toBe(true);
      }
    }
    expect(await jobsFor(rt, earlier.messageId)).toBe(1); // still its own one job
  });

  it('stores all of a batch or none of it', async () => {
    const receipts: Receipt[] = [
      { content: x12Interchange('ACMERETAIL', '000050101'), transport: 'folder', transportRef: 'rb/all-1', partnerId: 'acme-retail', filename: 'all-1.edi' },
      { content: x12Interchange('ACMERETAIL', '000050102'), transport: 'folder', transportRef: 'rb/all-2', partnerId: 'acme-retail', filename: 'all-2.edi' },
    ];
    // The queue refuses the batch's jobs: the messages inserted before it in the transaction go too.
    const sendMany = rt.queue.sendMany.bind(rt.queue);
    rt.queue.sendMany = async () => { throw new Error('job insert refused'); };
    try {
      await expect(rt.receiveMany(receipts)).rejects.toThrow('job insert refused');
    } finally {
      rt.queue.sendMany = sendMany;
    }
    expect(Number((await rt.store.knex('messages').whereIn('transport_ref', ['rb/all-1', 'rb/all-2']).count('* as n').first())!.n)).toBe(0);
    const again = await rt.receiveMany(receipts);
    expect(again.map((r) => r.outcome)).toEqual(['stored', 'stored']);
  });
});

describe('folder transport: a poll\'s files stored in batches', () => {
  let rt: Runtime;
  beforeAll(async () => { rt = await testRuntime('pglite'); });
  afterAll(async () => { await rt?.close(); });

  function transport(receiveMany = rt.receiveMany) {
    const settings = folderSettings({ home: rt.config.home, folder: { ...rt.config.folder, stableSeconds: 0 } }, rt.partners().get('acme-retail')!);
    fs.rmSync(settings.root, { recursive: true, force: true });
    return { t: new FolderTransport(settings, rt.receive, silentLog, (c) => rt.partners().senderOf(sniff(c))?.id, receiveMany), s: settings };
  }

  it('takes many files in name order, a big one alone where it stands, and archives each under its message id', async () => {
    let batches = 0;
    const { t, s } = transport(async (rs) => { batches++; return rt.receiveMany(rs); });
    const names = Array.from({ length: 150 }, (_, i) => `po-${String(i).padStart(3, '0')}.edi`);
    names.forEach((n, i) => fs.writeFileSync(path.join(s.inDir, n), x12Interchange('ACMERETAIL', String(60000 + i).padStart(9, '0'))));
    fs.writeFileSync(path.join(s.inDir, 'po-050-big.edi'), bigInterchange('000069999'));
    fs.writeFileSync(path.join(s.inDir, 'po-070-note.txt'), 'not EDI at all');
    expect(await t.pollOnce()).toEqual({ received: 151, waiting: 0, failed: 1 });
    expect(fs.readdirSync(s.inDir)).toEqual([]);
    // The big file ('po-050-big' sorts before 'po-050') goes alone and splits the run it stands in:
    // [000-049], big, then 100 files a batch at most: [050-148 + the note], and the last one alone.
    expect(batches).toBe(2);
    const archived = fs.readdirSync(s.archiveDir).map((f) => ({ id: Number(f.split('-')[0]), name: f.slice(f.indexOf('-') + 1) }))
      .sort((a, b) => a.id - b.id);
    expect(archived.map((a) => a.name)).toEqual([...names.slice(0, 50), 'po-050-big.edi', ...names.slice(50)]);
    expect(fs.readdirSync(s.errorDir).filter((f) => f.endsWith('.reason.txt'))).toHaveLength(1);
  });

  it('when the store is down, leaves every file of the batch for the next poll; another failure takes them one by one', async () => {
    const down = transport(async () => { throw new GatewayError('STORE_UNAVAILABLE', 'connection refused'); });
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(down.s.inDir, `down-${i}.edi`), x12Interchange('ACMERETAIL', String(70000 + i).padStart(9, '0')));
    expect(await down.t.pollOnce()).toEqual({ received: 0, waiting: 0, failed: 3 });
    expect(fs.readdirSync(down.s.inDir)).toHaveLength(3);

    const odd = transport(async () => { throw new Error('something about one of them'); });
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(odd.s.inDir, `odd-${i}.edi`), x12Interchange('ACMERETAIL', String(70100 + i).padStart(9, '0')));
    expect(await odd.t.pollOnce()).toEqual({ received: 3, waiting: 0, failed: 0 });
    expect(fs.readdirSync(odd.s.archiveDir)).toHaveLength(3);
  });
});

describe('acknowledgment control numbers, taken before the transaction', () => {
  let rt: Runtime;
  beforeAll(async () => { rt = await testRuntime('pglite'); });
  afterAll(async () => { await rt?.close(); });

  const last = async (kind: string) => Number((await rt.store.knex('control_numbers').where({ partner_id: 'acme-retail', kind }).first('last_value'))?.last_value ?? 0);

  it('takes the next numbers for each interchange owed one, none for one whose acknowledgment this run already stored', async () => {
    const isa = await last('isa');
    const got = await ackNumbers(rt.store.knex, 4242, 0, [{ ordinal: 0, partnerId: 'acme-retail' }, { ordinal: 1, partnerId: 'acme-retail' }], ['isa', 'gs']);
    expect(got.get(0)!.isa).toBe(isa + 1);
    expect(got.get(1)!.isa).toBe(isa + 2);
    expect(got.get(1)!.gs).toBe(got.get(0)!.gs + 1);
    await rt.store.knex('messages').insert({ direction: 'out', transport: 'outbox', transport_ref: ackKey(4242, 0, 0), partner_id: 'acme-retail', sha256: 'a'.repeat(64), size_bytes: 0, content: Buffer.alloc(0) });
    const rerun = await ackNumbers(rt.store.knex, 4242, 0, [{ ordinal: 0, partnerId: 'acme-retail' }], ['isa', 'gs']);
    expect(rerun.size).toBe(0);
    expect(await last('isa')).toBe(isa + 2);
    // A replay (another generation) is owed new ones.
    expect((await ackNumbers(rt.store.knex, 4242, 1, [{ ordinal: 0, partnerId: 'acme-retail' }], ['isa'])).get(0)!.isa).toBe(isa + 3);
  });

  it('one inbound 850 takes one ISA and one GS number for its 997, which carries them', async () => {
    rt.workInbound();
    rt.workOutbound();
    const [isa, gs] = [await last('isa'), await last('gs')];
    const r = await rt.receive({ content: x12Interchange('ACMERETAIL', '000080001', 'PO-RB-1'), transport: 'test', partnerId: 'acme-retail' });
    const ack = await (async () => {
      for (let i = 0; i < 400; i++) {
        const row = await rt.store.knex('messages').where({ transport: 'outbox', transport_ref: ackKey(r.messageId, 0, 0) }).first('id');
        if (row) return row.id as number;
        await new Promise((res) => setTimeout(res, 50));
      }
      throw new Error('no 997');
    })();
    expect([await last('isa'), await last('gs')]).toEqual([isa + 1, gs + 1]);
    const text = (await getContent(rt.store.knex, ack))!.toString('latin1');
    expect(text).toContain(`*${String(isa + 1).padStart(9, '0')}*0*P*`);
    expect(text).toContain(`GS*FA*ODOODIST*ACMERETAIL*`);
    expect(text).toMatch(new RegExp(`GS\\*FA(\\*[^*]*){4}\\*${gs + 1}\\*X\\*`));
  });
});
