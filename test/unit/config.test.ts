import fs from 'node:fs';
import path from 'node:path';
import { envNameFor, loadConfig } from '../../src/config/load-config';
import { GatewayError } from '../../src/errors/gateway-error';
import { tempDir } from '../helpers';

function configError(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error('expected a configuration error');
}

describe('loadConfig', () => {
  it('uses built-in defaults when there is no gateway.yaml', () => {
    const cwd = tempDir();
    const c = loadConfig({ env: {}, cwd });
    expect(c.home).toBe(path.join(cwd, 'data'));
    expect(c.http.port).toBe(8080);
    expect(c.self.x12.id).toBe('ODOODIST');
    expect(c.configFile).toBeUndefined();
  });

  it('lets environment variables override the file, including the contract names', () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'gateway.yaml'), 'queue:\n  batchSize: 10\nhttp:\n  port: 9000\n');
    const c = loadConfig({ cwd, env: { EDI_GATEWAY_QUEUE_BATCH_SIZE: '25', EDI_GATEWAY_HOME: '/srv/edi', ODOO_URL: 'http://odoo:8069' } });
    expect(c.queue.batchSize).toBe(25);
    expect(c.http.port).toBe(9000);
    expect(c.home).toBe('/srv/edi');
    expect(c.odoo.url).toBe('http://odoo:8069');
    expect(envNameFor(['folder', 'stableSeconds'])).toBe('EDI_GATEWAY_FOLDER_STABLE_SECONDS');
  });

  it('takes our identity part by part: an ISA id alone keeps ZZ and gives GS02 the same id; an EDIFACT id alone has no qualifier', () => {
    const cwd = tempDir();
    const c = loadConfig({ cwd, env: { EDI_GATEWAY_SELF_X12_ID: 'MYCO', EDI_GATEWAY_SELF_EDIFACT_ID: '4000001000002' } });
    expect(c.self).toEqual({ x12: { qualifier: 'ZZ', id: 'MYCO', gsId: 'MYCO' }, edifact: { id: '4000001000002', qualifier: undefined } });
    const d = loadConfig({ cwd, env: { EDI_GATEWAY_SELF_X12_QUALIFIER: '01', EDI_GATEWAY_SELF_X12_GS_ID: 'MYGS', EDI_GATEWAY_SELF_EDIFACT_QUALIFIER: 'ZZZ' } });
    expect(d.self).toEqual({ x12: { qualifier: '01', id: 'ODOODIST', gsId: 'MYGS' }, edifact: { id: '5790000000001', qualifier: 'ZZZ' } });
    expect(loadConfig({ cwd, env: {} }).self).toEqual({ x12: { qualifier: 'ZZ', id: 'ODOODIST', gsId: 'ODOODIST' }, edifact: { id: '5790000000001', qualifier: '14' } });
    expect(configError(() => loadConfig({ cwd, env: { EDI_GATEWAY_SELF_X12_QUALIFIER: 'Z' } })).message).toMatch(/self\.x12\.qualifier \(or EDI_GATEWAY_SELF_X12_QUALIFIER\): an ISA id qualifier is two letters or digits/);
  });

  it('reads secrets from *_FILE', () => {
    const cwd = tempDir();
    const keyFile = path.join(cwd, 'odoo.key');
    fs.writeFileSync(keyFile, 's3cret\n');
    expect(loadConfig({ cwd, env: { ODOO_API_KEY_FILE: keyFile } }).odoo.apiKey).toBe('s3cret');
    expect(configError(() => loadConfig({ cwd, env: { ODOO_API_KEY_FILE: path.join(cwd, 'missing') } })).message)
      .toMatch(/^ODOO_API_KEY_FILE: cannot read .*missing/);
  });

  it('refuses a secret written in the file, naming the variable to use instead', () => {
    const cwd = tempDir();
    fs.writeFileSync(path.join(cwd, 'gateway.yaml'), 'odoo:\n  apiKey: hunter2\n');
    const err = configError(() => loadConfig({ cwd, env: {} }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('odoo.apiKey is a secret');
    expect(err.message).toContain('ODOO_API_KEY_FILE');
    expect(err.message).not.toContain('hunter2');
  });

  it('names the field and the reason for a bad value', () => {
    const cwd = tempDir();
    const file = path.join(cwd, 'gateway.yaml');
    fs.writeFileSync(file, 'queue:\n  batchSize: lots\n');
    expect(configError(() => loadConfig({ cwd, env: {} })).message)
      .toMatch(new RegExp(`^${file}: queue\\.batchSize \\(or EDI_GATEWAY_QUEUE_BATCH_SIZE\\): .*number`));
    fs.writeFileSync(file, 'queue:\n  batchSiz: 5\n');
    expect(configError(() => loadConfig({ cwd, env: {} })).message).toMatch(/queue.*batchSiz/);
    fs.writeFileSync(file, 'queue: [unclosed\n');
    expect(configError(() => loadConfig({ cwd, env: {} })).message).toMatch(new RegExp(`^${file}:\\d+:\\d+: `));
  });

  it('fails on an explicit --config file that does not exist', () => {
    const err = configError(() => loadConfig({ cwd: tempDir(), file: 'nope.yaml', env: {} }));
    expect(err.message).toMatch(/nope\.yaml: cannot read config: ENOENT/);
  });

  it('takes the alert channels from the environment only, and names who gets the e-mails', () => {
    const cwd = tempDir();
    const c = loadConfig({ cwd, env: {
      EDI_GATEWAY_ALERTS_WEBHOOK_URL: 'https://hooks.example.com/T000/B000/xyz', EDI_GATEWAY_ALERTS_SMTP_URL: 'smtp://u:p@mail.example.com',
      EDI_GATEWAY_ALERTS_EMAIL_TO: 'ops@example.com, edi@example.com', EDI_GATEWAY_ALERTS_KINDS: 'exception,ack_overdue',
    } });
    expect(c.alerts.webhookUrl).toBe('https://hooks.example.com/T000/B000/xyz');
    expect(c.alerts.emailTo).toEqual(['ops@example.com', 'edi@example.com']);
    expect(c.alerts.kinds).toEqual(['exception', 'ack_overdue']);
    expect(loadConfig({ cwd, env: {} }).alerts.kinds).toHaveLength(5);
    for (const [key, env] of [['webhookUrl', 'EDI_GATEWAY_ALERTS_WEBHOOK_URL'], ['webhookSecret', 'EDI_GATEWAY_ALERTS_WEBHOOK_SECRET'], ['smtpUrl', 'EDI_GATEWAY_ALERTS_SMTP_URL']]) {
      fs.writeFileSync(path.join(cwd, 'gateway.yaml'), `alerts:\n  ${key}: x\n`);
      expect(configError(() => loadConfig({ cwd, env: {} })).message).toMatch(new RegExp(`alerts.${key} is a secret.*${env}`));
    }
    fs.writeFileSync(path.join(cwd, 'gateway.yaml'), 'alerts:\n  emailFrom: edi@example.com\n');
    expect(configError(() => loadConfig({ cwd, env: { EDI_GATEWAY_ALERTS_SMTP_URL: 'smtp://mail.example.com' } })).message)
      .toMatch(/alerts.emailTo.*smtpUrl is set but emailTo names nobody/);
    expect(configError(() => loadConfig({ cwd, env: { EDI_GATEWAY_ALERTS_KINDS: 'exception,typo' } })).message).toMatch(/alerts.kinds.1/);
    expect(configError(() => loadConfig({ cwd, env: { EDI_GATEWAY_ALERTS_SMTP_URL: 'mail.example.com' } })).message).toMatch(/alerts.smtpUrl.*smtp:\/\//);
  });
});
