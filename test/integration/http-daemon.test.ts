import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { exited, killDaemons, startDaemon, workspace } from '../cli-helpers';
import { eventually, x12Interchange } from '../helpers';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

describe('the daemon\'s HTTP server', () => {
  afterAll(killDaemons);

  it('edi-gateway run serves /healthz openly and /api behind EDI_GATEWAY_API_TOKEN on EDI_GATEWAY_HTTP_PORT', async () => {
    const ws = workspace();
    const port = await freePort();
    const token = 'daemon-test-token-0123456789';
    const daemon = startDaemon(ws, { EDI_GATEWAY_HTTP_PORT: String(port), EDI_GATEWAY_API_TOKEN: token });
    try {
      const base = `http://127.0.0.1:${port}`;
      const health = await eventually(() => fetch(`${base}/healthz`).then((r) => (r.status === 200 ? r : undefined), () => undefined), 30_000, 'the HTTP server');
      expect(await health.json()).toEqual({ ok: true });
      expect((await fetch(`${base}/api/messages`)).status).toBe(401);
      const ok = await fetch(`${base}/api/messages`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ messages: [] });
      // Odoo's webhook action cannot set headers: the token may ride in the URL, on that route only.
      expect((await fetch(`${base}/api/odoo/webhook?token=${token}`, { method: 'POST' })).status).toBe(202);
      expect((await fetch(`${base}/api/odoo/webhook?token=wrong-token-0123456789`, { method: 'POST' })).status).toBe(401);
      expect((await fetch(`${base}/api/messages?token=${token}`)).status).toBe(401);
    } finally {
      daemon.kill('SIGTERM');
    }
    const { code } = await exited(daemon);
    expect(code).toBe(0);
    // The token never reaches the log.
    expect(daemon.output()).not.toContain(token);
  });

  it('stops start-up with exit 2 and one line when its port is taken, having taken no file', async () => {
    const holder = net.createServer((c) => c.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok')).listen(0, '127.0.0.1');
    await new Promise((r) => holder.once('listening', r));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const ws = workspace();
      const inDir = path.join(ws.home, 'partners', 'acme-retail', 'in');
      fs.mkdirSync(inDir, { recursive: true });
      fs.writeFileSync(path.join(inDir, 'po.edi'), x12Interchange('ACMERETAIL', '000000301'));
      const daemon = startDaemon(ws, { EDI_GATEWAY_HTTP_PORT: String(port) });
      const { code } = await exited(daemon);
      expect(code).toBe(2);
      const lines = daemon.output().split('\n').filter((l) => l.startsWith('edi-gateway:'));
      expect(lines).toEqual([`edi-gateway: HTTP port ${port} is taken by another program (set EDI_GATEWAY_HTTP_PORT or http.port in gateway.yaml)`]);
      expect(fs.readdirSync(inDir)).toEqual(['po.edi']);
    } finally {
      holder.close();
    }
  });
});
