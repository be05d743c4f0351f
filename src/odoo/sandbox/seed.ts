import type { Core } from './dispatch';
import { odooDatetime, odooStamp } from './dispatch';
import { createRecords } from './orm/records';
import type { Env } from './orm/types';
import { setXmlid } from './orm/xmlid';
import { GROUPS, withImplied } from './orm/access';
import {
  SEED_CARRIERS, SEED_COMPANY, SEED_PARTNERS, SEED_PRICELISTS, SEED_PRODUCTS, SEED_TAX_PERCENT, SEED_UOMS, SEED_USERS, SEED_WAREHOUSES, type SeedAddress,
} from './seed-data';

/**
 * Seeds a fresh sandbox database once (a `seeded` flag in the data file makes it idempotent):
 * the base records every Odoo database has (company, admin, units, currencies, locations) with
 * their real external ids, then seed-data.ts.
 */
export function seedSandbox(core: Core): void {
  if (core.store.state.seeded) {
    seedGroupsIntoOlderData(core);
    return;
  }
  core.store.transaction(() => {
    const env: Env = { db: core.store, registry: core.registry, uid: 1, context: { tracking_disable: true }, now: odooDatetime(core.now()), stamp: odooStamp(core.now()), version: core.version };
    const mk = (model: string, vals: Record<string, unknown>, xmlid?: string) => {
      const [row] = createRecords(env, model, [vals]);
      if (xmlid) setXmlid(env, xmlid, model, row.id, true);
      return row.id;
    };

    const usd = mk('res.currency', { name: 'USD', symbol: '$' }, 'base.USD');
    const eur = mk('res.currency', { name: 'EUR', symbol: '€' }, 'base.EUR');
    const currencies = { USD: usd, EUR: eur };
    const countries: Record<string, number> = {
      US: mk('res.country', { name: 'United States', code: 'US' }, 'base.us'),
      BE: mk('res.country', { name: 'Belgium', code: 'BE' }, 'base.be'),
      DE: mk('res.country', { name: 'Germany', code: 'DE' }, 'base.de'),
      SE: mk('res.country', { name: 'Sweden', code: 'SE' }, 'base.se'),
    };
    const states: Record<string, number> = {};
    for (const [code, name] of [['IL', 'Illinois'], ['PA', 'Pennsylvania'], ['OH', 'Ohio']]) {
      states[code] = mk('res.country.state', { name, code, country_id: countries.US }, `base.state_us_${code.toLowerCase()}`);
    }
    const addr = (a: SeedAddress) => ({
      street: a.street, street2: a.street2 ?? false, city: a.city, zip: a.zip,
      country_id: countries[a.country], state_id: a.state ? states[a.state] ?? false : false,
    });

    const companyPartner = mk('res.partner', { name: SEED_COMPANY.name, is_company: true, barcode: SEED_COMPANY.gln, ...addr(SEED_COMPANY.address) }, 'base.main_partner');
    const company = mk('res.company', { name: SEED_COMPANY.name, partner_id: companyPartner, currency_id: usd }, 'base.main_company');
    // The generic chart's default taxes (account.1_sale_tax_template / purchase on 18), set on the company so new products get them.
    const saleTax = mk('account.tax', { name: `${SEED_TAX_PERCENT}%`, amount: SEED_TAX_PERCENT, amount_type: 'percent', type_tax_use: 'sale' });
    const purchaseTax = mk('account.tax', { name: `${SEED_TAX_PERCENT}%`, amount: SEED_TAX_PERCENT, amount_type: 'percent', type_tax_use: 'purchase' });
    core.store.update('res.company', company, { account_sale_tax_id: saleTax, account_purchase_tax_id: purchaseTax, tax_calculation_rounding_method: 'round_per_line' });
    const botPartner = mk('res.partner', { name: 'OdooBot', active: false }, 'base.partner_root');
    const adminPartner = mk('res.partner', { name: SEED_USERS.admin.name, email: 'admin@example.com' }, 'base.partner_admin');
    const ediBotPartner = mk('res.partner', { name: SEED_USERS.bot.name, email: SEED_USERS.bot.email });
    const groups = seedGroups(env);
    const groupIds = (xmlids: Iterable<string>) => [...withImplied(xmlids)].map((x) => groups.get(x)!);
    core.store.insert('res.users', { login: '__system__', partner_id: botPartner, active: false, company_id: 1, groups_id: groupIds(groups.keys()), create_date: env.stamp, write_date: env.stamp }, 1);
    setXmlid(env, 'base.user_root', 'res.users', 1, true);
    core.store.insert('res.users', {
      login: SEED_USERS.admin.login, partner_id: adminPartner, active: true, company_id: 1, tz: 'UTC', lang: 'en_US', groups_id: groupIds(groups.keys()),
      _password: SEED_USERS.admin.password, _api_keys: [SEED_USERS.admin.apiKey], create_date: env.stamp, write_date: env.stamp,
    }, SEED_USERS.admin.uid);
    setXmlid(env, 'base.user_admin', 'res.users', SEED_USERS.admin.uid, true);
    // A non-admin internal user with an API key only: shows what a least-privilege bot may do.
    core.store.insert('res.users', {
      login: SEED_USERS.bot.login, partner_id: ediBotPartner, active: true, company_id: 1, tz: 'UTC', lang: 'en_US', groups_id: groupIds(SEED_USERS.bot.groups),
      _password: SEED_USERS.bot.password, _api_keys: [SEED_USERS.bot.apiKey], create_date: env.stamp, write_date: env.stamp,
    }, SEED_USERS.bot.uid);

    const unitCategory = mk('uom.category', { name: 'Unit' }, 'uom.product_uom_categ_unit');
    const weightCategory = mk('uom.category', { name: 'Weight' }, 'uom.product_uom_categ_kgm');
    const unit = mk('uom.uom', { name: 'Units', category_id: unitCategory, uom_type: 'reference', factor: 1, rounding: 0.01 }, 'uom.product_uom_unit');
    mk('uom.uom', { name: 'Dozens', category_id: unitCategory, uom_type: 'bigger', factor: 1 / 12, rounding: 0.01 }, 'uom.product_uom_dozen');
    mk('uom.uom', { name: 'kg', category_id: weightCategory, uom_type: 'reference', factor: 1, rounding: 0.01 }, 'uom.product_uom_kgm');
    for (const u of SEED_UOMS) mk('uom.uom', { name: u.name, category_id: unitCategory, uom_type: 'bigger', factor: 1 / u.ratio, rounding: 0.01 });

    const partners: Record<string, number> = {};
    for (const p of SEED_PARTNERS) {
      partners[p.key] = mk('res.partner', {
        name: p.name, ref: p.ref, barcode: p.barcode ?? false, is_company: p.isCompany, customer_rank: p.key === 'swift' ? 0 : 1,
        supplier_rank: p.key === 'swift' ? 1 : 0, ...addr(p.address),
      });
      for (const c of p.children ?? []) {
        mk('res.partner', { name: c.name, ref: c.ref, barcode: c.barcode ?? false, type: c.type, parent_id: partners[p.key], ...addr(c.address) });
      }
    }

    const products: Record<string, number> = {};
    for (const p of SEED_PRODUCTS) {
      products[p.defaultCode] = mk('product.product', {
        name: p.name, default_code: p.defaultCode, barcode: p.barcode, list_price: p.listPrice, standard_price: Math.round(p.listPrice * 60) / 100,
        type: 'consu', invoice_policy: 'delivery', uom_id: unit, uom_po_id: unit,
        ...(core.version >= 18 ? { is_storable: true } : { detailed_type: 'product' }),
      });
    }

    SEED_PRICELISTS.forEach((pl, i) => {
      const id = mk('product.pricelist', { name: pl.name, sequence: i + 1, currency_id: currencies[pl.currency] }, pl.xmlid);
      for (const [code, price] of Object.entries(pl.prices)) {
        mk('product.pricelist.item', { pricelist_id: id, product_id: products[code], compute_price: 'fixed', fixed_price: price });
      }
    });
    const summit = SEED_PARTNERS.find((p) => p.pricelist);
    if (summit) {
      const plId = core.store.rows('product.pricelist').find((p) => p.name === summit.pricelist)!.id;
      core.store.update('res.partner', partners[summit.key], { property_product_pricelist: plId });
    }

    const partnersView = mk('stock.location', { name: 'Partners', usage: 'view' }, 'stock.stock_location_locations_partner');
    const vendors = mk('stock.location', { name: 'Vendors', usage: 'supplier', location_id: partnersView }, 'stock.stock_location_suppliers');
    const customers = mk('stock.location', { name: 'Customers', usage: 'customer', location_id: partnersView }, 'stock.stock_location_customers');
    SEED_WAREHOUSES.forEach((w, i) => {
      const first = i === 0;
      const whId = mk('stock.warehouse', {
        name: w.name, code: w.code, sequence: i + 1, company_id: 1,
        partner_id: w.partnerKey ? partners[w.partnerKey] : companyPartner,
      }, first ? 'stock.warehouse0' : undefined);
      const view = mk('stock.location', { name: w.code, usage: 'view', warehouse_id: whId });
      const stock = mk('stock.location', { name: 'Stock', usage: 'internal', location_id: view, warehouse_id: whId }, first ? 'stock.stock_location_stock' : undefined);
      const inType = mk('stock.picking.type', {
        name: 'Receipts', code: 'incoming', sequence_code: 'IN', warehouse_id: whId, sequence: 1,
        default_location_src_id: vendors, default_location_dest_id: stock,
      }, first ? 'stock.picking_type_in' : undefined);
      const outType = mk('stock.picking.type', {
        name: 'Delivery Orders', code: 'outgoing', sequence_code: 'OUT', warehouse_id: whId, sequence: 2,
        default_location_src_id: stock, default_location_dest_id: customers,
      }, first ? 'stock.picking_type_out' : undefined);
      core.store.update('stock.warehouse', whId, { view_location_id: view, lot_stock_id: stock, in_type_id: inType, out_type_id: outType });
      for (const id of Object.values(products)) mk('stock.quant', { product_id: id, location_id: stock, quantity: w.onHand });
    });
    for (const name of SEED_CARRIERS) mk('delivery.carrier', { name });
    core.store.markSeeded();
  });
}

/** res.groups with their external ids and implied groups (access.ts GROUPS). */
function seedGroups(env: Env): Map<string, number> {
  const groups = new Map<string, number>();
  for (const g of GROUPS) {
    const [row] = createRecords(env, 'res.groups', [{ name: g.name, category_name: g.category }]);
    setXmlid(env, g.xmlid, 'res.groups', row.id, true);
    groups.set(g.xmlid, row.id);
  }
  for (const g of GROUPS) env.db.update('res.groups', groups.get(g.xmlid)!, { implied_ids: g.implied.map((x) => groups.get(x)!) });
  return groups;
}

/**
 * A data file seeded before users had groups: add the groups, give admin all of them and the bot
 * its own (and its email), so that rights checks do not lock them out.
 */
function seedGroupsIntoOlderData(core: Core): void {
  if (core.store.rows('res.groups').length) return;
  core.store.transaction(() => {
    const env: Env = { db: core.store, registry: core.registry, uid: 1, context: {}, now: odooDatetime(core.now()), stamp: odooStamp(core.now()), version: core.version };
    const groups = seedGroups(env);
    const ids = (xmlids: Iterable<string>) => [...withImplied(xmlids)].map((x) => groups.get(x)!);
    for (const uid of [1, SEED_USERS.admin.uid]) if (core.store.get('res.users', uid)) core.store.update('res.users', uid, { groups_id: ids(groups.keys()) });
    const bot = core.store.get('res.users', SEED_USERS.bot.uid);
    if (bot) {
      core.store.update('res.users', bot.id, { groups_id: ids(SEED_USERS.bot.groups) });
      const partner = core.store.get('res.partner', bot.partner_id as number);
      if (partner && !partner.email) core.store.update('res.partner', partner.id, { email: SEED_USERS.bot.email });
    }
  });
}
