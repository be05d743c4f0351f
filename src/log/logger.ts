import pino, { type Logger, type DestinationStream } from 'pino';
import { prettyDestination } from './pretty';

export type { Logger };

/** Keys that may hold secrets wherever they appear in a log object. */
const REDACT = [
  'apiKey', '*.apiKey', '*.*.apiKey', 'password', '*.password', '*.*.password',
  'databaseUrl', '*.databaseUrl', 'connectionString', '*.connectionString',
  'authorization', '*.authorization', 'headers.authorization', 'token', '*.token', 'privateKey', '*.privateKey',
  'apiToken', '*.apiToken', '*.*.apiToken',
];

export interface LoggerOptions {
  level?: string;
  /** Where lines go: the daemon logs to stdout, CLI commands to stderr so stdout stays data. */
  destination?: DestinationStream | number;
  /** Human lines instead of JSON (a terminal); only for a file descriptor destination. */
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'edi-gateway' },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    typeof options.destination === 'number' || options.destination === undefined
      ? options.pretty ? prettyDestination(options.destination ?? 1) : pino.destination({ fd: options.destination ?? 1, sync: true })
      : options.destination,
  );
}

/** One child logger per message, so every line of its journey carries the same ids. */
export function messageLogger(log: Logger, m: { messageId: number; partnerId?: string | null; filename?: string | null; stage?: string }): Logger {
  return log.child({ messageId: m.messageId, partnerId: m.partnerId ?? undefined, file: m.filename ?? undefined, stage: m.stage });
}
