export * from './odoo-client';
export * from './odoo-errors';
export * from './resilience';
export * from './transport';
export { JsonRpcTransport } from './jsonrpc.transport';
export { Json2Transport, namedArgs } from './json2.transport';
export { createOdooClient, odooConnection } from './create-client';
export * from './features';
