import { aclError } from '../rpc-errors';
import type { Row } from '../store';
import type { Env, ModelDef } from './types';
import { findXmlid } from './xmlid';

/**
 * Users' groups and the model access rights (ir.model.access) they give, as in an Odoo 18
 * database with sale_management, stock, account and purchase (read from 18.0-20250702). The
 * sandbox keeps only the groups and models the connector meets; a model missing from ACCESS is
 * open to every internal user, as it was before rights were modelled.
 */

export type Operation = 'read' | 'write' | 'create' | 'unlink';

export interface GroupDef {
  xmlid: string;
  /** ir.module.category name and group name: AccessError messages list them as `category/name`. */
  category: string;
  name: string;
  /** implied_ids: a member of this group is a member of these too. */
  implied: string[];
}

export const GROUPS: GroupDef[] = [
  { xmlid: 'base.group_user', category: 'User types', name: 'Internal User', implied: [] },
  { xmlid: 'base.group_partner_manager', category: 'Extra Rights', name: 'Contact Creation', implied: [] },
  { xmlid: 'base.group_erp_manager', category: 'Administration', name: 'Access Rights', implied: ['base.group_user'] },
  { xmlid: 'base.group_system', category: 'Administration', name: 'Settings', implied: ['base.group_erp_manager'] },
  { xmlid: 'product.group_product_manager', category: 'Extra Rights', name: 'Product Creation', implied: [] },
  { xmlid: 'sales_team.group_sale_salesman', category: 'Sales', name: 'User: Own Documents Only', implied: ['base.group_user'] },
  { xmlid: 'sales_team.group_sale_salesman_all_leads', category: 'Sales', name: 'User: All Documents', implied: ['sales_team.group_sale_salesman'] },
  { xmlid: 'sales_team.group_sale_manager', category: 'Sales', name: 'Administrator', implied: ['sales_team.group_sale_salesman_all_leads'] },
  { xmlid: 'stock.group_stock_user', category: 'Inventory', name: 'User', implied: ['base.group_user'] },
  { xmlid: 'stock.group_stock_manager', category: 'Inventory', name: 'Administrator', implied: ['stock.group_stock_user'] },
  { xmlid: 'account.group_account_invoice', category: 'Invoicing', name: 'Invoicing', implied: ['base.group_user'] },
  { xmlid: 'account.group_account_manager', category: 'Invoicing', name: 'Administrator', implied: ['account.group_account_invoice'] },
  { xmlid: 'purchase.group_purchase_user', category: 'Purchase', name: 'User', implied: ['base.group_user'] },
  { xmlid: 'purchase.group_purchase_manager', category: 'Purchase', name: 'Administrator', implied: ['purchase.group_purchase_user'] },
];

/** Per model: group xmlid -> its rights, 'rwcu' with '-' for a right not given (ir.model.access rows). */
const ACCESS: Record<string, Record<string, string>> = {
  'res.partner': {
    'purchase.group_purchase_manager': 'rwc-', 'sales_team.group_sale_manager': 'rwc-', 'account.group_account_manager': 'r---',
    'stock.group_stock_manager': 'rwc-', 'base.group_partner_manager': 'rwcu', 'base.group_user': 'r---',
    'purchase.group_purchase_user': 'r---', 'sales_team.group_sale_salesman': 'r---',
  },
  'product.product': {
    'purchase.group_purchase_manager': 'rwcu', 'sales_team.group_sale_manager': 'rwcu', 'stock.group_stock_manager': 'rwcu',
    'account.group_account_manager': 'rwcu', 'base.group_user': 'r---', 'product.group_product_manager': 'rwcu',
    'purchase.group_purchase_user': 'r---', 'stock.group_stock_user': 'r---', 'sales_team.group_sale_salesman': 'r---',
  },
  'product.pricelist': {
    'sales_team.group_sale_manager': 'rwcu', 'stock.group_stock_manager': 'rwcu', 'base.group_partner_manager': 'r---',
    'base.group_user': 'r---', 'product.group_product_manager': 'rwcu', 'sales_team.group_sale_salesman': 'r---',
  },
  'sale.order': {
    'sales_team.group_sale_manager': 'rwcu', 'account.group_account_invoice': 'rw--', 'stock.group_stock_user': 'rw--',
    'sales_team.group_sale_salesman': 'rwc-',
  },
  'sale.order.line': {
    'account.group_account_invoice': 'rw--', 'stock.group_stock_user': 'rw--', 'sales_team.group_sale_salesman': 'rwcu',
  },
  'stock.warehouse': {
    'purchase.group_purchase_manager': 'r---', 'stock.group_stock_manager': 'rwcu', 'base.group_user': 'r---',
    'purchase.group_purchase_user': 'r---', 'sales_team.group_sale_salesman': 'r---',
  },
  'stock.picking': {
    'purchase.group_purchase_manager': 'rwcu', 'stock.group_stock_manager': 'rwcu', 'sales_team.group_sale_manager': 'rwcu',
    'account.group_account_invoice': 'rwc-', 'purchase.group_purchase_user': 'rwcu', 'stock.group_stock_user': 'rwcu',
    'sales_team.group_sale_salesman': 'rwc-',
  },
  'stock.move': {
    'purchase.group_purchase_manager': 'rwcu', 'stock.group_stock_manager': 'rwcu', 'sales_team.group_sale_manager': 'rwcu',
    'account.group_account_invoice': 'rwc-', 'purchase.group_purchase_user': 'rwc-', 'stock.group_stock_user': 'rwc-',
    'sales_team.group_sale_salesman': 'rwc-',
  },
  'stock.backorder.confirmation': { 'stock.group_stock_user': 'rwc-' },
  'account.move': {
    'account.group_account_manager': 'r---', 'account.group_account_invoice': 'rwcu', 'purchase.group_purchase_user': 'rwcu',
    'sales_team.group_sale_salesman': 'r---',
  },
  'account.move.line': {
    'purchase.group_purchase_manager': 'rwcu', 'account.group_account_manager': 'r---', 'account.group_account_invoice': 'rwcu',
    'purchase.group_purchase_user': 'rwc-', 'sales_team.group_sale_salesman': 'r---',
  },
  'purchase.order': {
    'purchase.group_purchase_manager': 'rwcu', 'account.group_account_invoice': 'rw--', 'purchase.group_purchase_user': 'rwcu',
    'stock.group_stock_user': 'r---',
  },
  'purchase.order.line': {
    'purchase.group_purchase_manager': 'rwcu', 'account.group_account_invoice': 'rw--', 'stock.group_stock_user': 'r---',
    'purchase.group_purchase_user': 'rwcu',
  },
  'mail.message': { 'base.group_user': 'rwcu' },
  'ir.model.data': { 'base.group_erp_manager': 'rwcu' },
  'res.users': { 'base.group_erp_manager': 'rwcu', 'base.group_user': 'r---' },
  'res.groups': { 'base.group_erp_manager': 'rwcu', 'base.group_user': 'r---' },
};

const LETTER: Record<Operation, string> = { read: 'r', write: 'w', create: 'c', unlink: 'u' };
const byXmlid = new Map(GROUPS.map((g) => [g.xmlid, g]));

/** A set of group xmlids with everything they imply. */
export function withImplied(xmlids: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const todo = [...xmlids];
  while (todo.length) {
    const x = todo.pop()!;
    if (out.has(x)) continue;
    out.add(x);
    todo.push(...(byXmlid.get(x)?.implied ?? []));
  }
  return out;
}

/** The xmlids of a user's groups (res.users groups_id, implied ones included). */
export function userGroups(env: Env, uid: number): Set<string> {
  const user = env.db.get('res.users', uid);
  const ids = (user?.groups_id as number[] | undefined) ?? [];
  const xmlids = ids.map((id) => env.db.where('ir.model.data', 'res_id', id).find((x) => x.model === 'res.groups'))
    .filter((x): x is Row => !!x).map((x) => `${x.module as string}.${x.name as string}`);
  return withImplied(xmlids);
}

/** res.users._has_group. The superuser (uid 1) is in every group, as env.su is. */
export function hasGroup(env: Env, uid: number, xmlid: string): boolean {
  return uid === 1 || userGroups(env, uid).has(xmlid);
}

/** ir.model.access.check: may the current user do `operation` on the model at all. */
export function hasModelAccess(env: Env, def: ModelDef, operation: Operation): boolean {
  if (env.uid === 1) return true;
  const groups = userGroups(env, env.uid);
  const rows = ACCESS[def.name];
  if (!rows) return def.adminOnly ? groups.has('base.group_erp_manager') : groups.has('base.group_user');
  return Object.entries(rows).some(([g, perms]) => perms.includes(LETTER[operation]) && groups.has(g));
}

/** The AccessError Odoo raises (ir.model.access._make_access_error): the groups that would allow it, by category then name. */
export function modelAccessError(def: ModelDef, operation: Operation) {
  const names = Object.entries(ACCESS[def.name] ?? (def.adminOnly ? { 'base.group_erp_manager': 'rwcu' } : {}))
    .filter(([, perms]) => perms.includes(LETTER[operation]))
    .map(([g]) => byXmlid.get(g)).filter((g): g is GroupDef => !!g)
    .sort((a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name))
    .map((g) => `${g.category}/${g.name}`);
  return aclError(def.name, def.description, operation, names);
}

export function checkModelAccess(env: Env, def: ModelDef, operation: Operation): void {
  if (!hasModelAccess(env, def, operation)) throw modelAccessError(def, operation);
}

/** The res.groups id of a group xmlid (seeded), for writes to groups_id. */
export function groupId(env: Env, xmlid: string): number | undefined {
  const x = findXmlid(env, xmlid);
  return x && x.model === 'res.groups' ? x.res_id as number : undefined;
}
