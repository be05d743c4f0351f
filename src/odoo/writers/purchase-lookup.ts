import { GatewayError } from '../../errors/gateway-error';
import type { OdooClient } from '../client/odoo-client';

export interface PurchaseOrderRow {
  id: number;
  name: string;
  state: string;
  partner_id: [number, string] | false;
}

/**
 * Our purchase order that a supplier's document answers: by its name (P00042, what we sent the
 * supplier) or its partner_ref. Without the purchase app there is nothing to attach the document
 * to: that is an exception that says so, never a guess.
 */
export async function findPurchaseOrder(client: OdooClient, po: string | undefined, what: string): Promise<PurchaseOrderRow> {
  if (!po) throw new GatewayError('ODOO_RECORD_NOT_FOUND', `${what}: it names no purchase order, so it cannot be matched in Odoo`);
  let rows: PurchaseOrderRow[];
  try {
    rows = await client.searchRead<PurchaseOrderRow>('purchase.order', ['|', ['name', '=', po], ['partner_ref', '=', po]], ['name', 'state', 'partner_id'], { limit: 2, order: 'id asc' });
  } catch (err) {
    if (err instanceof GatewayError && /purchase\.order/.test(err.message) && /doesn't exist|does not exist/.test(err.message)) {
      throw new GatewayError('ODOO_NOT_SUPPORTED', `${what}: the purchase app is not installed in Odoo, so there is no purchase order ${po} to attach it to`);
    }
    throw err;
  }
  if (!rows[0]) throw new GatewayError('ODOO_RECORD_NOT_FOUND', `${what}: no purchase order ${po} in Odoo (by name or vendor reference)`, { value: po });
  if (rows[0].state === 'cancel') throw new GatewayError('ODOO_USER_ERROR', `${what}: purchase order ${rows[0].name} is cancelled in Odoo`);
  return rows[0];
}
