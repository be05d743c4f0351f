import crypto from 'node:crypto';

/** The digests AS2 signs and MICs with, by our name. */
export const MIC_ALGORITHMS = ['sha1', 'sha256', 'sha384', 'sha512'] as const;
export type MicAlgorithm = (typeof MIC_ALGORITHMS)[number];

/** WebCrypto's names, for pkijs. */
export const WEBCRYPTO_HASH: Record<MicAlgorithm, string> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

/** micalg as RFC 5751 writes it in multipart/signed (sha-256); RFC 4130 partners also send sha256. */
export const MICALG_LABEL: Record<MicAlgorithm, string> = { sha1: 'sha-1', sha256: 'sha-256', sha384: 'sha-384', sha512: 'sha-512' };

/** `sha-256`, `SHA256`, `sha256` -> sha256; undefined for what we do not compute (md5). */
export function normalizeMicAlgorithm(label: string): MicAlgorithm | undefined {
  const n = label.trim().toLowerCase().replace(/-/g, '');
  return (MIC_ALGORITHMS as readonly string[]).includes(n) ? (n as MicAlgorithm) : undefined;
}

/** Base64 digest: the value part of Received-Content-MIC. */
export function computeMic(bytes: Buffer, alg: MicAlgorithm): string {
  return crypto.createHash(alg).update(bytes).digest('base64');
}

/** `Received-Content-MIC: <b64>, sha256` parsed; undefined when malformed. */
export function parseMicField(raw: string | undefined): { mic: string; algorithm: MicAlgorithm | undefined; label: string } | undefined {
  if (!raw) return undefined;
  const comma = raw.lastIndexOf(',');
  if (comma < 0) return undefined;
  const label = raw.slice(comma + 1).trim();
  return { mic: raw.slice(0, comma).trim(), algorithm: normalizeMicAlgorithm(label), label };
}
