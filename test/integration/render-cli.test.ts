import fs from 'node:fs';
import path from 'node:path';
import { loadProfiles } from '../../src/partners/load-profiles';
import { validateOutbound } from '../../src/parsers/x12/validate-outbound';
import { cli, workspace } from '../cli-helpers';
import { PROFILES } from '../helpers';
import { invoice, shipment, warehouseOrder } from '../render-fixtures';

const acme = loadProfiles(PROFILES).profiles.find((p) => p.id === 'acme-retail')!;
const self = { qualifier: 'ZZ', id: 'ODOODIST', gsId: 'ODOODIST' };

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0];
}

describe('CLI render', () => {
  const ws = workspace();
  const write = (name: string, value: unknown) => {
    const file = path.join(ws.cwd, name);
    fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };

  it('prints the interchange, the same every time: control numbers count from 1 and the store is not touched', () => {
    const file = write('invoice.json', invoice());
    // 14:05 UTC, written on acme-retail's clock (New York, EST): 09:05.
    const first = cli(ws, ['render', file, '--partner', 'acme-retail', '--date', '2026-11-28T14:05:00Z']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^ISA\*00\*          \*00\*          \*ZZ\*ODOODIST       \*ZZ\*ACMERETAIL     \*261128\*0905\*U\*00401\*000000001\*0\*P\*>~\n/);
    expect(first.stdout).toContain('ST*810*0001~');
    expect(first.stdout).toContain('TDS*8345~');
    expect(validateOutbound(first.stdout, acme, self).report.ok).toBe(true);
    const again = cli(ws, ['render', file, '--partner', 'acme-retail', '--date', '2026-11-28T14:05:00Z']);
    expect(again.stdout).toBe(first.stdout);
    // A preview opens no store: no embedded database appears under the workspace.
    expect(fs.existsSync(ws.home)).toBe(false);
  });

  it('renders an array into one interchange, one group per functional id', () => {
    const file = write('several.json', [invoice(), shipment(), invoice({ invoiceNumber: 'INV-9002' })]);
    const r = cli(ws, ['render', file, '--partner', 'acme-retail', '--date', '2026-11-28']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /^(GS|ST)\*/.test(l))).toEqual([
      'GS*IN*ODOODIST*ACMERETAIL*20261128*0000*1*X*004010~', 'ST*810*0001~', 'ST*810*0002~',
      'GS*SH*ODOODIST*ACMERETAIL*20261128*0000*2*X*004010~', 'ST*856*0003~',
    ]);
    expect(validateOutbound(r.stdout, acme, self).report.ok).toBe(true);
  });

  it('says in --help where control numbers come from', () => {
    const r = cli(ws, ['render', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Control numbers \(ISA13, GS06, ST02; UNB 0020, UNH 0062\) count from 1/);
  });

  it('exits 2 for an unknown partner, a bad document, a type the partner does not take, unreadable input', () => {
    const good = write('good.json', invoice());
    const unknown = cli(ws, ['render', good, '--partner', 'nobody']);
    expect(unknown.status).toBe(2);
    expect(oneLine(unknown.stderr)).toMatch(/unknown partner 'nobody'/);

    const bad = { ...invoice({ invoiceNumber: 'INV-2' }), lines: [{ ...invoice().lines[0], quantity: 'twelve' }] };
    const badFile = write('bad.json', [invoice(), bad]);
    const r = cli(ws, ['render', badFile, '--partner', 'acme-retail']);
    expect(r.status).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/bad\.json: not a canonical document at 1\.lines\.0\.quantity: .*number/);
    expect(r.stdout).toBe('');

    const wo = cli(ws, ['render', write('wo.json', warehouseOrder({ partnerId: 'acme-retail' })), '--partner', 'acme-retail']);
    expect(wo.status).toBe(2);
    expect(oneLine(wo.stderr)).toMatch(/acme-retail's profile lists no outbound document for type warehouse_order/);

    const other = cli(ws, ['render', good, '--partner', 'summit-grocers']);
    expect(other.status).toBe(2);
    expect(oneLine(other.stderr)).toMatch(/a document \(type invoice\) for partner 'acme-retail', not 'summit-grocers'/);

    expect(cli(ws, ['render', write('junk.json', '{ nope'), '--partner', 'acme-retail']).status).toBe(2);
    expect(oneLine(cli(ws, ['render', path.join(ws.cwd, 'missing.json'), '--partner', 'acme-retail']).stderr)).toMatch(/missing\.json: no such file/);
    expect(cli(ws, ['render', good, '--partner', 'acme-retail', '--date', 'yesterday']).status).toBe(2);
    expect(cli(ws, ['render', good]).status).toBe(2);
  });

  it('exits 1 when a document cannot be written for the partner, naming the value', () => {
    const r = cli(ws, ['render', write('star.json', invoice({ poNumber: 'PO*1' })), '--partner', 'acme-retail']);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/invoice INV-9001: BIG04: value "PO\*1" contains the delimiter '\*'/);
    expect(r.stdout).toBe('');
  });

  it('exits 1 and names the errors when the interchange fails our own validation, printing it still', () => {
    const long = invoice({ billTo: { name: 'N'.repeat(61) } });
    const r = cli(ws, ['render', write('long.json', long), '--partner', 'acme-retail']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`N1*BT*${'N'.repeat(61)}~`);
    expect(oneLine(r.stderr)).toMatch(/long\.json: 810 0001 N1@\d+ N102: .*too long.* \(code 5\)/);
  });
});
