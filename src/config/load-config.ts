import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { GatewayError } from '../errors/gateway-error';
import { yamlErrorAt } from '../lib/yaml-error';
import { GatewayConfigSchema, SECRET_FIELDS, type GatewayConfig } from './gateway.config';

type Env = Record<string, string | undefined>;

/**
 * Environment variables named by CONTRACTS.md. Every other field is reachable as
 * EDI_GATEWAY_<PATH>, e.g. queue.batchSize -> EDI_GATEWAY_QUEUE_BATCH_SIZE.
 */
const CONTRACT_ENV: Record<string, string> = {
  home: 'EDI_GATEWAY_HOME',
  databaseUrl: 'DATABASE_URL',
  'http.port': 'EDI_GATEWAY_HTTP_PORT',
  'http.apiToken': 'EDI_GATEWAY_API_TOKEN',
  'odoo.url': 'ODOO_URL',
  'odoo.db': 'ODOO_DB',
  'odoo.user': 'ODOO_USER',
  'odoo.apiKey': 'ODOO_API_KEY',
  'odoo.api': 'ODOO_API',
  'sandboxOdoo.port': 'SANDBOX_ODOO_PORT',
};

export function envNameFor(fieldPath: string[]): string {
  const dotted = fieldPath.join('.');
  if (CONTRACT_ENV[dotted]) return CONTRACT_ENV[dotted];
  const snake = fieldPath.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase());
  return ['EDI_GATEWAY', ...snake].join('_');
}

/** Leaf paths of the schema, found by walking its object shapes (wrappers unwrapped). */
function leafPaths(schema: z.ZodType, prefix: string[] = []): string[][] {
  let s: any = schema;
  // Through defaults, optionals and pipes (a transform's input is the shape the settings are written in).
  while (s?._zod?.def?.innerType || s?._zod?.def?.in) s = s._zod.def.innerType ?? s._zod.def.in;
  const shape = s?._zod?.def?.shape;
  if (!shape) return [prefix];
  return Object.entries(shape).flatMap(([k, v]) => leafPaths(v as z.ZodType, [...prefix, k]));
}

function setIn(target: Record<string, any>, fieldPath: string[], value: unknown): void {
  let node = target;
  for (const key of fieldPath.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key];
  }
  node[fieldPath[fieldPath.length - 1]] = value;
}

function hasIn(target: unknown, fieldPath: string[]): boolean {
  let node: any = target;
  for (const key of fieldPath) {
    if (typeof node !== 'object' || node === null || !(key in node)) return false;
    node = node[key];
  }
  return true;
}

/** VAR, or the contents of the file named by VAR_FILE (trailing newline dropped). */
export function readEnvValue(env: Env, name: string): string | undefined {
  if (env[name] !== undefined && env[name] !== '') return env[name];
  const file = env[`${name}_FILE`];
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new GatewayError('CONFIG_INVALID', `${name}_FILE: cannot read ${file}: ${(err as Error).message}`);
  }
}

export interface LoadConfigOptions {
  /** --config FILE; when absent ./gateway.yaml is read if it exists. */
  file?: string;
  profilesDir?: string;
  env?: Env;
  cwd?: string;
}

export function loadConfig(options: LoadConfigOptions = {}): GatewayConfig & { configFile?: string } {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.file !== undefined;
  const file = path.resolve(cwd, options.file ?? 'gateway.yaml');
  let raw: Record<string, any> = {};
  let configFile: string | undefined;

  if (explicit || fs.existsSync(file)) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new GatewayError('CONFIG_INVALID', `${file}: cannot read config: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const doc = YAML.parseDocument(text);
    if (doc.errors.length) {
      const e = yamlErrorAt(doc.errors[0]);
      throw new GatewayError('CONFIG_INVALID', `${file}:${e.line}:${e.col}: ${e.message}`);
    }
    const parsed = doc.toJS() ?? {};
    if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new GatewayError('CONFIG_INVALID', `${file}: expected a mapping of settings at the top level`);
    }
    for (const secret of SECRET_FIELDS) {
      if (hasIn(parsed, secret)) {
        const name = envNameFor(secret);
        throw new GatewayError('CONFIG_INVALID',
          `${file}: ${secret.join('.')} is a secret and may not be written in the config file; set ${name} or ${name}_FILE`);
      }
    }
    raw = parsed;
    configFile = file;
  }

  for (const fieldPath of leafPaths(GatewayConfigSchema)) {
    const value = readEnvValue(env, envNameFor(fieldPath));
    if (value !== undefined) setIn(raw, fieldPath, value);
  }
  if (options.profilesDir) raw.profilesDir = options.profilesDir;

  const result = GatewayConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.join('.') || '(top level)';
    const envHint = issue.path.length ? ` (or ${envNameFor(issue.path.map(String))})` : '';
    throw new GatewayError('CONFIG_INVALID', `${configFile ?? 'configuration'}: ${field}${envHint}: ${issue.message}`);
  }
  const config = result.data;
  config.home = path.resolve(cwd, config.home);
  config.profilesDir = path.resolve(cwd, config.profilesDir);
  return { ...config, configFile };
}
