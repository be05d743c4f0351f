import fs from 'node:fs';
import path from 'node:path';
import { cli, workspace } from '../cli-helpers';

const sample = (ws: { cwd: string }, partner: string, name: string) => path.join(ws.cwd, 'partner-profiles', partner, 'samples', 'inbound', name);

describe('partners lint', () => {
  it('passes on the example profiles', () => {
    const ws = workspace();
    const r = cli(ws, ['partners', 'lint']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/7 profile\(s\) OK, 0 problem\(s\)/);
  });

  it('prints file:line:col for a bad field, a bad cross-reference row and a cron typo, and exits 1', () => {
    const ws = workspace();
    const acme = path.join(ws.cwd, 'partner-profiles', 'acme-retail');
    fs.appendFileSync(path.join(acme, 'items.csv'), 'ODW-9,012345678905,,\n');
    const csv = cli(ws, ['partners', 'lint']);
    expect(csv.status).toBe(1);
    expect(csv.stdout).toMatch(/acme-retail\/items\.csv:6:2 upc '012345678905' is already mapped to ODW-1001/);
    const yaml = `${fs.readFileSync(path.join(acme, 'profile.yaml'), 'utf8')}schedules:\n  outbound: 'every day'\n`;
    fs.writeFileSync(path.join(acme, 'profile.yaml'), yaml);
    const r = cli(ws, ['partners', 'lint']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/acme-retail\/profile\.yaml:\d+:\d+ schedules\.outbound: not a valid cron expression/);
  });

  it('checks validation.addCodes: a code the standard has is a warning (exit 0), a code too long for its element a problem (exit 1), each at file:line:col', () => {
    const ws = workspace();
    const file = path.join(ws.cwd, 'partner-profiles', 'nordmart', 'profile.yaml');
    const original = fs.readFileSync(file, 'utf8');
    expect(original).toContain("    ORDERS: { '7143': [SRV] }\n");
    fs.writeFileSync(file, original.replace("    ORDERS: { '7143': [SRV] }\n", "    ORDERS: { '7143': [SRV, EN] }\n"));
    const line = original.split('\n').findIndex((l) => l.includes("ORDERS: { '7143': [SRV] }")) + 1;
    const warned = cli(ws, ['partners', 'lint']);
    expect(warned.stdout).toBe(`${file}:${line}:29 validation.addCodes.ORDERS.7143.1: warning: 'EN' is already in the UN/EDIFACT D96A code list of 7143 (item number type, coded, an..3): adding it does nothing\n`);
    expect(warned.stderr).toMatch(/7 profile\(s\) OK, 0 problem\(s\), 1 warning\(s\)/);
    expect(warned.status).toBe(0);
    fs.writeFileSync(file, original.replace("    ORDERS: { '7143': [SRV] }\n", "    ORDERS: { '7143': [SRVX] }\n"));
    const bad = cli(ws, ['partners', 'lint']);
    expect(bad.stdout).toBe(`${file}:${line}:24 validation.addCodes.ORDERS.7143.0: 'SRVX' is too long for 7143 (item number type, coded, an..3): at most 3 characters\n`);
    expect(bad.stderr).toMatch(/6 profile\(s\) OK, 1 problem\(s\)/);
    expect(bad.status).toBe(1);
  });

  it('refuses documents of a standard the partner has no identifier in', () => {
    const ws = workspace();
    const file = path.join(ws.cwd, 'partner-profiles', 'swift-3pl', 'profile.yaml');
    fs.appendFileSync(file, '');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("    - { standard: X12, type: '940', version: '004010' }", "    - { standard: X12, type: '940', version: '004010' }\n    - { standard: EDIFACT, type: DESADV, version: D96A }"));
    const r = cli(ws, ['partners', 'lint']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/swift-3pl\/profile\.yaml:\d+:\d+ documents\.outbound\.1: an EDIFACT DESADV needs an EDIFACT identifier/);
  });
});

describe('partners test', () => {
  it('passes on a shipped partner', () => {
    const ws = workspace();
    const r = cli(ws, ['partners', 'test', 'acme-retail']);
    expect(r.stdout).toMatch(/9 passed, 0 failed/);
    expect(r.status).toBe(0);
  });

  it('shows a readable diff and exits 1 when an expected file no longer matches; --update rewrites it', () => {
    const ws = workspace();
    const expected = sample(ws, 'acme-retail', '850-store-order.expected.json');
    fs.writeFileSync(expected, fs.readFileSync(expected, 'utf8').replace('"quantity": 24,', '"quantity": 25,'));
    const r = cli(ws, ['partners', 'test', 'acme-retail']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL  850-store-order\.edi -> 850-store-order\.expected\.json/);
    expect(r.stdout).toMatch(/^\s+-\s+"quantity": 25,$/m);
    expect(r.stdout).toMatch(/^\s+\+\s+"quantity": 24,$/m);
    expect(r.stdout).toMatch(/8 passed, 1 failed/);
    expect(cli(ws, ['partners', 'test', 'acme-retail', '--update']).status).toBe(0);
    expect(cli(ws, ['partners', 'test', 'acme-retail']).status).toBe(0);
  });

  it('--update refuses a sample the partner\'s profile does not accept (addressed to someone else) and says why, writing nothing', () => {
    const ws = workspace();
    const good = sample(ws, 'acme-retail', '850-store-order.edi');
    const stray = good.replace('850-store-order.edi', '850-stray.edi');
    fs.writeFileSync(stray, fs.readFileSync(good, 'utf8').replace(/\*ZZ\*ODOODIST {7}\*/, '*ZZ*SOMEONEELSE    *'));
    const r = cli(ws, ['partners', 'test', 'acme-retail', '--update']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL  850-stray\.edi -> 850-stray\.expected\.json/);
    expect(r.stdout).toMatch(/the interchange is rejected whole: code 009 .*SOMEONEELSE/);
    expect(r.stdout).toMatch(/850-stray\.expected\.json not rewritten: fix the sample or the profile first/);
    expect(fs.existsSync(stray.replace('.edi', '.expected.json'))).toBe(false);
    expect(fs.existsSync(stray.replace('.edi', '.expected-ack.edi'))).toBe(false);
    expect(r.stdout).not.toMatch(/\d+ passed, 0 failed/);
  });

  it('fails a sample whose item the cross-reference does not know, naming the line and value', () => {
    const ws = workspace();
    const file = sample(ws, 'acme-retail', '850-store-order.edi');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('VN*ODW-1001*IN*A100234', 'VN*ODW-7777*IN*A100999').replace('UP*012345678905', 'UP*012345678998'));
    const r = cli(ws, ['partners', 'test', 'acme-retail']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/850 0001: line 1: item upc 012345678998, vendorItem ODW-7777, buyerItem A100999 is not in acme-retail's item cross-reference/);
  });

  it('exits 2 for an unknown partner', () => {
    const r = cli(workspace(), ['partners', 'test', 'nobody']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no partner 'nobody'/);
  });
});

describe('partners new', () => {
  it.each([['x12', '004010'], ['x12', '005010'], ['edifact', 'D96A']])('scaffolds a %s %s profile that lints clean', (standard, version) => {
    const ws = workspace();
    const r = cli(ws, ['partners', 'new', 'new-partner', '--standard', standard, '--version', version, '--name', 'New Partner']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(ws.cwd, 'partner-profiles', 'new-partner', 'samples', 'inbound'))).toBe(true);
    const lint = cli(ws, ['partners', 'lint']);
    expect(lint.stdout).toBe('');
    expect(lint.status).toBe(0);
    const list = JSON.parse(cli(ws, ['partners', 'list', '--json']).stdout);
    expect(list.find((p: { id: string }) => p.id === 'new-partner')).toMatchObject({ mode: 'test', name: 'New Partner' });
  });

  it('refuses to overwrite a profile and a bad version', () => {
    const ws = workspace();
    expect(cli(ws, ['partners', 'new', 'acme-retail', '--standard', 'x12', '--version', '004010']).status).toBe(2);
    const bad = cli(ws, ['partners', 'new', 'x-y', '--standard', 'x12', '--version', '003040']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--version for X12 must be 004010 or 005010/);
  });
});

describe('translate', () => {
  it('prints the canonical documents of a file as JSON', () => {
    const ws = workspace();
    const r = cli(ws, ['translate', sample(ws, 'swift-3pl', '945-shipped.edi')]);
    expect(r.status).toBe(0);
    const docs = JSON.parse(r.stdout);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ type: 'warehouse_advice', partnerId: 'swift-3pl', orderNumber: 'WH/OUT/00042' });
  });

  it('translates the accepted sets of a partly rejected file and exits 1', () => {
    const ws = workspace();
    const r = cli(ws, ['translate', sample(ws, 'acme-retail', '850-bad-date.edi')]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).map((d: { poNumber: string; purpose: string }) => [d.poNumber, d.purpose])).toEqual([['4500012345', 'change']]);
    expect(r.stderr).toMatch(/rejected by validation/);
  });
});
