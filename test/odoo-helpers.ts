import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../src/daemon/runtime';
import { OrderSchema, type Order } from '../src/canonical';
import { getMessage } from '../src/store/messages.repo';
import { startSandboxOdoo, type SandboxOdoo } from '../src/odoo/sandbox';
import { eventually, PROFILES, testRuntime, type BackendName } from './helpers';

export type { SandboxOdoo };

/** The sandbox Odoo in-process on a free port. */
export function startSandbox(): Promise<SandboxOdoo> {
  return startSandboxOdoo({ port: 0 });
}

/** A runtime whose Odoo is the given sandbox (through config.sandboxOdoo.port, as when no ODOO_URL is set). */
export function odooRuntime(backend: BackendName, sandbox: SandboxOdoo, odoo: Record<string, unknown> = {}, queue: Record<string, unknown> = {}): Promise<Runtime> {
  return testRuntime(backend, {
    sandboxOdoo: { port: sandbox.port },
    odoo: { enabled: true, timeoutSeconds: 10, attempts: 2, circuitFailures: 3, circuitCooldownSeconds: 0, pollSeconds: 0, ...odoo },
    queue: { retryLimit: 40, retryDelaySeconds: 0, ...queue },
  });
}

export async function settled(rt: Runtime, id: number) {
  return eventually(async () => {
    const m = await getMessage(rt.store.knex, id);
    return m && ['done', 'exception', 'duplicate'].includes(m.status) ? m : undefined;
  }, 45_000, `message ${id}`);
}

export function sample(partner: string, file: string): Buffer {
  return fs.readFileSync(path.join(PROFILES, partner, 'samples', 'inbound', file));
}

/** acme-retail's sample 850 with another interchange control and PO number. */
export function acme850(control: string, po: string): Buffer {
  return Buffer.from(sample('acme-retail', '850-store-order.edi').toString('latin1')
    .replace('*000001001*', `*${control}*`).replace('IEA*1*000001001', `IEA*1*${control}`).replace('BEG*00*SA*4500012345', `BEG*00*SA*${po}`), 'latin1');
}

/** swift-3pl's sample 945 for our picking `name`, with its own interchange control. */
export function swift945(control: string, picking: string, po = '4500012345'): Buffer {
  return Buffer.from(sample('swift-3pl', '945-shipped.edi').toString('latin1')
    .replace('*000000733*', `*${control}*`).replace('IEA*1*000000733', `IEA*1*${control}`)
    .replace('W06*F*WH/OUT/00042*20261122*SWS-98811**4500012345', `W06*F*${picking}*20261122*SWS-98811**${po}`), 'latin1');
}

/** The acme sample order as canonical, with a PO number of the test's own. */
export function acmeOrder(po: string, over: Partial<Order> = {}): Order {
  const doc = JSON.parse(fs.readFileSync(path.join(PROFILES, 'acme-retail/samples/inbound/850-store-order.expected.json'), 'utf8'))[0];
  return OrderSchema.parse({ ...doc, poNumber: po, ...over });
}

/** Sale orders in the sandbox for a customer reference. */
export function ordersFor(sb: SandboxOdoo, po: string): { id: number; name: string; state: string; order_line: number[]; picking_ids: number[] }[] {
  return sb.execute('sale.order', 'search_read', [[['client_order_ref', '=', po]]], { fields: ['name', 'state', 'order_line', 'picking_ids'] }) as any;
}

export function linesOf(sb: SandboxOdoo, soId: number): { product_id: [number, string]; product_uom_qty: number; price_unit: number }[] {
  return sb.execute('sale.order.line', 'search_read', [[['order_id', '=', soId]]], { fields: ['product_id', 'product_uom_qty', 'price_unit'], order: 'id asc' }) as any;
}
