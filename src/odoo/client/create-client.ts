import type { GatewayConfig } from '../../config/gateway.config';
import type { Logger } from '../../log/logger';
import { Json2Transport } from './json2.transport';
import { JsonRpcTransport } from './jsonrpc.transport';
import { ResilientOdooClient } from './odoo-client';
import { CircuitBreaker } from './resilience';
import type { OdooConnection } from './transport';

/** Where the gateway's Odoo is: the real one when config.odoo.url is set, else the sandbox on 127.0.0.1. */
export function odooConnection(config: GatewayConfig): OdooConnection {
  const o = config.odoo;
  const timeoutMs = o.timeoutSeconds * 1000;
  if (!o.url) return { url: `http://127.0.0.1:${config.sandboxOdoo.port}`, db: 'sandbox', user: 'admin', apiKey: 'admin', timeoutMs };
  return { url: o.url, db: o.db ?? '', user: o.user ?? '', apiKey: o.apiKey ?? '', timeoutMs };
}

export function createOdooClient(config: GatewayConfig, log?: Logger, overrides: Partial<OdooConnection> = {}): ResilientOdooClient {
  const conn = { ...odooConnection(config), ...overrides };
  const transport = config.odoo.api === 'json2' ? new Json2Transport(conn) : new JsonRpcTransport(conn);
  return new ResilientOdooClient(transport, {
    maxConcurrent: config.odoo.maxConcurrent,
    attempts: config.odoo.attempts,
    circuit: new CircuitBreaker({ failures: config.odoo.circuitFailures, cooldownMs: config.odoo.circuitCooldownSeconds * 1000 }),
    log: log?.child({ component: 'odoo' }),
  });
}
