import cron from 'node-cron';
import { z } from 'zod';
import { ALERT_KINDS } from '../alerts/alert';

/** One X12 identity: ISA qualifier + id, and the GS application id. */
export const X12IdentitySchema = z.strictObject({
  qualifier: z.string().regex(/^[A-Z0-9]{2}$/, 'an ISA id qualifier is two letters or digits, e.g. ZZ, 01, 12'),
  id: z.string().min(1).max(15),
  gsId: z.string().min(2).max(15),
});
/** One EDIFACT identity: UNB 0004/0010 id and its code qualifier (0007), e.g. 14 for a GLN. */
export const EdifactIdentitySchema = z.strictObject({
  id: z.string().min(1).max(35),
  qualifier: z.string().max(4).optional(),
});

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

/**
 * gateway.yaml. Every field can be set by environment variable (see env.ts); secrets
 * (databaseUrl, odoo.apiKey) only by environment or *_FILE, never in the file.
 */
export const GatewayConfigSchema = z.strictObject({
  home: z.string().min(1).default('./data'),
  profilesDir: z.string().min(1).default('./partner-profiles'),
  /** How often the daemon looks for changed profiles (and their tables) to reload them; 0 never. */
  profileReloadSeconds: z.coerce.number().min(0).default(5),
  /**
   * After SIGTERM the daemon is gone within this long, whatever it is doing (EDI_GATEWAY_STOP_SECONDS):
   * jobs in hand that cannot finish go back to the queue and run once after the restart.
   */
  stopSeconds: z.coerce.number().positive().default(30),
  databaseUrl: z.string().url().optional(),
  self: z.strictObject({
    // Each part may be set alone (EDI_GATEWAY_SELF_X12_ID=MYCO): the qualifier stays ZZ (mutually
    // defined) and GS02 follows the ISA id unless given. An EDIFACT id set alone has no qualifier
    // unless one is given: 14 (GLN) is the default only of the default id.
    x12: z.strictObject({
      qualifier: X12IdentitySchema.shape.qualifier.default('ZZ'),
      id: X12IdentitySchema.shape.id.default('ODOODIST'),
      gsId: X12IdentitySchema.shape.gsId.optional(),
    }).prefault({}).transform((x) => ({ ...x, gsId: x.gsId ?? x.id })),
    edifact: z.strictObject({ id: EdifactIdentitySchema.shape.id.optional(), qualifier: EdifactIdentitySchema.shape.qualifier })
      .prefault({}).transform((e) => (e.id ? { id: e.id, qualifier: e.qualifier } : { id: '5790000000001', qualifier: e.qualifier ?? '14' })),
  }).prefault({}),
  http: z.strictObject({
    port: port.default(8080),
    /** An admin bearer token (EDI_GATEWAY_API_TOKEN or _FILE), beside those of `edi-gateway tokens`; with neither the API is off. */
    apiToken: z.string().min(16, 'the API token must be at least 16 characters').optional(),
    /** Requests a minute each token may make (EDI_GATEWAY_HTTP_RATE_LIMIT_PER_MINUTE); over it, 429 with Retry-After. 0: no limit. */
    rateLimitPerMinute: z.coerce.number().int().min(0).default(600),
    /** Failed authentications a minute from one address before it gets 429 until the minute is out (EDI_GATEWAY_HTTP_AUTH_FAILURES_PER_MINUTE). 0: no limit. */
    authFailuresPerMinute: z.coerce.number().int().min(0).default(20),
  }).prefault({}),
  as2: z.strictObject({
    /** Our AS2 name, unless a partner's profile sets ourAs2Id. */
    id: z.string().regex(/^[\x20-\x7e]{1,128}$/).default('ODOODIST'),
    /** Our certificate (PEM), the one partners encrypt to and verify our signatures with. */
    certificateFile: z.string().optional(),
    /** Our private key (PEM): a secret, from EDI_GATEWAY_AS2_PRIVATE_KEY or EDI_GATEWAY_AS2_PRIVATE_KEY_FILE only. */
    privateKey: z.string().optional(),
    /** Largest request /as2 reads at all; each partner's maxBytes is checked too. */
    maxBytes: positiveInt.default(100 * 1024 * 1024),
    /** Warn this many days before a certificate (ours or a partner's) expires. */
    expiryWarningDays: positiveInt.default(30),
    /** How often the daemon looks for sent messages whose MDN is overdue. */
    mdnCheckSeconds: positiveInt.default(30),
  }).prefault({}),
  odoo: z.strictObject({
    /** Write inbound documents to Odoo and scan it for events; off, the gateway stops at canonical documents. */
    enabled: z.union([z.boolean(), z.stringbool()]).default(true),
    url: z.string().url().optional(),
    db: z.string().optional(),
    user: z.string().optional(),
    apiKey: z.string().optional(),
    /** JSON-RPC (/jsonrpc, Odoo 16-19) or Odoo 19's JSON-2 (/json/2, bearer key). */
    api: z.enum(['jsonrpc', 'json2']).default('jsonrpc'),
    /** One call's time limit; a write that times out is re-read by its idempotency key before a retry. */
    timeoutSeconds: z.coerce.number().positive().default(30),
    /** Calls in flight at once, across every worker of this process. */
    maxConcurrent: positiveInt.max(64).default(4),
    /** Attempts of a call that failed in a way known to be safe to repeat (connection refused, DB down). */
    attempts: positiveInt.max(10).default(3),
    /** Consecutive "Odoo is down" failures that open the circuit, and how long it stays open. */
    circuitFailures: positiveInt.default(5),
    circuitCooldownSeconds: z.coerce.number().min(0).default(30),
    /** How often Odoo is scanned for events (confirmed orders, done pickings, posted invoices). */
    pollSeconds: z.coerce.number().min(0).default(30),
    /**
     * How far back each event scan reads again behind the newest write_date it saw. Odoo dates a
     * record by its transaction's start, so a transaction longer than this (a cron validating
     * thousands of pickings) could commit records the scans have passed: keep it above the
     * longest Odoo transaction (limit_time_real, limit_time_real_cron).
     */
    eventOverlapSeconds: z.coerce.number().int().min(0).default(1800),
  }).prefault({}),
  sandboxOdoo: z.strictObject({ port: port.default(18069) }).prefault({}),
  queue: z.strictObject({
    /** How often an idle worker looks for jobs made by other processes; jobs made here wake it at once. */
    pollIntervalMs: positiveInt.min(100).default(1000),
    batchSize: positiveInt.max(1000).default(50),
    /**
     * Lanes of the inbound worker: messages in its stages at once. 32, not 4, since a lane waiting
     * costs little, the new orders of the messages in hand go to Odoo together, and their store
     * statements go in groups (group-calls.ts). BENCHMARKS.md: 4 -> 16 took one-order files from
     * 22 to 35 a second embedded, 44 to 55 on PostgreSQL, and a real Odoo from 2.4 to 5.1; with
     * grouped statements, 16 -> 32 took 3,000 files on the embedded store from 52 to 80-99 a
     * second. Large files still go at most 4 at a time (inbound-processor.ts).
     */
    concurrency: positiveInt.max(128).default(32),
    /** Lanes of the outbound worker: sends at once, each perhaps a connection to a partner's server. */
    outboundConcurrency: positiveInt.max(64).default(4),
    /** Bulk jobs (inventory pushes, reports) run at once, on a worker of their own: they never take the critical flows' workers. */
    bulkConcurrency: positiveInt.max(16).default(1),
    retryLimit: z.coerce.number().int().min(0).max(50).default(5),
    retryDelaySeconds: z.coerce.number().int().min(0).default(5),
  }).prefault({}),
  folder: z.strictObject({
    pollSeconds: z.coerce.number().positive().default(2),
    /** A file is taken only once its size and mtime have not changed for this long. */
    stableSeconds: z.coerce.number().min(0).default(1),
    maxFilesPerPoll: positiveInt.default(500),
    /** A file in in/ bigger than this goes to error/ unread, with the reason: it is not read into memory. */
    maxFileMB: z.coerce.number().positive().default(100),
  }).prefault({}),
  /**
   * The daily order-lifecycle reconciliation report the daemon writes, as CSV, to
   * $EDI_GATEWAY_HOME/reports/reconciliation-YYYY-MM-DD.csv (the same rows as `reconcile` and GET /api/reconciliation).
   */
  reconciliation: z.strictObject({
    /** When: a cron expression in the gateway's time zone (EDI_GATEWAY_RECONCILIATION_REPORT_CRON), or off. Default 05:30 every day. */
    reportCron: z.string().default('30 5 * * *')
      .refine((v) => v === 'off' || cron.validate(v), 'a cron expression (minute hour day month weekday, e.g. "30 5 * * *") or off'),
    /** The orders it covers: those received in the last this many days (EDI_GATEWAY_RECONCILIATION_REPORT_DAYS). */
    reportDays: positiveInt.max(366).default(14),
  }).prefault({}),
  /**
   * Notifications for what needs a person (src/alerts): new exceptions, acknowledgments rejected or
   * overdue, a partner silent past its profile's alerts.silentAfterHours, certificates near expiry.
   * Every alert is kept in the store (GET /api/alerts, the dashboard) whether or not it is sent.
   */
  alerts: z.strictObject({
    /** POSTed JSON { text, alerts: [...] } (EDI_GATEWAY_ALERTS_WEBHOOK_URL): a secret, as chat webhooks carry their key in the URL. */
    webhookUrl: z.string().url().refine((u) => /^https?:/.test(u), 'an http:// or https:// URL').optional(),
    /** Signs each webhook body: X-Edi-Gateway-Signature: sha256=<HMAC-SHA256 hex> (EDI_GATEWAY_ALERTS_WEBHOOK_SECRET). */
    webhookSecret: z.string().min(16, 'the webhook secret must be at least 16 characters').optional(),
    /** smtp://user:password@host:587 (STARTTLS when offered) or smtps://...:465 (EDI_GATEWAY_ALERTS_SMTP_URL): a secret. */
    smtpUrl: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'smtp://[user:password@]host[:port] or smtps://...').optional(),
    emailFrom: z.string().min(3).default('edi-gateway@localhost'),
    /** Who gets the e-mails: addresses, comma-separated in EDI_GATEWAY_ALERTS_EMAIL_TO. */
    emailTo: z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((a) => a.trim()).filter(Boolean) : v),
      z.array(z.string().regex(/^[^\s@<>,]+@[^\s@<>,]+$/, 'an e-mail address'))).default([]),
    /** Which kinds are raised (comma-separated in EDI_GATEWAY_ALERTS_KINDS); default all. */
    kinds: z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((a) => a.trim()).filter(Boolean) : v),
      z.array(z.enum(ALERT_KINDS))).default([...ALERT_KINDS]),
    /** How often the store is looked at for new alerts and unsent ones are sent. */
    checkSeconds: z.coerce.number().positive().default(60),
    /** Exceptions older than this when the gateway first looks are not announced (a restart after a week off does not flood anyone). */
    lookbackHours: z.coerce.number().positive().default(24),
    /** The dashboard's address as people reach it, for links in alerts (e.g. https://edi.example.com). */
    dashboardUrl: z.string().url().optional(),
  }).prefault({}).refine((a) => !a.smtpUrl || a.emailTo.length > 0, { message: 'smtpUrl is set but emailTo names nobody', path: ['emailTo'] }),
  log: z.strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Human lines for a terminal instead of JSON (EDI_GATEWAY_LOG_PRETTY=1, or --pretty). */
    pretty: z.preprocess((v) => (typeof v === 'string' ? ['1', 'true', 'yes'].includes(v.toLowerCase()) : v), z.boolean()).default(false),
  }).prefault({}),
});

export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

/** Paths of the fields that hold secrets: refused in gateway.yaml, redacted in logs. */
export const SECRET_FIELDS: readonly string[][] = [
  ['databaseUrl'], ['odoo', 'apiKey'], ['http', 'apiToken'], ['as2', 'privateKey'],
  ['alerts', 'webhookUrl'], ['alerts', 'webhookSecret'], ['alerts', 'smtpUrl'],
];
