import { GatewayError } from '../../errors/gateway-error';
import type { OdooClient } from '../client/odoo-client';
import { findPartner } from '../writers/lookups';
import { chunks, type Operation, type Problem, type ProfileChecks } from './plan';

/**
 * The RPC half of `partners check-odoo`: asks Odoo what plan.ts says to ask, in batches (one read
 * per 500 values and field, not one per row), without side effects: rights through has_access
 * (18+; check_access_rights(op, False) before) and res.users has_group, which raise nothing and
 * make Odoo log nothing.
 */

export interface CheckResult {
  problems: Problem[];
  /** What was checked, for the closing summary. */
  counts: { profiles: number; rights: number; customers: number; products: number; addresses: number };
  user: { login: string; uid: number };
}

async function hasRight(client: OdooClient, major: number, model: string, op: Operation): Promise<boolean> {
  if (major >= 18) return Boolean(await client.call(model, 'has_access', [[], op]));
  return Boolean(await client.call(model, 'check_access_rights', [op], { raise_exception: false }));
}

/** Values of `field` on `model` that exist (active records; archived ones do not count). */
async function existing(client: OdooClient, model: string, field: string, values: string[], extra: unknown[] = []): Promise<Map<string, string | undefined>> {
  const found = new Map<string, string | undefined>();
  for (const batch of chunks([...new Set(values)])) {
    const rows = await client.searchRead<Record<string, unknown>>(model, [[field, 'in', batch], ...extra], [field, ...(model === 'product.product' ? ['default_code'] : [])]);
    for (const r of rows) {
      const v = r[field];
      if (typeof v === 'string' && !found.has(v)) found.set(v, typeof r.default_code === 'string' ? r.default_code : undefined);
    }
  }
  return found;
}

export async function checkOdoo(client: OdooClient, plans: ProfileChecks[], login: string): Promise<CheckResult> {
  const problems: Problem[] = [];
  const ctx = await client.call<{ uid?: number }>('res.users', 'context_get', []);
  const uid = ctx?.uid;
  if (typeof uid !== 'number') throw new GatewayError('ODOO_AUTH', `Odoo did not say which user '${login}' is (res.users.context_get gave no uid)`);
  const major = (await client.version()).major;
  const who = `user '${login}'`;

  // Rights: each (model, operation) asked once, reported for every profile that needs it.
  const rightCache = new Map<string, Promise<boolean>>();
  const right = (model: string, op: Operation) => {
    const key = `${model} ${op}`;
    if (!rightCache.has(key)) rightCache.set(key, hasRight(client, major, model, op));
    return rightCache.get(key)!;
  };
  const groupCache = new Map<string, Promise<boolean>>();
  const inGroup = (g: string) => {
    if (!groupCache.has(g)) groupCache.set(g, client.call<boolean>('res.users', 'has_group', [[uid], g]).then(Boolean));
    return groupCache.get(g)!;
  };
  let email: Promise<string | false> | undefined;
  const userEmail = () => (email ??= client.read<{ email: string | false }>('res.users', [uid], ['email']).then((r) => r[0]?.email ?? false));

  const VERB: Record<Operation, string> = { read: 'read', write: 'change', create: 'create' };
  for (const plan of plans) {
    const seen = new Set<string>();
    for (const need of plan.rights) {
      const key = `${need.model} ${need.operation}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!(await right(need.model, need.operation))) {
        problems.push({ at: need.at, subject: need.why, message: `${who} may not ${VERB[need.operation]} ${need.model} records (ir.model.access)` });
      }
    }
    for (const g of plan.groups) {
      if (!(await inGroup(g.group))) problems.push({ at: g.at, subject: g.why, message: `${who} is not in ${g.label} (${g.group})` });
    }
    if (plan.email.length && !(await userEmail())) {
      const e = plan.email[0];
      problems.push({ at: e.at, subject: e.why, message: `${who} has no email address: Odoo refuses with "Unable to send message, please configure the sender's email address."` });
    }
  }

  // Records the settings name.
  let customers = 0;
  for (const plan of plans) {
    if (plan.customer) {
      customers++;
      if ((await findPartner(client, plan.customer.value)) === undefined) {
        problems.push({ at: plan.customer.at, subject: `odoo.customer '${plan.customer.value}'`, message: 'not in Odoo: no res.partner with that ref, name or external id' });
      }
    }
  }
  const warehouses = await existing(client, 'stock.warehouse', 'code', plans.flatMap((p) => (p.warehouse ? [p.warehouse.value] : [])));
  const pricelists = await existing(client, 'product.pricelist', 'name', plans.flatMap((p) => p.pricelists.map((x) => x.value)));
  const uoms = await existing(client, 'uom.uom', 'name', plans.flatMap((p) => p.uoms.map((x) => x.value)));
  for (const plan of plans) {
    if (plan.warehouse && !warehouses.has(plan.warehouse.value)) {
      problems.push({ at: plan.warehouse.at, subject: `odoo.warehouse '${plan.warehouse.value}'`, message: `no stock.warehouse with code '${plan.warehouse.value}'` });
    }
    for (const pl of plan.pricelists) {
      if (!pricelists.has(pl.value)) problems.push({ at: pl.at, subject: `${pl.setting} '${pl.value}'`, message: `no product.pricelist named '${pl.value}'` });
    }
    for (const u of plan.uoms) {
      if (!uoms.has(u.value)) problems.push({ at: u.at, subject: `${u.setting} '${u.value}'`, message: `no uom.uom named '${u.value}' (a unit in the product's category, as many product units as the rule's factor)` });
    }
  }

  // Table rows, all profiles at once.
  const items = plans.flatMap((p) => p.items);
  const codes = await existing(client, 'product.product', 'default_code', items.map((i) => i.code));
  const barcodes = await existing(client, 'product.product', 'barcode', items.flatMap((i) => i.barcodes.map((b) => b.value)));
  for (const item of items) {
    if (!codes.has(item.code)) {
      problems.push({ at: item.at, subject: `product_code ${item.code}`, message: `no Odoo product with default_code '${item.code}'` });
      continue;
    }
    // A barcode Odoo does not have is fine (the product code finds the product); one on another product is not.
    for (const b of item.barcodes) {
      const owner = barcodes.get(b.value);
      if (barcodes.has(b.value) && owner !== item.code) {
        problems.push({ at: item.at, subject: `${b.column} ${b.value}`, message: `Odoo has this barcode on product '${owner ?? '(no default_code)'}', not on '${item.code}'` });
      }
    }
  }
  const addresses = plans.flatMap((p) => p.addresses);
  const refs = await existing(client, 'res.partner', 'ref', addresses.map((a) => a.ref));
  for (const a of addresses) {
    if (!refs.has(a.ref)) problems.push({ at: a.at, subject: `delivery_ref ${a.ref}`, message: `no Odoo contact (res.partner) with ref '${a.ref}'${a.store ? ` for store ${a.store}` : ''}` });
  }
  for (const plan of plans) {
    for (const i of plan.tableIssues) problems.push({ at: { file: i.file, line: i.line }, subject: 'table', message: i.message });
  }

  return {
    problems,
    counts: { profiles: plans.length, rights: rightCache.size + groupCache.size + (email ? 1 : 0), customers, products: items.length, addresses: addresses.length },
    user: { login, uid },
  };
}
