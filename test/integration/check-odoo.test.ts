import fs from 'node:fs';
import path from 'node:path';
import { startSandboxOdoo, type SandboxOdoo } from '../../src/odoo/sandbox';
import { execFile } from 'node:child_process';
import { BIN, workspace, type CliResult } from '../cli-helpers';

/**
 * `partners check-odoo` against a sandbox Odoo reached as a real one would be (ODOO_URL & co.).
 * The data and the users are changed through the same model calls an admin makes over RPC.
 */
describe('partners check-odoo', () => {
  let sb: SandboxOdoo;
  const ws = workspace();
  beforeAll(async () => { sb = await startSandboxOdoo({ port: 0 }); });
  afterAll(async () => { await sb?.close(); });

  const as = (user: string, key: string) => ({ EDI_GATEWAY_ODOO_ENABLED: 'true', ODOO_URL: sb.url, ODOO_DB: sb.db, ODOO_USER: user, ODOO_API_KEY: key });
  // Asynchronous: the sandbox answers from this process, which a spawnSync would block.
  const check = (args: string[] = [], user = 'edi-bot', key = 'edi-bot') => new Promise<CliResult>((resolve) => {
    execFile(process.execPath, [BIN, 'partners', 'check-odoo', ...args], { cwd: ws.cwd, env: { ...ws.env, ...as(user, key) }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }));
  });
  const lineOf = (file: string, text: string) => fs.readFileSync(path.join(ws.cwd, file), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
  const groupId = (xmlid: string) => (sb.execute('ir.model.data', 'check_object_reference', xmlid.split('.')) as [string, number])[1];

  it('a clean run as the seeded bot exits 0 with a summary', async () => {
    const r = await check();
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/checked 7 profile\(s\) as user 'edi-bot' \(uid 6\): \d+ right\(s\), 6 customer\(s\), 15 item row\(s\), 6 location row\(s\); 0 problem\(s\)/);
    expect(r.status).toBe(0);
  });

  it('names a missing product, address and customer by file and row, and exits 1', async () => {
    const items = 'partner-profiles/acme-retail/items.csv';
    fs.appendFileSync(path.join(ws.cwd, items), 'ODW-1009,012345678999,,\n');
    const locations = 'partner-profiles/acme-retail/locations.csv';
    fs.appendFileSync(path.join(ws.cwd, locations), '0099,ACME-ST-0099,ACME Store 0099\n');
    const profile = 'partner-profiles/acme-retail/profile.yaml';
    fs.writeFileSync(path.join(ws.cwd, profile), fs.readFileSync(path.join(ws.cwd, profile), 'utf8').replace('customer: ACME-RETAIL', 'customer: ACME-RETAIL-NOPE'));
    try {
      const r = await check(['acme-retail']);
      expect(r.stdout.trim().split('\n').sort()).toEqual([
        `${items}:${lineOf(items, 'ODW-1009')}: product_code ODW-1009: no Odoo product with default_code 'ODW-1009'`,
        `${locations}:${lineOf(locations, 'ACME-ST-0099')}: delivery_ref ACME-ST-0099: no Odoo contact (res.partner) with ref 'ACME-ST-0099' for store 0099`,
        `${profile}:${lineOf(profile, 'customer: ACME-RETAIL-NOPE')}: odoo.customer 'ACME-RETAIL-NOPE': not in Odoo: no res.partner with that ref, name or external id`,
      ].sort());
      expect(r.stderr).toMatch(/checked 1 profile\(s\).*; 3 problem\(s\)/);
      expect(r.status).toBe(1);
    } finally {
      fs.cpSync(path.join(__dirname, '../../partner-profiles/acme-retail'), path.join(ws.cwd, 'partner-profiles/acme-retail'), { recursive: true });
    }
  });

  it('names an Odoo unit of measure the profile\'s unit map needs and Odoo lacks', async () => {
    const profile = 'partner-profiles/acme-retail/profile.yaml';
    fs.writeFileSync(path.join(ws.cwd, profile), fs.readFileSync(path.join(ws.cwd, profile), 'utf8').replace("odooUom: 'Case of 12'", "odooUom: 'Case of 24'"));
    try {
      const r = await check(['acme-retail']);
      expect(r.stdout.trim()).toBe(`${profile}:${lineOf(profile, "odooUom: 'Case of 24'")}: mapping.uom.CA.odooUom 'Case of 24': no uom.uom named 'Case of 24' (a unit in the product's category, as many product units as the rule's factor)`);
      expect(r.status).toBe(1);
    } finally {
      fs.cpSync(path.join(__dirname, '../../partner-profiles/acme-retail'), path.join(ws.cwd, 'partner-profiles/acme-retail'), { recursive: true });
    }
  });

  it('a barcode of the items table that Odoo has on another product is a problem', async () => {
    const items = 'partner-profiles/summit-grocers/items.csv';
    const text = fs.readFileSync(path.join(ws.cwd, items), 'utf8');
    fs.appendFileSync(path.join(ws.cwd, items), `${text.endsWith('\n') ? '' : '\n'}${text.split('\n').find((l) => l.startsWith('product_code'))!.split(',').map((h) => (h === 'product_code' ? 'ODW-2003' : h === 'upc' ? '012345678905' : '')).join(',')}\n`);
    try {
      const r = await check(['summit-grocers']);
      expect(r.stdout).toContain(`${items}:${lineOf(items, '012345678905')}: `);
      expect(r.stdout).toMatch(/012345678905: Odoo has this barcode on product 'ODW-1001', not on 'ODW-2003'/);
      expect(r.status).toBe(1);
    } finally {
      fs.writeFileSync(path.join(ws.cwd, items), text);
    }
  });

  it('a bot without an email, or without Contact Creation, is named where the profile needs it', async () => {
    const profile = 'partner-profiles/acme-retail/profile.yaml';
    fs.writeFileSync(path.join(ws.cwd, profile), fs.readFileSync(path.join(ws.cwd, profile), 'utf8').replace('  autoConfirm: true', '  autoConfirm: true\n  createDeliveryAddresses: true'));
    const login = 'edi-bot-2';
    const uid = sb.execute('res.users', 'create', [{
      name: 'EDI Bot 2', login, password: 'bot-2-secret',
      groups_id: [[6, 0, ['base.group_user', 'sales_team.group_sale_salesman_all_leads', 'stock.group_stock_user', 'account.group_account_invoice', 'purchase.group_purchase_user'].map(groupId)]],
    }]) as number;
    try {
      const r = await check([], login, 'bot-2-secret');
      expect(r.stdout).toContain(`${profile}:${lineOf(profile, 'createDeliveryAddresses: true')}: odoo.createDeliveryAddresses: creating delivery addresses: user '${login}' is not in Extra Rights / Contact Creation (base.group_partner_manager)`);
      const swift = 'partner-profiles/swift-3pl/profile.yaml';
      expect(r.stdout).toContain(`${swift}:${lineOf(swift, "type: '945'")}: 945 in: validating a picking that leaves a backorder posts a chatter message: user '${login}' has no email address`);
      const coupa = 'partner-profiles/coupa-buyer/profile.yaml';
      expect(r.stdout).toContain(`${coupa}:${lineOf(coupa, 'createDeliveryAddresses: true')}: odoo.createDeliveryAddresses: creating delivery addresses: user '${login}' is not in Extra Rights / Contact Creation (base.group_partner_manager)`);
      const shop = 'partner-profiles/shop-demo/profile.yaml';
      expect(r.stdout).toContain(`${shop}:${lineOf(shop, 'createDeliveryAddresses: true')}: odoo.createDeliveryAddresses: creating delivery addresses: user '${login}' is not in Extra Rights / Contact Creation (base.group_partner_manager)`);
      const amazon = 'partner-profiles/amazon-demo/profile.yaml';
      expect(r.stdout).toContain(`${amazon}:${lineOf(amazon, 'createDeliveryAddresses: true')}: odoo.createDeliveryAddresses: creating delivery addresses: user '${login}' is not in Extra Rights / Contact Creation (base.group_partner_manager)`);
      expect(r.stdout.trim().split('\n')).toHaveLength(5);
      expect(r.status).toBe(1);

      // Fixed as an admin would over RPC: the email, then the group.
      sb.execute('res.users', 'write', [[uid], { email: 'edi-bot-2@example.com', groups_id: [[4, groupId('base.group_partner_manager')]] }]);
      const fixed = await check([], login, 'bot-2-secret');
      expect(fixed.stdout).toBe('');
      expect(fixed.status).toBe(0);
    } finally {
      fs.cpSync(path.join(__dirname, '../../partner-profiles/acme-retail'), path.join(ws.cwd, 'partner-profiles/acme-retail'), { recursive: true });
    }
  });

  it('names the rights a user lacks for the documents a profile takes', async () => {
    const login = 'sales-only';
    sb.execute('res.users', 'create', [{ name: 'Sales only', login, password: 'sales-only-secret', email: 'so@example.com', groups_id: [[6, 0, [groupId('sales_team.group_sale_salesman_all_leads')]]] }]);
    const r = await check(['swift-3pl'], login, 'sales-only-secret');
    const swift = 'partner-profiles/swift-3pl/profile.yaml';
    expect(r.stdout).toContain(`${swift}:${lineOf(swift, "type: '945'")}: 945 in: validating pickings: user '${login}' may not create stock.backorder.confirmation records (ir.model.access)`);
    expect(r.status).toBe(1);
  });

  it('a user who cannot log in is one clear error', async () => {
    const r = await check([], 'edi-bot', 'wrong-key');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/edi-bot/);
    expect(r.stdout).toBe('');
  });
});
