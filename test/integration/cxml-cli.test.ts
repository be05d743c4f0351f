import fs from 'node:fs';
import path from 'node:path';
import { cli, workspace } from '../cli-helpers';

const rel = 'partner-profiles/coupa-buyer/samples/inbound';

describe('cXML from the command line', () => {
  it('translate prints the sample OrderRequest\'s canonical Order; a broken one exits 1 naming the element', () => {
    const ws = workspace();
    const r = cli(ws, ['translate', `${rel}/order-request.xml`]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(fs.readFileSync(path.join(ws.cwd, rel, 'order-request.expected.json'), 'utf8')));
    const bad = path.join(ws.cwd, 'bad.xml');
    fs.writeFileSync(bad, fs.readFileSync(path.join(ws.cwd, rel, 'order-request.xml'), 'utf8').replace('quantity="9"', 'quantity="-9"'));
    const b = cli(ws, ['translate', bad]);
    expect(b.status).toBe(1);
    expect(b.stdout.trim()).toBe('[]');
    expect(b.stderr).toContain("cXML/Request/OrderRequest/ItemOut[2]/@quantity '-9' is not a positive number");
  });

  it('partners test coupa-buyer passes, and fails with a diff when the expected Order differs', () => {
    const ws = workspace();
    const ok = cli(ws, ['partners', 'test', 'coupa-buyer']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/PASS\s+order-request\.xml -> order-request\.expected\.json/);
    const expected = path.join(ws.cwd, rel, 'order-request.expected.json');
    fs.writeFileSync(expected, fs.readFileSync(expected, 'utf8').replace('"unitPrice": 4.11', '"unitPrice": 4.1'));
    const diff = cli(ws, ['partners', 'test', 'coupa-buyer']);
    expect(diff.status).toBe(1);
    expect(diff.stdout).toMatch(/-\s+"unitPrice": 4\.1,/);
  });
});
