import net from 'node:net';
import { cli, exited, killDaemons, startDaemon, workspace } from '../cli-helpers';
import { eventually } from '../helpers';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

describe('edi-gateway tokens', () => {
  afterAll(killDaemons);

  it('creates a token printed alone on stdout, refuses a taken name and a bad role (exit 2, one line), lists without the token, revokes', () => {
    const ws = workspace();
    const made = cli(ws, ['tokens', 'create', '--role', 'operator', '--name', 'ops-desk']);
    expect(made.stderr).toBe('');
    expect(made.status).toBe(0);
    expect(made.stdout).toMatch(/^edig_[A-Za-z0-9_-]{43}\n$/);
    const token = made.stdout.trim();

    const again = cli(ws, ['tokens', 'create', '--role', 'viewer', '--name', 'ops-desk']);
    expect(again.status).toBe(2);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe("edi-gateway: a token named 'ops-desk' exists: choose another name\n");
    const badRole = cli(ws, ['tokens', 'create', '--role', 'root', '--name', 'x']);
    expect(badRole.status).toBe(2);
    expect(badRole.stderr).toBe('edi-gateway: --role root: expected one of viewer, operator, admin\n');
    expect(cli(ws, ['tokens', 'create', '--role', 'viewer']).status).toBe(2); // no --name
    const badName = cli(ws, ['tokens', 'create', '--role', 'viewer', '--name', 'has space']);
    expect([badName.status, badName.stderr]).toEqual([2, "edi-gateway: --name has space: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit\n"]);

    const listed = cli(ws, ['tokens', 'list', '--json']);
    expect(listed.status).toBe(0);
    const rows = JSON.parse(listed.stdout);
    expect(rows).toEqual([{ name: 'ops-desk', role: 'operator', createdAt: expect.any(String), lastUsedAt: null, revokedAt: null }]);
    expect(listed.stdout).not.toContain(token.slice(5));
    const tableOut = cli(ws, ['tokens', 'list']).stdout.split('\n');
    expect(tableOut[0]).toMatch(/^NAME\s+ROLE\s+CREATED\s+LAST USED\s+REVOKED$/);
    expect(tableOut[1]).toMatch(/^ops-desk\s+operator\s+\d{4}-\d\d-\d\dT\S+Z\s+-\s+-$/);

    const revoked = cli(ws, ['tokens', 'revoke', 'ops-desk']);
    expect(revoked.status).toBe(0);
    expect(revoked.stdout).toMatch(/^token ops-desk: revoked \d{4}-\d\d-\d\dT\S+Z\n$/);
    expect(JSON.parse(cli(ws, ['tokens', 'list', '--json']).stdout)[0].revokedAt).toEqual(expect.any(String));
    const unknown = cli(ws, ['tokens', 'revoke', 'nobody']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe("edi-gateway: no token is named 'nobody' (tokens list shows them)\n");
    // A revoked name stays taken.
    expect(cli(ws, ['tokens', 'create', '--role', 'viewer', '--name', 'ops-desk']).stderr).toMatch(/revoked; names are not reused/);
  });

  it('turns a running daemon\'s API on with a token made by the CLI, and off for it when the CLI revokes it', async () => {
    const ws = workspace();
    const port = await freePort();
    const daemon = startDaemon(ws, { EDI_GATEWAY_HTTP_PORT: String(port) });
    try {
      const base = `http://127.0.0.1:${port}`;
      await eventually(() => fetch(`${base}/healthz`).then((r) => r.status === 200, () => false), 90_000, 'the HTTP server');
      expect((await fetch(`${base}/api/messages`)).status).toBe(503);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);

      const made = cli(ws, ['tokens', 'create', '--role', 'admin', '--name', 'lead']);
      expect(made.status).toBe(0);
      const auth = { authorization: `Bearer ${made.stdout.trim()}` };
      await eventually(async () => (await fetch(`${base}/api/tokens`, { headers: auth })).status === 200, 5000, 'the daemon to accept the token');
      const listed = await (await fetch(`${base}/api/tokens`, { headers: auth })).json() as any;
      expect(listed.tokens.map((t: { name: string }) => t.name)).toEqual(['lead']);

      expect(cli(ws, ['tokens', 'revoke', 'lead']).status).toBe(0);
      await eventually(async () => (await fetch(`${base}/api/tokens`, { headers: auth })).status !== 200, 5000, 'the daemon to refuse the revoked token');
      // Its only token revoked, the API is off again.
      expect((await fetch(`${base}/api/tokens`, { headers: auth })).status).toBe(503);
    } finally {
      daemon.kill('SIGTERM');
    }
    expect((await exited(daemon)).code).toBe(0);
    expect(daemon.output()).not.toContain('edig_');
  }, 180_000);
});
