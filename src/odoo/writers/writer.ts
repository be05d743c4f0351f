import type { CanonicalDocument } from '../../canonical';
import type { Logger } from '../../log/logger';
import type { PartnerProfile } from '../../partners/profile.schema';
import type { OdooClient } from '../client/odoo-client';
import type { ProductCache } from './lookups';

export interface WriterContext {
  client: OdooClient;
  profile: PartnerProfile;
  log: Logger;
  /** Products already looked up (a file's worth of orders asks for each item once); a fresh one per write without it. */
  products?: ProductCache;
}

/** The Odoo record a document became (recorded on the documents row), and a line for the audit trail. */
export interface WriteResult {
  model: string;
  id: number;
  note: string;
}

/**
 * Writes one canonical document into Odoo, idempotently: run again after a retry, a replay or a
 * duplicate file, it finds its own earlier work by its key and changes nothing.
 */
export type OdooWriter<D extends CanonicalDocument = CanonicalDocument> = (doc: D, ctx: WriterContext) => Promise<WriteResult>;
