import fs from 'node:fs';
import path from 'node:path';
import { cli, workspace } from '../cli-helpers';
import { x12Interchange } from '../helpers';

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

describe('CLI', () => {
  const ws = workspace();

  it('ingests a file, lists it, shows it, and stores nothing new the second time', () => {
    const file = path.join(ws.cwd, 'po-417.edi');
    fs.writeFileSync(file, x12Interchange('ACMERETAIL', '000000417'));
    const first = cli(ws, ['ingest', file, '--json']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const [row] = JSON.parse(first.stdout);
    expect(row).toMatchObject({ receipt: 'stored', partnerId: 'acme-retail', status: 'done' });

    const again = cli(ws, ['ingest', file, '--json']);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)[0]).toMatchObject({ receipt: 'already-stored', messageId: row.messageId });

    const list = cli(ws, ['messages', 'list', '--direction', 'in', '--json']);
    expect(JSON.parse(list.stdout).map((m: { id: number }) => m.id)).toEqual([row.messageId]);
    // The 997 acme-retail's profile asks for went out through its folder.
    const [ack] = JSON.parse(cli(ws, ['messages', 'list', '--direction', 'out', '--json']).stdout);
    expect(ack).toMatchObject({ partnerId: 'acme-retail', status: 'done', filename: expect.stringMatching(/^997-\d{9}-m\d+\.edi$/) });
    const sent = fs.readFileSync(path.join(ws.home, 'partners', 'acme-retail', 'out', ack.filename), 'latin1');
    expect(sent).toMatch(/^ISA\*00\*          \*00\*          \*ZZ\*ODOODIST       \*ZZ\*ACMERETAIL     \*/);
    expect(sent).toContain('AK1*PO*417~');
    expect(sent).toContain('AK5*A~');
    expect(sent).toContain('AK9*A*1*1*1~');
    const table = cli(ws, ['messages', 'list']).stdout;
    expect(table).toMatch(new RegExp(`^${row.messageId}\\s+in\\s+acme-retail\\s+cli\\s+po-417.edi`, 'm'));

    const show = cli(ws, ['messages', 'show', String(row.messageId)]);
    expect(show.status).toBe(0);
    expect(show.stdout).toContain('status       done');
    expect(show.stdout).toMatch(/route\s+ok\s+partner acme-retail/);
    const raw = cli(ws, ['messages', 'show', String(row.messageId), '--raw']);
    expect(raw.stdout).toBe(fs.readFileSync(file, 'latin1'));
  });

  it('exits 1 when the input was processed and rejected, and shows why', () => {
    const file = path.join(ws.cwd, 'junk.txt');
    fs.writeFileSync(file, 'hello, this is not EDI');
    const r = cli(ws, ['ingest', file, '--partner', 'acme-retail']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/junk\.txt\s+\d+\s+acme-retail\s+stored\s+exception\s+FORMAT_UNKNOWN\s+neither an X12/);
    const id = r.stdout.split('\n')[1].split(/\s+/)[1];
    const replay = cli(ws, ['messages', 'replay', id]);
    expect(replay.status).toBe(1);
    // The outcome on stdout, the detail in the trail: no pipeline log lines on stderr.
    expect(replay.stderr).toBe('');
    expect(replay.stdout).toContain(`message ${id}: exception (FORMAT_UNKNOWN`);
    expect(cli(ws, ['messages', 'list', '--status', 'exception', '--json']).stdout).toContain('"errorCode": "FORMAT_UNKNOWN"');
  });

  it('resolves an exception with a note: status resolved, the note in its trail; refuses what is not an exception', () => {
    const file = path.join(ws.cwd, 'memo\nwith a line break.txt');
    fs.writeFileSync(file, 'not EDI either');
    const r = cli(ws, ['ingest', file, '--partner', 'acme-retail', '--json']);
    const [row] = JSON.parse(r.stdout);
    expect(row.status).toBe('exception');
    // A file name with a line break stays on its row, escaped.
    const table = cli(ws, ['messages', 'list', '--status', 'exception']).stdout;
    expect(table).toMatch(new RegExp(`^${row.messageId}\\s.*memo\\\\nwith a line break\\.txt\\s+\\d+\\s+exception`, 'm'));
    expect(table.split('\n').filter((l) => l.includes('with a line break'))).toHaveLength(1);

    const resolved = cli(ws, ['messages', 'resolve', String(row.messageId), '--note', 'partner told: send EDI, not memos']);
    expect(resolved.status).toBe(0);
    expect(resolved.stdout).toBe(`message ${row.messageId}: resolved\n`);
    const show = cli(ws, ['messages', 'show', String(row.messageId)]).stdout;
    expect(show).toContain('status       resolved');
    expect(show).toMatch(/resolved\s+info\s+partner told: send EDI, not memos/);
    expect(cli(ws, ['messages', 'list', '--status', 'exception', '--json']).stdout).not.toContain(`"id": ${row.messageId},`);

    const again = cli(ws, ['messages', 'resolve', String(row.messageId), '--note', 'twice']);
    expect(again.status).toBe(2);
    expect(oneLine(again.stderr)).toBe(`edi-gateway: message ${row.messageId} is resolved, not an exception: only an exception can be resolved`);
    expect(cli(ws, ['messages', 'resolve', String(row.messageId)]).status).toBe(2); // --note is required
  });

  it('replays every open exception a filter selects, one line each (--json too), leaving the others alone', () => {
    const ids = ['memo one', 'memo two'].map((text, i) => {
      const file = path.join(ws.cwd, `summit-memo-${i}.txt`);
      fs.writeFileSync(file, text);
      const [row] = JSON.parse(cli(ws, ['ingest', file, '--partner', 'summit-grocers', '--json']).stdout);
      expect(row.status).toBe('exception');
      return row.messageId as number;
    });
    const replays = (id: number) => JSON.parse(cli(ws, ['messages', 'show', String(id), '--json']).stdout).events.filter((e: { stage: string }) => e.stage === 'replay').length;
    const elsewhere = JSON.parse(cli(ws, ['messages', 'list', '--status', 'exception', '--partner', 'acme-retail', '--json']).stdout).map((m: { id: number }) => m.id);
    expect(elsewhere.length).toBeGreaterThan(0);
    const before = elsewhere.map(replays);

    const r = cli(ws, ['messages', 'replay', '--exceptions', '--partner', 'summit-grocers', '--code', 'FORMAT_UNKNOWN']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1); // they fail again: nothing was fixed
    expect(r.stdout.trimEnd().split('\n')).toEqual([...ids].reverse().map((id) => expect.stringMatching(new RegExp(`^message ${id}: exception \\(FORMAT_UNKNOWN: `))));
    expect(ids.map(replays)).toEqual([1, 1]);
    expect(elsewhere.map(replays)).toEqual(before);

    const json = cli(ws, ['messages', 'replay', '--exceptions', '--partner', 'summit-grocers', '--limit', '1', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ replayed: [{ messageId: ids[1], replay: 2, status: 'exception', errorCode: 'FORMAT_UNKNOWN', errorMessage: expect.any(String) }],
      refused: [], more: true });
    const none = cli(ws, ['messages', 'replay', '--exceptions', '--partner', 'summit-grocers', '--stage', 'odoo']);
    expect([none.status, none.stdout]).toEqual([0, 'no open exception matches\n']);
    expect(oneLine(cli(ws, ['messages', 'replay', String(ids[0]), '--exceptions']).stderr)).toBe('edi-gateway: replay: a message id or --exceptions, not both');
    expect(cli(ws, ['messages', 'replay', '--partner', 'summit-grocers']).status).toBe(2);
  });

  it('--version prints the version in package.json', () => {
    const r = cli(ws, ['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version}\n`);
  });

  it('exits 2 with one line naming a missing file, and stores nothing', () => {
    const r = cli(ws, ['ingest', 'does-not-exist.edi']);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toBe('edi-gateway: does-not-exist.edi: no such file');
  });

  it('exits 2 with one line naming an unreadable file', () => {
    fs.mkdirSync(path.join(ws.cwd, 'a-folder'), { recursive: true });
    const r = cli(ws, ['ingest', 'a-folder']);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toBe('edi-gateway: a-folder: is a directory, not a file');
  });

  it('exits 2 with one line naming the bad config field, and a stack trace only with --verbose', () => {
    fs.writeFileSync(path.join(ws.cwd, 'bad.yaml'), 'queue:\n  concurrency: 0\n');
    const r = cli(ws, ['--config', 'bad.yaml', 'messages', 'list']);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/^edi-gateway: .*bad\.yaml: queue\.concurrency \(or EDI_GATEWAY_QUEUE_CONCURRENCY\): /);
    const v = cli(ws, ['--config', 'bad.yaml', '--verbose', 'messages', 'list']);
    expect(v.status).toBe(2);
    expect(v.stderr).toMatch(/\n\s+at /);
    const env = cli(ws, ['messages', 'list'], { EDI_GATEWAY_QUEUE_BATCH_SIZE: 'many' });
    expect(env.status).toBe(2);
    expect(oneLine(env.stderr)).toContain('queue.batchSize (or EDI_GATEWAY_QUEUE_BATCH_SIZE)');
  });

  it('leaves out a partner whose profile or table is broken, naming file, line and field, and serves the others', () => {
    const bad = workspace();
    const file = path.join(bad.cwd, 'partner-profiles', 'acme-retail', 'profile.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('mode: production', 'mode: sometimes'));
    fs.writeFileSync(path.join(bad.cwd, 'partner-profiles', 'swift-3pl', 'profile.yaml'),
      fs.readFileSync(path.join(bad.cwd, 'partner-profiles', 'swift-3pl', 'profile.yaml'), 'utf8'));
    const list = cli(bad, ['partners', 'list', '--json']);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout).map((p: { id: string }) => p.id)).toEqual(['amazon-demo', 'coupa-buyer', 'nordmart', 'shop-demo', 'summit-grocers', 'swift-3pl']);
    expect(oneLine(list.stderr)).toMatch(/^edi-gateway: warning: partner 'acme-retail' left out: .*profile\.yaml:\d+:7 mode: /);
    // Another partner's file still validates; a command about the broken one says why it cannot.
    const nordmart = path.join(bad.cwd, 'partner-profiles', 'nordmart', 'samples', 'inbound', 'ORDERS-dc-order.edi');
    const v = cli(bad, ['validate', nordmart]);
    expect(v.status).toBe(0);
    expect(v.stderr).toMatch(/partner 'acme-retail' left out/);
    const t = cli(bad, ['partners', 'test', 'acme-retail']);
    expect(t.status).toBe(2);
    expect(oneLine(t.stderr)).toMatch(/^edi-gateway: .*profile\.yaml:\d+:7 mode: /);
  });

  it('exits 2 on usage errors', () => {
    expect(cli(ws, ['no-such-command']).status).toBe(2);
    const r = cli(ws, ['messages', 'show', 'abc']);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toBe("edi-gateway: 'abc' is not a message id (a positive whole number)");
    const missing = cli(ws, ['messages', 'show', '424242']);
    expect(missing.status).toBe(2);
    expect(oneLine(missing.stderr)).toBe('edi-gateway: message 424242 is not in the store');
    expect(cli(ws, ['ingest', 'x', '--partner', 'nobody']).status).toBe(2);
  });
});
