/**
 * The content encryptions we do (cms-envelope.ts). Apart from it so that the profile schema, which
 * every command loads, can list them without loading node-forge.
 */
export const ENCRYPTION_ALGORITHMS = ['aes128-cbc', 'aes192-cbc', 'aes256-cbc', '3des'] as const;
export type EncryptionAlgorithm = (typeof ENCRYPTION_ALGORITHMS)[number];
