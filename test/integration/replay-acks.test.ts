import fs from 'node:fs';
import path from 'node:path';
import { X12Parser, type X12Interchange } from 'node-x12';
import type { Runtime } from '../../src/daemon/runtime';
import { inboundProcessor } from '../../src/pipeline/inbound-processor';
import { requestReplay } from '../../src/pipeline/replay';
import { getMessage } from '../../src/store/messages.repo';
import { cli, workspace } from '../cli-helpers';
import { BACKENDS, eventually, silentLog, testRuntime, x12Interchange } from '../helpers';
import { acksOf } from '../outbox-helpers';
import { readEdifact } from '../peer-readers';

const NORDMART_ORDERS = [
  "UNB+UNOC:3+5412345000013:14+5790000000001:14+261127:1200+RPL1'",
  "UNH+M1+ORDERS:D:96A:UN:EAN008'", "BGM+220+PO-RPL+9'", "DTM+137:20261127:102'", "NAD+BY+5412345000013::9++Nordmart AB'",
  "LIN+1++5790000110018:EN'", "QTY+21:12'", "UNS+S'", "UNT+8+M1'", "UNZ+1+RPL1'",
].join('\n');

describe('messages replay through the CLI: each run acknowledged anew, in a file of its own', () => {
  const ws = workspace();
  const outDir = (partner: string) => path.join(ws.home, 'partners', partner, 'out');
  const ingest = (name: string, content: Buffer | string) => {
    const file = path.join(ws.cwd, name);
    fs.writeFileSync(file, content);
    const r = cli(ws, ['ingest', file, '--json']);
    expect(r.stderr).toBe('');
    const [row] = JSON.parse(r.stdout);
    expect(row).toMatchObject({ receipt: 'stored', status: 'done' });
    return row.messageId as number;
  };
  const replay = (id: number) => {
    const r = cli(ws, ['messages', 'replay', String(id)]);
    expect(r.stdout).toBe(`message ${id}: done\n`);
    expect(r.status).toBe(0);
  };
  const outbound = () => JSON.parse(cli(ws, ['messages', 'list', '--direction', 'out', '--json']).stdout) as { id: number; partnerId: string; filename: string; status: string }[];

  it('an 850 ingested and replayed twice: three 997s, three files, three ISA13/GS06 pairs, all done', () => {
    const id = ingest('po-rpl.edi', x12Interchange('ACMERETAIL', '000000931', 'PO-RPL'));
    replay(id);
    replay(id);
    const acks = outbound().filter((m) => m.partnerId === 'acme-retail');
    expect(acks).toHaveLength(3);
    expect(acks.map((a) => a.status)).toEqual(['done', 'done', 'done']);
    expect(new Set(acks.map((a) => a.filename)).size).toBe(3);
    const files = fs.readdirSync(outDir('acme-retail')).sort();
    expect(files).toEqual(acks.map((a) => a.filename).sort());
    for (const f of files) expect(f).toMatch(/^997-\d{9}-m\d+\.edi$/);
    const read = files.map((f) => new X12Parser(true).parse(fs.readFileSync(path.join(outDir('acme-retail'), f), 'latin1')) as X12Interchange);
    const isa13 = read.map((ic) => ic.header.valueOf(13));
    const gs06 = read.map((ic) => ic.functionalGroups[0].header.valueOf(6));
    expect(new Set(isa13).size).toBe(3);
    expect(new Set(gs06).size).toBe(3);
    for (const [i, ic] of read.entries()) {
      // The name says which interchange it is (node-x12 gives ISA13 without its leading zeros).
      expect(files[i]).toContain(`997-${isa13[i].padStart(9, '0')}-`);
      expect(ic.functionalGroups[0].header.valueOf(1)).toBe('FA');
      const set = ic.functionalGroups[0].transactions[0];
      expect(set.header.valueOf(1)).toBe('997');
      expect(set.segments.map((s) => s.tag)).toEqual(['AK1', 'AK2', 'AK5', 'AK9']);
      expect(set.segments[0].valueOf(2)).toBe('417'); // the 850's GS06
    }
    const shown = cli(ws, ['messages', 'show', String(id)]).stdout;
    expect(shown).toMatch(/replay\s+info\s+replay requested \(replay 1\)/);
    expect(shown).toMatch(/replay\s+info\s+replay requested \(replay 2\)/);
  });

  it('an EDIFACT ORDERS (nordmart) ingested and replayed twice: three CONTRLs with their own UNB references, all done', () => {
    const id = ingest('orders-rpl.edi', NORDMART_ORDERS);
    replay(id);
    replay(id);
    const acks = outbound().filter((m) => m.partnerId === 'nordmart');
    expect(acks).toHaveLength(3);
    expect(acks.map((a) => a.status)).toEqual(['done', 'done', 'done']);
    const files = fs.readdirSync(outDir('nordmart')).sort();
    expect(files).toEqual(acks.map((a) => a.filename).sort());
    const read = files.map((f) => readEdifact(fs.readFileSync(path.join(outDir('nordmart'), f), 'latin1')));
    const unb = read.map((segs) => segs.find((s) => s.name === 'UNB')!);
    const refs = unb.map((s) => s.elements[4][0]);
    expect(new Set(refs).size).toBe(3);
    for (const [i, segs] of read.entries()) {
      expect(files[i]).toBe(`CONTRL-${refs[i]}-m${acks.find((a) => a.filename === files[i])!.id}.edi`);
      expect(segs.find((s) => s.name === 'UNZ')!.elements[1][0]).toBe(refs[i]);
      expect(segs.find((s) => s.name === 'UNH')!.elements[1][0]).toBe('CONTRL');
      // Each acknowledges the same received interchange, accepted.
      expect(segs.find((s) => s.name === 'UCI')!.elements.map((e) => e[0])).toEqual(['RPL1', '5412345000013', '5790000000001', '7']);
    }
  });
});

describe.each(BACKENDS)('acknowledgment keys on %s', (backend) => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await testRuntime(backend);
    rt.workOutbound(); // inbound jobs are run by hand below
  });
  afterAll(async () => { await rt?.close(); });

  const job = (attempt = 0) => ({ jobId: 'test', attempt, lastAttempt: false });
  const interrupted = async (id: number) => {
    // As if the process died after the validate stage committed, before the job was marked complete.
    await rt.store.knex('message_state').where({ message_id: id }).update({ status: 'processing' });
  };

  it('a job run twice (redelivery, a crash mid-job) sends one acknowledgment; a replay job run twice sends one more', async () => {
    const processor = inboundProcessor({ knex: rt.store.knex, partners: rt.partners, log: silentLog, stages: rt.inboundStages() });
    const r = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000932', 'PO-KEY'), transport: 'test' });
    await processor.handle({ messageId: r.messageId }, job());
    await interrupted(r.messageId);
    await processor.handle({ messageId: r.messageId }, job(1));
    expect((await getMessage(rt.store.knex, r.messageId))!.status).toBe('done');
    expect(await acksOf(rt.store.knex, r.messageId)).toHaveLength(1);

    expect(await requestReplay(rt.store.knex, rt.queue, r.messageId)).toBe(1);
    // Not again while the first is in the pipeline ...
    await expect(requestReplay(rt.store.knex, rt.queue, r.messageId)).rejects.toMatchObject({ code: 'MESSAGE_IN_PROGRESS' });
    // ... but once it has settled (as a slow worker may report before its job is acknowledged).
    await rt.store.knex('message_state').where({ message_id: r.messageId }).update({ status: 'done' });
    expect(await requestReplay(rt.store.knex, rt.queue, r.messageId)).toBe(2);
    // The second replay's job runs first, and twice; then the first's; then the original is redelivered late.
    await processor.handle({ messageId: r.messageId, replay: 2 }, job());
    await interrupted(r.messageId);
    await processor.handle({ messageId: r.messageId, replay: 2 }, job(1));
    await interrupted(r.messageId);
    await processor.handle({ messageId: r.messageId, replay: 1 }, job());
    await interrupted(r.messageId);
    await processor.handle({ messageId: r.messageId }, job(2));
    const acks = await acksOf(rt.store.knex, r.messageId);
    expect(acks.map((a) => a.key)).toEqual([`ack:${r.messageId}:0:0`, `ack:${r.messageId}:0:2`, `ack:${r.messageId}:0:1`]);
    // Each is sent, under its own name.
    const out = path.join(rt.config.home, 'partners', 'acme-retail', 'out');
    await eventually(async () => {
      const states = await Promise.all(acks.map((a) => getMessage(rt.store.knex, a.id)));
      return states.every((m) => m?.status === 'done');
    }, 20_000, 'the three acknowledgments sent');
    expect(fs.readdirSync(out).filter((f) => acks.some((a) => a.filename === f))).toHaveLength(3);
  });

  it('a send that died after writing the file is a success when run again (same name, same bytes)', async () => {
    const r = await rt.receive({ content: x12Interchange('ACMERETAIL', '000000933', 'PO-SEND'), transport: 'test' });
    const processor = inboundProcessor({ knex: rt.store.knex, partners: rt.partners, log: silentLog, stages: rt.inboundStages() });
    await processor.handle({ messageId: r.messageId }, job());
    const [ack] = await acksOf(rt.store.knex, r.messageId);
    await eventually(async () => (await getMessage(rt.store.knex, ack.id))?.status === 'done', 20_000, 'the 997 sent');
    // The job runs again as if its completion had not been recorded.
    await rt.store.knex('message_state').where({ message_id: ack.id }).update({ status: 'received' });
    await rt.queue.send('outbound-send', { messageId: ack.id });
    const m = await eventually(async () => {
      const s = await getMessage(rt.store.knex, ack.id);
      return s && s.status !== 'received' ? s : undefined;
    }, 20_000, 'the 997 sent again');
    expect(m.status).toBe('done');
  });
});
