import { aclError, validationError, valueError } from '../rpc-errors';
import { boolean, char, float, html, integer, many2one, one2many, selection, magicFields } from '../orm/fields';
import type { Env, ModelDef } from '../orm/types';
import type { Row } from '../store';
import { findXmlid } from '../orm/xmlid';

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
      if (r.barcode && env.db.rows('res.partner').some((o) => o.id !== r.id && o.barcode === r.barcode)) {
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
  },
  // Only admin may create/change users; everyone may read (the bot reads its own name).
  beforeCreate: (env) => { if (env.uid !== 2 && env.uid !== 1) throw aclError('res.users', 'User', 'create'); },
  beforeWrite: (env) => { if (env.uid !== 2 && env.uid !== 1) throw aclError('res.users', 'User', 'write'); },
  methods: {
    // The health check the notes recommend (ODOO-NOTES §6, §1.4 for JSON-2 uid discovery).
    context_get: {
      params: [], onRecords: false,
      fn: (env) => {
        const u = env.db.get('res.users', env.uid);
        return { lang: (u?.lang as string) || 'en_US', tz: (u?.tz as string) || 'UTC', uid: env.uid };
      },
    },
  },
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
      const dup = env.db.rows('ir.model.data').find((o) => o.id !== r.id && o.module === r.module && o.name === r.name);
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

