import { ALERT_KINDS } from '../alerts/alert';
import { ACK_REGISTER_STATES } from '../store/outbound-acks.repo';

/**
 * The gateway's HTTP API as OpenAPI 3.1, served at /api/openapi.json. A static object written
 * beside the routes: a test checks that every route under /api is here and everything here is a
 * route, and that each operation's `x-required-role` is the role the guard enforces.
 */
const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const json = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });

/** The answers every guarded route may give besides its own. */
const GUARDED = {
  401: error('No bearer token, or one that is unknown or revoked (WWW-Authenticate: Bearer).'),
  403: { description: 'The token\'s role is below the one the route needs.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Forbidden' } } } },
  429: { description: 'Over the rate limit (per token, or failed authentications per address).', headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
    content: { 'application/json': { schema: { $ref: '#/components/schemas/RateLimited' } } } },
  503: error('The API is off (no token configured or stored), or the store cannot be reached to check the token.'),
};

const messageId = { name: 'id', in: 'path', required: true, description: 'Message id.', schema: { type: 'integer', minimum: 1 } };
const RECONCILIATION_PARAMS = [
  { name: 'from', in: 'query', description: 'First day (YYYY-MM-DD) or time; default 14 days before to.', schema: { type: 'string' } },
  { name: 'to', in: 'query', description: 'Last day or time; default now.', schema: { type: 'string' } },
  { name: 'partner', in: 'query', description: 'Partner id.', schema: { type: 'string' } },
  { name: 'flagged', in: 'query', description: 'true: only rows with a flag.', schema: { type: 'string', enum: ['true', 'false'] } },
];
const BULK_MORE = { type: 'boolean', description: 'The filter matched more than its limit: call again for the rest.' };
const STATUSES = ['received', 'processing', 'retrying', 'done', 'exception', 'duplicate', 'resolved'];

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'edi-gateway',
    version: '1',
    description: 'The message log, replay and resolve of exceptions, API tokens, metrics and probes. Every route but /healthz and /readyz needs '
      + '`Authorization: Bearer <token>`; a token\'s role (viewer < operator < admin) must reach the operation\'s `x-required-role`.',
  },
  security: [{ bearer: [] }],
  paths: {
    '/api/messages': {
      get: {
        operationId: 'listMessages', summary: 'Stored messages, newest first (the rows of `messages list --json`).', 'x-required-role': 'viewer',
        parameters: [
          { name: 'status', in: 'query', schema: { type: 'string', enum: STATUSES } },
          { name: 'partner', in: 'query', description: 'Partner id.', schema: { type: 'string' } },
          { name: 'direction', in: 'query', schema: { type: 'string', enum: ['in', 'out'] } },
          { name: 'po', in: 'query', description: 'A PO, shipment or invoice number: messages whose documents carry it, and inbound messages of the last 90 days '
            + 'refused before they became documents whose bytes hold it as a whole value. Searches answer at most 500 rows, with their document types and numbers.', schema: { type: 'string' } },
          { name: 'control', in: 'query', description: 'A control number: an interchange\'s (ISA13, UNB 0020) or a group\'s (GS06, UNG 0048), received or sent. '
            + 'Digits match with or without leading zeros.', schema: { type: 'string' } },
          { name: 'type', in: 'query', description: 'A canonical document type (order, shipment, invoice, order_ack, warehouse_order ...).', schema: { type: 'string' } },
          { name: 'from', in: 'query', description: 'Received at or after (YYYY-MM-DD or ISO time).', schema: { type: 'string' } },
          { name: 'to', in: 'query', description: 'Received before (YYYY-MM-DD or ISO time).', schema: { type: 'string' } },
          { name: 'before', in: 'query', description: 'Only messages with a smaller id (the next page).', schema: { type: 'integer' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        ],
        responses: {
          200: json('The messages.', { type: 'object', required: ['messages'], properties: { messages: { type: 'array', items: { $ref: '#/components/schemas/Message' } } } }),
          400: error('A status that is not one of the statuses, or a date that is not one.'), ...GUARDED,
        },
      },
    },
    '/api/messages/{id}': {
      get: {
        operationId: 'getMessage', summary: 'One message in full: its trail, bytes, segments with the problems placed, documents and Odoo records, acknowledgments, progress.',
        'x-required-role': 'viewer',
        parameters: [messageId, { name: 'content', in: 'query', description: '0: leave the stored bytes (`content`) out.', schema: { type: 'string', enum: ['0', '1'] } }],
        responses: {
          200: json('The message in full.', { type: 'object',
            required: ['message', 'events', 'segments', 'problems', 'documents', 'documentsTotal', 'acknowledgments', 'progress'],
            properties: {
              message: { $ref: '#/components/schemas/Message' },
              events: { type: 'array', items: { $ref: '#/components/schemas/Event' }, description: 'The audit trail, oldest first.' },
              content: { type: ['object', 'null'], required: ['encoding', 'text', 'truncated'], description: 'The stored bytes (null: none stored); absent with ?content=0.',
                properties: { encoding: { type: 'string', enum: ['utf8', 'base64'], description: 'utf8 when the bytes are UTF-8 without NUL, else base64.' },
                  text: { type: 'string' }, truncated: { type: 'boolean', description: 'Only the first 2 MiB of a bigger file (message.sizeBytes says how big).' } } },
              segments: { type: ['object', 'null'], required: ['standard', 'truncated', 'lines'], description: 'The bytes one segment a line (the dashboard\'s view), at most 5,000 lines.',
                properties: { standard: { type: 'string', enum: ['X12', 'EDIFACT', 'text'] }, truncated: { type: 'boolean' },
                  lines: { type: 'array', items: { $ref: '#/components/schemas/Segment' } } } },
              problems: { type: 'array', items: { $ref: '#/components/schemas/Problem' }, description: 'Where the latest run went wrong (exceptions and resolved messages).' },
              documents: { type: 'array', items: { $ref: '#/components/schemas/Document' }, description: 'The first 500 canonical documents.' },
              documentsTotal: { type: 'integer' },
              acknowledgments: { type: 'array', description: 'For a message we sent: each group\'s functional acknowledgment, received or owed.',
                items: { type: 'object', properties: { functionalId: { type: 'string' }, controlNumber: { type: 'string' }, ackExpected: { type: ['string', 'null'] },
                  ackStatus: { type: ['string', 'null'], description: 'A, E, R, P ... from the 997 / 999; null while owed.' }, dueAt: { type: ['string', 'null'], format: 'date-time' } } } },
              progress: { oneOf: [{ $ref: '#/components/schemas/Progress' }, { type: 'null' }], description: 'While a big file is worked through.' },
            } }),
          400: error('The id is not a positive whole number.'), 404: error('No such message (code MESSAGE_NOT_FOUND).'), ...GUARDED,
        },
      },
    },
    '/api/messages/{id}/replay': {
      post: {
        operationId: 'replayMessage', summary: 'Queue the message through its pipeline again, from its stored bytes.', 'x-required-role': 'operator',
        parameters: [messageId],
        responses: {
          202: json('Queued; GET /api/messages/{id} follows it.', { type: 'object', required: ['messageId', 'replay'],
            properties: { messageId: { type: 'integer' }, replay: { type: 'integer', description: 'The replay\'s generation, 1 for the first.' } } }),
          400: error('The id is not a positive whole number.'), 404: error('No such message (MESSAGE_NOT_FOUND).'),
          409: error('The message is still in the pipeline (MESSAGE_IN_PROGRESS).'), ...GUARDED,
        },
      },
    },
    '/api/messages/{id}/resolve': {
      post: {
        operationId: 'resolveMessage', summary: 'Close an exception dealt with outside the gateway, with a note for its trail.', 'x-required-role': 'operator',
        parameters: [messageId],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['note'], properties: { note: { type: 'string', minLength: 1 } } } } } },
        responses: {
          200: json('The message, now resolved.', { type: 'object', required: ['message'], properties: { message: { $ref: '#/components/schemas/Message' } } }),
          400: error('No note, or a bad id.'), 404: error('No such message (MESSAGE_NOT_FOUND).'),
          409: error('The message is not an exception (MESSAGE_NOT_EXCEPTION).'), ...GUARDED,
        },
      },
    },
    '/api/exceptions': {
      get: {
        operationId: 'listExceptions', summary: 'Open exceptions (messages in status exception), newest first.', 'x-required-role': 'viewer',
        parameters: [
          { name: 'partner', in: 'query', description: 'Partner id.', schema: { type: 'string' } },
          { name: 'code', in: 'query', description: 'Error code (FORMAT_UNKNOWN, TRANSLATION_FAILED ...).', schema: { type: 'string' } },
          { name: 'stage', in: 'query', description: 'The stage that failed (identify, validate, translate, odoo ...).', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        ],
        responses: {
          200: json('The exceptions.', { type: 'object', required: ['exceptions'], properties: { exceptions: { type: 'array', items: { $ref: '#/components/schemas/Exception' } } } }),
          ...GUARDED,
        },
      },
    },
    '/api/exceptions/replay': {
      post: {
        operationId: 'replayExceptions', summary: 'Queue many open exceptions for replay, each on its own: one refused does not stop the others.', 'x-required-role': 'operator',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/BulkTarget' } } } },
        responses: {
          202: json('Queued; what was refused, and why, beside.', { type: 'object', required: ['replayed', 'refused', 'more'], properties: {
            replayed: { type: 'array', items: { type: 'object', required: ['messageId', 'replay'], properties: { messageId: { type: 'integer' },
              replay: { type: 'integer', description: 'The replay\'s generation.' } } } },
            refused: { type: 'array', items: { $ref: '#/components/schemas/Refusal' } }, more: BULK_MORE } }),
          400: error('Neither ids nor a filter, both, more than 1000 ids, or an unknown field (USAGE).'), ...GUARDED,
        },
      },
    },
    '/api/exceptions/resolve': {
      post: {
        operationId: 'resolveExceptions', summary: 'Close many open exceptions with one note, each on its own.', 'x-required-role': 'operator',
        requestBody: { required: true, content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/BulkTarget' },
          { type: 'object', required: ['note'], properties: { note: { type: 'string', minLength: 1 } } }] } } } },
        responses: {
          200: json('Resolved; what was refused, and why, beside.', { type: 'object', required: ['resolved', 'refused', 'more'], properties: {
            resolved: { type: 'array', items: { type: 'object', required: ['messageId'], properties: { messageId: { type: 'integer' } } } },
            refused: { type: 'array', items: { $ref: '#/components/schemas/Refusal' } }, more: BULK_MORE } }),
          400: error('No note, neither ids nor a filter, both, or an unknown field (USAGE).'), ...GUARDED,
        },
      },
    },
    '/api/odoo/webhook': {
      post: {
        operationId: 'odooWebhook', summary: 'A hint from Odoo that something changed: the event scan runs now.', 'x-required-role': 'operator',
        description: 'Odoo\'s webhook action cannot set a header: here alone the token may come as `?token=`.',
        parameters: [{ name: 'token', in: 'query', required: false, schema: { type: 'string' } }],
        responses: { 202: json('Accepted; the scan runs in the background.', { type: 'object', properties: { accepted: { type: 'boolean' } } }), ...GUARDED },
      },
    },
    '/api/tokens': {
      get: {
        operationId: 'listTokens', summary: 'API tokens (never the token nor its hash).', 'x-required-role': 'admin',
        responses: { 200: json('The tokens.', { type: 'object', required: ['tokens'], properties: { tokens: { type: 'array', items: { $ref: '#/components/schemas/Token' } } } }), ...GUARDED },
      },
      post: {
        operationId: 'createToken', summary: 'Create a token; the answer is the only place the token is shown.', 'x-required-role': 'admin',
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['name', 'role'],
          properties: { name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }, role: { $ref: '#/components/schemas/Role' } } } } } },
        responses: {
          201: json('Created.', { allOf: [{ $ref: '#/components/schemas/Token' }, { type: 'object', required: ['token'], properties: { token: { type: 'string', pattern: '^edig_' } } }] }),
          400: error('No name or role, or a name that is not allowed (USAGE).'), 409: error('The name is taken, by a live or revoked token (TOKEN_NAME_TAKEN).'), ...GUARDED,
        },
      },
    },
    '/api/tokens/{name}': {
      delete: {
        operationId: 'revokeToken', summary: 'Revoke a token: it fails at once in every gateway process on the store (within a second).', 'x-required-role': 'admin',
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: json('The token, revoked (revoking twice changes nothing).', { $ref: '#/components/schemas/Token' }), 404: error('No token of that name (TOKEN_NOT_FOUND).'), ...GUARDED },
      },
    },
    '/api/partners/{id}/inventory-push': {
      post: {
        operationId: 'pushInventory', summary: 'Queue a full inventory push (Odoo quantities to the marketplace) for a Shopify or Amazon partner, on the bulk queue.',
        'x-required-role': 'operator', parameters: [{ name: 'id', in: 'path', required: true, description: 'Partner id.', schema: { type: 'string' } }],
        responses: {
          202: json('Queued.', { type: 'object', required: ['partnerId', 'queued'], properties: { partnerId: { type: 'string' }, queued: { type: 'string' } } }),
          404: error('No such partner (PARTNER_UNKNOWN).'), 409: error('The partner is not a marketplace with inventory (USAGE).'), ...GUARDED,
        },
      },
    },
    '/api/alerts': {
      get: {
        operationId: 'listAlerts', summary: 'Alerts raised (new exceptions, rejected and overdue acknowledgments, silent partners, certificates near expiry), '
          + 'newest first, with what each channel (webhook, e-mail) did with them.', 'x-required-role': 'viewer',
        parameters: [
          { name: 'kind', in: 'query', schema: { type: 'string', enum: [...ALERT_KINDS] } },
          { name: 'partner', in: 'query', description: 'Partner id.', schema: { type: 'string' } },
          { name: 'delivery', in: 'query', description: 'pending: a channel still owes it; failed: given up after every attempt; none: no channel was set.',
            schema: { type: 'string', enum: ['pending', 'sent', 'failed', 'none'] } },
          { name: 'before', in: 'query', description: 'Only alerts with a smaller id (the next page).', schema: { type: 'integer' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        ],
        responses: {
          200: json('The alerts.', { type: 'object', required: ['alerts'], properties: { alerts: { type: 'array', items: { $ref: '#/components/schemas/Alert' } } } }),
          400: error('A kind or delivery that is not one of those listed (USAGE).'), ...GUARDED,
        },
      },
    },
    '/api/acknowledgments': {
      get: {
        operationId: 'listAcknowledgments', summary: 'The acknowledgments partners owe us: each group we sent that waits for a 997, 999 or CONTRL, newest first, '
          + 'and where it stands (pending within the partner\'s window, overdue, accepted, partially accepted, rejected by its group or interchange acknowledgment).',
        'x-required-role': 'viewer',
        parameters: [
          { name: 'state', in: 'query', schema: { type: 'string', enum: [...ACK_REGISTER_STATES] } },
          { name: 'partner', in: 'query', description: 'Partner id.', schema: { type: 'string' } },
          { name: 'before', in: 'query', description: 'Only rows with a smaller id (the next page).', schema: { type: 'integer' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        ],
        responses: {
          200: json('The groups.', { type: 'object', required: ['acknowledgments'],
            properties: { acknowledgments: { type: 'array', items: { $ref: '#/components/schemas/AckRegisterRow' } } } }),
          400: error('A state that is not one of those listed, or a before that is not an id (USAGE).'), ...GUARDED,
        },
      },
    },
    '/api/schedules': {
      get: {
        operationId: 'listScheduleRuns', summary: 'Scheduled runs of the whole cluster, newest first: each tick runs in one process (named in owner); '
          + 'a tick whose previous run was still going is noted skipped; a run whose process died is closed as failed (abandoned).', 'x-required-role': 'viewer',
        parameters: [
          { name: 'name', in: 'query', description: 'One schedule: odoo-events, ack-overdue-check, alerts, as2-mdn-watch, reconciliation-report, outbound:<partner>:<type|default>, sftp:<partner>, channel:<partner>:orders|inventory ...', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        ],
        responses: {
          200: json('The runs.', { type: 'object', required: ['runs'], properties: { runs: { type: 'array', items: { $ref: '#/components/schemas/ScheduleRun' } } } }),
          ...GUARDED,
        },
      },
    },
    '/api/reconciliation': {
      get: {
        operationId: 'reconciliation', summary: 'Order lifecycle reconciliation: one row per (partner, PO) of orders received in the range, with mismatch flags.',
        'x-required-role': 'viewer', parameters: RECONCILIATION_PARAMS,
        responses: {
          200: json('The range and its rows (the rows of `reconcile --json`).', { type: 'object', required: ['from', 'to', 'rows'],
            properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' }, rows: { type: 'array', items: { type: 'object' } } } }),
          400: error('A date that is not YYYY-MM-DD or an ISO time, or from after to.'), ...GUARDED,
        },
      },
    },
    '/api/reconciliation.csv': {
      get: {
        operationId: 'reconciliationCsv', summary: 'The same rows as CSV (the daily report file\'s form).', 'x-required-role': 'viewer', parameters: RECONCILIATION_PARAMS,
        responses: { 200: { description: 'CSV, one row per (partner, PO).', content: { 'text/csv': { schema: { type: 'string' } } } },
          400: error('A date that is not YYYY-MM-DD or an ISO time, or from after to.'), ...GUARDED },
      },
    },
    '/api/partners': {
      get: {
        operationId: 'listPartners', summary: 'Every partner with its traffic: last message each way, volumes, error rate, open exceptions, acknowledgments expected and overdue.',
        'x-required-role': 'viewer',
        responses: { 200: json('The partners.', { type: 'object', required: ['partners'], properties: { partners: { type: 'array', items: { type: 'object',
          properties: { id: { type: 'string' }, inProgress: { type: 'array', items: { $ref: '#/components/schemas/Progress' }, description: 'Its big files being worked through now.' } },
          additionalProperties: true } } } }), ...GUARDED },
      },
    },
    '/api/openapi.json': {
      get: {
        operationId: 'openapi', summary: 'This document.', 'x-required-role': 'viewer',
        responses: { 200: json('OpenAPI 3.1.', { type: 'object' }), ...GUARDED },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics', summary: 'Prometheus text format (0.0.4), computed from the store at each scrape.', 'x-required-role': 'viewer',
        responses: { 200: { description: 'The metrics.', content: { 'text/plain': { schema: { type: 'string' } } } }, ...GUARDED },
      },
    },
    '/healthz': {
      get: {
        operationId: 'healthz', summary: 'Liveness: the process answers and reaches its store.', security: [],
        responses: { 200: json('Alive.', { type: 'object', properties: { ok: { const: true } } }),
          503: json('The store is unreachable.', { type: 'object', properties: { ok: { const: false }, error: { type: 'string' } } }) },
      },
    },
    '/readyz': {
      get: {
        operationId: 'readyz', summary: 'Readiness: the store answers, its migrations are applied, and Odoo (when enabled) is not behind an open circuit.', security: [],
        responses: { 200: json('Ready.', { $ref: '#/components/schemas/Readiness' }), 503: json('Not ready, with the reasons.', { $ref: '#/components/schemas/Readiness' }) },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from `edi-gateway tokens create`, or EDI_GATEWAY_API_TOKEN (admin).' } },
    schemas: {
      Role: { type: 'string', enum: ['viewer', 'operator', 'admin'] },
      Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, code: { type: 'string', description: 'A stable error code, when there is one.' } } },
      Forbidden: { type: 'object', required: ['error', 'requiredRole', 'role'],
        properties: { error: { type: 'string' }, requiredRole: { $ref: '#/components/schemas/Role' }, role: { $ref: '#/components/schemas/Role' } } },
      RateLimited: { type: 'object', required: ['error', 'retryAfterSeconds'], properties: { error: { type: 'string' }, retryAfterSeconds: { type: 'integer' } } },
      Readiness: { type: 'object', required: ['ready', 'reasons'], properties: { ready: { type: 'boolean' }, reasons: { type: 'array', items: { type: 'string' } } } },
      Token: { type: 'object', required: ['name', 'role', 'createdAt', 'lastUsedAt', 'revokedAt'],
        properties: { name: { type: 'string' }, role: { $ref: '#/components/schemas/Role' }, createdAt: { type: 'string', format: 'date-time' },
          lastUsedAt: { type: ['string', 'null'], format: 'date-time', description: 'Noted at most once a minute.' },
          revokedAt: { type: ['string', 'null'], format: 'date-time' } } },
      ScheduleRun: { type: 'object', required: ['name', 'tick', 'owner', 'startedAt', 'finishedAt', 'outcome', 'detail'],
        properties: {
          name: { type: 'string' }, tick: { type: 'string', format: 'date-time', description: 'The tick this run is for (once per name and tick in the cluster).' },
          owner: { type: 'string', description: 'The process that claimed it: host:pid:random.' },
          startedAt: { type: 'string', format: 'date-time' }, finishedAt: { type: ['string', 'null'], format: 'date-time' },
          outcome: { type: ['string', 'null'], enum: ['ok', 'failed', 'skipped', null], description: 'null while it runs.' },
          detail: { type: ['string', 'null'], description: 'What the run did, why it failed, or why the tick was skipped.' },
        } },
      AckRegisterRow: { type: 'object',
        required: ['id', 'messageId', 'partnerId', 'standard', 'interchangeControl', 'functionalId', 'controlNumber', 'setCount', 'ackExpected', 'sentAt', 'dueAt', 'state'],
        properties: {
          id: { type: 'integer', description: 'The page cursor.' }, messageId: { type: 'integer', description: 'The message we sent.' },
          partnerId: { type: 'string' }, standard: { type: 'string', enum: ['X12', 'EDIFACT'] },
          interchangeControl: { type: 'string', description: 'ISA13 or UNB 0020 of what we sent.' },
          functionalId: { type: 'string', description: 'GS01 (PR, SH, IN ...) or the EDIFACT group / message type.' },
          controlNumber: { type: 'string', description: 'GS06, UNG 0048, or the UNB reference when there is no UNG.' },
          setCount: { type: 'integer' }, ackExpected: { type: 'string', enum: ['997', '999', 'CONTRL'] },
          sentAt: { type: 'string', format: 'date-time' }, dueAt: { type: ['string', 'null'], format: 'date-time' },
          state: { type: 'string', enum: [...ACK_REGISTER_STATES] },
          ackStatus: { type: ['string', 'null'], description: 'AK901 / IK901, or the CONTRL action (7 acknowledged, 4 rejected, 8 received).' },
          ackCodes: { type: ['string', 'null'], description: 'The error codes the acknowledgment gave.' },
          interchangeAckStatus: { type: ['string', 'null'], description: 'TA1 (A, E, R) or the CONTRL UCI action for the whole interchange.' },
          ackMessageId: { type: ['integer', 'null'], description: 'The message that carried the acknowledgment.' },
          ackedAt: { type: ['string', 'null'], format: 'date-time' },
        } },
      Alert: { type: 'object', required: ['id', 'key', 'kind', 'severity', 'title', 'detail', 'raisedAt', 'delivery'],
        properties: {
          id: { type: 'integer' }, key: { type: 'string', description: 'What makes it once: the same occurrence is never raised twice.' },
          kind: { type: 'string', enum: [...ALERT_KINDS] }, severity: { type: 'string', enum: ['critical', 'warning'] },
          partnerId: { type: ['string', 'null'] }, messageId: { type: ['integer', 'null'] }, title: { type: 'string' }, detail: { type: 'string' },
          raisedAt: { type: 'string', format: 'date-time' }, delivery: { type: 'string', enum: ['pending', 'sent', 'failed', 'none'] },
          webhookSentAt: { type: ['string', 'null'], format: 'date-time' }, emailSentAt: { type: ['string', 'null'], format: 'date-time' },
          attempts: { type: 'integer' }, lastError: { type: ['string', 'null'], description: 'Why the last delivery failed (never the webhook URL or SMTP password).' },
        } },
      Message: { type: 'object', required: ['id', 'direction', 'transport', 'status', 'stage'],
        properties: {
          id: { type: 'integer' }, direction: { type: 'string', enum: ['in', 'out'] }, transport: { type: 'string' },
          transportRef: { type: ['string', 'null'] }, partnerId: { type: ['string', 'null'] }, filename: { type: ['string', 'null'] },
          sha256: { type: 'string' }, sizeBytes: { type: 'integer' }, duplicateOf: { type: ['integer', 'null'] },
          createdAt: { type: 'string', format: 'date-time' }, status: { type: 'string', enum: STATUSES }, stage: { type: 'string' },
          errorCode: { type: ['string', 'null'] }, errorMessage: { type: ['string', 'null'] }, attempts: { type: 'integer' },
          updatedAt: { type: 'string', format: 'date-time' },
        } },
      Exception: { type: 'object', required: ['messageId', 'partnerId', 'direction', 'stage', 'errorCode', 'errorMessage', 'failedAt'],
        properties: {
          messageId: { type: 'integer' }, partnerId: { type: ['string', 'null'] }, direction: { type: 'string', enum: ['in', 'out'] }, filename: { type: ['string', 'null'] },
          stage: { type: 'string', description: 'The stage that failed.' }, errorCode: { type: ['string', 'null'] }, errorMessage: { type: ['string', 'null'] },
          failedAt: { type: 'string', format: 'date-time' },
        } },
      BulkTarget: { type: 'object', additionalProperties: false, description: 'Either ids, or a filter (at least one of partner, code, stage): not both.',
        properties: {
          ids: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'integer', minimum: 1 }, description: 'These messages; each must be an open exception.' },
          partner: { type: 'string', description: 'Open exceptions of this partner ...' }, code: { type: ['string', 'null'], description: '... with this error code (null: none) ...' },
          stage: { type: 'string', description: '... that failed at this stage.' },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 1000, description: 'With a filter: at most this many, newest first.' },
        } },
      Refusal: { type: 'object', required: ['messageId', 'code', 'error'], description: 'A message the action was refused for.',
        properties: { messageId: { type: 'integer' }, code: { type: 'string', description: 'MESSAGE_NOT_FOUND, MESSAGE_NOT_EXCEPTION, MESSAGE_IN_PROGRESS, USAGE (a duplicate receipt) ...' },
          error: { type: 'string' } } },
      Progress: { type: 'object', required: ['messageId', 'status', 'stage', 'done', 'total', 'since', 'at'], description: 'How far the current run of a message has gone.',
        properties: { messageId: { type: 'integer' }, status: { type: 'string', enum: ['received', 'processing', 'retrying'] },
          stage: { type: 'string', description: 'translate, odoo' }, done: { type: 'integer' }, total: { type: 'integer' },
          detail: { type: ['string', 'null'], description: '12000 of 87968 sets translated' }, since: { type: 'string', format: 'date-time', description: 'When the run started.' },
          at: { type: 'string', format: 'date-time', description: 'When the stage last reported.' } } },
      Problem: { type: 'object', required: ['code', 'message', 'line'], properties: {
        code: { type: 'string' }, message: { type: 'string' }, setControl: { type: 'string', description: 'The set\'s (message\'s) control number.' },
        segment: { type: 'string' }, position: { type: 'integer', description: 'The segment\'s ordinal in its set (ST / UNH = 1).' },
        element: { type: 'integer', description: '1-based.' }, value: { type: 'string' }, line: { type: ['integer', 'null'], description: 'The segments line it is placed on.' } } },
      Segment: { type: 'object', required: ['n', 'tag', 'elements', 'problems'], properties: {
        n: { type: 'integer' }, tag: { type: 'string' }, elements: { type: 'array', items: { type: 'string' }, description: 'The tag first: elements[5] of BEG is BEG05.' },
        problems: { type: 'array', items: { type: 'object', required: ['element', 'code', 'message'],
          properties: { element: { type: ['integer', 'null'], description: 'null: the segment as a whole.' }, code: { type: 'string' }, message: { type: 'string' } } } } } },
      Document: { type: 'object', required: ['id', 'ordinal', 'type', 'body', 'odooModel', 'odooId'], properties: {
        id: { type: 'integer' }, messageId: { type: 'integer' }, ordinal: { type: 'integer' }, partnerId: { type: 'string' }, type: { type: 'string' },
        businessKey: { type: ['string', 'null'] }, sourceControl: { type: 'string' }, body: { type: 'object', description: 'The canonical document.' },
        odooModel: { type: ['string', 'null'] }, odooId: { type: ['integer', 'null'] } } },
      Event: { type: 'object', required: ['id', 'stage', 'outcome', 'at'],
        properties: {
          id: { type: 'integer' }, stage: { type: 'string' }, outcome: { type: 'string', enum: ['ok', 'failed', 'retrying', 'duplicate', 'info'] },
          code: { type: ['string', 'null'] }, detail: { type: ['string', 'null'] }, data: {}, at: { type: 'string', format: 'date-time' },
        } },
    },
  },
} as const;
