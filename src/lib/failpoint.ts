/**
 * Crash points for tests: with EDI_GATEWAY_FAILPOINT=<name>, the process kills itself with SIGKILL
 * when it reaches that point, the way a power cut or the OOM killer would. Nothing else happens.
 */
export function failpoint(name: string): void {
  if (process.env.EDI_GATEWAY_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}

/**
 * A hang point for tests: with EDI_GATEWAY_FAILPOINT=<name>, the returned promise never settles,
 * the way a handler stuck on a dead connection would. Otherwise it resolves at once.
 */
export function hangpoint(name: string): Promise<void> {
  return process.env.EDI_GATEWAY_FAILPOINT === name ? new Promise<void>(() => undefined) : Promise.resolve();
}
