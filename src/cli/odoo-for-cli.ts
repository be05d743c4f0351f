import type { Runtime } from '../daemon/runtime';
import { GatewayError } from '../errors/gateway-error';
import { startConfiguredSandbox } from '../odoo/sandbox/embedded';

/**
 * A CLI command that writes to Odoo (ingest, messages replay) with no ODOO_URL needs the sandbox
 * Odoo. When a daemon runs, its sandbox already holds the port and the data: use that one.
 * Otherwise start it for the command's duration, on the same data under $EDI_GATEWAY_HOME.
 */
export async function withCliOdoo<T>(rt: Runtime, fn: () => Promise<T>): Promise<T> {
  if (!rt.config.odoo.enabled || rt.config.odoo.url) return fn();
  let sandbox: Awaited<ReturnType<typeof startConfiguredSandbox>> | undefined;
  try {
    sandbox = await startConfiguredSandbox(rt.config, rt.log);
    rt.useSandboxOdoo(sandbox.url);
  } catch (err) {
    // The port is taken: the daemon's sandbox (config.sandboxOdoo.port), which the client reaches by default.
    if (!(err instanceof GatewayError && /in use/.test(err.message))) throw err;
  }
  try {
    return await fn();
  } finally {
    await sandbox?.close();
  }
}
