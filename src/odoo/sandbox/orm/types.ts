import type { Row, Store } from '../store';

export type FieldType =
  | 'char' | 'text' | 'html' | 'integer' | 'float' | 'monetary' | 'boolean' | 'selection'
  | 'date' | 'datetime' | 'many2one' | 'one2many' | 'many2many' | 'json';

export interface Env {
  db: Store;
  registry: Registry;
  uid: number;
  context: Record<string, unknown>;
  /** Transaction time, UTC 'YYYY-MM-DD HH:MM:SS': Odoo stamps every write of one call with it. */
  now: string;
  /**
   * create_date/write_date of this call: the transaction's start with microseconds, as Odoo's
   * cr.now() (read back in whole seconds, compared in domains with the microseconds).
   */
  stamp: string;
  version: 17 | 18 | 19;
}

export interface FieldDef {
  type: FieldType;
  string: string;
  relation?: string;
  /** one2many: the many2one on `relation` that points back. */
  inverse?: string;
  /** one2many: only the related rows this keeps (account.move invoice_line_ids vs line_ids). */
  filter?: (row: Row) => boolean;
  required?: boolean;
  readonly?: boolean;
  selection?: [string, string][];
  default?: unknown | ((env: Env, vals: Record<string, unknown>) => unknown);
  /** Not stored: evaluated on every read and search, so it is never stale. */
  compute?: (env: Env, row: Row) => unknown;
  /** many2one: what happens to this row when the target is deleted. */
  ondelete?: 'cascade' | 'set null' | 'restrict';
  /** Field exists only from / until this major version (fields_get and validation follow it). */
  since?: 17 | 18 | 19;
  until?: 16 | 17 | 18;
}

export interface MethodCall {
  ids: number[];
  /** Named arguments, mapped from positional args by the method's `params`. */
  args: Record<string, unknown>;
}

export interface MethodDef {
  /** Python parameter names in order, so positional (execute_kw) and named (JSON-2) calls agree. */
  params: string[];
  /** Called on records (`self` = ids): execute_kw's first positional argument is the id list. */
  onRecords: boolean;
  /** Parameters without a Python default. */
  required?: string[];
  fn: (env: Env, model: string, call: MethodCall) => unknown;
  /** Needs write access (an ACL check like Odoo's). */
  writes?: boolean;
}

export interface ModelHooks {
  /** Fill derived values before insert (sequence names, addresses from the partner ...). */
  beforeCreate?: (env: Env, vals: Record<string, unknown>) => void;
  afterCreate?: (env: Env, row: Row, vals: Record<string, unknown>) => void;
  beforeWrite?: (env: Env, rows: Row[], vals: Record<string, unknown>) => void;
  afterWrite?: (env: Env, rows: Row[], vals: Record<string, unknown>) => void;
  beforeUnlink?: (env: Env, rows: Row[]) => void;
  /** Python constraints (@api.constrains): run after create/write on the touched rows. */
  constrain?: (env: Env, rows: Row[]) => void;
}

export interface ModelDef extends ModelHooks {
  name: string;
  description: string;
  fields: Record<string, FieldDef>;
  /** Default search order (_order). */
  order?: string;
  displayName?: (env: Env, row: Row) => string;
  methods?: Record<string, MethodDef>;
  /** Only admin may touch it (ir.model.data: "Administration/Access Rights"). */
  adminOnly?: boolean;
  /** TransientModel (wizards): no mail.thread, gone after a while in real Odoo. */
  transient?: boolean;
  /** Inherits mail.thread: has message_post. */
  mailThread?: boolean;
}

export interface Registry {
  models: Map<string, ModelDef>;
  model(name: string): ModelDef;
  field(model: string, field: string): FieldDef | undefined;
}
