import fs from 'node:fs';
import type { DestinationStream } from 'pino';

/**
 * Human log lines for a terminal (`--pretty`, EDI_GATEWAY_LOG_PRETTY=1): pino's JSON line made into
 * `12:04:31 WARN  message failed; will retry  messageId=12 file=po.edi code=ODOO_DOWN`. Our own
 * few lines of formatting rather than pino-pretty: it runs in the same thread (pino-pretty as a
 * transport starts a worker), and the JSON stays the default for log shippers.
 */
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Every line has these; the pretty form shows them in its own way or not at all. */
const SHOWN_APART = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);

function value(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (v && typeof v === 'object' && 'message' in v && typeof (v as { message: unknown }).message === 'string') return JSON.stringify((v as { message: string }).message);
  return JSON.stringify(v);
}

export function prettyLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json);
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof o.time === 'string' ? o.time.slice(11, 19) : '';
  const level = (LEVELS[o.level as number] ?? String(o.level)).padEnd(5);
  const rest = Object.entries(o).filter(([k, v]) => !SHOWN_APART.has(k) && v !== undefined).map(([k, v]) => `${k}=${value(v)}`).join(' ');
  return `${time} ${level} ${o.msg ?? ''}${rest ? `  ${rest}` : ''}\n`;
}

/** A pino destination writing pretty lines to a file descriptor, synchronously as the JSON one does. */
export function prettyDestination(fd: number): DestinationStream {
  return { write: (line: string) => { fs.writeSync(fd, prettyLine(line)); } };
}
