import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../../src/daemon/runtime';
import { getContent, listMessages } from '../../src/store/messages.repo';
import { folderSettings } from '../../src/transports/folder/folder.config';
import { FolderTransport } from '../../src/transports/folder/folder.transport';
import { sniff } from '../../src/parsers/sniff';
import { createLogger } from '../../src/log/logger';
import { silentLog, testRuntime, x12Interchange } from '../helpers';

describe('folder transport', () => {
  let rt: Runtime;
  beforeAll(async () => { rt = await testRuntime('pglite'); });
  afterAll(async () => { await rt?.close(); });

  function transport(partnerId: string, stableSeconds = 0, receive = rt.receive, log = silentLog) {
    const profile = rt.partners().get(partnerId)!;
    const settings = folderSettings({ home: rt.config.home, folder: { ...rt.config.folder, stableSeconds } }, profile);
    const senderOf = (content: Buffer) => rt.partners().senderOf(sniff(content))?.id;
    return { t: new FolderTransport(settings, receive, log, senderOf), s: settings };
  }

  /** The reason files in error/, by the name they were moved under (without the time stamp). */
  function reasons(errorDir: string): Record<string, string> {
    return Object.fromEntries(fs.readdirSync(errorDir).filter((n) => n.endsWith('.reason.txt'))
      .map((n) => [n.replace(/^[0-9TZ-]+?-(?=[^0-9])/, '').replace(/\.reason\.txt$/, ''), fs.readFileSync(path.join(errorDir, n), 'utf8')]));
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

  it('sees every file on the first poll and takes at most maxFilesPerPoll a poll after: no poll spent only looking', async () => {
    const { s } = transport('acme-retail', 0.2);
    const t = new FolderTransport({ ...s, maxFilesPerPoll: 3 }, rt.receive, silentLog);
    for (let i = 0; i < 7; i++) fs.writeFileSync(path.join(s.inDir, `po-batch-${i}.edi`), x12Interchange('ACMERETAIL', String(300 + i).padStart(9, '0')));
    expect(await t.pollOnce()).toEqual({ received: 0, waiting: 7, failed: 0 }); // all seen once
    await new Promise((r) => setTimeout(r, 250));
    expect(await t.pollOnce()).toEqual({ received: 3, waiting: 0, failed: 0 });
    expect(await t.pollOnce()).toEqual({ received: 3, waiting: 0, failed: 0 });
    expect(await t.pollOnce()).toEqual({ received: 1, waiting: 0, failed: 0 });
    expect(fs.readdirSync(s.inDir).filter((n) => n.startsWith('po-batch-'))).toEqual([]);
  });

  it('running, takes a backlog poll after poll without waiting the interval, and looks again at unstable files once stableSeconds has passed', async () => {
    const { s } = transport('acme-retail', 0.3);
    // A minute between polls: only the pacing can take these files within the test's time.
    const t = new FolderTransport({ ...s, pollMs: 60_000, maxFilesPerPoll: 3 }, rt.receive, silentLog);
    const names = Array.from({ length: 7 }, (_, i) => `po-pace-${i}.edi`);
    names.forEach((n, i) => fs.writeFileSync(path.join(s.inDir, n), x12Interchange('ACMERETAIL', String(400 + i).padStart(9, '0'))));
    t.start();
    try {
      // First poll: all seen, none stable; 0.3 s later: 3 taken; then at once 3 and 1 more.
      for (let waited = 0; fs.readdirSync(s.inDir).some((n) => n.startsWith('po-pace-')); waited += 50) {
        if (waited > 20_000) throw new Error(`still in in/ after 20 s: ${fs.readdirSync(s.inDir).join(', ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await t.stop();
    }
    const stored = await listMessages(rt.store.knex, { partnerId: 'acme-retail', limit: 7 });
    expect(stored.map((m) => m.filename).sort()).toEqual(names);
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

  describe('a file it cannot take goes to error/ with its reason, and the next file is still taken', () => {
    it('a name with backslashes, a line break, or bytes that are not UTF-8: error/ under a plain name, an exception, the good order beside it taken on the same poll', async () => {
      const { t, s } = transport('acme-retail');
      const inDir = Buffer.from(`${s.inDir}/`);
      fs.writeFileSync(path.join(s.inDir, 'a\\..\\..\\evil.x12'), x12Interchange('ACMERETAIL', '000000201'));
      fs.writeFileSync(path.join(s.inDir, 'po\nnewline.edi'), x12Interchange('ACMERETAIL', '000000202'));
      fs.writeFileSync(Buffer.concat([inDir, Buffer.from([0x70, 0xf6, 0x2e, 0x65, 0x64, 0x69])]), x12Interchange('ACMERETAIL', '000000203')); // 'pö.edi' in latin1
      fs.writeFileSync(path.join(s.inDir, 'zz-good.edi'), x12Interchange('ACMERETAIL', '000000204'));
      expect(await t.pollOnce()).toEqual({ received: 1, waiting: 0, failed: 3 });
      expect(fs.readdirSync(s.inDir)).toEqual([]);
      const r = reasons(s.errorDir);
      expect(r['a_.._.._evil.x12']).toMatch(/^FILE_NAME_REFUSED: its name holds a backslash.*\(message \d+\)\n$/);
      expect(r['po_newline.edi']).toMatch(/^FILE_NAME_REFUSED: its name holds a control character/);
      expect(r['p_.edi']).toMatch(/^FILE_NAME_REFUSED: its name is not valid UTF-8/);
      const exceptions = await listMessages(rt.store.knex, { partnerId: 'acme-retail', status: 'exception', limit: 10 });
      expect(exceptions.map((m) => m.filename)).toEqual(expect.arrayContaining(['a_.._.._evil.x12', 'po_newline.edi', 'p_.edi']));
      expect(exceptions.find((m) => m.filename === 'po_newline.edi')).toMatchObject({ errorCode: 'FILE_NAME_REFUSED' });
      expect(fs.readdirSync(s.archiveDir).some((n) => n.endsWith('-zz-good.edi'))).toBe(true);
      // The bytes are kept: a person can look at them, and replay once the partner is told.
      const [evil] = exceptions.filter((m) => m.filename === 'a_.._.._evil.x12');
      expect((await getContent(rt.store.knex, evil.id))!.toString()).toBe(x12Interchange('ACMERETAIL', '000000201').toString());
    });

    it('a file over folder.maxFileMB goes to error/ unread; not EDI and another sender\'s go to error/ after they are stored', async () => {
      const { s } = transport('swift-3pl');
      // What the include/exclude test left behind is not this test's.
      for (const n of fs.readdirSync(s.inDir)) fs.rmSync(path.join(s.inDir, n));
      const small = new FolderTransport({ ...s, maxFileBytes: 1000 }, rt.receive, silentLog, (c) => rt.partners().senderOf(sniff(c))?.id);
      fs.writeFileSync(path.join(s.inDir, 'big.edi'), Buffer.alloc(5000, 'X'));
      fs.writeFileSync(path.join(s.inDir, 'notes.txt'), 'Dear 3PL, the pallets are late.');
      fs.writeFileSync(path.join(s.inDir, 'from-acme.edi'), x12Interchange('ACMERETAIL', '000000205'));
      expect(await small.pollOnce()).toEqual({ received: 0, waiting: 0, failed: 3 });
      const r = reasons(s.errorDir);
      expect(r['big.edi']).toMatch(/^FILE_TOO_BIG: 5000 bytes, more than the 1000 bytes/);
      expect(r['notes.txt']).toMatch(/^NOT_EDI: not X12 or EDIFACT/);
      expect(r['from-acme.edi']).toMatch(/^UNKNOWN_SENDER: the interchange's sender ZZ:ACMERETAIL is partner acme-retail, not swift-3pl/);
      const messages = await listMessages(rt.store.knex, { partnerId: 'swift-3pl', limit: 10 });
      expect(messages.find((m) => m.filename === 'big.edi')).toMatchObject({ status: 'exception', errorCode: 'FILE_TOO_BIG' });
      expect(messages.map((m) => m.filename)).toEqual(expect.arrayContaining(['notes.txt', 'from-acme.edi']));
    });

    it('logs, once, an in-progress name left untouched for long', async () => {
      const lines: string[] = [];
      const log = createLogger({ level: 'warn', destination: { write: (l: string) => { lines.push(l); } } });
      const { t, s } = transport('summit-grocers', 0, rt.receive, log);
      const file = path.join(s.inDir, '.forgotten.edi');
      fs.writeFileSync(file, 'x');
      const old = new Date(Date.now() - 3_600_000);
      fs.utimesSync(file, old, old);
      await t.pollOnce();
      await t.pollOnce();
      const warnings = lines.filter((l) => l.includes('.forgotten.edi') || l.includes('_forgotten.edi'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('rename it to have it taken');
      expect(fs.existsSync(file)).toBe(true);
    });
  });

  it('removes what a killed write left in out/ once it is stale, and nothing else', async () => {
    const { t, s } = transport('acme-retail');
    const old = new Date(Date.now() - 60_000);
    const stale = path.join(s.outDir, '.997-000000001-m7.edi.0a1b2c3d.tmp');
    const fresh = path.join(s.outDir, '.997-000000002-m8.edi.9f8e7d6c.tmp');
    const theirs = path.join(s.outDir, '.partner-upload.tmp'); // not a name our writes use
    const whole = path.join(s.outDir, '997-000000003-m9.edi');
    for (const f of [stale, fresh, theirs, whole]) fs.writeFileSync(f, 'x');
    for (const f of [stale, theirs, whole]) fs.utimesSync(f, old, old);
    t.sweepOut(Date.now());
    expect(fs.existsSync(stale)).toBe(false);
    expect([fresh, theirs, whole].map((f) => fs.existsSync(f))).toEqual([true, true, true]);
    // Looked at again only after a while: the fresh one, once stale, goes then.
    fs.utimesSync(fresh, old, old);
    t.sweepOut(Date.now());
    expect(fs.existsSync(fresh)).toBe(true);
    t.sweepOut(Date.now() + 31_000);
    expect(fs.existsSync(fresh)).toBe(false);
    expect(fs.existsSync(whole)).toBe(true);
  });
});
