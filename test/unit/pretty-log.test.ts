import { prettyLine } from '../../src/log/pretty';

describe('pretty log lines', () => {
  it('turns a JSON line into time, level, message and the fields that matter, quoted where needed', () => {
    const json = JSON.stringify({ level: 40, time: '2026-12-06T04:02:28.123Z', service: 'edi-gateway', messageId: 12, file: 'po 1.edi', code: 'ODOO_DOWN', msg: 'message failed; will retry' });
    expect(prettyLine(json)).toBe('04:02:28 WARN  message failed; will retry  messageId=12 file="po 1.edi" code=ODOO_DOWN\n');
  });
  it('keeps a line that is not JSON as it is', () => {
    expect(prettyLine('plain text')).toBe('plain text\n');
  });
  it('shows an error object by its message', () => {
    expect(prettyLine(JSON.stringify({ level: 50, time: '2026-12-06T04:02:28Z', msg: 'x', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n at' } })))
      .toBe('04:02:28 ERROR x  err="boom"\n');
  });
});
