import { userError } from '../rpc-errors';
import { boolean, char, date, float, many2many, many2one, monetary, one2many, selection, magicFields, text } from '../orm/fields';
import { browse, createRecords, touchRecords } from '../orm/records';
import type { Env, ModelDef } from '../orm/types';
import type { Row } from '../store';
import { orderCurrency, qtyToInvoice, roundPrice, round2, taxRate } from './sale';

/**
 * account.move (customer invoices and vendor bills) and the sale invoicing wizard, following
 * Odoo 17/18 (account_move.py action_post / _check_draft, sale_make_invoice_advance.py).
 * Fields are the same in 16–19. Journals and the receivable / tax journal items are not modelled:
 * line_ids holds the product lines only.
 */

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

const MOVE_TYPES: [string, string][] = [['entry', 'Journal Entry'], ['out_invoice', 'Customer Invoice'], ['out_refund', 'Customer Credit Note'], ['in_invoice', 'Vendor Bill'], ['in_refund', 'Vendor Credit Note'], ['out_receipt', 'Sales Receipt'], ['in_receipt', 'Purchase Receipt']];
const TYPE_LABEL: Record<string, string> = { entry: 'Entry', out_invoice: 'Invoice', out_refund: 'Credit Note', in_invoice: 'Bill', in_refund: 'Refund', out_receipt: 'Sales Receipt', in_receipt: 'Purchase Receipt' };

function productLines(env: Env, moveId: number): Row[] {
  return env.db.where('account.move.line', 'move_id', moveId).filter((l) => (l.display_type === 'product' || !l.display_type));
}

const subtotal = (l: Row) => round2(num(l.quantity) * num(l.price_unit) * (1 - num(l.discount) / 100));
/** A line's tax, rounded per line ('round_per_line', the company default on 18). */
const lineTax = (env: Env, l: Row) => round2(subtotal(l) * taxRate(env, l.tax_ids));
const untaxed = (env: Env, moveId: number) => round2(productLines(env, moveId).reduce((s, l) => s + subtotal(l), 0));
const taxOf = (env: Env, moveId: number) => round2(productLines(env, moveId).reduce((s, l) => s + lineTax(env, l), 0));

export const accountTax: ModelDef = {
  name: 'account.tax',
  description: 'Tax',
  order: 'sequence,id',
  fields: {
    ...magicFields(),
    name: char('Tax Name', { required: true }),
    amount: float('Amount', { default: 0 }),
    amount_type: selection('Tax Computation', [['percent', 'Percentage of Price'], ['fixed', 'Fixed']], { default: 'percent' }),
    type_tax_use: selection('Tax Type', [['sale', 'Sales'], ['purchase', 'Purchases'], ['none', 'None']], { default: 'sale' }),
    sequence: float('Sequence', { default: 1 }),
    active: boolean('Active', { default: true }),
  },
};

export const accountMove: ModelDef = {
  name: 'account.move',
  description: 'Journal Entry',
  order: 'date desc, name desc, invoice_date desc, id desc',
  mailThread: true,
  fields: {
    ...magicFields(),
    name: char('Number', { default: '/' }),
    move_type: selection('Type', MOVE_TYPES, { default: 'entry', required: true }),
    state: selection('Status', [['draft', 'Draft'], ['posted', 'Posted'], ['cancel', 'Cancelled']], { default: 'draft', readonly: true }),
    payment_state: selection('Payment Status', [['not_paid', 'Not Paid'], ['in_payment', 'In Payment'], ['paid', 'Paid'], ['partial', 'Partially Paid'], ['reversed', 'Reversed'], ['blocked', 'Blocked'], ['invoicing_legacy', 'Invoicing App Legacy']], { default: 'not_paid' }),
    date: date('Date', { default: (env: Env) => env.now.slice(0, 10) }),
    invoice_date: date('Invoice/Bill Date'),
    invoice_date_due: date('Due Date'),
    invoice_origin: char('Origin'),
    ref: char('Reference'),
    payment_reference: char('Payment Reference'),
    narration: text('Terms and Conditions'),
    partner_id: many2one('res.partner', 'Partner'),
    partner_shipping_id: many2one('res.partner', 'Delivery Address'),
    commercial_partner_id: many2one('res.partner', 'Commercial Entity', {
      compute: (env, r) => {
        let p = r.partner_id ? env.db.get('res.partner', r.partner_id as number) : undefined;
        while (p && !p.is_company && p.parent_id) p = env.db.get('res.partner', p.parent_id as number);
        return p ? p.id : false;
      },
    }),
    currency_id: many2one('res.currency', 'Currency', { default: (env: Env) => env.db.rows('res.currency').find((c) => c.name === 'USD')?.id ?? false }),
    company_id: many2one('res.company', 'Company', { default: 1 }),
    invoice_user_id: many2one('res.users', 'Salesperson'),
    invoice_line_ids: one2many('account.move.line', 'move_id', 'Invoice lines', {
      filter: (l) => !l.display_type || ['product', 'line_section', 'line_note'].includes(l.display_type as string),
    }),
    line_ids: one2many('account.move.line', 'move_id', 'Journal Items'),
    amount_untaxed: monetary('Untaxed Amount', { compute: (env, r) => untaxed(env, r.id) }),
    amount_tax: monetary('Tax', { compute: (env, r) => taxOf(env, r.id) }),
    amount_total: monetary('Total', { compute: (env, r) => round2(untaxed(env, r.id) + taxOf(env, r.id)) }),
    amount_residual: monetary('Amount Due', { compute: (env, r) => (r.payment_state === 'paid' ? 0 : round2(untaxed(env, r.id) + taxOf(env, r.id))) }),
  },
  // 17/18 _compute_display_name: "Draft Invoice (* 25)" until a number is given.
  displayName: (_env, r) => {
    const label = TYPE_LABEL[r.move_type as string] ?? 'Entry';
    if (!r.name || r.name === '/') return `Draft ${label} (* ${r.id})`;
    return r.name as string;
  },
  beforeWrite: (_env, rows, vals) => {
    const guarded = ['partner_id', 'invoice_line_ids', 'line_ids', 'invoice_date', 'move_type', 'currency_id'];
    const posted = rows.find((r) => r.state === 'posted');
    if (posted && guarded.some((k) => k in vals)) {
      throw userError(`You cannot modify a posted entry of this journal.\nFirst you should set the journal to allow cancelling entries.`);
    }
  },
  beforeUnlink: (_env, rows) => {
    if (rows.some((r) => r.state === 'posted')) throw userError('You cannot delete an entry which has been posted once.');
  },
  methods: {
    // Returns False (ODOO-NOTES §6.5).
    action_post: { params: [], onRecords: true, writes: true, fn: (env, _m, { ids }) => { postMoves(env, ids); return false; } },
    button_draft: {
      params: [], onRecords: true, writes: true,
      fn: (env, _m, { ids }) => {
        const rows = browse(env, 'account.move', ids);
        const bad = rows.find((r) => r.state !== 'posted' && r.state !== 'cancel');
        if (bad) throw userError('Only posted/cancelled journal entries can be reset to draft.');
        touchRecords(env, 'account.move', ids, { state: 'draft' });
        return false;
      },
    },
    button_cancel: {
      params: [], onRecords: true, writes: true,
      fn: (env, _m, { ids }) => {
        const rows = browse(env, 'account.move', ids);
        if (rows.some((r) => r.state !== 'draft')) throw userError('Only draft journal entries can be cancelled.');
        touchRecords(env, 'account.move', ids, { state: 'cancel' });
        return false;
      },
    },
  },
};

/** Sequence per journal and year: INV/2026/00001 (customer), BILL/2026/11/0001 (vendor, monthly in 17/18). */
function moveNumber(env: Env, r: Row): string {
  const d = (r.invoice_date as string) || (r.date as string) || env.now.slice(0, 10);
  const [year, month] = d.split('-');
  switch (r.move_type) {
    case 'out_invoice': return `INV/${year}/${String(env.db.nextSequence(`INV/${year}`)).padStart(5, '0')}`;
    case 'out_refund': return `RINV/${year}/${String(env.db.nextSequence(`RINV/${year}`)).padStart(5, '0')}`;
    case 'in_invoice': return `BILL/${year}/${month}/${String(env.db.nextSequence(`BILL/${year}/${month}`)).padStart(4, '0')}`;
    case 'in_refund': return `RBILL/${year}/${month}/${String(env.db.nextSequence(`RBILL/${year}/${month}`)).padStart(4, '0')}`;
    default: return `MISC/${year}/${month}/${String(env.db.nextSequence(`MISC/${year}/${month}`)).padStart(4, '0')}`;
  }
}

export function postMoves(env: Env, ids: number[]): void {
  const rows = browse(env, 'account.move', ids);
  for (const r of rows) {
    // account_move.py _post: "The entry %(name)s (id %(id)s) must be in draft."
    if (r.state !== 'draft') throw userError(`The entry ${r.name as string} (id ${r.id}) must be in draft.`);
    if (r.move_type !== 'entry' && !productLines(env, r.id).length) throw userError('You need to add a line before posting.');
    if (r.move_type !== 'entry' && !r.partner_id) throw userError('The field \'Customer\' is required, please complete it to validate the Customer Invoice.');
  }
  for (const r of rows) {
    const invoiceDate = (r.invoice_date as string) || env.now.slice(0, 10);
    const withDate = { ...r, invoice_date: invoiceDate };
    const name = !r.name || r.name === '/' ? moveNumber(env, withDate as Row) : r.name;
    touchRecords(env, 'account.move', [r.id], {
      state: 'posted', name, invoice_date: invoiceDate, date: invoiceDate,
      invoice_date_due: r.invoice_date_due || invoiceDate,
      payment_reference: r.payment_reference || name,
    });
    touchRecords(env, 'account.move.line', productLines(env, r.id).map((l) => l.id));
  }
}

export const accountMoveLine: ModelDef = {
  name: 'account.move.line',
  description: 'Journal Item',
  order: 'date desc, move_name desc, id',
  fields: {
    ...magicFields(),
    move_id: many2one('account.move', 'Journal Entry', { required: true, ondelete: 'cascade' }),
    move_name: char('Number', { compute: (env, r) => env.db.get('account.move', r.move_id as number)?.name ?? false }),
    date: date('Date', { compute: (env, r) => env.db.get('account.move', r.move_id as number)?.date ?? false }),
    parent_state: selection('Status', [['draft', 'Draft'], ['posted', 'Posted'], ['cancel', 'Cancelled']], { compute: (env, r) => env.db.get('account.move', r.move_id as number)?.state ?? false }),
    display_type: selection('Display Type', [['product', 'Product'], ['cogs', 'Cost of Goods Sold'], ['tax', 'Tax'], ['discount', 'Discount'], ['rounding', 'Rounding'], ['payment_term', 'Payment Term'], ['line_section', 'Section'], ['line_note', 'Note'], ['epd', 'Early Payment Discount']], { default: 'product' }),
    sequence: float('Sequence', { default: 10 }),
    product_id: many2one('product.product', 'Product'),
    name: char('Label'),
    quantity: float('Quantity', { default: 1 }),
    product_uom_id: many2one('uom.uom', 'Unit of Measure'),
    price_unit: float('Unit Price', { default: 0 }),
    discount: float('Discount (%)', { default: 0 }),
    tax_ids: many2many('account.tax', 'Taxes'),
    price_subtotal: monetary('Subtotal', { compute: (_env, r) => subtotal(r) }),
    price_total: monetary('Total', { compute: (env, r) => round2(subtotal(r) + lineTax(env, r)) }),
    sale_line_ids: many2many('sale.order.line', 'Sales Order Lines'),
    purchase_line_id: many2one('purchase.order.line', 'Purchase Order Line'),
    partner_id: many2one('res.partner', 'Partner', { compute: (env, r) => env.db.get('account.move', r.move_id as number)?.partner_id ?? false }),
  },
  beforeCreate: (env, vals) => {
    roundPrice(vals);
    const p = typeof vals.product_id === 'number' ? env.db.get('product.product', vals.product_id) : undefined;
    if (p) {
      vals.name ??= p.default_code ? `[${p.default_code as string}] ${p.name as string}` : p.name;
      vals.product_uom_id ??= p.uom_id;
      if (vals.price_unit === undefined) vals.price_unit = p.list_price;
      // _compute_tax_ids: the product's sales taxes on a customer document, its purchase taxes on a vendor's.
      if (vals.tax_ids === undefined && (vals.display_type ?? 'product') === 'product') {
        const type = env.db.get('account.move', vals.move_id as number)?.move_type as string | undefined;
        const field = type?.startsWith('in_') ? 'supplier_taxes_id' : type?.startsWith('out_') ? 'taxes_id' : undefined;
        if (field) vals.tax_ids = [[6, 0, (p[field] as number[] | undefined) ?? []]];
      }
    }
  },
  beforeWrite: (_env, _rows, vals) => roundPrice(vals),
};

/**
 * sale.advance.payment.inv (17/18): create with context active_model / active_ids, then
 * create_invoices. 'delivered' invoices what qty_to_invoice says (delivered quantities when the
 * product's invoice policy is 'delivery'); nothing to invoice → UserError.
 */
export const saleAdvancePaymentInv: ModelDef = {
  name: 'sale.advance.payment.inv',
  description: 'Sales Advance Payment Invoice',
  transient: true,
  fields: {
    ...magicFields(),
    advance_payment_method: selection('Create Invoice', [['delivered', 'Regular invoice'], ['percentage', 'Down payment (percentage)'], ['fixed', 'Down payment (fixed amount)']], { default: 'delivered' }),
    sale_order_ids: many2many('sale.order', 'Sales Orders', {
      default: (env: Env) => (env.context.active_model === 'sale.order' && Array.isArray(env.context.active_ids) ? [[6, 0, env.context.active_ids]] : false),
    }),
    amount: float('Down Payment', { default: 0 }),
    fixed_amount: monetary('Down Payment Amount (Fixed)', { default: 0 }),
    deduct_down_payments: boolean('Deduct down payments', { default: true }),
  },
  methods: {
    create_invoices: {
      params: [], onRecords: true, writes: true,
      fn: (env, _m, { ids }) => {
        const [wiz] = browse(env, 'sale.advance.payment.inv', ids);
        if (wiz.advance_payment_method !== 'delivered') throw userError('Down payments are not supported by the sandbox Odoo.');
        const orderIds = (wiz.sale_order_ids as number[] | undefined)?.length ? wiz.sale_order_ids as number[] : (env.context.active_ids as number[] | undefined) ?? [];
        const invoices = createInvoices(env, browse(env, 'sale.order', orderIds));
        const action: Record<string, unknown> = {
          name: 'Invoices', type: 'ir.actions.act_window', res_model: 'account.move',
          context: { default_move_type: 'out_invoice' },
        };
        if (invoices.length === 1) Object.assign(action, { views: [[false, 'form']], view_mode: 'form', res_id: invoices[0] });
        else Object.assign(action, { views: [[false, 'list'], [false, 'form']], view_mode: 'list,form', domain: [['id', 'in', invoices]] });
        return action;
      },
    },
  },
};

function createInvoices(env: Env, orders: Row[]): number[] {
  const out: number[] = [];
  for (const o of orders) {
    const lines = env.db.where('sale.order.line', 'order_id', o.id).filter((l) => !l.display_type).map((l) => ({ l, qty: qtyToInvoice(env, l) })).filter((x) => x.qty > 0);
    if (!lines.length) continue;
    const [inv] = createRecords({ ...env, context: {} }, 'account.move', [{
      move_type: 'out_invoice', partner_id: o.partner_invoice_id || o.partner_id, partner_shipping_id: o.partner_shipping_id,
      // sale _prepare_invoice: the order's currency (its pricelist's).
      currency_id: orderCurrency(env, o),
      invoice_origin: o.name, ref: o.client_order_ref || false, payment_reference: o.reference || false,
      invoice_user_id: o.user_id, narration: o.note || false,
      invoice_line_ids: lines.map(({ l, qty }) => [0, 0, {
        product_id: l.product_id, name: l.name, quantity: qty, price_unit: l.price_unit, discount: l.discount,
        tax_ids: [[6, 0, (l.tax_id as number[] | undefined) ?? []]], product_uom_id: l.product_uom, sale_line_ids: [[4, l.id]],
      }]),
    }]);
    out.push(inv.id);
    touchRecords(env, 'sale.order.line', lines.map((x) => x.l.id));
    touchRecords(env, 'sale.order', [o.id]);
  }
  if (!out.length) {
    // sale 17/18 _create_invoices: the first sentence of Odoo's message, which clients match on.
    throw userError('Cannot create an invoice. No items are available to invoice.\n\nTo resolve this issue, please ensure that:\n   • The products have been delivered before attempting to invoice them.\n   • The invoicing policy of the product is configured correctly.');
  }
  return out;
}
