import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../../src/daemon/runtime';
import { listMessages } from '../../src/store/messages.repo';
import { folderSettings } from '../../src/transports/folder/folder.config';
import { FolderTransport } from '../../src/transports/folder/folder.transport';
import { silentLog, testRuntime, x12Interchange } from '../helpers';

describe('folder transport', () => {
  let rt: Runtime;
  beforeAll(async () => { rt = await testRuntime('pglite'); });
  afterAll(async () => { await rt?.close(); });

  function transport(partnerId: string, stableSeconds = 0, receive = rt.receive) {
    const profile = rt.partners().get(partnerId)!;
    const settings = folderSettings({ home: rt.config.home, folder: { ...rt.config.folder, stableSeconds } }, profile);
    return { t: new FolderTransport(settings, receive, silentLog), s: settings };
  }

  it('takes a file only once it has stopped changing, then archives it', async () => {
    const { t, s } = transport('acme-retail', 0.3);
    const file = path.join(s.inDir, 'po-1.edi');
    fs.writeFileSync(file, x12Interchange('ACMERETAIL', '000000101'));
    expect(await t.pollOnce()).toEqual({ received: 0, waiting: 1, failed: 0 }); // first sighting
    fs.appendFileSync(file, '\n'); // still being written
    await new Promise((r) => setTimeout(r, 350));
    expect(await t.pollOnce()).toEqual({ received: 0, waiting: 1, failed: 0 }); // it changed since
    await new Promise((r) => setTimeout(r, 350));
    expect(await t.pollOnce()).toEqual({ received: 1, waiting: 0, failed: 0 });
    expect(fs.existsSync(file)).toBe(false);
    const [m] = await listMessages(rt.store.knex, { partnerId: 'acme-retail', limit: 1 });
    expect(m.filename).toBe('po-1.edi');
    expect(fs.readdirSync(s.archiveDir)).toEqual([`${m.id}-po-1.edi`]);
  });

  it('leaves in-progress names alone and honours include/exclude', async () => {
    const { t, s } = transport('swift-3pl');
    fs.writeFileSync(path.join(s.inDir, '.hidden.edi'), 'x');
    fs.writeFileSync(path.join(s.inDir, 'upload.edi.part'), 'x');
    fs.writeFileSync(path.join(s.inDir, 'upload.tmp'), 'x');
    expect(await t.pollOnce()).toEqual({ received: 0, waiting: 0, failed: 0 });
    expect(fs.readdirSync(s.inDir).sort()).toEqual(['.hidden.edi', 'upload.edi.part', 'upload.tmp']);
    const picky = new FolderTransport({ ...s, include: /\.edi$/i, exclude: /^draft-/ }, rt.receive, silentLog);
    fs.writeFileSync(path.join(s.inDir, 'notes.txt'), 'x');
    fs.writeFileSync(path.join(s.inDir, 'draft-945.edi'), 'x');
    fs.writeFileSync(path.join(s.inDir, 'advice-945.EDI'), x12Interchange('SWIFT3PL', '000000103'));
    expect(await picky.pollOnce()).toEqual({ received: 1, waiting: 0, failed: 0 });
    expect(fs.readdirSync(s.inDir)).toEqual(expect.arrayContaining(['notes.txt', 'draft-945.edi']));
    expect(fs.readdirSync(s.inDir)).not.toContain('advice-945.EDI');
  });

  it('moves what cannot be stored to error/ with the reason beside it', async () => {
    const { t, s } = transport('summit-grocers');
    fs.symlinkSync('/etc/passwd', path.join(s.inDir, 'sneaky.edi'));
    fs.mkdirSync(path.join(s.inDir, 'a-folder'));
    expect(await t.pollOnce()).toEqual({ received: 0, waiting: 0, failed: 2 });
    const errors = fs.readdirSync(s.errorDir);
    expect(errors.filter((n) => n.endsWith('.reason.txt'))).toHaveLength(2);
    const reason = errors.find((n) => n.includes('sneaky') && n.endsWith('.reason.txt'))!;
    expect(fs.readFileSync(path.join(s.errorDir, reason), 'utf8')).toContain('symbolic link');
    expect(fs.readdirSync(s.inDir)).toEqual([]);
  });

  it('leaves the file in in/ when the store cannot take it, and takes it on a later poll', async () => {
    let down = true;
    const { t, s } = transport('nordmart', 0, async (r) => {
      if (down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return rt.receive(r);
    });
    fs.writeFileSync(path.join(s.inDir, 'orders.edi'), "UNB+UNOC:3+5412345000013:14+5790000000001:14+261127:1200+R9'");
    expect(await t.pollOnce()).toMatchObject({ received: 0, failed: 1 });
    expect(fs.readdirSync(s.inDir)).toEqual(['orders.edi']);
    expect(fs.readdirSync(s.errorDir)).toEqual([]);
    down = false;
    expect(await t.pollOnce()).toMatchObject({ received: 1 });
    expect(fs.readdirSync(s.inDir)).toEqual([]);
  });

  it('after a crash between store and move, moves the file without storing it again', async () => {
    const { t, s } = transport('acme-retail');
    const name = 'po-crash.edi';
    const file = path.join(s.inDir, name);
    fs.writeFileSync(file, x12Interchange('ACMERETAIL', '000000102'));
    const stat = fs.statSync(file);
    // What the crashed run had committed: the same receipt, by the same transport reference.
    const first = await rt.receive({ content: fs.readFileSync(file), transport: 'folder', partnerId: 'acme-retail', filename: name,
      transportRef: `acme-retail/${name}@${Math.trunc(stat.mtimeMs)}:${stat.size}` });
    const count = (await listMessages(rt.store.knex, { limit: 1000 })).length;
    expect(await t.pollOnce()).toMatchObject({ received: 1 });
    expect((await listMessages(rt.store.knex, { limit: 1000 })).length).toBe(count);
    expect(fs.readdirSync(s.archiveDir)).toContain(`${first.messageId}-${name}`);
  });

  it('writes outbound files atomically and never over an uncollected one', async () => {
    const { t, s } = transport('acme-retail');
    const content = Buffer.alloc(3_000_000, 'A');
    const seen: number[] = [];
    const watcher = fs.watch(s.outDir, (_e, name) => {
      if (name === 'INV-1.edi' && fs.existsSync(path.join(s.outDir, name))) seen.push(fs.statSync(path.join(s.outDir, name)).size);
    });
    await t.send({ name: 'INV-1.edi', content });
    watcher.close();
    expect(fs.readFileSync(path.join(s.outDir, 'INV-1.edi')).equals(content)).toBe(true);
    expect(seen.every((size) => size === content.length)).toBe(true);
    expect(fs.readdirSync(s.outDir)).toEqual(['INV-1.edi']); // no temp file left
    await expect(t.send({ name: 'INV-1.edi', content: Buffer.from('other') })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(fs.readFileSync(path.join(s.outDir, 'INV-1.edi')).length).toBe(content.length);
  });

  it('refuses outbound names that try to leave the folder', async () => {
    const { t, s } = transport('acme-retail');
    await expect(t.send({ name: '../in/evil.edi', content: Buffer.from('x') })).rejects.toMatchObject({ code: 'PATH_OUTSIDE_FOLDER' });
    await expect(t.send({ name: '/tmp/evil.edi', content: Buffer.from('x') })).rejects.toMatchObject({ code: 'PATH_OUTSIDE_FOLDER' });
    expect(fs.existsSync(path.join(s.inDir, 'evil.edi'))).toBe(false);
  });
});
