import fs from 'node:fs';
import path from 'node:path';
import { startSandboxOdoo } from '../../src/odoo/sandbox';
import { cli, workspace } from '../cli-helpers';
import { PROFILES } from '../helpers';

describe('CLI with the sandbox Odoo', () => {
  const ws = workspace();
  // Odoo on, and the sandbox on a free port of its own (ingest starts it when no daemon holds it).
  const env = { EDI_GATEWAY_ODOO_ENABLED: 'true', EDI_GATEWAY_ODOO_TIMEOUT_SECONDS: '10' };

  it('ingest writes an 850 into the sandbox Odoo as a confirmed sale order; a replay writes nothing more', async () => {
    const file = path.join(PROFILES, 'acme-retail/samples/inbound/850-store-order.edi');
    const first = cli(ws, ['ingest', file, '--json'], env);
    expect(first.stderr).toBe('');
    const [row] = JSON.parse(first.stdout);
    expect(row).toMatchObject({ receipt: 'stored', status: 'done' });
    const shown = cli(ws, ['messages', 'show', String(row.messageId)], env).stdout;
    expect(shown).toMatch(/odoo\s+ok\s+S\d+ created with 2 line\(s\), confirmed/);

    const replay = cli(ws, ['messages', 'replay', String(row.messageId)], env);
    expect(replay.stdout).toMatch(/: done/);
    expect(cli(ws, ['messages', 'show', String(row.messageId)], env).stdout).toMatch(/odoo\s+ok\s+4500012345: already sale\.order \d+/);

    // The sandbox kept its data under the gateway's home: one order for the PO.
    const sb = await startSandboxOdoo({ port: 0, dataDir: path.join(ws.home, 'sandbox-odoo') });
    try {
      expect(sb.execute('sale.order', 'search_count', [[['client_order_ref', '=', '4500012345']]])).toBe(1);
    } finally {
      await sb.close();
    }
    expect(fs.existsSync(path.join(ws.home, 'sandbox-odoo'))).toBe(true);
  });
});
