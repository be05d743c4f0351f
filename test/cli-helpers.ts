import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, tempDir } from './helpers';

export const BIN = path.join(REPO, 'bin', 'edi-gateway.js');

/** A working folder as a user would have: the example profiles, a data folder of its own. */
export function workspace(): { cwd: string; home: string; env: NodeJS.ProcessEnv } {
  const cwd = tempDir('edi-gw-cli-');
  fs.cpSync(path.join(REPO, 'partner-profiles'), path.join(cwd, 'partner-profiles'), { recursive: true });
  const home = path.join(cwd, 'data');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, EDI_GATEWAY_FOLDER_POLL_SECONDS: '0.2',
    EDI_GATEWAY_FOLDER_STABLE_SECONDS: '0', EDI_GATEWAY_QUEUE_POLL_INTERVAL_MS: '200',
    // Daemons of parallel tests each start a sandbox Odoo: a free port each.
    SANDBOX_ODOO_PORT: '0',
    // The CLI commands here stop at canonical documents (ingest starts no sandbox of its own).
    EDI_GATEWAY_ODOO_ENABLED: 'false',
    EDI_GATEWAY_HTTP_PORT: '0' };
  return { cwd, home, env };
}

export interface CliResult { status: number | null; stdout: string; stderr: string }

export function cli(ws: { cwd: string; env: NodeJS.ProcessEnv }, args: string[], extraEnv: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ws.cwd, env: { ...ws.env, ...extraEnv }, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const running = new Set<ChildProcess>();

/** Kills every daemon a test started and did not stop (a timed-out test never reaches its finally). */
export function killDaemons(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
}

export function startDaemon(ws: { cwd: string; env: NodeJS.ProcessEnv }, extraEnv: NodeJS.ProcessEnv = {}): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [BIN, 'run'], { cwd: ws.cwd, env: { ...ws.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  return Object.assign(child, { output: () => out });
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
