import { Writable } from 'node:stream';
import { createLogger, messageLogger } from '../../src/log/logger';

function capture() {
  const lines: any[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { lines, log: createLogger({ level: 'info', destination: stream as any }) };
}

describe('logger', () => {
  it('redacts secrets wherever they sit in a log object', () => {
    const { lines, log } = capture();
    log.info({ config: { odoo: { apiKey: 'k-123', url: 'http://odoo' }, databaseUrl: 'postgres://u:pw@h/db' }, headers: { authorization: 'Bearer t' } }, 'x');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/k-123|pw@h|Bearer t/);
    expect(lines[0].config.odoo.url).toBe('http://odoo');
    expect(lines[0].config.odoo.apiKey).toBe('[redacted]');
  });

  it('gives each message a child logger carrying its id, partner and stage', () => {
    const { lines, log } = capture();
    messageLogger(log, { messageId: 42, partnerId: 'acme-retail', stage: 'route' }).warn('hello');
    expect(lines[0]).toMatchObject({ messageId: 42, partnerId: 'acme-retail', stage: 'route', msg: 'hello', level: 40 });
  });
});
