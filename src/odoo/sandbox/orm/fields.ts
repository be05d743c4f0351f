import type { FieldDef, FieldType } from './types';

type Opts = Partial<Omit<FieldDef, 'type' | 'string'>>;

const mk = (type: FieldType) => (string: string, opts: Opts = {}): FieldDef => ({ type, string, ...opts });

export const char = mk('char');
export const text = mk('text');
export const html = mk('html');
export const integer = mk('integer');
export const float = mk('float');
export const monetary = mk('monetary');
export const boolean = mk('boolean');
export const date = mk('date');
export const datetime = mk('datetime');
export const json = mk('json');

export const selection = (string: string, values: [string, string][], opts: Opts = {}): FieldDef =>
  ({ type: 'selection', string, selection: values, ...opts });
export const many2one = (relation: string, string: string, opts: Opts = {}): FieldDef =>
  ({ type: 'many2one', string, relation, ...opts });
export const one2many = (relation: string, inverse: string, string: string, opts: Opts = {}): FieldDef =>
  ({ type: 'one2many', string, relation, inverse, ...opts });
export const many2many = (relation: string, string: string, opts: Opts = {}): FieldDef =>
  ({ type: 'many2many', string, relation, ...opts });

/** Fields every Odoo model has (models.py "magic" fields and _log_access). */
export function magicFields(): Record<string, FieldDef> {
  return {
    id: integer('ID', { readonly: true }),
    display_name: char('Display Name', { readonly: true }),
    create_date: datetime('Created on', { readonly: true }),
    write_date: datetime('Last Updated on', { readonly: true }),
    create_uid: many2one('res.users', 'Created by', { readonly: true }),
    write_uid: many2one('res.users', 'Last Updated by', { readonly: true }),
  };
}

/** The value Odoo reads for an unset field of each type. */
export function emptyValue(f: FieldDef): unknown {
  if (f.type === 'one2many' || f.type === 'many2many') return [];
  if (f.type === 'integer' || f.type === 'float' || f.type === 'monetary') return 0;
  return false;
}
