import { GatewayError, type ErrorCode } from '../../errors/gateway-error';

/**
 * What went wrong with one Odoo call, as the transport saw it, before it becomes a GatewayError.
 * Pure data, so that the mapping and the retry rules below are tables a test can read.
 */
export type OdooFailure =
  /** Odoo answered with an error object: JSON-RPC `error.data`, JSON-2's body. */
  | { kind: 'odoo'; name: string; message: string; status?: number }
  /** An HTTP status without an Odoo error body (a proxy's 502 page, a 400 for a bad request). */
  | { kind: 'http'; status: number; message: string }
  /** No HTTP answer at all: connection refused, reset, DNS. */
  | { kind: 'network'; code?: string; message: string }
  | { kind: 'timeout'; message: string };

/** Thrown by transports; the client turns it into a GatewayError once, at its edge. */
export class OdooTransportError extends Error {
  constructor(readonly failure: OdooFailure) {
    super(failure.message);
    this.name = 'OdooTransportError';
  }
}

/** Odoo's exception class names (error.data.name, ODOO-NOTES §3.1) -> our stable codes. */
const BY_NAME: Record<string, ErrorCode> = {
  'odoo.exceptions.AccessDenied': 'ODOO_AUTH',
  'odoo.exceptions.AccessError': 'ODOO_ACCESS',
  'odoo.exceptions.ValidationError': 'ODOO_VALIDATION',
  'odoo.exceptions.UserError': 'ODOO_USER_ERROR',
  'odoo.exceptions.RedirectWarning': 'ODOO_USER_ERROR',
  'odoo.exceptions.MissingError': 'ODOO_MISSING',
  'builtins.ValueError': 'ODOO_BAD_REQUEST',
  'builtins.AttributeError': 'ODOO_BAD_REQUEST',
  'builtins.KeyError': 'ODOO_BAD_REQUEST',
  'builtins.TypeError': 'ODOO_BAD_REQUEST',
  'psycopg2.errors.InvalidTextRepresentation': 'ODOO_BAD_REQUEST',
  'werkzeug.exceptions.NotFound': 'ODOO_BAD_REQUEST',
  'werkzeug.exceptions.UnprocessableEntity': 'ODOO_BAD_REQUEST',
  'werkzeug.exceptions.Unauthorized': 'ODOO_AUTH',
};

/** Concurrent-update failures that outlived Odoo's own five server-side retries: a retry may pass. */
const CONFLICT_NAMES = /^psycopg2\.(errors\.(SerializationFailure|DeadlockDetected|LockNotAvailable)|extensions\.TransactionRollbackError)$/;

/** psycopg2.OperationalError is the database being down, unless it names a database that does not exist (configuration). */
function isDatabaseDown(f: OdooFailure): boolean {
  return f.kind === 'odoo' && f.name === 'psycopg2.OperationalError' && !/does not exist/.test(f.message);
}

/** Node and undici error codes meaning the request never reached Odoo: safe to send again, even a write. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export function codeFor(f: OdooFailure): ErrorCode {
  switch (f.kind) {
    case 'timeout': return 'ODOO_TIMEOUT';
    case 'network': return 'ODOO_UNAVAILABLE';
    case 'http':
      if (f.status >= 502 && f.status <= 504) return 'ODOO_UNAVAILABLE';
      if (f.status === 401 || f.status === 403) return 'ODOO_AUTH';
      return f.status >= 500 ? 'ODOO_SERVER_ERROR' : 'ODOO_BAD_REQUEST';
    case 'odoo':
      if (isDatabaseDown(f)) return 'ODOO_UNAVAILABLE';
      if (CONFLICT_NAMES.test(f.name)) return 'ODOO_CONFLICT';
      if (f.name === 'psycopg2.OperationalError') return 'ODOO_BAD_REQUEST';
      if (BY_NAME[f.name]) return BY_NAME[f.name];
      // JSON-2 answers with real HTTP codes; an unnamed 4xx is our request's fault.
      if (f.status === 401) return 'ODOO_AUTH';
      if (f.status && f.status >= 400 && f.status < 500) return 'ODOO_BAD_REQUEST';
      return 'ODOO_SERVER_ERROR';
  }
}

/**
 * May the call be sent again at once? `safe`: Odoo certainly did not commit it (nothing reached
 * it, its database was down, its transaction rolled back). `ambiguous`: it may have committed (a
 * timeout, a reset connection, a gateway timeout): repeat only calls that change nothing; a
 * writer re-reads by its idempotency key on the job's next attempt. `never`: a retry gives the
 * same answer.
 */
export function retrySafety(f: OdooFailure): 'safe' | 'ambiguous' | 'never' {
  switch (f.kind) {
    case 'timeout': return 'ambiguous';
    case 'network': return f.code && NEVER_SENT.has(f.code) ? 'safe' : 'ambiguous';
    case 'http': return f.status === 502 || f.status === 503 ? 'safe' : f.status === 504 ? 'ambiguous' : 'never';
    case 'odoo': return isDatabaseDown(f) || CONFLICT_NAMES.test(f.name) ? 'safe' : 'never';
  }
}

/** Failures that say Odoo is not there: they count towards opening the circuit. */
export function isUnavailability(f: OdooFailure): boolean {
  const code = codeFor(f);
  return code === 'ODOO_UNAVAILABLE' || code === 'ODOO_TIMEOUT';
}

export function toGatewayError(f: OdooFailure, call: { model: string; method: string }, cause?: unknown): GatewayError {
  const where = `${call.model}.${call.method}`;
  const name = f.kind === 'odoo' ? f.name : undefined;
  const message = f.kind === 'timeout' ? `Odoo did not answer ${where} in time` : `Odoo ${where}: ${f.message}`;
  return new GatewayError(codeFor(f), message, { model: call.model, method: call.method, odooError: name,
    ...(f.kind === 'http' || (f.kind === 'odoo' && f.status) ? { httpStatus: (f as { status?: number }).status } : {}),
    ...(f.kind === 'network' && f.code ? { cause: f.code } : {}) }, { cause });
}
