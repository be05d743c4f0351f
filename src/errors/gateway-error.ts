/**
 * Errors are data: a stable code, a message a person can act on, and whether a retry can help.
 * Whether a code is retryable is decided once, in ERROR_CODES, never by scattered ifs.
 */
export const ERROR_CODES = {
  // Bad input or configuration: a retry cannot help.
  USAGE: { retryable: false, exit: 2 },
  FILE_UNREADABLE: { retryable: false, exit: 2 },
  CONFIG_INVALID: { retryable: false, exit: 2 },
  PROFILE_INVALID: { retryable: false, exit: 2 },
  PATH_OUTSIDE_FOLDER: { retryable: false, exit: 2 },
  MESSAGE_NOT_FOUND: { retryable: false, exit: 2 },
  STORE_BUSY: { retryable: false, exit: 2 },
  /** Resolve or replay asked of a message in a state that does not allow it (not an exception; still in the pipeline). */
  MESSAGE_NOT_EXCEPTION: { retryable: false, exit: 2 },
  MESSAGE_IN_PROGRESS: { retryable: false, exit: 2 },
  /** `tokens create` with a name already used (revoked tokens keep theirs), or revoke of a name never created. */
  TOKEN_NAME_TAKEN: { retryable: false, exit: 2 },
  TOKEN_NOT_FOUND: { retryable: false, exit: 2 },
  /** The HTTP port is taken (or not ours to open): the daemon does not start without AS2 and health. */
  HTTP_PORT_UNAVAILABLE: { retryable: false, exit: 2 },
  // A message that cannot be processed as it is: parked as an exception for a person.
  FORMAT_UNKNOWN: { retryable: false, exit: 1 },
  ENVELOPE_INVALID: { retryable: false, exit: 1 },
  PARTNER_UNKNOWN: { retryable: false, exit: 1 },
  PARTNER_MISMATCH: { retryable: false, exit: 1 },
  INTERCHANGE_REJECTED: { retryable: false, exit: 1 },
  INTERCHANGE_DUPLICATE: { retryable: false, exit: 1 },
  PARTNER_REJECTED: { retryable: false, exit: 1 },
  /** A document we sent whose acknowledgment (997, 999, CONTRL) did not come back within the partner's window. */
  ACK_OVERDUE: { retryable: false, exit: 1 },
  TRANSLATION_FAILED: { retryable: false, exit: 1 },
  /** A cXML document that is not a valid OrderRequest (src/marketplaces/cxml): the errors name the element path. */
  CXML_INVALID: { retryable: false, exit: 1 },
  /** A marketplace's API refused our credentials (HTTP 401/403, ACCESS_DENIED): a person must fix the token or the app's scopes. */
  CHANNEL_AUTH: { retryable: false, exit: 1 },
  /** A marketplace's API refused the request for good (GraphQL userErrors, a malformed query, 4xx): retrying sends the same. */
  CHANNEL_REFUSED: { retryable: false, exit: 1 },
  /** A canonical document that cannot become the partner's EDI (a delimiter in a value, no SSCC prefix ...). */
  DOCUMENT_UNRENDERABLE: { retryable: false, exit: 1 },
  // Odoo said no (src/odoo/client/odoo-errors.ts maps Odoo's error.data.name to these), keeping its message.
  ODOO_AUTH: { retryable: false, exit: 1 },
  ODOO_ACCESS: { retryable: false, exit: 1 },
  ODOO_VALIDATION: { retryable: false, exit: 1 },
  ODOO_USER_ERROR: { retryable: false, exit: 1 },
  ODOO_MISSING: { retryable: false, exit: 1 },
  ODOO_BAD_REQUEST: { retryable: false, exit: 1 },
  ODOO_SERVER_ERROR: { retryable: false, exit: 1 },
  // What our writers could not find or do in Odoo: named values for a person to fix, then replay.
  ODOO_CUSTOMER_NOT_FOUND: { retryable: false, exit: 1 },
  ODOO_PRODUCT_NOT_FOUND: { retryable: false, exit: 1 },
  ODOO_LOCATION_NOT_FOUND: { retryable: false, exit: 1 },
  ODOO_RECORD_NOT_FOUND: { retryable: false, exit: 1 },
  ODOO_ORDER_SHIPPED: { retryable: false, exit: 1 },
  /** A change or cancel whose original order another message still holds, unwritten, after every retry. */
  ORDER_OUT_OF_SEQUENCE: { retryable: false, exit: 1 },
  ODOO_PICKING_CONFLICT: { retryable: false, exit: 1 },
  ODOO_NOT_SUPPORTED: { retryable: false, exit: 1 },
  /** An order's currency that no pricelist of the profile places (a sale order's currency is its pricelist's). */
  ODOO_CURRENCY_UNPLACED: { retryable: false, exit: 1 },
  /** The profile's odooUom is not in Odoo, or is not the pack the profile's factor says. */
  ODOO_UOM_MISMATCH: { retryable: false, exit: 1 },
  /** The partner's SFTP server showed a host key other than the pinned one: a person must check it. */
  TRANSPORT_HOST_KEY_MISMATCH: { retryable: false, exit: 1 },
  /** A different file of the same name waits uncollected on the partner's side; retried, then parked. */
  TRANSPORT_TARGET_EXISTS: { retryable: true, exit: 1 },
  /** AS2: the partner's MDN says it could not process our message (processed/error: ...). */
  AS2_MDN_NEGATIVE: { retryable: false, exit: 1 },
  /** AS2: an MDN that proves nothing: unsigned when we asked for signed, bad signature, wrong MIC. */
  AS2_MDN_INVALID: { retryable: false, exit: 1 },
  /** AS2: no MDN after every resend the profile allows. */
  AS2_MDN_MISSING: { retryable: false, exit: 1 },
  /** AS2: the partner's server refused the request (HTTP 4xx); the same request would be refused again. */
  AS2_REFUSED: { retryable: false, exit: 1 },
  // Infrastructure hiccups: retried with backoff, parked when the retries run out.
  STORE_UNAVAILABLE: { retryable: true, exit: 1 },
  TRANSPORT_UNAVAILABLE: { retryable: true, exit: 1 },
  INTERNAL: { retryable: true, exit: 1 },
  /** Odoo (or its database) is down or unreachable, or the circuit is open: the message waits in the queue. */
  ODOO_UNAVAILABLE: { retryable: true, exit: 1 },
  /** No answer in time: a write may or may not have committed, so the retry re-reads first. */
  ODOO_TIMEOUT: { retryable: true, exit: 1 },
  /** A change or cancel waits for its original order, which another message is still writing to Odoo. */
  ORDER_WAITING: { retryable: true, exit: 1 },
  /** A serialization failure or deadlock that outlived Odoo's own retries. */
  ODOO_CONFLICT: { retryable: true, exit: 1 },
} as const satisfies Record<string, { retryable: boolean; exit: 0 | 1 | 2 }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GatewayError';
    this.code = code;
    this.retryable = ERROR_CODES[code].retryable;
    this.details = details;
  }

  get exitCode(): 0 | 1 | 2 {
    return ERROR_CODES[this.code].exit;
  }
}

/** Node system errors that mean "the other side is down or busy", worth a retry. */
const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EBUSY', 'EMFILE',
]);
/** PostgreSQL SQLSTATE classes that a retry can cure: serialization, deadlock, connection, resources. */
const TRANSIENT_SQLSTATE = /^(40001|40P01|08...|53...|57P0[1-3])$/;

/** Turns anything thrown into a GatewayError once, at the edge where it was caught. */
export function coerceError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code && TRANSIENT_SYSTEM_CODES.has(code)) {
    return new GatewayError('TRANSPORT_UNAVAILABLE', message, { cause: code }, { cause: err });
  }
  if (code && TRANSIENT_SQLSTATE.test(code)) {
    return new GatewayError('STORE_UNAVAILABLE', message, { sqlstate: code }, { cause: err });
  }
  return new GatewayError('INTERNAL', message, undefined, { cause: err });
}
