import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cli, exited, killDaemons, startDaemon, workspace } from '../cli-helpers';
import pg from 'pg';
import { REPO, eventually, freshDatabase, x12Interchange } from '../helpers';

/**
 * `validate`, `ack` and `translate` read the store's history (duplicates, next control numbers)
 * without the runtime: no job queue, and PGlite only when no cheaper source is correct
 * (src/cli/history-source.ts). `--verbose` logs which source each run used.
 */

const SOURCE = /"msg":"history source: (\w+)"/;

function source(stderr: string): string | undefined {
  return stderr.match(SOURCE)?.[1];
}

/** ISA13 and GS06 of an acknowledgment interchange `ack` printed. */
function envelopeNumbers(text: string): { isa: string; gs?: string } {
  const isa = text.split('~').find((s) => s.startsWith('ISA'))!.split('*')[13];
  const gs = text.split('~').find((s) => s.trim().startsWith('GS'))?.split('*')[6];
  return { isa, gs };
}

/** The modules a command loaded, from a run of main() in a process of its own. */
function modulesLoaded(ws: { cwd: string; env: NodeJS.ProcessEnv }, args: string[]): string[] {
  const script = `const { main } = require(${JSON.stringify(path.join(REPO, 'dist', 'cli', 'main.js'))});
    main(${JSON.stringify(args)}).then(() => process.stderr.write('\\nMODULES ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: ws.cwd, env: ws.env, encoding: 'utf8', timeout: 60_000 });
  const line = r.stderr.split('\n').find((l) => l.startsWith('MODULES '));
  if (!line) throw new Error(`no module list: ${r.stderr}`);
  return JSON.parse(line.slice('MODULES '.length));
}

const HEAVY = /node_modules\/(@electric-sql\/pglite|knex|pg|pg-boss|fastify|ssh2|ssh2-sftp-client|node-forge|pkijs|node-cron\/dist\/.*scheduler)\/|dist\/(daemon|http|queue|odoo|inbox)\//;

function pgControl(home: string): number {
  return fs.statSync(path.join(home, 'store', 'pgdata', 'global', 'pg_control')).mtimeMs;
}

describe('validate, ack and translate without the runtime', () => {
  const ws = workspace();
  const snapshotFile = path.join(ws.home, 'store', 'history-snapshot.json');
  const ingested = path.join(ws.cwd, 'po-1001.edi');
  const fresh = path.join(ws.cwd, 'po-1002.edi');
  fs.writeFileSync(ingested, x12Interchange('ACMERETAIL', '000001001', 'PO1001'));
  fs.writeFileSync(fresh, x12Interchange('ACMERETAIL', '000001002', 'PO1002'));
  afterAll(killDaemons);

  it('on a fresh home: no duplicates, sequences from 1, and no store created', () => {
    for (const cmd of ['validate', 'ack', 'translate']) {
      const r = cli(ws, ['--verbose', cmd, ingested]);
      expect({ cmd, status: r.status }).toEqual({ cmd, status: 0 });
      expect(source(r.stderr)).toBe('none');
      if (cmd === 'ack') expect(envelopeNumbers(r.stdout)).toEqual({ isa: '000000001', gs: '1' });
    }
    expect(fs.existsSync(ws.home)).toBe(false);
  });

  it('loads none of the daemon\'s modules (HTTP, queue, store drivers, SSH, Odoo)', () => {
    for (const cmd of ['validate', 'ack', 'translate']) {
      const loaded = modulesLoaded(ws, [cmd, ingested]);
      expect(loaded.some((m) => m.includes('/dist/cli/commands/validate.js'))).toBe(true); // the list is real
      expect({ cmd, heavy: loaded.filter((m) => HEAVY.test(m)) }).toEqual({ cmd, heavy: [] });
    }
    // `run` does load them: the pattern can match.
    expect(modulesLoaded(ws, ['run', '--help']).filter((m) => HEAVY.test(m)).length).toBeGreaterThan(0);
  });

  it('after ingest, reads the snapshot the ingest left: the same file is a duplicate, and PGlite is not started', () => {
    const ingest = cli(ws, ['ingest', ingested, '--json']);
    expect(ingest.status).toBe(0);
    const [row] = JSON.parse(ingest.stdout);
    expect(row).toMatchObject({ receipt: 'stored', status: 'done' });
    expect(fs.existsSync(snapshotFile)).toBe(true);
    const snapshotBefore = fs.readFileSync(snapshotFile, 'utf8');
    const controlBefore = pgControl(ws.home);

    const v = cli(ws, ['--verbose', 'validate', '--json', ingested]);
    expect(v.status).toBe(1);
    expect(source(v.stderr)).toBe('snapshot');
    const report = JSON.parse(v.stdout);
    expect(report.interchanges[0]).toMatchObject({ duplicate: true, status: 'rejected' });
    expect(report.interchanges[0].errors[0]).toMatchObject({ code: '025', message: expect.stringContaining(`(message ${row.messageId}, `) });

    // A file not received before is not a duplicate; translate reads the same history.
    const other = cli(ws, ['--verbose', 'validate', fresh]);
    expect(other.status).toBe(0);
    expect(other.stdout).not.toContain('DUPLICATE');
    const t = cli(ws, ['--verbose', 'translate', ingested]);
    expect(t.status).toBe(1);
    expect(source(t.stderr)).toBe('snapshot');
    expect(JSON.parse(t.stdout)).toEqual([]);

    // PGlite rewrites pg_control whenever it starts; the snapshot is rewritten by each owner's close.
    expect(pgControl(ws.home)).toBe(controlBefore);
    expect(fs.readFileSync(snapshotFile, 'utf8')).toBe(snapshotBefore);
    expect(fs.existsSync(path.join(ws.home, 'store', 'owner.json'))).toBe(false);
  });

  it('ack numbers its acknowledgments as the store would, from the snapshot', async () => {
    const a = cli(ws, ['--verbose', 'ack', fresh]);
    expect(a.status).toBe(0);
    expect(source(a.stderr)).toBe('snapshot');
    // What the store itself peeks (this opens PGlite here, so it comes after the ack).
    const { openStore } = await import('../../src/store/store');
    const { peekControlNumber } = await import('../../src/store/control-numbers.repo');
    const { silentLog } = await import('../helpers');
    const store = await openStore({ home: ws.home, role: 'cli', log: silentLog });
    let peeked: { isa: number; gs: number };
    try {
      peeked = { isa: await peekControlNumber(store.knex, 'acme-retail', 'isa'), gs: await peekControlNumber(store.knex, 'acme-retail', 'gs') };
    } finally {
      await store.close();
    }
    // The ingest sent one 997 (ISA 1, GS 1): the next are 2 and 2.
    expect(peeked).toEqual({ isa: 2, gs: 2 });
    expect(envelopeNumbers(a.stdout)).toEqual({ isa: String(peeked.isa).padStart(9, '0'), gs: String(peeked.gs) });
  });

  it('does not trust a snapshot once an owner has opened the store, even if that owner crashed', () => {
    const stale = fs.readFileSync(snapshotFile, 'utf8');
    // An owner that opens the store, uses up a control number and is killed: no clean close.
    const crash = `const { openStore } = require(${JSON.stringify(path.join(REPO, 'dist', 'store', 'store.js'))});
      const { nextControlNumber } = require(${JSON.stringify(path.join(REPO, 'dist', 'store', 'control-numbers.repo.js'))});
      const { createLogger } = require(${JSON.stringify(path.join(REPO, 'dist', 'log', 'logger.js'))});
      openStore({ home: process.env.HOME_DIR, role: 'cli', log: createLogger({ level: 'silent', destination: 2 }) })
        .then((s) => nextControlNumber(s.knex, 'acme-retail', 'isa'))
        .then((n) => { process.stdout.write(String(n)); process.kill(process.pid, 'SIGKILL'); });`;
    const r = spawnSync(process.execPath, ['-e', crash], { cwd: ws.cwd, env: { ...ws.env, HOME_DIR: ws.home }, encoding: 'utf8', timeout: 60_000 });
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout).toBe('2');
    // Opening the store removed the snapshot, so the crash left none.
    expect(fs.existsSync(snapshotFile)).toBe(false);

    // Even the old snapshot put back (a copy, a restored backup) is not used: the store changed since.
    fs.writeFileSync(snapshotFile, stale);
    const a = cli(ws, ['--verbose', 'ack', fresh]);
    expect(a.status).toBe(0);
    expect(source(a.stderr)).toBe('opened');
    expect(a.stderr).toMatch(/history snapshot stale/);
    expect(envelopeNumbers(a.stdout).isa).toBe('000000003'); // the stale snapshot would say 2

    // That run owned the store and left a fresh snapshot: the next run reads it, with the same answer.
    const again = cli(ws, ['--verbose', 'ack', fresh]);
    expect(source(again.stderr)).toBe('snapshot');
    expect(envelopeNumbers(again.stdout).isa).toBe('000000003');
  });

  it('reads through the daemon\'s socket while the daemon holds the store', async () => {
    const daemon = startDaemon(ws);
    try {
      await eventually(() => {
        try {
          return JSON.parse(fs.readFileSync(path.join(ws.home, 'store', 'owner.json'), 'utf8')).pid === daemon.pid;
        } catch {
          return false;
        }
      }, 60_000, 'the daemon to hold the store');
      expect(fs.existsSync(snapshotFile)).toBe(false);
      const v = cli(ws, ['--verbose', 'validate', ingested]);
      expect(v.status).toBe(1);
      expect(source(v.stderr)).toBe('attached');
      expect(v.stdout).toContain('DUPLICATE rejected');
      const a = cli(ws, ['--verbose', 'ack', fresh]);
      expect(envelopeNumbers(a.stdout).isa).toBe('000000003');
    } finally {
      daemon.kill('SIGTERM');
      expect((await exited(daemon)).code).toBe(0);
    }
    // Its clean stop left a snapshot for the next command.
    expect(fs.existsSync(snapshotFile)).toBe(true);
    expect(source(cli(ws, ['--verbose', 'validate', ingested]).stderr)).toBe('snapshot');
  });
});

describe('validate on a big file', () => {
  const ws = workspace();

  it('lists every set of a small file, and only the sets with errors of a file over 16 MiB', async () => {
    const { writeX12File } = require(path.join(REPO, 'bench', 'x12-gen.js')) as { writeX12File(file: string, sets: number): Promise<number> };
    const small = path.join(ws.cwd, 'small.edi');
    await writeX12File(small, 3);
    const s = cli(ws, ['validate', small]);
    expect(s.status).toBe(0);
    expect(s.stdout.match(/^ {4}850 \d+ {2}accepted$/gm)).toHaveLength(3);

    const big = path.join(ws.cwd, 'big.edi');
    const bytes = await writeX12File(big, 62_000);
    expect(bytes).toBeGreaterThan(16 * 2 ** 20);
    try {
      const r = cli(ws, ['validate', big]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('group PO 1  accepted (62000 of 62000 sets accepted)');
      expect(r.stdout).not.toMatch(/^ {4}850 /m);
      expect(r.stderr).toMatch(/big\.edi: 17 MiB: accepted sets are counted, not listed/);
      const json = JSON.parse(cli(ws, ['validate', '--json', big]).stdout);
      expect(json.interchanges[0].groups[0]).toMatchObject({ setCount: 62000, acceptedCount: 62000, sets: [] });
    } finally {
      fs.rmSync(big, { force: true });
    }
  });
});

// With DATABASE_URL: one plain connection, no migrations run, no job queue.
(process.env.TEST_DATABASE_URL ? describe : describe.skip)('validate and ack on PostgreSQL', () => {
  const ws = workspace();
  const file = path.join(ws.cwd, 'po-2001.edi');
  fs.writeFileSync(file, x12Interchange('ACMERETAIL', '000002001', 'PO2001'));

  it('reads an empty database as no history without creating its schema, then finds what ingest stored', async () => {
    const url = await freshDatabase();
    const tables = async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).rows.length;
      } finally {
        await client.end();
      }
    };
    const first = cli(ws, ['--verbose', 'validate', file], { DATABASE_URL: url });
    expect(first.status).toBe(0);
    expect(source(first.stderr)).toBe('postgres');
    const ack = cli(ws, ['ack', file], { DATABASE_URL: url });
    expect(envelopeNumbers(ack.stdout)).toEqual({ isa: '000000001', gs: '1' });
    expect(await tables()).toBe(0);
    expect(fs.existsSync(ws.home)).toBe(false);

    expect(cli(ws, ['ingest', file], { DATABASE_URL: url }).status).toBe(0);
    const again = cli(ws, ['--verbose', 'validate', file], { DATABASE_URL: url });
    expect(again.status).toBe(1);
    expect(source(again.stderr)).toBe('postgres');
    expect(again.stdout).toContain('DUPLICATE rejected');
    const second = cli(ws, ['ack', path.join(REPO, 'partner-profiles', 'acme-retail', 'samples', 'inbound', '850-store-order.edi')], { DATABASE_URL: url });
    expect(envelopeNumbers(second.stdout)).toEqual({ isa: '000000002', gs: '2' });
  });
});
