import type { Descriptions } from './with-descriptions';

export { withDescriptions } from './with-descriptions';

/*
 * What the profile's JSON Schema tells an analyst about transports.sftp and transports.as2. The
 * natural place is beside each field (`.describe()` in src/transports/sftp/sftp.schema.ts and
 * src/transports/as2/as2.schema.ts); they are kept here, applied to a copy of those schemas, so
 * that the profile schema is described without touching the transports. A field added there
 * without a description here fails test/unit/profile-errors.test.ts (every property described).
 */

const include = 'Only file names matching this regular expression are taken. Default: all.';

export const SFTP_DESCRIPTIONS: Descriptions = {
  description: "The partner's SFTP server: where we fetch their files and put ours. Secrets are never written here: name the "
    + 'environment variables that hold them.',
  fields: {
    host: "The partner's SFTP server, e.g. sftp.acme-retail.example.",
    port: 'SFTP port. Default 22.',
    username: "Our login on the partner's server.",
    privateKeyFile: 'Path of our private key file (OpenSSH or PEM); ${VAR} in it is replaced from the environment.',
    privateKeyEnv: 'Name of the environment variable holding our private key (or <NAME>_FILE naming its file), e.g. ACME_SFTP_KEY.',
    passphraseEnv: "Name of the environment variable holding the private key's passphrase.",
    passwordEnv: 'Name of the environment variable holding the password, for servers without key login.',
    password: 'Never set: secrets do not go in a profile. Name the environment variable in passwordEnv.',
    privateKey: 'Never set: secrets do not go in a profile. Use privateKeyEnv or privateKeyFile.',
    passphrase: 'Never set: secrets do not go in a profile. Use passphraseEnv.',
    hostKeyFingerprint: "The server's host key, SHA256:<43 characters>, as `ssh-keyscan -p PORT HOST | ssh-keygen -lf -` prints it "
      + '(check it with the partner); any other key is refused.',
    connectTimeoutSeconds: 'Seconds to wait for a connection. Default 20.',
    reconnect: {
      description: 'Waiting after a failed connection: initialSeconds, doubled each time up to maxSeconds.',
      fields: {
        initialSeconds: 'Seconds before the first new try. Default 1.',
        maxSeconds: 'Longest wait between tries, in seconds. Default 300.',
      },
    },
    inbound: {
      description: "Where and how we fetch the partner's files. Without it nothing is fetched.",
      fields: {
        dir: "The partner's folder we poll for their files: absolute, or relative to the login folder.",
        include,
        exclude: 'File names matching this regular expression are left alone; dot files and *.part, *.tmp always are.',
        stable: {
          description: 'When a file counts as completely written.',
          fields: {
            rule: 'size-mtime: taken once two listings in a row show the same size and time; done-marker: once the partner has '
              + 'written <name><markerSuffix> beside it. Default size-mtime.',
            markerSuffix: 'Suffix of the marker file for rule done-marker, e.g. .ok. Default .done.',
          },
        },
        afterProcessing: "What happens to the partner's file once stored: move (to archiveDir) or delete. Default move.",
        archiveDir: 'Where fetched files are moved, as <message id>-<name>: relative to dir unless absolute. Default archive.',
        moveFailedTo: 'Where a file that cannot be taken goes, with <name>.reason.txt: relative to dir unless absolute. Default failed.',
        maxFileSize: 'Largest file fetched, in bytes; a bigger one goes to moveFailedTo. Default 67108864 (64 MiB).',
        maxMessagesPerPoll: 'Most files fetched in one poll. Default 100.',
        pollSeconds: 'Seconds between polls, unless schedules.poll (cron) says when. Default 60.',
      },
    },
    outbound: {
      description: 'Where and how we put our files. Without it nothing is sent over SFTP.',
      fields: {
        dir: "The partner's folder our files go to: absolute, or relative to the login folder.",
        tempPrefix: "A file is uploaded as <tempPrefix><name><tempSuffix>, then renamed, so the partner never sees it half written. Default '.'.",
        tempSuffix: 'See tempPrefix. Default .part.',
      },
    },
  },
};

export const AS2_DESCRIPTIONS: Descriptions = {
  description: "AS2 (RFC 4130) with this partner. Certificates are files or environment variables; our private key lives only in the "
    + "gateway's environment.",
  fields: {
    partnerAs2Id: "The partner's AS2 name (AS2-From on what they send, AS2-To on what we send), 1 to 128 printable characters.",
    ourAs2Id: "Our AS2 name for this partner. Default: the gateway's as2.id.",
    url: "The partner's AS2 endpoint (http or https) we send to. Without it nothing is sent over AS2.",
    certificateFile: "The partner's certificate (PEM), relative to this profile's folder; or certificateEnv.",
    certificateEnv: "Name of an environment variable holding the partner's certificate (PEM), e.g. SUMMIT_AS2_CERT.",
    signing: 'Digest we sign with, or none (unsigned, not advised). Default sha256.',
    encryption: 'Encryption of what we send, or none (in the clear, not advised without TLS). Default aes256-cbc.',
    compress: 'Compress what we send (RFC 5402), before signing. Default false.',
    contentType: 'Content-Type of what we send. Default: from the standard (application/edi-x12, application/edifact).',
    mdn: {
      description: 'The receipt (MDN) we ask for.',
      fields: {
        mode: 'sync (in the HTTP response), async (POSTed later to asyncUrl) or none. Default sync.',
        signed: 'Ask for a signed MDN and refuse an unsigned one. Default true.',
        asyncUrl: 'Our public AS2 URL (…/as2) where the partner POSTs asynchronous MDNs; needed for mode async.',
        timeoutSeconds: 'Seconds to wait for the MDN before the message is sent again (same Message-ID). Default 600.',
      },
    },
    resend: {
      description: 'Sending again when no MDN comes.',
      fields: { attempts: 'Times a message is sent again for a missing MDN before it becomes an exception, 0 to 10. Default 2.' },
    },
    inbound: {
      description: 'What we require of the messages this partner sends.',
      fields: {
        requireSigned: 'Refuse unsigned messages from this partner. Default true.',
        requireEncrypted: 'Refuse unencrypted messages from this partner. Default false.',
      },
    },
    maxBytes: 'Largest message accepted from this partner, in bytes. Default 52428800 (50 MiB).',
  },
};
