import path from 'node:path';
import YAML, { LineCounter, isNode } from 'yaml';
import { readCsv, type XrefIssue } from '../../partners/cross-references';
import type { PartnerProfile } from '../../partners/profile.schema';

/**
 * What `partners check-odoo` asks Odoo about, worked out from the profiles alone (pure): the
 * rights each profile's documents need, the records its settings name (customer, warehouse,
 * pricelists) and the rows of its cross-reference tables, each with the file and line to blame.
 */

export type Operation = 'read' | 'write' | 'create';

/** Where a problem is reported: a profile file line or a table row. */
export interface Place { file: string; line: number }

/** A model right the writers or the outbound events use. */
export interface RightNeed { model: string; operation: Operation; why: string; at: Place }

export interface ProfileChecks {
  profile: PartnerProfile;
  rights: RightNeed[];
  /** Rights that are groups, not model ACLs (Contact Creation for delivery addresses). */
  groups: { group: string; label: string; why: string; at: Place }[];
  /** Why the user needs an email address (chatter messages), if it does. */
  email: { why: string; at: Place }[];
  customer?: { value: string; at: Place };
  warehouse?: { value: string; at: Place };
  pricelists: { setting: string; value: string; at: Place }[];
  /** Odoo units of measure the profile's unit map names (mapping.uom.<unit>.odooUom). */
  uoms: { setting: string; value: string; at: Place }[];
  /** items.csv product codes (default_code) and barcode-type ids (upc/gtin/ean). */
  items: { code: string; barcodes: { column: string; value: string }[]; at: Place }[];
  /** locations.csv delivery_ref (res.partner ref). */
  addresses: { ref: string; store: string; at: Place }[];
  /** Table problems met while reading (the loader reports them too; repeated so none is missed). */
  tableIssues: XrefIssue[];
}

type Doc = PartnerProfile['documents']['inbound'][number];

/** What a document does in Odoo, by direction and type (the writers in src/odoo/writers, the events in src/odoo/events). */
function rightsFor(direction: 'inbound' | 'outbound', doc: Doc): { rights: [string, Operation][]; why: string; email?: string } | undefined {
  const t = doc.type;
  if (direction === 'inbound') {
    if (t === '850' || t === 'ORDERS') {
      return { why: `${t} in: sale orders`, rights: [['sale.order', 'read'], ['sale.order', 'create'], ['sale.order', 'write'], ['sale.order.line', 'create'], ['sale.order.line', 'write'], ['product.product', 'read'], ['res.partner', 'read']] };
    }
    if (t === '945') {
      return { why: '945 in: validating pickings', email: '945 in: validating a picking that leaves a backorder posts a chatter message', rights: [['stock.picking', 'read'], ['stock.picking', 'write'], ['stock.move', 'write'], ['stock.backorder.confirmation', 'create'], ['product.product', 'read']] };
    }
    if (t === '856' || t === 'DESADV') {
      return { why: `${t} in: receipts of purchase orders`, email: `${t} in: the ship notice is noted on the receipt's chatter`, rights: [['purchase.order', 'read'], ['stock.picking', 'read'], ['stock.move', 'write'], ['mail.message', 'read'], ['product.product', 'read']] };
    }
    if (t === '810' || t === 'INVOIC') {
      return { why: `${t} in: vendor bills`, rights: [['purchase.order', 'read'], ['purchase.order.line', 'read'], ['account.move', 'read'], ['account.move', 'create'], ['product.product', 'read']] };
    }
    return undefined;
  }
  if (t === '855' || t === 'ORDRSP') return { why: `${t} out: confirmed sale orders`, rights: [['sale.order', 'read'], ['sale.order.line', 'read'], ['res.partner', 'read'], ['product.product', 'read']] };
  if (t === '856' || t === 'DESADV') return { why: `${t} out: done deliveries`, rights: [['stock.picking', 'read'], ['stock.move', 'read'], ['sale.order', 'read'], ['res.partner', 'read'], ['product.product', 'read']] };
  if (t === '810' || t === 'INVOIC') return { why: `${t} out: posted invoices`, rights: [['account.move', 'read'], ['account.move.line', 'read'], ['sale.order', 'read'], ['res.partner', 'read'], ['product.product', 'read']] };
  if (t === '940') return { why: '940 out: pickings for the 3PL', rights: [['stock.picking', 'read'], ['stock.move', 'read'], ['stock.warehouse', 'read'], ['res.partner', 'read'], ['product.product', 'read']] };
  return undefined;
}

/** Line numbers of a profile file's nodes, by path (as `partners lint` places its errors). */
export function yamlLines(text: string): (p: (string | number)[]) => number {
  const counter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: counter });
  return (p) => {
    for (let n = p.length; n > 0; n--) {
      const node = doc.getIn(p.slice(0, n), true);
      if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
    }
    return 1;
  };
}

/**
 * Every pricelist a profile names: any `odoo` setting whose name says pricelist, as a string or
 * a map of strings (a pricelist per currency), so a new pricelist setting is checked unchanged.
 */
export function pricelistSettings(odoo: Record<string, unknown>): { path: string[]; value: string }[] {
  const out: { path: string[]; value: string }[] = [];
  for (const [k, v] of Object.entries(odoo)) {
    if (!/pricelist/i.test(k)) continue;
    if (typeof v === 'string' && v) out.push({ path: ['odoo', k], value: v });
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [sub, name] of Object.entries(v)) if (typeof name === 'string' && name) out.push({ path: ['odoo', k, sub], value: name });
    }
  }
  return out;
}

const BARCODE_COLUMNS = ['upc', 'gtin', 'ean'];

/** The checks of one profile; `read` gives a file's text (the profile and its tables). */
export function planProfile(profile: PartnerProfile, read: (file: string) => string): ProfileChecks {
  const file = profile.files?.profile ?? `${profile.id}.yaml`;
  const lineOf = profile.files ? yamlLines(read(file)) : () => 1;
  const at = (p: (string | number)[]): Place => ({ file, line: lineOf(p) });
  const checks: ProfileChecks = { profile, rights: [], groups: [], email: [], pricelists: [], uoms: [], items: [], addresses: [], tableIssues: [] };

  for (const direction of ['inbound', 'outbound'] as const) {
    profile.documents[direction].forEach((doc, i) => {
      const need = rightsFor(direction, doc);
      if (!need) return;
      const place = at(['documents', direction, i]);
      for (const [model, operation] of need.rights) checks.rights.push({ model, operation, why: need.why, at: place });
      if (need.email) checks.email.push({ why: need.email, at: place });
    });
  }
  const odoo = profile.odoo;
  if (odoo.autoConfirm) checks.rights.push({ model: 'sale.order', operation: 'write', why: 'odoo.autoConfirm: confirming sale orders', at: at(['odoo', 'autoConfirm']) });
  if (odoo.createDeliveryAddresses) {
    checks.groups.push({ group: 'base.group_partner_manager', label: 'Extra Rights / Contact Creation', why: 'odoo.createDeliveryAddresses: creating delivery addresses', at: at(['odoo', 'createDeliveryAddresses']) });
  }
  if (odoo.customer) checks.customer = { value: odoo.customer, at: at(['odoo', 'customer']) };
  if (odoo.warehouse) {
    checks.warehouse = { value: odoo.warehouse, at: at(['odoo', 'warehouse']) };
    checks.rights.push({ model: 'stock.warehouse', operation: 'read', why: 'odoo.warehouse', at: checks.warehouse.at });
  }
  for (const p of pricelistSettings(odoo as Record<string, unknown>)) {
    checks.pricelists.push({ setting: p.path.join('.'), value: p.value, at: at(p.path) });
    checks.rights.push({ model: 'product.pricelist', operation: 'read', why: p.path.join('.'), at: at(p.path) });
  }
  for (const [unit, rule] of Object.entries(profile.mapping.uom)) {
    if (!rule.odooUom) continue;
    const where = ['mapping', 'uom', unit, 'odooUom'];
    checks.uoms.push({ setting: where.join('.'), value: rule.odooUom, at: at(where) });
    checks.rights.push({ model: 'uom.uom', operation: 'read', why: where.join('.'), at: at(where) });
  }

  const dir = profile.files?.dir;
  const tables = profile.crossReferences;
  if (dir && tables.items) {
    const f = path.resolve(dir, tables.items);
    const csv = readTable(f, read, checks.tableIssues);
    if (csv) {
      const code = csv.header.indexOf('product_code');
      const barcodeCols = csv.header.map((h, i) => [h, i] as const).filter(([h]) => BARCODE_COLUMNS.includes(h));
      for (const row of csv.rows) {
        if (code < 0 || !row.cells[code]) continue;
        checks.items.push({
          code: row.cells[code], at: { file: f, line: row.line },
          barcodes: barcodeCols.filter(([, i]) => row.cells[i]).map(([column, i]) => ({ column, value: row.cells[i] })),
        });
      }
    }
  }
  if (dir && tables.locations) {
    const f = path.resolve(dir, tables.locations);
    const csv = readTable(f, read, checks.tableIssues);
    if (csv) {
      const ref = csv.header.indexOf('delivery_ref');
      const store = csv.header.indexOf('store_number');
      for (const row of csv.rows) {
        if (ref < 0 || !row.cells[ref]) continue;
        checks.addresses.push({ ref: row.cells[ref], store: store >= 0 ? row.cells[store] : '', at: { file: f, line: row.line } });
      }
    }
  }
  return checks;
}

function readTable(file: string, read: (file: string) => string, issues: XrefIssue[]) {
  let text: string;
  try {
    text = read(file);
  } catch (err) {
    issues.push({ file, line: 1, col: 1, message: `cannot read: ${(err as Error).message}` });
    return undefined;
  }
  return readCsv(file, text, issues);
}

/** One problem as a line: `file:line: what value: why`, the file relative to `cwd`. */
export interface Problem { at: Place; subject: string; message: string }

export function formatProblem(p: Problem, cwd = process.cwd()): string {
  const rel = path.relative(cwd, p.at.file);
  const file = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p.at.file;
  return `${file}:${p.at.line}: ${p.subject}: ${p.message}`;
}

/** Values in batches, so that thousands of rows make a handful of reads. */
export function chunks<T>(values: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}
