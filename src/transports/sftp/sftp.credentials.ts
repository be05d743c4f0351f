import fs from 'node:fs';
import path from 'node:path';
import { readEnvValue } from '../../config/load-config';
import { GatewayError } from '../../errors/gateway-error';
import type { SftpConnectionSettings } from './sftp.config';

type Env = Record<string, string | undefined>;

export interface SftpCredentials {
  privateKey?: Buffer;
  passphrase?: string;
  password?: string;
}

function fromEnv(env: Env, partnerId: string, field: string, name: string): string {
  const value = readEnvValue(env, name);
  if (value === undefined) {
    throw new GatewayError('CONFIG_INVALID', `${partnerId}: transports.sftp.${field} names ${name}, which is not set (set ${name} or ${name}_FILE)`);
  }
  return value;
}

/** `${VAR}` in a key file path, from the environment; an unset variable is an error, not an empty string. */
function expandPath(env: Env, partnerId: string, template: string): string {
  const expanded = template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const value = env[name];
    if (!value) throw new GatewayError('CONFIG_INVALID', `${partnerId}: transports.sftp.privateKeyFile uses \${${name}}, which is not set`);
    return value;
  });
  return path.resolve(expanded);
}

/**
 * Reads the secrets the settings point at, at connect time: a key rotated in the environment's
 * file is used on the next connection without a restart. The values never reach a log.
 */
export function resolveCredentials(s: SftpConnectionSettings, env: Env = process.env): SftpCredentials {
  const creds: SftpCredentials = {};
  if (s.privateKeyFile) {
    const file = expandPath(env, s.partnerId, s.privateKeyFile);
    try {
      creds.privateKey = fs.readFileSync(file);
    } catch (err) {
      throw new GatewayError('CONFIG_INVALID', `${s.partnerId}: cannot read the SFTP private key file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  } else if (s.privateKeyEnv) {
    // A key pasted into one line of an env file keeps its line breaks as \n.
    const key = fromEnv(env, s.partnerId, 'privateKeyEnv', s.privateKeyEnv);
    creds.privateKey = Buffer.from(key.includes('\n') ? key : key.replace(/\\n/g, '\n'));
  }
  if (s.passphraseEnv) creds.passphrase = fromEnv(env, s.partnerId, 'passphraseEnv', s.passphraseEnv);
  if (s.passwordEnv) creds.password = fromEnv(env, s.partnerId, 'passwordEnv', s.passwordEnv);
  return creds;
}

/**
 * Why these settings cannot log in on this machine (the variable or key file they name is
 * missing), or undefined when they can. Such a partner keeps to its folder pair (CONTRACTS.md).
 */
export function missingCredentials(s: SftpConnectionSettings, env: Env = process.env): string | undefined {
  try {
    resolveCredentials(s, env);
    return undefined;
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'CONFIG_INVALID') return err.message;
    throw err;
  }
}
