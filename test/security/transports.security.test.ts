import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../../src/daemon/runtime';
import { sniff } from '../../src/parsers/sniff';
import type { PartnerProfile } from '../../src/partners/profile.schema';
import { enqueueOutbound } from '../../src/pipeline/outbox';
import { getMessage, listMessages } from '../../src/store/messages.repo';
import { folderSettings } from '../../src/transports/folder/folder.config';
import { FolderTransport } from '../../src/transports/folder/folder.transport';
import { sftpInboundSettings, sftpOutboundSettings } from '../../src/transports/sftp/sftp.config';
import { SftpPoller } from '../../src/transports/sftp/sftp.inbound';
import { SftpSender } from '../../src/transports/sftp/sftp.outbound';
import { SftpTransportSchema } from '../../src/transports/sftp/sftp.schema';
import { eventually, PROFILES, silentLog } from '../helpers';
import { ordersFor, settled, startSandbox, type SandboxOdoo } from '../odoo-helpers';
import { startSftpServer, type SftpServer } from '../sftp-server';
import { securityRuntime } from './security-helpers';

/**
 * The file transports under attack: a partner's channel carrying another partner's interchange,
 * hostile file names and sizes, inbound (a partner's folder, a partner's real OpenSSH server) and
 * outbound. The sandbox Odoo sits behind the pipeline, so "nothing written" is looked for in Odoo.
 */

const sample = (partner: string, file: string) => fs.readFileSync(path.join(PROFILES, partner, 'samples', 'inbound', file));
/** Summit's sample 850 (ISA sender ZZ:SUMMITGROC) under its own control and PO numbers. */
const summitOrder = (control: string, po: string) => Buffer.from(sample('summit-grocers', '850-dc-order.edi').toString('latin1')
  .replace('*000004521*', `*${control}*`).replace('IEA*1*000004521', `IEA*1*${control}`).replace('BEG*00*SA*SG-778812', `BEG*00*SA*${po}`), 'latin1');
/** The reason files in a folder, by file name without the time stamp. */
const reasons = (dir: string) => Object.fromEntries(fs.readdirSync(dir).filter((n) => n.endsWith('.reason.txt'))
  .map((n) => [n.replace(/^[0-9TZ-]+?-(?=[^0-9])/, '').replace(/\.reason\.txt$/, ''), fs.readFileSync(path.join(dir, n), 'utf8')]));

describe('file transports under attack', () => {
  let sb: SandboxOdoo;
  let rt: Runtime;
  let server: SftpServer;
  let remoteDirs = 0;

  beforeAll(async () => {
    server = await startSftpServer();
    sb = await startSandbox();
    rt = await securityRuntime({ sandboxOdoo: { port: sb.port }, odoo: { enabled: true, timeoutSeconds: 10, pollSeconds: 0 } });
    rt.workInbound();
  });
  afterAll(async () => {
    await rt?.close();
    await sb?.close();
    await server?.destroy();
  });

  /** A partner's folder transport, built as the daemon builds it (its settings from the config, the sender check at the door). */
  function folder(partnerId: string): { t: FolderTransport; inDir: string; errorDir: string; outDir: string } {
    const s = folderSettings(rt.config, rt.partners().get(partnerId)!);
    const senderOf = (content: Buffer) => rt.partners().senderOf(sniff(content.subarray(0, 4096)))?.id;
    return { t: new FolderTransport(s, rt.receive, silentLog, senderOf), inDir: s.inDir, errorDir: s.errorDir, outDir: s.outDir };
  }

  /** ACME's profile with SFTP on the test sshd, a fresh remote folder of its own; what the profile's defaults say otherwise. */
  function acmeOverSftp(outDir?: string): { profile: PartnerProfile; local: (...parts: string[]) => string } {
    const name = `acme-${++remoteDirs}`;
    for (const d of [name, ...(outDir ? [outDir] : [])]) {
      fs.mkdirSync(server.local(d), { recursive: true });
      fs.chownSync(server.local(d), fs.statSync(server.local()).uid, fs.statSync(server.local()).gid);
    }
    const acme = rt.partners().get('acme-retail')!;
    const sftp = SftpTransportSchema.parse({ host: server.host, port: server.port, username: server.username, privateKeyFile: server.clientKeyFile,
      hostKeyFingerprint: server.fingerprint, connectTimeoutSeconds: 5, inbound: { dir: `/upload/${name}` }, ...(outDir ? { outbound: { dir: `/upload/${outDir}` } } : {}) });
    return { profile: { ...acme, transports: { ...acme.transports, primary: 'sftp', sftp } }, local: (...parts) => server.local(name, ...parts) };
  }

  /** Two polls: the first sees the files, the second takes those whose size and mtime held (size-mtime rule). */
  async function pollTwice(t: SftpPoller) {
    await t.pollOnce();
    return t.pollOnce();
  }

  const byFilename = async (partnerId: string, filename: string) =>
    (await listMessages(rt.store.knex, { partnerId, limit: 1000 })).find((m) => m.filename === filename);

  describe('a channel carrying another partner\'s interchange', () => {
    it('Summit\'s X12 (ISA06 SUMMITGROC) dropped in ACME\'s folder: error/ with UNKNOWN_SENDER, PARTNER_MISMATCH, no sale order; through Summit\'s own folder it is one', async () => {
      const acme = folder('acme-retail');
      fs.writeFileSync(path.join(acme.inDir, 'po-from-summit.edi'), summitOrder('000008101', 'SG-WRONG-DOOR'));
      expect(await acme.t.pollOnce()).toEqual({ received: 0, waiting: 0, failed: 1 });
      expect(reasons(acme.errorDir)['po-from-summit.edi']).toMatch(/^UNKNOWN_SENDER: the interchange's sender ZZ:SUMMITGROC is partner summit-grocers, not acme-retail/);
      const m = await settled(rt, (await byFilename('acme-retail', 'po-from-summit.edi'))!.id);
      expect(m).toMatchObject({ status: 'exception', errorCode: 'PARTNER_MISMATCH',
        errorMessage: "X12 sender ZZ:SUMMITGROC belongs to partner 'summit-grocers', but the file came through 'acme-retail'" });
      expect(ordersFor(sb, 'SG-WRONG-DOOR')).toEqual([]);

      // The control: the same kind of order through the door it belongs to becomes a sale order.
      const summit = folder('summit-grocers');
      fs.writeFileSync(path.join(summit.inDir, 'po-own-door.edi'), summitOrder('000008102', 'SG-RIGHT-DOOR'));
      expect(await summit.t.pollOnce()).toEqual({ received: 1, waiting: 0, failed: 0 });
      expect((await settled(rt, (await byFilename('summit-grocers', 'po-own-door.edi'))!.id)).status).toBe('done');
      expect(ordersFor(sb, 'SG-RIGHT-DOOR')).toHaveLength(1);
    });

    it('Nordmart\'s EDIFACT (UNB sender 5412345000013) dropped in ACME\'s folder: PARTNER_MISMATCH, no sale order', async () => {
      const acme = folder('acme-retail');
      fs.writeFileSync(path.join(acme.inDir, 'orders-from-nordmart.edi'), sample('nordmart', 'ORDERS-dc-order.edi'));
      expect(await acme.t.pollOnce()).toMatchObject({ received: 0, failed: 1 });
      const m = await settled(rt, (await byFilename('acme-retail', 'orders-from-nordmart.edi'))!.id);
      expect(m).toMatchObject({ status: 'exception', errorCode: 'PARTNER_MISMATCH',
        errorMessage: "EDIFACT sender 14:5412345000013 belongs to partner 'nordmart', but the file came through 'acme-retail'" });
      expect(ordersFor(sb, 'NM-PO-55012')).toEqual([]);
    });

    it('Summit\'s X12 on ACME\'s SFTP server: PARTNER_MISMATCH, no sale order', async () => {
      const { profile, local } = acmeOverSftp();
      fs.writeFileSync(local('po-from-summit.edi'), summitOrder('000008103', 'SG-WRONG-SERVER'));
      expect(await pollTwice(new SftpPoller(sftpInboundSettings(profile)!, rt.receive, silentLog))).toEqual({ received: 1, waiting: 0, failed: 0 });
      const stored = (await listMessages(rt.store.knex, { partnerId: 'acme-retail', limit: 1000 })).find((x) => x.transport === 'sftp' && x.filename === 'po-from-summit.edi')!;
      expect(await settled(rt, stored.id)).toMatchObject({ status: 'exception', errorCode: 'PARTNER_MISMATCH' });
      expect(ordersFor(sb, 'SG-WRONG-SERVER')).toEqual([]);
    });
  });

  describe('hostile file names', () => {
    it('a folder file whose name is 247 bytes of CJK text goes to error/ under a name the file system takes (FILE_NAME_REFUSED), and the next file is taken', async () => {
      const acme = folder('acme-retail');
      const long = `${'注文書'.repeat(27)}.edi`; // 81 characters of 3 bytes: a legal name, but over the 200 bytes taken as they are
      expect(Buffer.byteLength(long)).toBe(247);
      fs.writeFileSync(path.join(acme.inDir, long), Buffer.from('not read'));
      fs.writeFileSync(path.join(acme.inDir, 'zz-after.edi'), Buffer.from(sample('acme-retail', '850-store-order.edi')));
      expect(await acme.t.pollOnce()).toEqual({ received: 1, waiting: 0, failed: 1 });
      expect(fs.readdirSync(acme.inDir)).toEqual([]);
      const [moved] = fs.readdirSync(acme.errorDir).filter((n) => n.includes('注文書') && !n.endsWith('.reason.txt'));
      expect(Buffer.byteLength(`${moved}.reason.txt`)).toBeLessThanOrEqual(255);
      expect(fs.readFileSync(path.join(acme.errorDir, `${moved}.reason.txt`), 'utf8')).toMatch(/^FILE_NAME_REFUSED: its name is 247 bytes long, more than 200/);
    });

    it('SFTP names with a line break, 250 characters, or bytes that are not UTF-8 stay names: stored as given (or left on the server), never a path on this machine', async () => {
      const { profile, local } = acmeOverSftp();
      const names = ['po\nline-break.edi', `${'x'.repeat(246)}.edi`, 'zz-plain.edi'];
      names.forEach((n, i) => fs.writeFileSync(local(n), sample('acme-retail', '850-store-order.edi').toString('latin1').replace(/000001001/g, `00000810${i + 4}`)));
      const notUtf8 = Buffer.concat([Buffer.from(`${local()}/`), Buffer.from([0x70, 0xf6, 0x2e, 0x65, 0x64, 0x69])]); // 'pö.edi' in Latin-1
      fs.writeFileSync(notUtf8, 'x');
      expect(await pollTwice(new SftpPoller(sftpInboundSettings(profile)!, rt.receive, silentLog))).toEqual({ received: 3, waiting: 1, failed: 0 });
      for (const n of names) expect(await byFilename('acme-retail', n)).toMatchObject({ transport: 'sftp', filename: n });
      // The name that is not UTF-8 cannot be asked for by the name the client decoded: it stays on the server, unread (SECURITY.md, limits).
      expect(fs.existsSync(notUtf8)).toBe(true);
      expect(fs.readdirSync(local('archive')).sort()).toEqual(await Promise.all(names.map(async (n) => `${(await byFilename('acme-retail', n))!.id}-${n}`)).then((a) => a.sort()));
      // Nothing under the gateway's home bears those names: an SFTP name is never a local path.
      expect(fs.readdirSync(rt.config.home, { recursive: true }).filter((f) => String(f).includes('line-break') || String(f).includes('xxxxxxxx'))).toEqual([]);
    });

    it('an outbound label made of a partner\'s hostile PO number (../, NUL, a line break) becomes a plain name in out/', async () => {
      rt.workOutbound();
      const acme = folder('acme-retail');
      const r = await rt.store.knex.transaction((trx) => enqueueOutbound(trx, rt.queue, {
        partnerId: 'acme-retail', label: `855-../../../etc/cron.d/evil\0\n${'P'.repeat(150)}`, content: Buffer.from('855\n'), description: 'hostile label' }));
      const sent = await eventually(async () => {
        const m = await getMessage(rt.store.knex, r.messageId);
        return m && ['done', 'exception'].includes(m.status) ? m : undefined;
      }, 20_000, 'the delivery');
      expect(sent).toMatchObject({ status: 'done' });
      expect(r.filename).toBe(`855-_etc_cron_d_evil_${'P'.repeat(150)}-m${r.messageId}.edi`);
      expect(fs.readFileSync(path.join(acme.outDir, r.filename!), 'utf8')).toBe('855\n');
      expect(fs.existsSync('/etc/cron.d/evil')).toBe(false);
    });

    it('a 4,096-character, absolute or NUL-holding name handed to the senders directly: refused, nothing written', async () => {
      const acme = folder('acme-retail');
      // Whole files only: a dot-name is another send's write in progress (the pipeline's 997s go on meanwhile).
      const files = () => fs.readdirSync(acme.outDir).filter((n) => !n.startsWith('.'));
      const before = files();
      await expect(acme.t.send({ name: `${'n'.repeat(4096)}.edi`, content: Buffer.from('x') })).rejects.toMatchObject({ code: 'ENAMETOOLONG' });
      expect(files()).toEqual(before);
      expect(fs.readdirSync(acme.outDir).filter((n) => n.includes('nnnnnnnn'))).toEqual([]);
      const { profile } = acmeOverSftp('to-acme-names');
      const sender = new SftpSender(sftpOutboundSettings(profile)!, silentLog);
      for (const name of ['/etc/evil.edi', 'evil\0.edi']) await expect(sender.send({ name, content: Buffer.from('x') })).rejects.toMatchObject({ code: 'PATH_OUTSIDE_FOLDER' });
      // Past the server's name limit: the server refuses it (a RemoteFileError), before any byte is written.
      await expect(sender.send({ name: `${'n'.repeat(4096)}.edi`, content: Buffer.from('x') })).rejects.toMatchObject({ name: 'RemoteFileError' });
      expect(fs.readdirSync(server.local('to-acme-names'))).toEqual([]);
      expect(fs.readdirSync(server.local())).not.toContain('evil.edi');
    });
  });

  describe('absurd sizes', () => {
    it('a 2 GB file in a folder is refused unread (FILE_TOO_BIG) and the file beside it is taken on the same poll', async () => {
      const acme = folder('acme-retail');
      const huge = path.join(acme.inDir, 'huge.edi');
      fs.closeSync(fs.openSync(huge, 'w'));
      fs.truncateSync(huge, 2 ** 31); // sparse: 2 GB to stat, nothing on disk
      fs.writeFileSync(path.join(acme.inDir, 'small.edi'), sample('acme-retail', '850-store-order.edi').toString('latin1').replace(/000001001/g, '000008110'));
      expect(await acme.t.pollOnce()).toEqual({ received: 1, waiting: 0, failed: 1 });
      expect(reasons(acme.errorDir)['huge.edi']).toMatch(/^FILE_TOO_BIG: 2147483648 bytes, more than the 104857600 bytes folder\.maxFileMB allows \(message \d+\)/);
      expect(await byFilename('acme-retail', 'huge.edi')).toMatchObject({ status: 'exception', errorCode: 'FILE_TOO_BIG', sizeBytes: 0 });
      expect(fs.readdirSync(acme.inDir)).toEqual([]);
    });

    it('a 2 GB file on the SFTP server is moved to failed/ unread, nothing stored, and the file beside it is taken on the same poll', async () => {
      const { profile, local } = acmeOverSftp();
      const huge = local('huge.edi');
      fs.closeSync(fs.openSync(huge, 'w'));
      fs.truncateSync(huge, 2 ** 31);
      fs.writeFileSync(local('small.edi'), sample('acme-retail', '850-store-order.edi').toString('latin1').replace(/000001001/g, '000008111'));
      expect(await pollTwice(new SftpPoller(sftpInboundSettings(profile)!, rt.receive, silentLog))).toEqual({ received: 1, waiting: 0, failed: 1 });
      const failed = fs.readdirSync(local('failed')).sort();
      expect(failed).toEqual([expect.stringMatching(/-huge\.edi$/), expect.stringMatching(/-huge\.edi\.reason\.txt$/)]);
      expect(fs.readFileSync(local('failed', failed[1]), 'utf8')).toBe('2147483648 bytes is more than maxFileSize (67108864 bytes)\n');
      expect((await listMessages(rt.store.knex, { limit: 1000 })).filter((m) => m.transport === 'sftp' && m.filename === 'huge.edi')).toEqual([]);
      expect(fs.readdirSync(local('archive'))).toEqual([expect.stringMatching(/^\d+-small\.edi$/)]);
    });
  });
});
