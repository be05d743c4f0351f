/**
 * Crash points for tests: with EDI_GATEWAY_FAILPOINT=<name>, the process kills itself with SIGKILL
 * when it reaches that point, the way a power cut or the OOM killer would. Nothing else happens.
 */
export function failpoint(name: string): void {
  if (process.env.EDI_GATEWAY_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
