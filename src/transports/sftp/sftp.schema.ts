import { z } from 'zod';
import { regexField as regex } from '../../partners/regex-field';

/**
 * `transports.sftp` of a partner profile. Secrets never live here: the profile names the
 * environment variable (or key file) that holds them, and they are read at connect time.
 */


const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable, e.g. ACME_SFTP_KEY (never the secret itself)');

/** A remote path: absolute, or relative to the login (chroot) directory. */
const remotePath = z.string().min(1).refine((p) => !p.split('/').includes('..') && !p.includes('\0'), 'a remote path without ".." or NUL');

export const SFTP_STABLE_RULES = ['size-mtime', 'done-marker'] as const;

const SftpInboundSchema = z.strictObject({
  /** The partner's folder we poll for their files. */
  dir: remotePath,
  /** Only file names matching this regular expression are taken (Camel's `include`). */
  include: regex.optional(),
  /** File names matching this are left alone (Camel's `exclude`); dot files and *.part / *.tmp always are. */
  exclude: regex.optional(),
  stable: z.strictObject({
    /**
     * size-mtime: taken once two listings in a row show the same size and mtime.
     * done-marker: taken once the partner has written `<name><markerSuffix>` beside it.
     */
    rule: z.enum(SFTP_STABLE_RULES).default('size-mtime'),
    markerSuffix: z.string().min(1).regex(/^[^/]+$/, 'a file name suffix, e.g. .done').default('.done'),
  }).prefault({}),
  /** What happens to the partner's file once it is stored: moved to archiveDir, or deleted. */
  afterProcessing: z.enum(['move', 'delete']).default('move'),
  /** Relative to dir unless absolute; the file lands there as `<message id>-<name>`. */
  archiveDir: remotePath.default('archive'),
  /** Where a file that cannot be taken goes (too big, refused by the store), with `<name>.reason.txt`. */
  moveFailedTo: remotePath.default('failed'),
  /** Bytes; a bigger file is moved to moveFailedTo instead of being read into memory. */
  maxFileSize: z.number().int().positive().default(64 * 1024 * 1024),
  maxMessagesPerPoll: z.number().int().positive().default(100),
  /** How often the folder is polled, unless the profile's schedules.poll (cron) says when. */
  pollSeconds: z.number().positive().default(60),
});

const SftpOutboundSchema = z.strictObject({
  /** The partner's folder our files go to. */
  dir: remotePath,
  /** The file is uploaded as `<tempPrefix><name><tempSuffix>`, then renamed: never seen half-written. */
  tempPrefix: z.string().regex(/^[^/]*$/, 'no "/" in a file name prefix').default('.'),
  tempSuffix: z.string().regex(/^[^/]*$/, 'no "/" in a file name suffix').default('.part'),
}).refine((o) => o.tempPrefix !== '' || o.tempSuffix !== '', 'tempPrefix or tempSuffix must be set, or the temporary name is the final one');

/** A field where someone might paste a secret: refused, pointing at the field that names its variable. */
const noSecret = (instead: string) => z.never({ error: `secrets are never written in a profile: put it in an environment variable and name that variable in ${instead}` }).optional();

export const SftpTransportSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  username: z.string().min(1),
  /** Path of the private key (OpenSSH or PEM); `${VAR}` in it is replaced from the environment. */
  privateKeyFile: z.string().min(1).optional(),
  /** Environment variable holding the private key itself (or `<NAME>_FILE` naming its file). */
  privateKeyEnv: envName.optional(),
  /** Environment variable holding the private key's passphrase. */
  passphraseEnv: envName.optional(),
  /** Environment variable holding the password, for partners without key login. */
  passwordEnv: envName.optional(),
  password: noSecret('passwordEnv'),
  privateKey: noSecret('privateKeyEnv (or give a key file path in privateKeyFile)'),
  passphrase: noSecret('passphraseEnv'),
  /** The server's host key as `ssh-keygen -lf` prints it; any other key is refused. */
  hostKeyFingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/,
    'SHA256:<43 base64 characters>, as `ssh-keyscan -p PORT HOST | ssh-keygen -lf -` prints it'),
  connectTimeoutSeconds: z.number().positive().default(20),
  /** After a failed poll, ticks are skipped until initialSeconds have passed, doubling with each failure in a row up to maxSeconds. */
  reconnect: z.strictObject({
    initialSeconds: z.number().positive().default(1),
    maxSeconds: z.number().positive().default(300),
  }).prefault({}),
  inbound: SftpInboundSchema.optional(),
  outbound: SftpOutboundSchema.optional(),
}).superRefine((s, ctx) => {
  if (!s.privateKeyFile && !s.privateKeyEnv && !s.passwordEnv) {
    ctx.addIssue({ code: 'custom', path: [], message: 'name the credentials: privateKeyFile, privateKeyEnv or passwordEnv' });
  }
  if (s.privateKeyFile && s.privateKeyEnv) {
    ctx.addIssue({ code: 'custom', path: ['privateKeyEnv'], message: 'give privateKeyFile or privateKeyEnv, not both' });
  }
  if (s.reconnect.maxSeconds < s.reconnect.initialSeconds) {
    ctx.addIssue({ code: 'custom', path: ['reconnect', 'maxSeconds'], message: 'maxSeconds must not be less than initialSeconds' });
  }
});

export type SftpTransportProfile = z.infer<typeof SftpTransportSchema>;
