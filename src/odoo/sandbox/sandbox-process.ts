import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { GatewayConfig } from '../../config/gateway.config';
import { GatewayError } from '../../errors/gateway-error';
import type { Logger } from '../../log/logger';
import { startConfiguredSandbox } from './embedded';

export interface SandboxChildSettings {
  home: string;
  port: number;
  level: string;
  pretty: boolean;
}

export interface SandboxHandle {
  url: string;
  close(): Promise<void>;
}

/**
 * The sandbox Odoo for `run`, in a process of its own as a real Odoo is: its records (88,000
 * orders after a big file: 600 MB) are not the gateway's memory, and the daemon's size says what
 * the gateway itself needs. From the TypeScript sources (tests) there is no compiled child to
 * start, and the sandbox runs in-process as before.
 */
export async function startSandboxProcess(config: GatewayConfig, log: Logger): Promise<SandboxHandle> {
  const script = path.join(__dirname, 'sandbox-child.js');
  if (!fs.existsSync(script)) return startConfiguredSandbox(config, log);
  const settings: SandboxChildSettings = { home: config.home, port: config.sandboxOdoo.port, level: config.log.level, pretty: config.log.pretty };
  const child = fork(script, [JSON.stringify(settings)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url?: string; error?: string; code?: string }) => {
      if (m.url) return resolve(m.url);
      reject(m.code === 'CONFIG_INVALID' ? new GatewayError('CONFIG_INVALID', m.error ?? 'sandbox Odoo failed') : new Error(`sandbox Odoo: ${m.error}`));
    });
    child.once('exit', (code) => reject(new Error(`sandbox Odoo: its process ended (exit ${code}) before it listened`)));
  });
  return {
    url,
    close: async () => {
      if (child.exitCode === null && child.connected) child.send('stop');
      await exited;
    },
  };
}

/** For the daemon: the sandbox when no ODOO_URL is set, else nothing. */
export async function sandboxProcessUnlessRealOdoo(config: GatewayConfig, log: Logger): Promise<SandboxHandle | undefined> {
  return config.odoo.url ? undefined : startSandboxProcess(config, log);
}
