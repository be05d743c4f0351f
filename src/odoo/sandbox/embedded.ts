import path from 'node:path';
import type { GatewayConfig } from '../../config/gateway.config';
import { GatewayError } from '../../errors/gateway-error';
import type { Logger } from '../../log/logger';
import { startSandboxOdoo, type SandboxOdoo } from './index';

/**
 * The sandbox as the gateway runs it (CONTRACTS.md): on config.sandboxOdoo.port, data under
 * $EDI_GATEWAY_HOME/sandbox-odoo. `run` starts it only when no real Odoo (ODOO_URL) is configured.
 */
export async function startConfiguredSandbox(config: GatewayConfig, log: Logger, port = config.sandboxOdoo.port, version?: 17 | 18 | 19): Promise<SandboxOdoo> {
  try {
    return await startSandboxOdoo({ port, dataDir: path.join(config.home, 'sandbox-odoo'), log: log.child({ component: 'sandbox-odoo' }), version });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new GatewayError('CONFIG_INVALID', `sandbox Odoo: port ${port} is in use; set SANDBOX_ODOO_PORT to a free port, or ODOO_URL to use a real Odoo`);
    }
    throw err;
  }
}

/** For the daemon: the sandbox when no ODOO_URL is set, else nothing. */
export async function sandboxUnlessRealOdoo(config: GatewayConfig, log: Logger): Promise<SandboxOdoo | undefined> {
  return config.odoo.url ? undefined : startConfiguredSandbox(config, log);
}
