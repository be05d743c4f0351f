import { accessError, validationError, valueError } from '../rpc-errors';
import { groupId, hasGroup, withImplied } from '../orm/access';
import { boolean, char, float, html, integer, many2many, many2one, one2many, selection, magicFields } from '../orm/fields';
import type { Env, ModelDef } from '../orm/types';
import type { Row } from '../store';
import { findXmlid } from '../orm/xmlid';
import { createRecords } from '../orm/records';

/** The root company of a partner: itself if it is a company or has no parent (res.partner _compute_commercial_partner, 17/18). */
export function commercialPartner(env: Env, id: number): number {
  let cur = env.db.get('res.partner', id);
  while (cur && !cur.is_company && cur.parent_id) cur = env.db.get('res.partner', cur.parent_id as number);
  return cur ? cur.id : id;
}

/** res.partner address_get: the first child of that type, else the partner itself. */
export function addressOf(env: Env, partnerId: number, type: 'delivery' | 'invoice'): number {
  const commercial = commercialPartner(env, partnerId);
  const own = env.db.get('res.partner', partnerId);
  if (own?.type === type) return partnerId;
  const child = env.db.rows('res.partner')
    .filter((r) => r.parent_id === commercial && r.type === type && r.active !== false)
    .sort((a, b) => a.id - b.id)[0];
  return child ? child.id : partnerId;
}

export const resPartner: ModelDef = {
  name: 'res.partner',
  description: 'Contact',
  order: 'complete_name asc, id desc',
  mailThread: true,
  fields: {
    ...magicFields(),
    name: char('Name'),
    complete_name: char('Complete Name', { compute: (env, r) => partnerDisplayName(env, r) }),
    ref: char('Reference'),
    // 18: company_dependent (JSONB); one value per company here, the sandbox has one company.
    barcode: char('Barcode'),
    vat: char('Tax ID'),
    email: char('Email'),
    phone: char('Phone'),
    parent_id: many2one('res.partner', 'Related Company'),
    child_ids: one2many('res.partner', 'parent_id', 'Contact'),
    // 17 removed 'private' (OU17 base): 4 values in 17/18/19.
    type: selection('Address Type', [['contact', 'Contact'], ['invoice', 'Invoice Address'], ['delivery', 'Delivery Address'], ['other', 'Other Address']], { default: 'contact' }),
    street: char('Street'),
    street2: char('Street2'),
    zip: char('Zip'),
    city: char('City'),
    state_id: many2one('res.country.state', 'State'),
    country_id: many2one('res.country', 'Country'),
    is_company: boolean('Is a Company', { default: false }),
    active: boolean('Active', { default: true }),
    company_id: many2one('res.company', 'Company'),
    commercial_partner_id: many2one('res.partner', 'Commercial Entity', { compute: (env, r) => commercialPartner(env, r.id) }),
    customer_rank: integer('Customer Rank', { default: 0 }),
    supplier_rank: integer('Supplier Rank', { default: 0 }),
    property_product_pricelist: many2one('product.pricelist', 'Pricelist'),
    // account_edi_ubl_cii (auto-installed with account, 17+): EAS 0088 = GLN.
    peppol_endpoint: char('Peppol Endpoint'),
    peppol_eas: char('Peppol e-address (EAS)'),
  },
  displayName: (env, r) => partnerDisplayName(env, r),
  constrain: (env, rows) => {
    for (const r of rows) {
      // check_name SQL constraint (17/18): a contact needs a name, addresses may go without.
      if (r.type === 'contact' && !r.name) throw validationError('Contacts require a name');
      // res.partner _check_barcode_unicity (17/18).
      if (r.barcode && env.db.where('res.partner', 'barcode', r.barcode).some((o) => o.id !== r.id)) {
        throw validationError('Another partner already has this barcode');
      }
    }
  },
};

/** 17/18 res.partner display name: "Company, Contact" for children; the type label for nameless addresses. */
function partnerDisplayName(env: Env, r: Row): string {
  let name = (r.name as string) || '';
  if (!name && r.type !== 'contact') {
    name = ({ invoice: 'Invoice Address', delivery: 'Delivery Address', other: 'Other Address' } as Record<string, string>)[r.type as string] ?? '';
  }
  if (r.parent_id && !r.is_company) {
    const parent = env.db.get('res.partner', r.parent_id as number);
    if (parent) return `${partnerDisplayName(env, parent)}, ${name}`;
  }
  return name;
}

export const resUsers: ModelDef = {
  name: 'res.users',
  description: 'User',
  order: 'name asc, login',
  fields: {
    ...magicFields(),
    name: char('Name', { compute: (env, r) => env.db.get('res.partner', r.partner_id as number)?.name ?? r.login }),
    login: char('Login', { required: true }),
    partner_id: many2one('res.partner', 'Related Partner', { required: true }),
    company_id: many2one('res.company', 'Company'),
    active: boolean('Active', { default: true }),
    share: boolean('Share User', { default: false }),
    tz: char('Timezone'),
    lang: char('Language', { default: 'en_US' }),
    // Related to partner_id.email in Odoo: the sender address of the user's chatter messages.
    // Write-only (Odoo reads it as ''): sets the password that login and execute_kw accept.
    password: char('Password', { compute: () => '' }),
    email: char('Email', { compute: (env, r) => env.db.get('res.partner', r.partner_id as number)?.email ?? false }),
    // 18: groups_id, stored with the implied groups added (19 renames it group_ids).
    groups_id: many2many('res.groups', 'Groups'),
  },
  beforeCreate: (env, vals) => {
    // _inherits res.partner: a user made with a name gets its own partner (the superuser creates it).
    if (!vals.partner_id) {
      const [p] = createRecords({ ...env, uid: 1, context: {} }, 'res.partner', [{ name: vals.name ?? vals.login, email: vals.email ?? false }]);
      vals.partner_id = p.id;
    }
  },
  afterCreate: (env, row, vals) => {
    if (typeof vals.password === 'string' && vals.password) env.db.update('res.users', row.id, { _password: vals.password });
    // email is computed here (so the create ignores it); write it through like the related field.
    if ('email' in vals) env.db.update('res.partner', row.partner_id as number, { email: vals.email ?? false });
    addImpliedGroups(env, [row]);
  },
  beforeWrite: (env, rows, vals) => {
    // The related field writes through to the partner.
    if ('email' in vals) for (const r of rows) env.db.update('res.partner', r.partner_id as number, { email: vals.email ?? false, write_date: env.stamp });
    if (typeof vals.password === 'string' && vals.password) for (const r of rows) env.db.update('res.users', r.id, { _password: vals.password });
  },
  afterWrite: (env, rows) => addImpliedGroups(env, rows),
  methods: {
    // The health check the notes recommend (ODOO-NOTES §6, §1.4 for JSON-2 uid discovery).
    context_get: {
      params: [], onRecords: false,
      fn: (env) => {
        const u = env.db.get('res.users', env.uid);
        return { lang: (u?.lang as string) || 'en_US', tz: (u?.tz as string) || 'UTC', uid: env.uid };
      },
    },
    // res.users.has_group (18): one user; internal users may ask about anyone.
    has_group: {
      params: ['group_ext_id'], required: ['group_ext_id'], onRecords: true,
      fn: (env, _model, { ids, args }) => {
        if (ids.length !== 1) throw valueError(`Expected singleton: res.users(${ids.join(', ')}${ids.length === 1 ? ',' : ''})`);
        if (ids[0] !== env.uid && !hasGroup(env, env.uid, 'base.group_user')) throw accessError('You can ony call user.has_group() with your current user.');
        return hasGroup(env, ids[0], String(args.group_ext_id));
      },
    },
  },
};

/** Odoo adds a group's implied groups to the user when the group is given (res.groups implied_ids). */
function addImpliedGroups(env: Env, rows: Row[]): void {
  for (const r of rows) {
    const cur = (env.db.get('res.users', r.id)?.groups_id as number[] | undefined) ?? [];
    const xmlids = cur.map((id) => env.db.where('ir.model.data', 'res_id', id).find((x) => x.model === 'res.groups'))
      .filter((x): x is Row => !!x).map((x) => `${x.module as string}.${x.name as string}`);
    const all = [...withImplied(xmlids)].map((x) => groupId(env, x)).filter((id): id is number => id !== undefined);
    const next = [...new Set([...cur, ...all])];
    if (next.length !== cur.length) env.db.update('res.users', r.id, { groups_id: next });
  }
}

export const resGroups: ModelDef = {
  name: 'res.groups',
  description: 'Access Groups',
  order: 'name',
  fields: {
    ...magicFields(),
    name: char('Name', { required: true }),
    category_name: char('Application'),
    full_name: char('Group Name', { compute: (_env, r) => (r.category_name ? `${r.category_name as string} / ${r.name as string}` : r.name) }),
    implied_ids: many2many('res.groups', 'Inherits'),
  },
  displayName: (_env, r) => (r.category_name ? `${r.category_name as string} / ${r.name as string}` : r.name as string),
};

export const resCompany: ModelDef = {
  name: 'res.company',
  description: 'Companies',
  fields: {
    ...magicFields(),
    name: char('Company Name', { required: true }),
    partner_id: many2one('res.partner', 'Partner', { required: true }),
    currency_id: many2one('res.currency', 'Currency'),
    // account: the taxes new products get, and how taxes are rounded ('round_per_line' on 18's generic chart).
    account_sale_tax_id: many2one('account.tax', 'Default Sale Tax'),
    account_purchase_tax_id: many2one('account.tax', 'Default Purchase Tax'),
    tax_calculation_rounding_method: selection('Tax Calculation Rounding Method', [['round_per_line', 'Round per Line'], ['round_globally', 'Round Globally']], { default: 'round_per_line' }),
  },
};

export const resCountry: ModelDef = {
  name: 'res.country',
  description: 'Country',
  order: 'name',
  fields: { ...magicFields(), name: char('Country Name', { required: true }), code: char('Country Code') },
};

export const resCountryState: ModelDef = {
  name: 'res.country.state',
  description: 'Country state',
  order: 'code',
  fields: {
    ...magicFields(),
    name: char('State Name', { required: true }),
    code: char('State Code', { required: true }),
    country_id: many2one('res.country', 'Country', { required: true }),
  },
};

export const resCurrency: ModelDef = {
  name: 'res.currency',
  description: 'Currency',
  order: 'active desc, name',
  fields: { ...magicFields(), name: char('Currency', { required: true }), symbol: char('Symbol'), active: boolean('Active', { default: true }) },
};

/**
 * ir.model.data: external ids. Reading or searching it needs "Administration/Access Rights"
 * (ODOO-NOTES §2, observed on 18 for a bot user); check_object_reference does not.
 */
export const irModelData: ModelDef = {
  name: 'ir.model.data',
  description: 'Model Data',
  order: 'module, model, name',
  adminOnly: true,
  fields: {
    ...magicFields(),
    module: char('Module', { required: true, default: '' }),
    name: char('External Identifier', { required: true }),
    model: char('Model Name', { required: true }),
    res_id: integer('Record ID'),
    noupdate: boolean('Non Updatable', { default: false }),
    complete_name: char('Complete ID', { compute: (_env, r) => `${r.module as string}.${r.name as string}` }),
  },
  displayName: (_env, r) => `${r.module as string}.${r.name as string}`,
  constrain: (env, rows) => {
    for (const r of rows) {
      const dup = env.db.where('ir.model.data', 'name', r.name).find((o) => o.id !== r.id && o.module === r.module);
      if (dup) {
        throw validationError(
          `duplicate key value violates unique constraint "ir_model_data_module_name_uniq_index"\nDETAIL:  Key (module, name)=(${r.module as string}, ${r.name as string}) already exists.\n`,
        );
      }
    }
  },
  methods: {
    // Works for any user (no ACL check on the lookup), ODOO-NOTES §4.
    check_object_reference: {
      params: ['module', 'xml_id', 'raise_on_access_error'], required: ['module', 'xml_id'], onRecords: false,
      fn: (env, _model, { args }) => {
        const full = `${String(args.module)}.${String(args.xml_id)}`;
        const x = findXmlid(env, full);
        if (!x || !env.db.get(x.model as string, x.res_id as number)) throw valueError(`External ID not found in the system: ${full}`);
        return [x.model, x.res_id];
      },
    },
  },
};

export const mailMessage: ModelDef = {
  name: 'mail.message',
  description: 'Message',
  order: 'id desc',
  fields: {
    ...magicFields(),
    model: char('Related Document Model'),
    res_id: integer('Related Document ID'),
    body: html('Contents'),
    subject: char('Subject'),
    message_type: selection('Type', [['email', 'Incoming Email'], ['comment', 'Comment'], ['email_outgoing', 'Outgoing Email'], ['notification', 'System notification'], ['auto_comment', 'Automated Targeted Notification'], ['user_notification', 'User Specific Notification']], { default: 'notification' }),
    subtype_xmlid: char('Subtype'),
    author_id: many2one('res.partner', 'Author'),
  },
  displayName: (_env, r) => (r.subject as string) || `mail.message,${r.id}`,
};

