import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { ItemIds } from '../canonical/common';

/** Our product for a partner's item, found by any of the ids the table gives. */
export interface ItemXref {
  productCode: string;
  /** The unit the partner's quantities are in for this item, when the table says. */
  uom?: string;
}

export interface LocationXref {
  storeNumber: string;
  /** Our delivery address reference (an Odoo contact's ref or external id). */
  deliveryRef: string;
  name?: string;
}

/** The cross-reference tables of one partner, indexed for lookups. */
export interface CrossReferences {
  /** id kind -> partner value -> our product. */
  items?: Map<keyof ItemIds, Map<string, ItemXref>>;
  locations?: Map<string, LocationXref>;
}

export interface XrefIssue {
  file: string;
  line: number;
  col: number;
  message: string;
  /** For a problem with the profile's own field (a table it names that cannot be read): that field's path, to place it. */
  path?: string[];
}

const ITEM_COLUMNS: Record<string, keyof ItemIds> = {
  upc: 'upc', gtin: 'gtin', ean: 'ean', buyer_item: 'buyerItem', vendor_item: 'vendorItem', sku: 'sku',
};

export type Rows = { header: string[]; rows: { line: number; cells: string[] }[] };

export function readCsv(file: string, text: string, issues: XrefIssue[]): Rows | undefined {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false, comment: '#' });
  } catch (err) {
    const e = err as { lines?: number; message: string };
    issues.push({ file, line: e.lines ?? 1, col: 1, message: e.message.replace(/^Invalid Record Length: /, '') });
    return undefined;
  }
  if (records.length === 0) {
    issues.push({ file, line: 1, col: 1, message: 'the table is empty: it needs a header row' });
    return undefined;
  }
  // csv-parse numbers records, not lines; comments and blank lines are rare enough to count by hand.
  const lines = text.split(/\r?\n/);
  const lineOf: number[] = [];
  lines.forEach((l, i) => { if (l.trim() && !l.trim().startsWith('#')) lineOf.push(i + 1); });
  return { header: records[0].map((h) => h.toLowerCase()), rows: records.slice(1).map((cells, i) => ({ line: lineOf[i + 1] ?? i + 2, cells })) };
}

/** items.csv: product_code plus any of upc, gtin, ean, buyer_item, vendor_item, sku, and uom. */
export function parseItemTable(file: string, text: string, issues: XrefIssue[]): CrossReferences['items'] {
  const csv = readCsv(file, text, issues);
  if (!csv) return undefined;
  const codeCol = csv.header.indexOf('product_code');
  const idCols = csv.header.map((h, i) => [ITEM_COLUMNS[h], i] as const).filter(([k]) => k);
  const unknown = csv.header.filter((h) => h !== 'product_code' && h !== 'uom' && !ITEM_COLUMNS[h]);
  if (codeCol < 0 || idCols.length === 0 || unknown.length) {
    issues.push({ file, line: 1, col: 1, message: `header must have product_code and at least one of ${Object.keys(ITEM_COLUMNS).join(', ')} (optional uom)${unknown.length ? `; unknown column ${unknown.join(', ')}` : ''}` });
    return undefined;
  }
  const uomCol = csv.header.indexOf('uom');
  const table = new Map<keyof ItemIds, Map<string, ItemXref>>();
  for (const { line, cells } of csv.rows) {
    const productCode = cells[codeCol];
    if (!productCode) { issues.push({ file, line, col: codeCol + 1, message: 'product_code is empty' }); continue; }
    for (const [kind, col] of idCols) {
      const value = cells[col];
      if (!value) continue;
      const byKind = table.get(kind!) ?? new Map<string, ItemXref>();
      const seen = byKind.get(value);
      if (seen && seen.productCode !== productCode) {
        issues.push({ file, line, col: col + 1, message: `${csv.header[col]} '${value}' is already mapped to ${seen.productCode}` });
        continue;
      }
      byKind.set(value, { productCode, ...(uomCol >= 0 && cells[uomCol] ? { uom: cells[uomCol] } : {}) });
      table.set(kind!, byKind);
    }
  }
  return table;
}

/** locations.csv: store_number, delivery_ref and an optional name. */
export function parseLocationTable(file: string, text: string, issues: XrefIssue[]): CrossReferences['locations'] {
  const csv = readCsv(file, text, issues);
  if (!csv) return undefined;
  const store = csv.header.indexOf('store_number');
  const ref = csv.header.indexOf('delivery_ref');
  const name = csv.header.indexOf('name');
  if (store < 0 || ref < 0) {
    issues.push({ file, line: 1, col: 1, message: 'header must have store_number and delivery_ref (optional name)' });
    return undefined;
  }
  const table = new Map<string, LocationXref>();
  for (const { line, cells } of csv.rows) {
    if (!cells[store] || !cells[ref]) { issues.push({ file, line, col: 1, message: 'store_number and delivery_ref must both be filled' }); continue; }
    if (table.has(cells[store])) { issues.push({ file, line, col: store + 1, message: `store_number '${cells[store]}' appears twice` }); continue; }
    table.set(cells[store], { storeNumber: cells[store], deliveryRef: cells[ref], ...(name >= 0 && cells[name] ? { name: cells[name] } : {}) });
  }
  return table;
}

/** Reads the tables a profile names, relative to the profile file's folder. */
export function loadCrossReferences(profileFile: string, files: { items?: string; locations?: string }, issues: XrefIssue[]): CrossReferences {
  const dir = path.dirname(profileFile);
  const xref: CrossReferences = {};
  const read = (key: 'items' | 'locations', name: string): { file: string; text: string } | undefined => {
    const file = path.resolve(dir, name);
    try {
      return { file, text: fs.readFileSync(file, 'utf8') };
    } catch (err) {
      issues.push({ file: profileFile, line: 1, col: 1, path: ['crossReferences', key], message: `cross-reference table ${name}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}` });
      return undefined;
    }
  };
  if (files.items) { const t = read('items', files.items); if (t) xref.items = parseItemTable(t.file, t.text, issues); }
  if (files.locations) { const t = read('locations', files.locations); if (t) xref.locations = parseLocationTable(t.file, t.text, issues); }
  return xref;
}
