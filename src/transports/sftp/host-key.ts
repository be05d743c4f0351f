import crypto from 'node:crypto';

/** The fingerprint of a host key blob as OpenSSH prints it (`ssh-keygen -lf`): SHA256:<base64, unpadded>. */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${crypto.createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * A host key check for ssh2: accepts only the pinned key, and remembers what the server presented
 * so that a refusal can name both fingerprints.
 */
export function pinnedHostKey(expected: string): { verify: (key: Buffer) => boolean; presented: () => string | undefined } {
  let presented: string | undefined;
  return {
    verify(key) {
      presented = sha256Fingerprint(key);
      return presented === expected;
    },
    presented: () => presented,
  };
}
